"""A ROSCA (rotating savings and credit association) written as a cadCAD model.

After the blockchain-ROSCA notebook of seeds/002: its state variables, its contributer and
cheater policies (a contributer pays while the pot is worth more than (1 + θ) times what was
stolen last round; a cheater steals with probability 0.3), its reward and cost parameters
β, γ, δ. Extended to M members who each pay ``contribution`` a month while one member, in
turn, receives the pot; a cheating round loses the fraction ζ of the pot.

Only the standard library is used, so that cadCAD, radCAD (in its own virtualenv) and the
npolitics cadCAD layer can all be fed these same functions. With ``deterministic`` true the
cheater's coin is a hash of (run, timestep) instead of ``random``, so every framework must
produce the same frame, which :func:`checksum` verifies.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Mapping
from typing import Any

State = Mapping[str, Any]
Params = Mapping[str, Any]


def genesis_state(members: int = 10) -> dict[str, Any]:
    """The notebook's variables (its pot opens at 3000) plus the pot's rotation and balances."""
    return {
        "Contributers_On": True,
        "Cheaters_On": False,
        "Total_Collected": 3000.0,
        "Honest_Volume": 3000.0,
        "Cheats_Volume": 0.0,
        "Contributers_Rating": 0,
        "Cheaters_Cost": 0.0,
        "Cheater_Reward": 0.0,
        "Round": 0,
        "Balances": (0.0,) * members,
    }


def sweep_params(members: int = 10, deterministic: bool = True) -> dict[str, list[Any]]:
    """Parameters in cadCAD's sweep form: one list of values per name (here, one value)."""
    return {
        "members": [members],
        "contribution": [100.0],
        "cheat_probability": [0.3],
        "theta": [0.1],
        "zeta": [0.2],
        "beta": [0.4],
        "gamma": [1.0],
        "delta": [0.25],
        "deterministic": [deterministic],
    }


def _hashed_coin(run: int, timestep: int) -> float:
    """A uniform-looking number in [0, 1) fixed by (run, timestep): Knuth's multiplicative hash."""
    return ((run * 7919 + timestep) * 2654435761 % 2**32) / 2**32


# Policies: (params, substep, state_history, previous_state) -> signal


def p_contributer(params: Params, substep: int, history: list[Any], s: State) -> dict[str, Any]:
    """Contribute while the pot is worth more than (1 + θ) times what was stolen last round."""
    return {"contribute": s["Total_Collected"] > (1 + params["theta"]) * s["Cheats_Volume"]}


def p_cheater(params: Params, substep: int, history: list[Any], s: State) -> dict[str, Any]:
    """Steal this round with probability ``cheat_probability``."""
    deterministic = params["deterministic"]
    coin = _hashed_coin(s["run"], s["timestep"]) if deterministic else random.random()
    return {"cheat": coin < params["cheat_probability"]}


def p_settle(params: Params, substep: int, history: list[Any], s: State) -> dict[str, Any]:
    """Collect the month's contributions; a cheater takes the fraction ζ of the pot."""
    collected = params["contribution"] * params["members"] if s["Contributers_On"] else 0.0
    stolen = params["zeta"] * collected if s["Cheaters_On"] else 0.0
    return {"collected": collected, "stolen": stolen}


# State updates: (params, substep, state_history, previous_state, signal) -> (name, value)


def s_contributers_on(
    params: Params, substep: int, history: list[Any], s: State, p: State
) -> tuple[str, Any]:
    return "Contributers_On", p["contribute"]


def s_cheaters_on(
    params: Params, substep: int, history: list[Any], s: State, p: State
) -> tuple[str, Any]:
    return "Cheaters_On", p["cheat"]


def s_total_collected(
    params: Params, substep: int, history: list[Any], s: State, p: State
) -> tuple[str, Any]:
    return "Total_Collected", s["Total_Collected"] + p["collected"]


def s_honest_volume(
    params: Params, substep: int, history: list[Any], s: State, p: State
) -> tuple[str, Any]:
    return "Honest_Volume", s["Honest_Volume"] + p["collected"] - p["stolen"]


def s_cheats_volume(
    params: Params, substep: int, history: list[Any], s: State, p: State
) -> tuple[str, Any]:
    return "Cheats_Volume", p["stolen"]


def s_contributers_rating(
    params: Params, substep: int, history: list[Any], s: State, p: State
) -> tuple[str, Any]:
    """A month paid in raises the rating by one, a month missed lowers it by one."""
    return "Contributers_Rating", s["Contributers_Rating"] + (1 if p["collected"] else -1)


def s_cheaters_cost(
    params: Params, substep: int, history: list[Any], s: State, p: State
) -> tuple[str, Any]:
    """Active contributers catch the cheater, who pays δ times the volume stolen."""
    caught = s["Contributers_On"] and p["stolen"]
    return "Cheaters_Cost", s["Cheaters_Cost"] + (params["delta"] * p["stolen"] if caught else 0)


def s_cheater_reward(
    params: Params, substep: int, history: list[Any], s: State, p: State
) -> tuple[str, Any]:
    return "Cheater_Reward", s["Cheater_Reward"] + params["gamma"] * p["stolen"]


def s_round(
    params: Params, substep: int, history: list[Any], s: State, p: State
) -> tuple[str, Any]:
    return "Round", s["Round"] + 1


def s_balances(
    params: Params, substep: int, history: list[Any], s: State, p: State
) -> tuple[str, Any]:
    """Everyone pays their share of what was collected; this round's recipient gets the rest."""
    share = p["collected"] / params["members"]
    recipient = s["Round"] % params["members"]
    pot = p["collected"] - p["stolen"]
    return "Balances", tuple(
        balance - share + (pot if member == recipient else 0.0)
        for member, balance in enumerate(s["Balances"])
    )


PARTIAL_STATE_UPDATE_BLOCKS: list[dict[str, dict[str, Any]]] = [
    {
        "policies": {"contributer": p_contributer, "cheater": p_cheater},
        "variables": {"Contributers_On": s_contributers_on, "Cheaters_On": s_cheaters_on},
    },
    {
        "policies": {"settle": p_settle},
        "variables": {
            "Total_Collected": s_total_collected,
            "Honest_Volume": s_honest_volume,
            "Cheats_Volume": s_cheats_volume,
            "Contributers_Rating": s_contributers_rating,
            "Cheaters_Cost": s_cheaters_cost,
            "Cheater_Reward": s_cheater_reward,
            "Round": s_round,
            "Balances": s_balances,
        },
    },
]
"""Block 1: the members decide; block 2: the month is settled on those decisions."""

INDEX_COLUMNS = ("simulation", "subset", "run", "substep", "timestep")


def checksum(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Frame shape and a digest of every row's state, in canonical row and column order.

    ``records`` are the rows of the output frame (cadCAD's raw result, radCAD's result).
    Rows are sorted by (run, timestep, substep) and the state variables by name, so the digest
    depends on the values only, not on a framework's ordering or its pandas version.
    """
    rows = sorted(records, key=lambda r: (r["run"], r["timestep"], r["substep"]))
    names = sorted(set(rows[0]) - set(INDEX_COLUMNS))
    canonical = json.dumps([[row[name] for name in names] for row in rows])
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    return {"rows": len(rows), "columns": len(rows[0]), "sha256": digest}
