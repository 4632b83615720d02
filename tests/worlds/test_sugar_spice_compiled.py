"""Sugar-spice's rules, compiled and interpreted, against each other and an array oracle.

The traders' rules are written once: a compiled run and an interpreted run of the same seed
must compute bit-identical states. Against an independent second form (the array oracle in
``sugar_spice_oracle``): bit-identical states where the logic is deterministic (no
exploration), and the same distribution where it is random (mean payoffs and final policy
codes within 4 standard errors over independent seeds and societies).
"""

from __future__ import annotations

import importlib.util
import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npolitics as npl
from worlds.sugar_spice import Params, find_attractors, sugar_spice

from .sugar_spice_oracle import oracle_world

needs_numba = pytest.mark.skipif(
    importlib.util.find_spec("numba") is None,
    reason="numba is not installed (pip install 'npolitics[fast]')",
)
STATE = (
    "q",
    "encounters",
    "payoff_total",
    "recent",
    "trading",
    "partner",
    "last",
    "met",
    "code",
    "changed",
)


def _scrambled(world: npl.World, seed: int) -> npl.World:
    """Every agent gets its own Q-values, so greedy play is varied (and still deterministic)."""
    q = world["traders"].q
    q[:] = np.random.default_rng(seed).normal(50.0, 3.0, q.shape)
    return world


def _same_state(a: npl.World, b: npl.World, names: tuple[str, ...] = STATE) -> None:
    for name in names:
        assert np.array_equal(getattr(a["traders"], name), getattr(b["traders"], name)), name


# -- the execution strategy is the run's, not the world's --------------------------------------


def test_how_a_run_executes_is_not_a_parameter() -> None:
    """No world parameter chooses compiled or interpreted rules."""
    names = {a.name for a in attrs.fields(Params)}
    assert not names & {"implementation", "compiled"}


@needs_numba
@pytest.mark.parametrize(
    "params",
    [
        {"societies": 5, "exploration": 0.2, "rounds": 7, "check_every": 14},
        {"societies": 3, "memory": 0, "exploration": 1.0, "schedule": "exponential"},
        {"experiment": "growth", "agents": 30, "join_every": 5, "exploration": 0.1},
        {"experiment": "growth", "agents": 20, "known_partners": 0, "memory": 0},
    ],
    ids=["couples-blocks", "decaying", "growth", "growth-strangers"],
)
def test_compiled_and_interpreted_runs_are_bit_identical(params: dict[str, Any]) -> None:
    """One seed, the same rules compiled (numba) or run as Python: the same draws, the same
    states bit for bit (floating point included), the same sampled frame."""
    params = {"half_life": 30.0, "sample_every": 20, **params}
    worlds = [sugar_spice(seed=3, **params) for _ in range(2)]
    frames = [
        w.run(steps=200, compiled=c).frame() for w, c in zip(worlds, (True, False), strict=True)
    ]
    _same_state(*worlds, (*STATE, "gap"))
    assert frames[0].equals(frames[1])


@needs_numba
def test_find_attractors_is_the_same_compiled_or_not() -> None:
    """The census is the same table whichever way the rules run."""
    common = {"runs": 3, "seed": 4, "window": 3000, "max_encounters": 6000, "check_every": 1000}
    tables = [find_attractors(compiled=c, learning_rate=0.1, **common) for c in (True, False)]
    assert tables[0].equals(tables[1])
    assert tables[0].attrs["runs"].equals(tables[1].attrs["runs"])


# -- exact against the array oracle: no exploration --------------------------------------------


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    societies=st.integers(1, 5),
    memory=st.sampled_from([0, 1]),
    rounds=st.sampled_from([1, 2, 7, 50]),
    blocks=st.integers(1, 4),
)
def test_couples_without_exploration_match_the_oracle(
    seed: int, societies: int, memory: int, rounds: int, blocks: int
) -> None:
    """ε = 0, varied Q-values: the oracle (one encounter per tick) and the world (``rounds``
    per tick) make the same moves and compute bit-identical Q-values, payoffs and W after the
    same encounters."""
    common = {
        "societies": societies,
        "memory": memory,
        "exploration": 0.0,
        "learning_rate": 0.1,
        "check_every": 350,
    }
    with pytest.MonkeyPatch.context() as mp:
        oracle = _scrambled(oracle_world(mp, seed=seed, **common), seed)
    world = _scrambled(sugar_spice(seed=seed, rounds=rounds, **common), seed)
    oracle.run(steps=rounds * blocks)
    world.run(steps=blocks)
    _same_state(oracle, world, STATE[:-2])


@pytest.mark.parametrize("known_partners", [0, 1, 3])
@pytest.mark.parametrize("memory", [0, 1])
def test_growing_society_without_exploration_matches_the_oracle(
    known_partners: int, memory: int
) -> None:
    """ε = 0 in the growing society (random pairs, partners remembered and forgotten): the
    same pairs meet (the matchmaker's stream is shared) and every state is bit-identical."""
    common = {
        "experiment": "growth",
        "agents": 24,
        "join_every": 10,
        "memory": memory,
        "known_partners": known_partners,
        "exploration": 0.0,
        "learning_rate": 0.1,
        "check_every": 7,
    }
    with pytest.MonkeyPatch.context() as mp:
        oracle = _scrambled(oracle_world(mp, seed=5, **common), 5)
    world = _scrambled(sugar_spice(seed=5, **common), 5)
    oracle.run(steps=300)
    world.run(steps=300)
    _same_state(oracle, world)


