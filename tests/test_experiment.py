"""Experiments: the grid, the seeds, the results table, its summary, files and plots."""

from __future__ import annotations

import io
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest
from experiment_worlds import coins
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

import npolitics as npl
from npolitics._sweep_results import mean_ci, t975

matplotlib.use("Agg")


def grid(**kw: Any) -> npl.Experiment:
    base: dict[str, Any] = {"runs": 3, "steps": 12, "seed": 7}
    base.update(kw)
    params = base.pop("params", {"n": [4, 40], "p": [0.2, 0.7]})
    return npl.Experiment(coins, params, **base)


@pytest.fixture(scope="module")
def results() -> npl.ExperimentResults:
    return grid().run("serial", quiet=True)


def test_points_are_the_cartesian_product_in_the_order_given() -> None:
    exp = grid()
    assert exp.swept == ("n", "p")
    assert exp.size == 4 * 3
    assert [(p["n"], p["p"]) for p in exp.points()] == [(4, 0.2), (4, 0.7), (40, 0.2), (40, 0.7)]


def test_fixed_values_are_in_every_point_but_not_columns() -> None:
    exp = grid(params={"n": [4, 40], "label": "fancy"})
    assert exp.swept == ("n",)
    assert all(p["label"] == "fancy" for p in exp.points())


def test_frame_has_run_swept_parameters_t_omega_then_metrics(
    results: npl.ExperimentResults,
) -> None:
    df = results.frame()
    assert list(df.columns) == ["run", "n", "p", "t", "omega", "heads_rate", "max_heads"]
    assert len(df) == 4 * 3 * 12
    assert df["run"].dtype == np.int64
    # sorted by point, run, time
    keys = list(zip(df["n"], df["p"], df["run"], df["t"], strict=True))
    assert keys == sorted(keys)
    assert results.complete


def test_the_frame_is_the_worlds_own_results_per_run(results: npl.ExperimentResults) -> None:
    exp = grid()
    point, run = 3, 2
    world = coins(seed=exp.seed_sequence(point, run), **exp.points()[point])
    own = world.run(12).frame()
    df = results.frame()
    rows = df[(df["n"] == 40) & (df["p"] == 0.7) & (df["run"] == run)]
    pd.testing.assert_frame_equal(
        rows.drop(columns=["run", "n", "p"]).reset_index(drop=True), own, check_exact=True
    )


@given(point=st.integers(0, 3), runs=st.integers(1, 3))
def test_one_point_alone_gives_its_runs_bit_for_bit(point: int, runs: int) -> None:
    """A run's seed depends on its parameter values and number, not on the rest of the grid."""
    exp = grid()
    values = exp.points()[point]
    alone = npl.Experiment(coins, values, runs=runs, steps=12, seed=7).run("serial", quiet=True)
    full = grid(runs=runs).run("serial", quiet=True).frame()
    rows = full[(full["n"] == values["n"]) & (full["p"] == values["p"])]
    pd.testing.assert_frame_equal(
        rows.drop(columns=["n", "p"]).reset_index(drop=True), alone.frame(), check_exact=True
    )


def test_defaults_given_or_omitted_seed_alike() -> None:
    a = npl.Experiment(coins, {}, runs=2, steps=5, seed=3)
    b = npl.Experiment(coins, {"n": 10, "p": 0.5}, runs=2, steps=5, seed=3)
    c = npl.Experiment(coins, {"p": 0.5000001}, runs=2, steps=5, seed=3)
    assert a.seed_sequence(0, 1).spawn_key == b.seed_sequence(0, 1).spawn_key
    assert a.seed_sequence(0, 1).spawn_key != c.seed_sequence(0, 1).spawn_key
    assert a.seed_sequence(0, 0).spawn_key != a.seed_sequence(0, 1).spawn_key


def test_different_root_seeds_give_different_runs() -> None:
    a = grid(seed=1).run("serial", quiet=True).frame()
    b = grid(seed=2).run("serial", quiet=True).frame()
    assert not a["omega"].equals(b["omega"])


@given(order=st.permutations(range(12)))
def test_the_table_does_not_depend_on_completion_order(order: list[int]) -> None:
    exp = grid(runs=3, steps=4)
    records = sorted(
        (npl._experiment.run_task(t) for t in exp.tasks()), key=lambda r: (r.point, r.run)
    )
    shuffled = [records[i] for i in order]
    pd.testing.assert_frame_equal(
        exp.results(shuffled).frame(), exp.results(records).frame(), check_exact=True
    )


def test_keep_and_sample_every_keep_only_what_is_asked() -> None:
    res = grid(keep=["max_heads"], sample_every=4, steps=12).run("serial", quiet=True)
    df = res.frame()
    assert list(df.columns) == ["run", "n", "p", "t", "omega", "max_heads"]
    assert sorted(df["t"].unique()) == [0, 4, 8, 11]  # and each run's last instant
    assert res.metrics == ("max_heads",)


