"""Wellbeing, metrics and invariants over columns: a compiled run samples and checks inside its
compiled instants, and records exactly what an interpreted run records."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import npolitics as npl
from npolitics._engine import Engine

from ._models import plain_python
from ._sampled import Savers, Vault, savers_state, savers_world
from ._support import clocks, needs_numba, same_state


def count_stretches(monkeypatch: Any) -> list[int]:
    """Record how many instants each compiled call runs."""
    calls: list[int] = []
    original = Engine.instants

    def counted(self: Engine, *args: Any, **kwargs: Any) -> int:
        done = original(self, *args, **kwargs)
        calls.append(done)
        return done

    monkeypatch.setattr(Engine, "instants", counted)
    return calls


# -- the same samples --------------------------------------------------------------------


@needs_numba
@pytest.mark.parametrize(
    ("activation", "order"), clocks(("simultaneous", "fixed"), ("sequential", "shuffled"))
)
def test_samples_taken_in_compiled_instants_are_the_interpreted_ones(
    activation: str, order: str
) -> None:
    """Sampled every tick and checked after every instant: the same times, Ω (by type and
    mean), metrics, state, draws and counters as the interpreted run, float for float."""
    runs = []
    for compiled in (True, False):
        world = savers_world(seed=3, n=17, activation=activation, order=order)
        res = world.run(steps=300, check=True, compiled=compiled)
        runs.append((res, savers_state(world)))
    (a, sa), (b, sb) = runs
    assert a.equals(b)
    assert len(a) == 300
    same_state(sa, sb)


@needs_numba
def test_a_run_sampled_every_tick_stays_in_compiled_code(monkeypatch: Any) -> None:
    """Sampling every tick no longer sends a compiled world back to Python at every tick."""
    calls = count_stretches(monkeypatch)
    world = savers_world(seed=5)
    res = world.run(steps=3000, compiled=True)
    assert len(res) == 3000
    assert sum(calls) == 3000
    assert len(calls) <= 2


@needs_numba
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 40), steps=st.integers(0, 60))
def test_any_seed_size_and_length_agree(seed: int, n: int, steps: int) -> None:
    results = [
        savers_world(seed=seed, n=n).run(steps=steps, compiled=compiled, check=True)
        for compiled in (True, False)
    ]
    assert results[0].equals(results[1])


@needs_numba
@given(
    values=st.one_of(
        hnp.arrays(
            np.float64,
            st.integers(0, 1200),
            elements=st.floats(-1e300, 1e300, allow_nan=False),
        ),
        hnp.arrays(
            np.float32, st.integers(0, 300), elements=st.floats(-(2.0**100), 2.0**100, width=32)
        ),
        hnp.arrays(np.int64, st.integers(0, 300), elements=st.integers(-(2**40), 2**40)),
        hnp.arrays(np.bool_, st.integers(0, 300)),
    )
)
def test_omega_is_summed_as_numpy_sums(values: Any) -> None:
    """Compiled code sums each group's W exactly as numpy does (pairwise), bit for bit."""
    from npolitics._engine_support import total

    got, bad = total.dispatcher(values)
    want = float(np.asarray(values, np.float64).sum())
    assert bad == -1
    assert np.array_equal(np.float64(got), np.float64(want), equal_nan=True)


FLOATS = hnp.arrays(
    np.float64, st.integers(0, 1200), elements=st.floats(-1e300, 1e300, allow_nan=False)
)


@given(values=FLOATS)
def test_pairwise_sum_is_numpys_sum_in_plain_python(values: Any) -> None:
    """``npl.pairwise_sum`` is ``a.sum()`` bit for bit, where an in-order sum is not."""
    assert np.array_equal(npl.pairwise_sum(values), values.sum())


@needs_numba
@given(values=FLOATS)
def test_pairwise_sum_is_numpys_sum_compiled(values: Any) -> None:
    assert np.array_equal(npl.pairwise_sum.dispatcher(values), values.sum())


def test_an_in_order_sum_is_not_numpys() -> None:
    """Why the helper exists: the same numbers added in order give another last bit."""
    values = np.random.default_rng(3).standard_normal(1000)
    in_order = 0.0
    for v in values:
        in_order += v
    assert in_order != values.sum()
    assert npl.pairwise_sum(values) == values.sum()


@needs_numba
def test_omega_names_the_first_value_that_is_not_finite() -> None:
    from npolitics._engine_support import total

    assert total.dispatcher(np.array([1.0, 2.0, np.inf, np.nan]))[1] == 2


# -- errors inside a compiled stretch ------------------------------------------------------


