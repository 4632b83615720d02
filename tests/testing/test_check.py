"""check_world: passing worlds report what ran; failing ones are shrunk and reproducible."""

from __future__ import annotations

import re

import pytest
from hypothesis import strategies as st

import npolitics as npl
from npolitics.testing import FINITE_WELLBEING, WorldCheckError, check_world, world_test

from . import _worlds
from ._worlds import coin_world

#: The parameters that play no part in the planted faults, pinned so shrinking is quick.
QUIET = {"rate": 0.5, "mood": "calm", "loud": False}


def test_a_correct_world_passes_and_reports_what_ran() -> None:
    """Every example runs its steps with every invariant checked."""
    report = check_world(
        coin_world, max_examples=10, steps=6, params={"leak_at": -1, "blow_up_at": -1}
    )
    assert report.world == "coins-check"
    assert report.examples == 10
    assert report.instants == 10 * 6
    assert report.invariants == ("money conserved", FINITE_WELLBEING)


def test_a_planted_leak_is_shrunk_to_its_minimal_example() -> None:
    """The leak needs a holder with a coin and a tick ≥ 0: the shrunk example is the
    smallest such world, and it names the invariant and the instant."""
    with pytest.raises(WorldCheckError) as info:
        check_world(coin_world, max_examples=100, steps=6, params={"blow_up_at": -1, **QUIET})
    error = info.value
    assert error.invariant == "money conserved"
    assert error.params["leak_at"] == 0
    assert error.params["holders"] == 1
    assert error.params["coins"] == 1
    assert error.seed == 0
    assert error.time == 0
    assert "broke invariant 'money conserved' at t=0" in str(error)
    assert isinstance(error, AssertionError)
    assert isinstance(error.__cause__, npl.InvariantError)

    # Running the reported example by hand breaks the same invariant at the same time.
    world = coin_world(seed=error.seed, **error.params)
    with pytest.raises(npl.InvariantError) as again:
        world.run(6, check=True)
    assert (again.value.invariant, again.value.time) == (error.invariant, error.time)
    assert re.search(r"reproduce: .*\(seed=0, holders=1, ", str(error))


def test_a_handler_fault_is_reported_with_its_cause() -> None:
    """A handler that raises is a failure too: the report names the time and the cause."""
    with pytest.raises(WorldCheckError) as info:
        check_world(coin_world, max_examples=50, steps=6, params={"leak_at": -1, **QUIET})
    error = info.value
    assert error.invariant is None
    assert error.params["blow_up_at"] == 0
    assert error.time == 0
    assert "RuntimeError: planted handler fault" in str(error)


def test_fixed_parameters_and_strategies_are_respected() -> None:
    """``params`` pins a value or draws from a given strategy; ``seed`` pins the seed."""
    seen: list[tuple[int, int]] = []

    def factory(seed: int, **values: int) -> npl.World:
        seen.append((seed, values["holders"]))
        return coin_world(seed=seed, **values)

    check_world(
        factory,
        max_examples=5,
        steps=2,
        seed=7,
        params={"holders": st.sampled_from([2, 3]), "coins": 1, "leak_at": -1, "blow_up_at": -1},
    )
    assert seen
    assert {s for s, _ in seen} == {7}
    assert {h for _, h in seen} <= {2, 3}


def test_until_runs_to_a_time() -> None:
    """``until=T`` runs every example to time T (instants 0 … T)."""
    report = check_world(
        coin_world, max_examples=3, until=4, params={"leak_at": -1, "blow_up_at": -1}
    )
    assert report.instants == 3 * 5


def test_a_world_without_invariants_is_refused() -> None:
    """Nothing to check is a mistake, unless asked for."""
    with pytest.raises(ValueError, match="declares no invariants"):
        check_world(_worlds.no_invariants, max_examples=2, steps=2)
    report = check_world(_worlds.no_invariants, max_examples=2, steps=2, require_invariants=False)
    assert report.invariants == (FINITE_WELLBEING,)


def test_non_finite_wellbeing_is_caught() -> None:
    """The added invariant catches W(ψ) turning NaN, at the first instant it does."""
    with pytest.raises(WorldCheckError) as info:
        check_world(_worlds.nan_wellbeing, max_examples=20, steps=12)
    assert info.value.invariant == FINITE_WELLBEING
    assert info.value.params == {"n": 1}
    assert info.value.time == 1


def test_an_invariant_broken_before_the_first_instant() -> None:
    """Invariants are checked on the freshly built world too; the assertion text is kept."""
    with pytest.raises(WorldCheckError, match="before the first instant") as info:
        check_world(_worlds.born_broken, max_examples=2, steps=2)
    assert info.value.time is None
    assert "mood is 0.0" in str(info.value.__cause__)


def test_steps_and_until_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        check_world(coin_world, steps=2, until=2)


def test_unknown_fixed_parameters_are_refused() -> None:
    with pytest.raises(npl.ParameterError, match="no parameter"):
        check_world(coin_world, max_examples=1, params={"holderz": 3})


def test_a_factory_must_return_a_world() -> None:
    with pytest.raises(WorldCheckError, match=r"not an npolitics\.World"):
        check_world(lambda seed: 42, max_examples=1, require_invariants=False)


def test_an_unknown_world_name_is_refused() -> None:
    with pytest.raises(npl.UnknownWorldError):
        check_world("no-such-world", max_examples=1)


test_coin_world_in_one_line = world_test(
    coin_world, max_examples=5, steps=3, params={"leak_at": -1, "blow_up_at": -1}
)


def test_a_test_can_add_invariants_to_a_world_it_does_not_own() -> None:
    """``invariants=`` are checked like declared ones, and satisfy ``require_invariants``."""
    report = check_world(
        _worlds.no_invariants,
        max_examples=3,
        steps=2,
        invariants={"no debts": lambda w: bool((w["crowd"].coins >= 0).all())},
    )
    assert report.invariants == ("no debts", FINITE_WELLBEING)
    with pytest.raises(WorldCheckError) as info:
        check_world(
            coin_world,
            max_examples=50,
            steps=3,
            params={"leak_at": -1, "blow_up_at": -1, **QUIET},
            invariants={"nobody holds 5": lambda w: int(w["crowd"].coins.max()) < 5},
        )
    assert info.value.invariant == "nobody holds 5"