# -- random: plays, replays ---------------------------------------------------------------------


def test_full_exploration_in_blocks_plays_at_random() -> None:
    """ε = 1 in blocks of 50: every move a fair coin, mean payoff (3 + 0 + 4 + 1)/4 = 2 within
    4 standard errors (payoff variance 2.5 per agent-encounter; the two agents of a couple
    are correlated, hence the factor √2)."""
    world = sugar_spice(seed=2, societies=8, exploration=1.0, rounds=50, check_every=50)
    world.run(steps=40)
    t = world["traders"]
    n = t.encounters.sum()
    assert n == 16 * 2000
    assert abs(t.payoff_total.sum() / n - 2.0) < 4 * math.sqrt(2.5 / n) * math.sqrt(2)


def test_snapshots_replay_exactly() -> None:
    """The rules draw from ctx.rng and keep their exploration gaps in ψ: a restored
    snapshot replays bit for bit."""
    world = sugar_spice(seed=4, societies=6, exploration=0.2, rounds=25, check_every=50)
    world.run(steps=10)
    snap = world.snapshot()
    world.run(steps=20)
    first = world["traders"].q.copy()
    world.restore(snap)
    world.run(steps=20)
    assert np.array_equal(world["traders"].q, first)


# -- random: the same distribution as the oracle -------------------------------------------------


def _census(
    oracle: bool, seeds: range, **params: Any
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Per seed: the mean payoff per encounter in each interval between samples; per society:
    agent a's and agent b's final codes."""
    curves, codes = [], []
    rounds = 1 if oracle else 500
    steps, every = params.pop("encounters"), params.pop("every")
    for seed in seeds:
        common = {"seed": seed, "rounds": rounds, "sample_every": every // rounds, **params}
        if oracle:
            with pytest.MonkeyPatch.context() as mp:
                world = oracle_world(mp, **common)
        else:
            world = sugar_spice(**common)
        t = world["traders"]
        totals = []
        for _ in range(steps // every):
            world.run(steps=every // rounds, rollback=False)
            totals.append(t.payoff_total.sum() / (2 * params["societies"]))
        curves.append(np.diff(np.array([0.0, *totals])) / every)
        codes.append(t.codes().reshape(-1, 2))
    return np.array(curves), np.concatenate(codes)


def _within_four_standard_errors(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> None:
    """Column by column, the means of independent samples a and b differ by < 4 s.e."""
    se = np.sqrt(a.var(axis=0, ddof=1) / len(a) + b.var(axis=0, ddof=1) / len(b))
    gap = np.abs(a.mean(axis=0) - b.mean(axis=0))
    assert np.all(gap <= 4 * se + 1e-12), (a.mean(axis=0), b.mean(axis=0), se)


def _same_code_shares(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any], n_codes: int) -> None:
    """Per agent slot and code: two independent proportions (one per society) within 4 s.e.
    of their pooled binomial standard error."""
    for slot in (0, 1):
        for code in range(n_codes):
            pa, pb = np.mean(a[:, slot] == code), np.mean(b[:, slot] == code)
            pooled = (pa * len(a) + pb * len(b)) / (len(a) + len(b))
            se = math.sqrt(pooled * (1 - pooled) * (1 / len(a) + 1 / len(b)))
            assert abs(pa - pb) <= 4 * se, (slot, code, pa, pb, se)


@pytest.mark.slow
def test_memory_one_learning_agrees_in_distribution() -> None:
    """Memory 1, α = 0.1, ε = 0.1, 32 couples × 2·10⁴ encounters (5 seeds for the oracle, 10
    for the world, the cheap side): the payoff curve (means over 5000-encounter intervals)
    and the final codes agree."""
    params = {"societies": 32, "learning_rate": 0.1, "exploration": 0.1}
    curves_o, codes_o = _census(True, range(5), encounters=20_000, every=5_000, **params)
    curves_w, codes_w = _census(False, range(100, 110), encounters=20_000, every=5_000, **params)
    _within_four_standard_errors(curves_o, curves_w)
    _same_code_shares(codes_o, codes_w, 16)


@pytest.mark.slow
def test_decaying_exploration_agrees_in_distribution() -> None:
    """Memory 0 with ε from 1 halving every 2000 encounters (the schedule under which the
    seed's 'always steal' holds): payoff curves and final codes agree."""
    params = {
        "societies": 32,
        "memory": 0,
        "learning_rate": 0.1,
        "exploration": 1.0,
        "schedule": "exponential",
        "half_life": 2000.0,
    }
    curves_o, codes_o = _census(True, range(5), encounters=10_000, every=2_500, **params)
    curves_w, codes_w = _census(False, range(100, 110), encounters=10_000, every=2_500, **params)
    _within_four_standard_errors(curves_o, curves_w)
    _same_code_shares(codes_o, codes_w, 2)


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"rounds": 0},
        {"rounds": 10, "experiment": "growth"},
        {"rounds": 300, "check_every": 1000},
        {"implementation": "compiled"},
    ],
)
def test_bad_block_parameters_are_refused(params: dict[str, Any]) -> None:
    """Blocks need fixed couples and must end at the agents' checks; there is no
    ``implementation`` parameter any more."""
    with pytest.raises(npl.ParameterError):
        sugar_spice(seed=0, **params)


def test_find_attractors_rounds_must_divide_the_check() -> None:
    """A block that would straddle two checks is refused."""
    with pytest.raises(ValueError, match="divide"):
        find_attractors(runs=1, check_every=1000, rounds=300)