@needs_numba
def test_a_broken_invariant_inside_a_compiled_stretch(monkeypatch: Any) -> None:
    """The interpreted run's error, at the same instant, with the world at its end and the
    samples before it recorded (a later run goes on from there)."""
    calls = count_stretches(monkeypatch)
    outcomes = []
    for compiled in (True, False):
        world = savers_world(seed=2, n=6, cap=6)
        with pytest.raises(npl.InvariantError) as info:
            world.run(steps=500, check=True, compiled=compiled)
        assert info.value.invariant == "capped"
        outcomes.append((str(info.value), world.now, savers_state(world)))
        if compiled:
            assert calls
            assert calls[0] == world.now + 1  # it ran inside compiled code
    (ea, ta, sa), (eb, tb, sb) = outcomes
    assert (ea, ta) == (eb, tb)
    same_state(sa, sb)


@needs_numba
def test_an_unchecked_run_does_not_check_invariants() -> None:
    world = savers_world(seed=2, n=6, cap=6)
    assert len(world.run(steps=100, compiled=True)) == 100


@needs_numba
def test_a_wellbeing_that_is_not_finite_is_the_interpreted_error() -> None:
    outcomes = []
    for compiled in (True, False):
        world = savers_world(seed=1, nan_after=40)
        with pytest.raises(npl.WellbeingError) as info:
            world.run(steps=100, compiled=compiled)
        outcomes.append((str(info.value), world.now))
    assert outcomes[0] == outcomes[1]
    assert "wellbeing of savers[0] is nan" in outcomes[0][0]


# -- room in the columns -------------------------------------------------------------------


@needs_numba
def test_compiled_stretches_run_no_further_than_the_room_reserved(monkeypatch: Any) -> None:
    calls = count_stretches(monkeypatch)
    world = savers_world(seed=4, room=7)
    res = world.run(steps=50, compiled=True)
    assert max(calls) <= 7
    assert sum(calls) == 50
    assert world["savers", Savers].reserved[0] >= 7
    for other in (savers_world(seed=4), savers_world(seed=4, room=7)):
        assert other.run(steps=50, compiled=False).equals(res)


def test_reserve_reports_room_for_at_least_one_instant() -> None:
    world = savers_world(room=-1)
    with pytest.raises(npl.DefinitionError, match=r"Savers.reserve\(\d+\) must return"):
        world.run(steps=3, compiled=False)


# -- declaring functions over columns ------------------------------------------------------


def test_wellbeing_over_columns_is_still_an_array_of_the_population() -> None:
    savers = Savers(n=3)
    savers.coins[:] = [0, 1, 3]
    np.testing.assert_array_equal(savers.wellbeing(), [0.0, 0.75, 2.25])
    assert Vault(n=2).wellbeing().tolist() == [0.0, 0.0]


def test_a_metric_over_a_group_that_is_not_a_population() -> None:
    from ._models import Bank

    world = savers_world()
    world.add("bank", Bank())
    world.metric("held", lambda b: 1.0, over="bank")
    with pytest.raises(npl.DefinitionError, match="metric 'held' is over group 'bank'"):
        world.run(steps=1, compiled=False)
    world = savers_world()
    world.invariant("nobody", lambda s: True, over="nobody")
    with pytest.raises(npl.DefinitionError, match="no such group"):
        world.run(steps=1, compiled=False)


def test_a_function_over_columns_takes_one_state_per_group() -> None:
    world = savers_world()
    with pytest.raises(npl.DefinitionError, match=r"over 2 group\(s\) \(savers, vault\)"):
        world.metric("bad", lambda s: 1.0, over=("savers", "vault"))
    with pytest.raises(npl.DefinitionError, match="over= names the populations"):
        world.metric("bad", lambda s: 1.0, over=())


def test_npl_wellbeing_is_for_a_populations_wellbeing() -> None:
    with pytest.raises(npl.DefinitionError, match=r"named 'wellbeing' of an npl\.Population"):

        class Wrong(npl.Population):
            @npl.wellbeing
            def happiness(s: Any) -> Any:
                return s.x

    with pytest.raises(npl.DefinitionError, match=r"wellbeing\(s\)"):
        npl.wellbeing(lambda s, i: 0.0)


@needs_numba
def test_a_metric_numba_cannot_compile_fails_when_the_run_starts() -> None:
    world = savers_world()
    world.metric("bad", lambda s: plain_python(1.0), over="savers")
    with pytest.raises(npl.DefinitionError) as info:
        world.run(steps=3, compiled=True)
    text = str(info.value)
    assert "world 'savers': metric 'bad' is written over columns but cannot be compiled" in text
    assert "numba's message" in text
    assert len(world.run(steps=3, compiled=False)) == 3


@needs_numba
@pytest.mark.slow
def test_a_python_metric_keeps_working_and_returns_at_each_sample(monkeypatch: Any) -> None:
    """One metric that is Python: the compiled run returns to Python at every sample, as
    before, with the same results."""
    calls = count_stretches(monkeypatch)
    results = []
    for compiled in (True, False):
        world = savers_world(seed=9)
        world.metric("poorest", lambda w: float(w["savers"].coins.min()))
        world.sampling(every=5)
        results.append(world.run(steps=40, compiled=compiled))
    assert results[0].equals(results[1])
    assert 0 < max(calls) <= 5
