"""Experiments with common random numbers (paired points) and stop conditions."""

from __future__ import annotations

import math
import pickle
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from experiment_worlds import after_four, coins
from hypothesis import given, settings
from hypothesis import strategies as st

import npolitics as npl
from npolitics._cli import main
from npolitics._experiment import run_task
from npolitics._sweep_results import mean_ci


def paired(**kw: Any) -> npl.Experiment:
    base: dict[str, Any] = {"runs": 3, "steps": 12, "seed": 7, "common_random_numbers": True}
    base.update(kw)
    params = base.pop("params", {"n": [4, 40], "p": [0.2, 0.7]})
    return npl.Experiment(coins, params, **base)


def without(df: pd.DataFrame, *columns: str) -> pd.DataFrame:
    return df.drop(columns=list(columns)).reset_index(drop=True)


# -- common random numbers ------------------------------------------------------------------


def test_run_r_of_every_point_has_the_seed_spawned_r_th_from_the_root() -> None:
    """With common random numbers the seed ignores the point: ``SeedSequence(seed).spawn``."""
    exp = paired()
    spawned = np.random.SeedSequence(7).spawn(3)
    for point in range(4):
        for run in range(3):
            seed = exp.seed_sequence(point, run)
            assert seed.spawn_key == spawned[run].spawn_key == (run,)
            assert (seed.generate_state(4) == spawned[run].generate_state(4)).all()


def test_the_default_keeps_each_points_own_seeds() -> None:
    """``common_random_numbers=False`` is the default, and its seeds are those of before."""
    a = npl.Experiment(coins, {"n": [4, 40]}, runs=2, steps=5, seed=3)
    b = npl.Experiment(coins, {"n": [4, 40]}, runs=2, steps=5, seed=3, common_random_numbers=False)
    keys = {a.seed_sequence(p, r).spawn_key for p in range(2) for r in range(2)}
    assert len(keys) == 4
    assert all(len(k) == 2 for k in keys)
    assert keys == {b.seed_sequence(p, r).spawn_key for p in range(2) for r in range(2)}


def test_points_that_differ_only_where_no_draw_depends_are_identical_run_by_run() -> None:
    """An unused parameter changes nothing when the draws are shared (and everything when
    each point draws its own)."""
    params = {"label": ["plain", "fancy"]}
    shared = paired(params=params).run("serial", quiet=True).frame()
    own = paired(params=params, common_random_numbers=False).run("serial", quiet=True).frame()
    for df, same in ((shared, True), (own, False)):
        plain, fancy = (without(df[df["label"] == v], "label") for v in ("plain", "fancy"))
        assert plain.equals(fancy) is same


@settings(max_examples=20)
@given(seed=st.integers(0, 2**32), p=st.floats(0.05, 0.5), dp=st.floats(0.01, 0.5))
def test_a_likelier_coin_has_heads_wherever_a_less_likely_one_does(
    seed: int, p: float, dp: float
) -> None:
    """Shared uniforms couple the points monotonically: Ω at the higher p is ≥ Ω at the
    lower p at every sample of every run (a paired comparison without noise of its own)."""
    df = paired(params={"p": [p, p + dp]}, seed=seed, steps=6).run("serial", quiet=True).frame()
    low, high = (df[df["p"] == v]["omega"].to_numpy() for v in (p, p + dp))
    assert (high >= low).all()