def test_keep_names_only_metrics_the_world_has() -> None:
    with pytest.raises(ValueError, match=r"unknown metric\(s\) 'nope'.*'heads_rate'"):
        grid(keep=["nope"]).run("serial", quiet=True)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"params": {"n": [1, 0]}}, npl.ParameterError, "'n' must be ≥ 1, got 0"),
        ({"params": {"bogus": 1}}, npl.ParameterError, "valid: fail_at, label, n, p, pause"),
        ({"params": {"n": []}}, ValueError, "empty list"),
        ({"runs": 0}, ValueError, "runs must be an integer ≥ 1"),
        ({"until": 3.0}, ValueError, "steps=N or until=T"),
        ({"steps": None}, ValueError, "steps=N or until=T"),
        ({"seed": -1}, ValueError, "seed must be an integer ≥ 0"),
        ({"sample_every": 0}, ValueError, "sample_every must be a finite number > 0"),
        ({"sample_every": math.nan}, ValueError, "sample_every must be a finite number > 0"),
    ],
)
def test_bad_experiments_fail_before_any_run(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        grid(**kwargs)


def test_unknown_world_names_suggest_neighbours() -> None:
    with pytest.raises(npl.UnknownWorldError, match="no world named"):
        npl.Experiment("no-such-world", runs=1, steps=1)
    with pytest.raises(npl.UnknownWorldError, match="does not name a WorldSpec"):
        npl.Experiment("experiment_worlds:Flippers", runs=1, steps=1)


def test_a_world_can_be_named_module_colon_attribute() -> None:
    by_name = npl.Experiment("experiment_worlds:coins", {"n": 3}, runs=2, steps=3, seed=1)
    by_spec = npl.Experiment(coins, {"n": 3}, runs=2, steps=3, seed=1)
    assert by_name.run("serial", quiet=True).frame().equals(by_spec.run("serial").frame())
    assert by_spec.describe()["world"] == "experiment_worlds:coins"


# -- summary -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("df", "quantile"),
    [(1, 12.70620474), (2, 4.302652730), (10, 2.228138852)],
)
def test_t975_is_students_quantile(df: int, quantile: float) -> None:
    """Table values of Student's t (97.5 %), and the normal's 1.95996 in the limit."""
    assert t975(df) == pytest.approx(quantile, rel=1e-9)
    assert t975(10**6) == pytest.approx(1.959963984540054, rel=1e-5)


def test_summary_is_mean_and_ci_of_final_values_per_point(
    results: npl.ExperimentResults,
) -> None:
    summary = results.summary()
    assert list(summary.columns[:4]) == ["n", "p", "runs", "t"]
    assert list(summary["runs"]) == [3, 3, 3, 3]
    df = results.frame()
    final = df[(df["t"] == 11) & (df["n"] == 4) & (df["p"] == 0.7)]["omega"].to_numpy()
    row = summary[(summary["n"] == 4) & (summary["p"] == 0.7)].iloc[0]
    sem = final.std(ddof=1) / math.sqrt(3)
    assert row["omega_mean"] == pytest.approx(final.mean())
    assert row["omega_ci"] == pytest.approx(stats.t.ppf(0.975, 2) * sem)


def test_mean_ci_of_one_value_has_no_interval() -> None:
    mean, ci = mean_ci(np.array([2.5]))
    assert mean == 2.5
    assert math.isnan(ci)


def test_summary_without_sweep_has_one_row() -> None:
    res = npl.Experiment(coins, {"n": 5}, runs=4, steps=3).run("serial", quiet=True)
    summary = res.summary()
    assert len(summary) == 1
    assert summary["runs"].iloc[0] == 4


# -- files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_saved_results_load_back_identical(
    results: npl.ExperimentResults, tmp_path: Path, suffix: str
) -> None:
    path = results.save(tmp_path / f"r{suffix}")
    loaded = npl.load_results(path)
    pd.testing.assert_frame_equal(loaded.frame(), results.frame(), check_exact=True)
    assert loaded.description == results.description
    assert loaded.done == results.done
    pd.testing.assert_frame_equal(loaded.summary(), results.summary())


def test_loaded_results_repeat_their_experiment_exactly(
    results: npl.ExperimentResults, tmp_path: Path
) -> None:
    results.to_parquet(tmp_path / "r.parquet")
    again = npl.ExperimentResults.load(tmp_path / "r.parquet").experiment().run("serial")
    pd.testing.assert_frame_equal(again.frame(), results.frame(), check_exact=True)


