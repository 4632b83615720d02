"""The compiled traders (numba kernels, blocks of encounters) against the numpy traders.

Where the logic is deterministic (no exploration) both implementations must compute
bit-identical states; where it is random they must agree in distribution: mean payoffs and
final policy codes within 4 standard errors over independent seeds and societies.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npolitics as npl
from worlds.sugar_spice import _compiled, _numba, find_attractors, sugar_spice

needs_numba = pytest.mark.skipif(
    not _compiled.AVAILABLE, reason="numba is not installed (pip install 'npolitics[fast]')"
)
STATE = ("q", "encounters", "payoff_total", "recent", "trading", "partner", "last", "met")


def _scrambled(world: npl.World, seed: int) -> npl.World:
    """Every agent gets its own Q-values, so greedy play is varied (and still deterministic)."""
    q = world["traders"].q
    q[:] = np.random.default_rng(seed).normal(50.0, 3.0, q.shape)
    return world


# -- without numba ----------------------------------------------------------------------------


def test_without_numba_compiled_is_refused_naming_the_extra(monkeypatch: Any) -> None:
    """No numba: implementation='compiled' is a ParameterError that says what to install."""
    monkeypatch.setattr(_numba, "AVAILABLE", False)
    with pytest.raises(npl.ParameterError, match=r"npolitics\[fast\]"):
        sugar_spice(seed=0, implementation="compiled")


@pytest.mark.parametrize(
    "params",
    [
        {"rounds": 10},
        {"rounds": 0},
        {"implementation": "fortran"},
        {"implementation": "compiled", "rounds": 10, "experiment": "growth"},
    ],
)
def test_bad_implementation_parameters_are_refused(params: dict[str, Any]) -> None:
    """Blocks need the compiled kernels and fixed couples; unknown implementations are refused."""
    if params.get("implementation") == "compiled" and not _compiled.AVAILABLE:
        pytest.skip("numba is not installed")
    with pytest.raises(npl.ParameterError):
        sugar_spice(seed=0, **params)


def test_find_attractors_rounds_must_divide_the_check() -> None:
    """A block that would straddle two checks is refused."""
    with pytest.raises(ValueError, match="divide"):
        find_attractors(runs=1, check_every=1000, rounds=300, implementation="compiled")


# -- exact: no exploration --------------------------------------------------------------------


@needs_numba
@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    societies=st.integers(1, 5),
    memory=st.sampled_from([0, 1]),
    rounds=st.sampled_from([1, 2, 7, 50]),
    blocks=st.integers(1, 6),
)
def test_couples_without_exploration_match_exactly(
    seed: int, societies: int, memory: int, rounds: int, blocks: int
) -> None:
    """ε = 0, varied Q-values: numpy (one encounter per tick) and compiled (``rounds`` per tick)
    make the same moves and compute bit-identical Q-values, payoffs and W after the same
    encounters."""
    common = {"societies": societies, "memory": memory, "exploration": 0.0, "learning_rate": 0.1}
    numpy_world = _scrambled(sugar_spice(seed=seed, **common), seed)
    compiled_world = _scrambled(
        sugar_spice(seed=seed, implementation="compiled", rounds=rounds, **common), seed
    )
    numpy_world.run(steps=rounds * blocks)
    compiled_world.run(steps=blocks)
    for name in STATE:
        assert np.array_equal(
            getattr(numpy_world["traders"], name), getattr(compiled_world["traders"], name)
        ), name


@needs_numba
@pytest.mark.parametrize("known_partners", [0, 1, 3])
@pytest.mark.parametrize("memory", [0, 1])
def test_growing_society_without_exploration_matches_exactly(
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
    }
    worlds = [
        _scrambled(sugar_spice(seed=5, implementation=impl, **common), 5)
        for impl in ("numpy", "compiled")
    ]
    for world in worlds:
        world.run(steps=400)
    for name in STATE:
        assert np.array_equal(
            getattr(worlds[0]["traders"], name), getattr(worlds[1]["traders"], name)
        ), name


# -- random: the same distribution ------------------------------------------------------------


@needs_numba
def test_compiled_full_exploration_plays_at_random() -> None:
    """ε = 1 in blocks of 50: every move a fair coin, mean payoff (3 + 0 + 4 + 1)/4 = 2 within
    4 standard errors (payoff variance 2.5 per agent-encounter; the two agents of a couple
    are correlated, hence the factor √2)."""
    world = sugar_spice(seed=2, societies=8, exploration=1.0, implementation="compiled", rounds=50)
    world.run(steps=40)
    t = world["traders"]
    n = t.encounters.sum()
    assert n == 16 * 2000
    assert abs(t.payoff_total.sum() / n - 2.0) < 4 * math.sqrt(2.5 / n) * math.sqrt(2)


@needs_numba
def test_compiled_snapshots_replay_exactly() -> None:
    """The kernels draw from ctx.rng and keep their exploration gaps in ψ: a restored
    snapshot replays bit for bit."""
    world = sugar_spice(seed=4, societies=6, exploration=0.2, implementation="compiled", rounds=25)
    world.run(steps=10)
    snap = world.snapshot()
    world.run(steps=20)
    first = world["traders"].q.copy()
    world.restore(snap)
    world.run(steps=20)
    assert np.array_equal(world["traders"].q, first)


def _census(implementation: str, seeds: range, **params: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per seed: the mean payoff per encounter in each interval between samples; per society:
    agent a's and agent b's final codes."""
    curves, codes = [], []
    rounds = 500 if implementation == "compiled" else 1
    steps, every = params.pop("encounters"), params.pop("every")
    for seed in seeds:
        world = sugar_spice(
            seed=seed,
            implementation=implementation,
            rounds=rounds,
            sample_every=every // rounds,
            **params,
        )
        t = world["traders"]
        totals = []
        for _ in range(steps // every):
            world.run(steps=every // rounds, rollback=False)
            totals.append(t.payoff_total.sum() / (2 * params["societies"]))
        curves.append(np.diff(np.array([0.0, *totals])) / every)
        codes.append(t.codes().reshape(-1, 2))
    return np.array(curves), np.concatenate(codes)


def _within_four_standard_errors(a: np.ndarray, b: np.ndarray) -> None:
    """Column by column, the means of independent samples a and b differ by < 4 s.e."""
    se = np.sqrt(a.var(axis=0, ddof=1) / len(a) + b.var(axis=0, ddof=1) / len(b))
    gap = np.abs(a.mean(axis=0) - b.mean(axis=0))
    assert np.all(gap <= 4 * se + 1e-12), (a.mean(axis=0), b.mean(axis=0), se)


def _same_code_shares(a: np.ndarray, b: np.ndarray, n_codes: int) -> None:
    """Per agent slot and code: two independent proportions (one per society) within 4 s.e.
    of their pooled binomial standard error."""
    for slot in (0, 1):
        for code in range(n_codes):
            pa, pb = np.mean(a[:, slot] == code), np.mean(b[:, slot] == code)
            pooled = (pa * len(a) + pb * len(b)) / (len(a) + len(b))
            se = math.sqrt(pooled * (1 - pooled) * (1 / len(a) + 1 / len(b)))
            assert abs(pa - pb) <= 4 * se, (slot, code, pa, pb, se)


@needs_numba
@pytest.mark.slow
def test_memory_one_learning_agrees_in_distribution() -> None:
    """Memory 1, α = 0.1, ε = 0.1, 32 couples × 2·10⁴ encounters (5 seeds in numpy, 10 compiled,
    the cheap side): the payoff curve
    (means over 5000-encounter intervals) and the final codes agree between implementations."""
    params = {"societies": 32, "learning_rate": 0.1, "exploration": 0.1}
    curves_n, codes_n = _census("numpy", range(5), encounters=20_000, every=5_000, **params)
    curves_c, codes_c = _census(
        "compiled", range(100, 110), encounters=20_000, every=5_000, **params
    )
    _within_four_standard_errors(curves_n, curves_c)
    _same_code_shares(codes_n, codes_c, 16)


@needs_numba
@pytest.mark.slow
def test_decaying_exploration_agrees_in_distribution() -> None:
    """Memory 0 with ε from 1 halving every 2000 encounters (the schedule under which the
    seed's 'always steal' holds): payoff curves and final codes agree between implementations."""
    params = {
        "societies": 32,
        "memory": 0,
        "learning_rate": 0.1,
        "exploration": 1.0,
        "schedule": "exponential",
        "half_life": 2000.0,
    }
    curves_n, codes_n = _census("numpy", range(5), encounters=10_000, every=2_500, **params)
    curves_c, codes_c = _census(
        "compiled", range(100, 110), encounters=10_000, every=2_500, **params
    )
    _within_four_standard_errors(curves_n, curves_c)
    _same_code_shares(codes_n, codes_c, 2)