def test_paired_differences_are_run_by_run_against_the_baseline() -> None:
    """``paired`` subtracts run r at the baseline from run r at each other value, per point of
    the other swept parameters, and gives the mean and its 95 % half-width."""
    res = paired(params={"n": [4, 40], "p": [0.2, 0.3, 0.7]}, runs=4).run("serial", quiet=True)
    table = res.paired("p", "max_heads", baseline=0.3)
    assert list(table.columns) == ["n", "p", "pairs", "max_heads_diff_mean", "max_heads_diff_ci"]
    assert list(zip(table["n"], table["p"], strict=True)) == [
        (4, 0.2),
        (4, 0.7),
        (40, 0.2),
        (40, 0.7),
    ]
    final = res.final().set_index(["n", "p", "run"])["max_heads"]
    for row in table.itertuples():
        diff = (final.loc[(row.n, row.p)] - final.loc[(row.n, 0.3)]).to_numpy()
        mean, ci = mean_ci(diff)
        assert (row.pairs, row.max_heads_diff_mean, row.max_heads_diff_ci) == (4, mean, ci)
    assert list(res.paired("p")["p"]) == [0.3, 0.7, 0.3, 0.7]  # the first value is the baseline
    assert (res.paired("p")["omega_diff_mean"] >= 0).all()  # the coupling above, by run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("label",), "by 'label' is not a swept parameter; swept: n, p"),
        (("p", "heads"), "metric 'heads' is not kept; choose from omega, heads_rate, max_heads"),
        (("p", None, 0.5), "baseline 0.5 is not a value of 'p'; its values: 0.2, 0.7"),
    ],
)
def test_paired_says_what_it_can_compare(args: tuple[Any, ...], message: str) -> None:
    res = paired(runs=1, steps=2).run("serial", quiet=True)
    by, metric, baseline = (*args, None, None)[:3]
    with pytest.raises(npl.ArgumentError, match=re.escape(message)):
        res.paired(by, metric, baseline=baseline)


# -- stop conditions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "metric", "op", "value"),
    [
        ("score>=0.99", "score", ">=", 0.99),
        ("  omega < -3 ", "omega", "<", -3.0),
        ("max heads <= 1e3", "max heads", "<=", 1000.0),
        ("x>2", "x", ">", 2.0),
    ],
)
def test_a_threshold_reads_as_written(text: str, metric: str, op: str, value: float) -> None:
    threshold = npl.Threshold.parse(text)
    assert threshold == npl.Threshold(metric, op, value)
    assert npl.Threshold.parse(str(threshold)) == threshold
    assert pickle.loads(pickle.dumps(threshold)) == threshold


@given(
    value=st.floats(allow_nan=False, allow_infinity=False),
    op=st.sampled_from(["<", "<=", ">", ">="]),
)
def test_a_thresholds_text_gives_it_back_exactly(value: float, op: str) -> None:
    threshold = npl.Threshold("max_heads", op, value)
    assert npl.Threshold.parse(str(threshold)) == threshold


@pytest.mark.parametrize(
    ("stop", "message"),
    [
        ("score", "stop must be a function of the world, an npl.Threshold, or a string"),
        (3, "stop must be a function of the world"),
        ("score >= nan", "a threshold's value is a finite number, got 'nan' in 'score >= nan'"),
        ("score >= many", "a threshold's value is a finite number, got 'many'"),
        ("score => 1", "a threshold is written 'metric OP number', got 'score => 1'"),
        ("no_such_module:stop", "cannot import 'no_such_module'"),
        ("experiment_worlds:nothing", "module 'experiment_worlds' has no function 'nothing'"),
    ],
)
def test_a_stop_is_refused_at_once_unless_it_is_a_condition(stop: Any, message: str) -> None:
    with pytest.raises(npl.ArgumentError, match=message.replace("(", r"\(")):
        npl.Experiment(coins, steps=3, stop=stop)


def test_threshold_values_and_operators_are_checked() -> None:
    with pytest.raises(npl.ArgumentError, match="compares with one of <=, >=, <, >, got '=='"):
        npl.Threshold("x", "==", 1)
    with pytest.raises(npl.ArgumentError, match="finite number, got inf"):
        npl.Threshold("x", ">", math.inf)
    with pytest.raises(npl.ArgumentError, match="finite number, got True"):
        npl.Threshold("x", ">", True)


def test_common_random_numbers_is_true_or_false() -> None:
    with pytest.raises(npl.ArgumentError, match="must be True or False, got 'yes'"):
        npl.Experiment(coins, steps=3, common_random_numbers="yes")  # type: ignore[arg-type]


def test_a_threshold_on_a_metric_the_world_lacks_is_refused_before_any_run() -> None:
    exp = paired(stop="heads >= 3")
    with pytest.raises(
        npl.ArgumentError,
        match="names metric 'heads', which world 'coins' does not record; it has 'omega', "
        "'heads_rate', 'max_heads'",
    ):
        exp.run("serial", quiet=True)