def test_strings_sweep_and_survive_csv(tmp_path: Path) -> None:
    res = npl.Experiment(coins, {"label": ["plain", "fancy"]}, runs=1, steps=2).run("serial")
    res.to_csv(tmp_path / "s.csv")
    loaded = npl.load_results(tmp_path / "s.csv").frame()
    assert list(loaded["label"]) == ["plain", "plain", "fancy", "fancy"]


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_tuple_values_sweep_as_one_value_per_row_and_survive_files(
    tmp_path: Path, suffix: str
) -> None:
    res = npl.Experiment(coins, {"weights": [(1.0, 2.0), (3.0, 4.0)]}, runs=2, steps=2).run(
        "serial"
    )
    assert list(res.summary()["weights"]) == [(1.0, 2.0), (3.0, 4.0)]
    loaded = npl.load_results(res.save(tmp_path / f"w{suffix}"))
    pd.testing.assert_frame_equal(loaded.frame(), res.frame(), check_exact=True)
    pd.testing.assert_frame_equal(loaded.summary(), res.summary())


def test_only_parquet_or_csv(results: npl.ExperimentResults, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.parquet or \.csv"):
        results.save(tmp_path / "r.xlsx")
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="no npolitics results"):
        npl.load_results(tmp_path / "x.csv")


# -- interrupts ----------------------------------------------------------------------------


def test_ctrl_c_keeps_the_runs_that_finished(monkeypatch: pytest.MonkeyPatch) -> None:
    exp = grid()

    def two_then_ctrl_c(*args: Any, **kwargs: Any) -> Iterator[Any]:
        tasks = exp.tasks()
        yield npl._experiment.run_task(next(tasks))
        yield npl._experiment.run_task(next(tasks))
        raise KeyboardInterrupt

    monkeypatch.setattr(npl.Experiment, "stream", two_then_ctrl_c)
    with pytest.raises(npl.ExperimentInterrupted) as info:
        exp.run("serial", quiet=True)
    partial = info.value.results
    assert isinstance(info.value, KeyboardInterrupt)
    assert (partial.done, partial.expected, partial.complete) == (2, 12, False)
    assert list(partial.frame()["run"].unique()) == [0, 1]


# -- plots ---------------------------------------------------------------------------------


def test_plot_draws_one_mean_line_and_band_per_value(
    results: npl.ExperimentResults, tmp_path: Path
) -> None:
    ax = results.plot("omega", by="n", path=tmp_path / "o.png", smooth=3)
    assert [line.get_label() for line in ax.get_lines()] == ["n=4", "n=40"]
    assert len(ax.collections) == 2
    assert (tmp_path / "o.png").stat().st_size > 0
    df = results.frame()
    mean_at_0 = df[(df["t"] == 0) & (df["n"] == 4)]["omega"].mean()
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(mean_at_0)


def test_plot_checks_its_metric_and_grouping(results: npl.ExperimentResults) -> None:
    with pytest.raises(ValueError, match="no metric 'nope'"):
        results.plot("nope")
    with pytest.raises(ValueError, match="not a swept parameter"):
        results.plot("omega", by="label")


def test_swept_values_take_the_declared_type() -> None:
    """An int written for a float parameter is that float: same column, same seeds."""
    ints = npl.Experiment(coins, {"p": [0, 1]}, runs=2, steps=3).run("serial", quiet=True)
    floats = npl.Experiment(coins, {"p": [0.0, 1.0]}, runs=2, steps=3).run("serial", quiet=True)
    assert ints.frame()["p"].dtype == np.float64
    pd.testing.assert_frame_equal(ints.frame(), floats.frame(), check_exact=True)


def test_progress_shows_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from npolitics._progress import progress

    with progress(3, description="coins") as advance:  # pytest's stderr is not a terminal
        advance()
    assert capsys.readouterr().err == ""
    pytest.importorskip("rich", reason="the progress bar is drawn by rich (the progress extra)")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with progress(3, description="coins", quiet=True) as advance:
        advance()
    assert screen.getvalue() == ""
    with progress(3, description="coins") as advance:
        for _ in range(3):
            advance()
    assert "coins" in screen.getvalue()
    assert "3/3" in screen.getvalue()


def test_a_tuple_is_one_value_and_a_list_a_sweep(tmp_path: Path) -> None:
    exp = grid(params={"weights": (1.0, 3.0), "p": [0.1, 0.2]}, runs=2, steps=3)
    assert exp.swept == ("p",)
    assert [p["weights"] for p in exp.points()] == [(1.0, 3.0), (1.0, 3.0)]
    res = exp.run("serial", quiet=True)
    res.to_csv(tmp_path / "w.csv")
    again = npl.load_results(tmp_path / "w.csv").experiment()
    assert again.swept == ("p",)
    pd.testing.assert_frame_equal(again.run("serial").frame(), res.frame(), check_exact=True)
