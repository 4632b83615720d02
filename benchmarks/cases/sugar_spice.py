"""Sugar and spice, experiment 1: two one-step-memory Q-learning agents meet again and again.

Each encounter both agents choose trade (0) or steal (1), ε-greedily on their Q-values for
their state: the pair (my last move, your last move), or "first meeting" before any. Payoffs
are trade/trade 3, trade/steal 0, steal/trade 4, steal/steal 1; Q-values start at 1.0 and
learn with rate 0.01 and discount 0.99 (seeds/001). Ties go to trade. The key statistic is
the mean payoff per agent per encounter over the whole run.

The npolitics row runs the sugar-spice world (``benchmarks/npolitics_impl/sugar_spice.py``)
with ``societies`` couples as one population, the same work as the numpy row.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from benchmarks._harness import Outcome, Sizes, needs
from benchmarks.npolitics_impl import sugar_spice as npolitics_impl

DESCRIPTION = "two Q-learning agents with one-step memory playing the prisoner's dilemma"
UNIT = "encounters/s"
SIZES = {
    "quick": {"encounters": 2_000, "societies": 128},
    "full": {"encounters": 100_000, "societies": 128},
}

EPSILON, LEARNING_RATE, DISCOUNT, Q0 = 0.01, 0.01, 0.99, 1.0
PAYOFF = ((3, 0), (4, 1))
"""PAYOFF[my move][your move]; 0 is trade, 1 is steal."""
FIRST_MEETING = 4
"""States 0-3 are 2·(my last move) + (your last move)."""


def work(sizes: Sizes) -> float:
    return sizes["encounters"] * sizes["societies"]


def run_plain(sizes: Sizes, seed: int) -> Outcome:
    """One society, scalar loop: Q-tables as nested lists, one random.Random."""
    rng = random.Random(seed)
    q = [[[Q0, Q0] for _ in range(5)] for _ in range(2)]
    states = [FIRST_MEETING, FIRST_MEETING]
    total = 0
    for _ in range(sizes["encounters"]):
        moves = []
        for agent in (0, 1):
            values = q[agent][states[agent]]
            if rng.random() < EPSILON:
                moves.append(rng.randrange(2))
            else:
                moves.append(0 if values[0] >= values[1] else 1)
        for agent in (0, 1):
            mine, yours = moves[agent], moves[1 - agent]
            reward = PAYOFF[mine][yours]
            after = 2 * mine + yours
            values = q[agent][states[agent]]
            target = reward + DISCOUNT * max(q[agent][after])
            values[mine] += LEARNING_RATE * (target - values[mine])
            states[agent] = after
            total += reward
    return Outcome(total / (2 * sizes["encounters"]), work=sizes["encounters"])


@needs("numpy")
def run_numpy(sizes: Sizes, seed: int) -> float:
    """Many independent societies at once: every array op handles all agents of all societies.

    Agents are rows 2s and 2s+1 of a (2S, 5, 2) Q-table, so "the other agent" of row i is
    row i ^ 1.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    rows = np.arange(2 * sizes["societies"])
    partner = rows ^ 1
    payoff = np.array(PAYOFF)
    q = np.full((rows.size, 5, 2), Q0)
    states = np.full(rows.size, FIRST_MEETING)
    total = 0
    for _ in range(sizes["encounters"]):
        values = q[rows, states]
        greedy = (values[:, 1] > values[:, 0]).astype(np.int64)
        explore = rng.random(rows.size) < EPSILON
        moves = np.where(explore, rng.integers(0, 2, rows.size), greedy)
        yours = moves[partner]
        rewards = payoff[moves, yours]
        after = 2 * moves + yours
        target = rewards + DISCOUNT * q[rows, after].max(axis=1)
        q[rows, states, moves] += LEARNING_RATE * (target - q[rows, states, moves])
        states = after
        total += int(rewards.sum())
    return total / (rows.size * sizes["encounters"])


def _npolitics(run: Callable[[int, int, int], float]) -> Callable[[Sizes, int], float]:
    """The case interface around ``run(societies, encounters, seed)``."""

    @needs("npolitics", "worlds.sugar_spice")
    def adapted(sizes: Sizes, seed: int) -> float:
        return run(sizes["societies"], sizes["encounters"], seed)

    adapted.__doc__ = run.__doc__
    adapted.warm_up = getattr(run, "warm_up", None)  # type: ignore[attr-defined]
    return adapted


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    *((name, _npolitics(run)) for name, run in npolitics_impl.IMPLEMENTATIONS),
    ("plain Python", run_plain),
    ("numpy vectorised over 128 societies", run_numpy),
]