def test_a_lambda_cannot_go_to_worker_processes_and_the_error_says_what_can() -> None:
    exp = paired(stop=lambda w: False)
    with pytest.raises(npl.ArgumentError, match=r"<lambda> \(test_.*\) cannot be sent") as info:
        exp.check("processes")
    assert "define it at the top level of a module" in str(info.value)
    assert "npl.Threshold" in str(info.value)
    assert exp.run("serial", quiet=True).complete  # where it need not travel, it runs


@pytest.fixture(scope="module")
def stopped() -> tuple[npl.Experiment, npl.ExperimentResults]:
    exp = paired(stop="max_heads >= 6")
    return exp, exp.run("serial", quiet=True)


def test_each_run_is_the_worlds_own_run_with_that_stop(
    stopped: tuple[npl.Experiment, npl.ExperimentResults],
) -> None:
    exp, res = stopped
    df, stops = res.frame(), res.stops()
    threshold = npl.Threshold("max_heads", ">=", 6)
    for point, values in enumerate(exp.points()):
        for run in range(exp.runs):
            world = coins(seed=exp.seed_sequence(point, run), **values)
            own = world.run(12, stop=threshold).frame()
            rows = df[(df["n"] == values["n"]) & (df["p"] == values["p"]) & (df["run"] == run)]
            pd.testing.assert_frame_equal(without(rows, "run", "n", "p"), own, check_exact=True)
            row = stops[(stops["n"] == values["n"]) & (stops["p"] == values["p"])].iloc[run]
            reached = bool(own["max_heads"].iloc[-1] >= 6)
            assert bool(row["stopped"]) is reached
            if reached:  # it stopped at the first sample where the condition held
                assert row["t"] == own["t"].iloc[-1]
                assert (own["max_heads"].iloc[:-1] < 6).all()
            else:
                assert math.isnan(row["t"])
                assert own["t"].iloc[-1] == 11


def test_stops_and_summary_say_which_runs_stopped_and_when(
    stopped: tuple[npl.Experiment, npl.ExperimentResults],
) -> None:
    _, res = stopped
    stops = res.stops()
    assert list(stops.columns) == ["n", "p", "run", "stopped", "t"]
    assert len(stops) == 12
    assert stops["stopped"].any()  # the test means something
    assert not stops["stopped"].all()
    final = res.final()
    assert (stops["t"][stops["stopped"]] == final["t"][stops["stopped"]]).all()
    summary = res.summary()
    assert list(summary.columns[:5]) == ["n", "p", "runs", "stopped", "t"]
    assert list(summary["stopped"]) == list(stops.groupby(["n", "p"], sort=False)["stopped"].sum())


def test_a_worlds_own_stop_is_reported_too_and_an_experiments_replaces_it() -> None:
    """A world that declares a condition stops there in an experiment (``stops`` says so);
    the experiment's ``stop`` takes its place."""
    own = npl.Experiment(coins, {"stop_at": 3}, runs=2, steps=12, seed=1).run("serial", quiet=True)
    assert own.stops()["stopped"].all()
    assert "stopped" not in own.summary().columns  # the experiment declared none
    replaced = npl.Experiment(coins, {"stop_at": 3}, runs=2, steps=12, seed=1, stop=after_four)
    stops = replaced.run("serial", quiet=True).stops()
    assert list(stops["t"]) == [4.0, 4.0]


def test_a_stop_that_does_not_answer_true_or_false_names_itself() -> None:
    def maybe(world: npl.World) -> Any:
        return "maybe"

    with pytest.raises(npl.StopConditionError, match=r"the stop condition '.*maybe' must return"):
        paired(stop=maybe).run("serial", quiet=True)


def test_paired_stopped_runs_are_the_same_on_processes_and_serial() -> None:
    """Bit for bit, where each run stopped included."""
    exp = paired(params={"n": [4, 40]}, runs=3, stop="max_heads >= 5")
    serial, processes = exp.run("serial", quiet=True), exp.run("processes", workers=2, quiet=True)
    assert serial.stops()["stopped"].any()
    pd.testing.assert_frame_equal(processes.frame(), serial.frame(), check_exact=True)
    pd.testing.assert_frame_equal(processes.stops(), serial.stops(), check_exact=True)


