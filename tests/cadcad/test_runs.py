"""Seeds, random streams, the distributable unit, memory sharing and the frame builder."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from npolitics import cadcad


def p_draw(params: Any, substep: int, history: Any, s: Any) -> dict[str, Any]:
    return {"draw": float(cadcad.rng().random())}


def p_legacy(params: Any, substep: int, history: Any, s: Any) -> dict[str, Any]:
    return {"draw": random.random() + float(np.random.random())}  # noqa: NPY002


def s_walk(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
    return "x", s["x"] + p["draw"]


def blocks(policy: Any) -> list[dict[str, Any]]:
    return [{"policies": {"draw": policy}, "variables": {"x": s_walk}}]


def frame(policy: Any, seed: int, runs: int = 3, **options: Any) -> pd.DataFrame:
    config = cadcad.config_sim({"N": runs, "T": range(5), "M": {"k": [1, 2]}})
    return cadcad.run({"x": 0.0}, blocks(policy), config, seed=seed, **options)


def test_same_seed_same_frame_other_seed_other_frame() -> None:
    pd.testing.assert_frame_equal(frame(p_draw, 1), frame(p_draw, 1))
    assert not frame(p_draw, 1)["x"].equals(frame(p_draw, 2)["x"])


def test_runs_have_their_own_streams() -> None:
    """A run's draws depend on its identity, not on how many runs there are or their order."""
    three = frame(p_draw, 4, runs=3)
    one = frame(p_draw, 4, runs=1)
    first = three[(three["run"] == 1) & (three["subset"] == 0)].reset_index(drop=True)
    pd.testing.assert_frame_equal(first, one[one["subset"] == 0].reset_index(drop=True))
    assert three.groupby(["subset", "run"])["x"].last().nunique() == 6


def test_runs_advancing_together_draw_as_runs_advancing_apart() -> None:
    pd.testing.assert_frame_equal(
        frame(p_draw, 5, legacy_random=True), frame(p_draw, 5, legacy_random=False)
    )


def test_legacy_global_generators_are_seeded_per_run_and_restored() -> None:
    """Models calling random.random() unchanged are reproducible; the caller's state is kept."""
    random.seed(99)
    before = random.random()
    random.seed(99)
    first = frame(p_legacy, 7)
    assert random.random() == before
    pd.testing.assert_frame_equal(first, frame(p_legacy, 7))


def p_legacy_late(params: Any, substep: int, history: Any, s: Any) -> dict[str, Any]:
    """Draws from the global generators in the second subset's runs only."""
    return {"draw": random.random() if s["subset"] == 1 else 1.0}


@pytest.mark.parametrize("policy", [p_legacy, p_legacy_late], ids=["every run", "later runs"])
def test_legacy_runs_see_the_global_generators_as_if_each_ran_alone(policy: Any) -> None:
    """Runs that draw from the global generators get each run's own seeding (the rest advance
    together, which must not show)."""
    model = cadcad.compile_model({"x": 0.0}, blocks(policy))
    jobs = cadcad.jobs(cadcad.config_sim({"N": 3, "T": range(4), "M": {"k": [1, 2]}}))
    together = cadcad.simulate(model, jobs, seed=8)
    alone = [cadcad.simulate(model, [job], seed=8)[0] for job in jobs]
    assert together == alone
    assert len({rows[-1]["x"] for rows in together[3:]}) == 3


def test_rng_outside_a_run_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="call it from a policy or state update function"):
        cadcad.rng()


def test_one_job_at_a_time_gives_the_same_rows() -> None:
    """simulate(model, [job]) is the unit to distribute: the same rows as the whole run."""
    model = cadcad.compile_model({"x": 0.0}, blocks(p_draw))
    jobs = cadcad.jobs(cadcad.config_sim({"N": 2, "T": range(4), "M": {"k": [1, 2]}}))
    whole = cadcad.simulate(model, jobs, seed=3, legacy_random=False)
    apart = [cadcad.simulate(model, [job], seed=3)[0] for job in reversed(jobs)]
    assert whole == list(reversed(apart))


def test_unchanged_values_are_shared_not_copied() -> None:
    """Rows are shallow copies: a big value no update touches is one object in every row."""

    def s_x(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
        return "x", s["x"] + 1

    big = tuple(range(10_000))
    config = cadcad.config_sim({"N": 1, "T": range(50)})
    model = cadcad.compile_model({"x": 0, "big": big}, [{"policies": {}, "variables": {"x": s_x}}])
    (rows,) = cadcad.simulate(model, cadcad.jobs(config))
    assert all(row["big"] is rows[0]["big"] for row in rows)


values = st.one_of(
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=3),
    st.none(),
    st.tuples(st.integers()),
)
columns = st.one_of(
    st.lists(st.booleans(), min_size=1, max_size=6),
    st.lists(st.integers(), min_size=1, max_size=6),
    st.lists(st.floats(), min_size=1, max_size=6),
    st.lists(st.one_of(st.tuples(st.integers()), st.lists(st.booleans())), min_size=1, max_size=6),
    st.lists(values, min_size=1, max_size=6),
)


@given(st.lists(columns, min_size=1, max_size=4))
def test_frame_equals_pandas_records(cols: list[list[Any]]) -> None:
    """Column by column, the frame is the one pandas builds from the row dicts."""
    n = min(map(len, cols))
    rows = [{f"c{j}": col[i] for j, col in enumerate(cols)} for i in range(n)]
    pd.testing.assert_frame_equal(cadcad.frame(rows), pd.DataFrame(rows))


@given(st.lists(columns, min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_frame_of_rows_in_another_order(cols: list[list[Any]], rnd: random.Random) -> None:
    """``order`` lists, for each row of the frame, where it is among the rows passed."""
    n = min(map(len, cols))
    rows = [{f"c{j}": col[i] for j, col in enumerate(cols)} for i in range(n)]
    order = list(range(n))
    rnd.shuffle(order)
    made = [rows[0]] * n
    for position, i in enumerate(order):
        made[i] = rows[position]
    pd.testing.assert_frame_equal(cadcad.frame(made, order), pd.DataFrame(rows))


@pytest.mark.slow
def test_processes_backend_gives_the_serial_frame() -> None:
    """Jobs cut into chunks and run by spawned workers: the same frame, in the same order."""
    from ._models import COUNTER

    initial_state, model_blocks = COUNTER
    config = cadcad.config_sim({"N": 3, "T": range(4), "M": {"step": [1, 2, 3]}})
    serial = cadcad.run(initial_state, model_blocks, config, seed=2)
    spread = cadcad.run(initial_state, model_blocks, config, seed=2, backend="processes", workers=2)
    pd.testing.assert_frame_equal(spread, serial)


@pytest.mark.parametrize("name", ["x", "two words", "1", "__class__", "__dict__"])
def test_any_variable_name_is_a_plain_key(name: str) -> None:
    """Rows are plain dicts whatever the names (some names mean something to Python classes)."""

    def s_up(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
        return name, s[name] + 1

    model = cadcad.compile_model(
        {name: 0, "other": "o"}, [{"policies": {}, "variables": {name: s_up}}]
    )
    (rows,) = cadcad.simulate(model, cadcad.jobs(cadcad.config_sim({"N": 1, "T": range(3)})))
    assert all(type(row) is dict for row in rows)
    assert [row[name] for row in rows] == [0, 1, 2, 3]
    assert list(rows[-1]) == [name, "other", *cadcad.INDEX_COLUMNS]