@pytest.mark.slow
def test_paired_stopped_runs_are_the_same_on_dask() -> None:
    pytest.importorskip("distributed")
    exp = paired(params={"n": [4, 40]}, runs=2, stop=lambda w: bool(w.now >= 3))  # by value
    serial, dask = exp.run("serial", quiet=True), exp.run("dask", workers=2, quiet=True)
    pd.testing.assert_frame_equal(dask.frame(), serial.frame(), check_exact=True)
    pd.testing.assert_frame_equal(dask.stops(), serial.stops(), check_exact=True)


# -- recorded and repeated ------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_files_keep_the_pairing_the_stop_and_where_runs_stopped(
    stopped: tuple[npl.Experiment, npl.ExperimentResults], tmp_path: Path, suffix: str
) -> None:
    exp, res = stopped
    assert exp.describe()["common_random_numbers"] is True
    assert exp.describe()["stop"] == "max_heads >= 6.0"
    loaded = npl.load_results(res.save(tmp_path / f"r{suffix}"))
    pd.testing.assert_frame_equal(loaded.stops(), res.stops(), check_exact=True)
    again = loaded.experiment()
    assert again.common_random_numbers
    assert again.stop == npl.Threshold("max_heads", ">=", 6)
    pd.testing.assert_frame_equal(
        again.run("serial", quiet=True).frame(), res.frame(), check_exact=True
    )


def test_a_function_by_reference_is_repeated_and_a_lambda_is_named_not_guessed() -> None:
    by_reference = paired(stop=after_four)
    assert by_reference.describe()["stop"] == "experiment_worlds:after_four"
    assert npl.Experiment.from_description(by_reference.describe()).stop is after_four
    description = paired(stop=lambda w: False).describe()
    assert description["stop"] is None
    assert description["stop_name"].startswith("<lambda> (test_")
    with pytest.raises(npl.ArgumentError, match=r"no importable reference.*build the Experiment"):
        npl.Experiment.from_description(description)


def test_results_of_before_load_with_no_pairing_and_no_stop() -> None:
    """A description without the new keys (an older file) repeats as before."""
    description = paired(common_random_numbers=False).describe()
    for key in ("common_random_numbers", "stop", "stop_name"):
        del description[key]
    exp = npl.Experiment.from_description(description)
    assert not exp.common_random_numbers
    assert exp.stop is None


def test_a_file_whose_stops_name_runs_it_lacks_is_refused(
    stopped: tuple[npl.Experiment, npl.ExperimentResults], tmp_path: Path
) -> None:
    _, res = stopped
    path = res.save(tmp_path / "r.csv")
    text = path.read_text()
    path.write_text(text.replace('"stopped": [[', '"stopped": [[99, 1], [', 1))
    with pytest.raises(npl.ResultsFileError, match="its 'stopped' names run 99, but the table"):
        npl.load_results(path)


def test_records_in_any_order_give_the_same_stops() -> None:
    exp = paired(stop="max_heads >= 5", runs=2)
    records = [run_task(t) for t in exp.tasks()]
    assert exp.results(records[::-1]).stops().equals(exp.results(records).stops())


def test_the_command_line_pairs_and_stops(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "r.csv"
    status = main(
        ["run", "experiment_worlds:coins", "-p", "n=4,40", "--steps", "12", "--runs", "3",
         "--seed", "7", "--stop", "max_heads>=6", "--common-random-numbers",
         "--backend", "serial", "--quiet", "--out", str(out_file)]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    expected = npl.Experiment(
        coins, {"n": [4, 40]}, runs=3, steps=12, seed=7, stop="max_heads>=6",
        common_random_numbers=True,
    ).run("serial", quiet=True)  # fmt: skip
    held = int(expected.stops()["stopped"].sum())
    assert f"stop condition max_heads >= 6.0: held in {held} of 6 runs" in out
    pd.testing.assert_frame_equal(
        npl.load_results(out_file).frame(), expected.frame(), check_exact=True
    )
    assert main(["show", str(out_file)]) == 0
    assert "seed 7, common random numbers" in capsys.readouterr().out
    assert main(["run", "experiment_worlds:coins", "--steps", "3", "--stop", "nope>=1"]) == 2
    assert "names metric 'nope'" in capsys.readouterr().err
