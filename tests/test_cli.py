"""The ``npolitics`` command line: worlds, run, show; one-line errors; Ctrl-C keeps results."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

import npolitics as npl
from npolitics._cli import main

matplotlib.use("Agg")

COINS = "experiment_worlds:coins"
QUEUE = "experiment_worlds:queue"
TESTS = Path(__file__).parent


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_worlds_lists_parameters_groups_channels_and_metrics(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run_cli(capsys, "worlds", COINS)
    assert status == 0
    assert "Coin flippers: Ω is the number of heads so far." in out
    assert "n: int = 10 (≥ 1) — agents" in out
    assert "label: str = 'plain' (one of 'plain', 'fancy')" in out
    assert "crowd: 10 × Flippers (population)" in out
    assert "channel tick: Tick(t)" in out
    assert "metrics: heads_rate, max_heads (and omega)" in out


def test_worlds_lists_a_broken_world_with_its_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("npolitics._cli.world_names", lambda: ["no_such_module:w", COINS])
    status, out, _ = run_cli(capsys, "worlds")
    assert status == 0
    assert "no_such_module:w\n  cannot be loaded: UnknownWorldError" in out
    assert "Coin flippers" in out


def test_run_prints_a_summary_and_writes_results_and_a_plot(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file, png = tmp_path / "r.parquet", tmp_path / "o.png"
    status, out, err = run_cli(
        capsys, "run", COINS, "-p", "n=4,40", "-p", "p=0.3", "--steps", "8", "--runs", "3",
        "--seed", "5", "--backend", "serial", "--out", str(out_file), "--plot", str(png),
        "--metric", "max_heads", "--smooth", "2",
    )  # fmt: skip
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "coins: values at each run's last instant (t=7), mean ± 95 % CI over runs"
    assert lines[1].split() == ["n", "runs", "omega", "heads_rate", "max_heads"]
    assert lines[2].split()[:3] == ["4", "3", lines[2].split()[2]]
    assert f"wrote 6 runs to {out_file}" in out
    assert f"wrote plot of max_heads to {png}" in out
    assert png.stat().st_size > 0
    expected = npl.Experiment(COINS, {"n": [4, 40], "p": 0.3}, runs=3, steps=8, seed=5)
    pd.testing.assert_frame_equal(
        npl.load_results(out_file).frame(), expected.run("serial").frame(), check_exact=True
    )


def test_show_summarises_and_plots_saved_results(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    csv = tmp_path / "r.csv"
    run_cli(capsys, "run", COINS, "-p", "n=4,40", "--steps", "5", "--runs", "2",
            "--backend", "serial", "--out", str(csv))  # fmt: skip
    status, out, _ = run_cli(capsys, "show", str(csv), "--plot", str(tmp_path / "s.png"))
    assert status == 0
    assert "world 'coins'" in out
    assert "2 of 2 runs" not in out  # 2 points × 2 runs
    assert "4 of 4 runs, steps=5, seed 0" in out
    assert f"wrote plot of omega to {tmp_path / 's.png'}" in out  # no headline declared: Ω
    assert (tmp_path / "s.png").exists()


def test_a_world_without_a_clock_is_sampled_at_its_ends_and_says_how_to_change_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    csv = tmp_path / "q.csv"
    status, out, _ = run_cli(
        capsys, "run", QUEUE, "--until", "40", "--runs", "2", "--backend", "serial",
        "--out", str(csv),
    )  # fmt: skip
    assert status == 0
    assert "queue has no clock: each run was sampled at its first and last instants" in out
    assert "--sample-every T samples every T as well" in out
    assert npl.load_results(csv).frame()["t"].tolist() == [0.0, 40.0, 0.0, 40.0]
    status, out, _ = run_cli(
        capsys, "run", QUEUE, "--until", "40", "--sample-every", "10", "--backend", "serial",
        "--out", str(csv),
    )  # fmt: skip
    assert "has no clock" not in out
    assert npl.load_results(csv).frame()["t"].tolist() == [0, 10, 20, 30, 40]


def test_plots_show_the_headline_metric_a_world_declares(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    png, csv = tmp_path / "q.png", tmp_path / "q.csv"
    status, out, _ = run_cli(
        capsys, "run", QUEUE, "--until", "5", "--backend", "serial", "--plot", str(png),
        "--out", str(csv),
    )  # fmt: skip
    assert status == 0
    assert f"wrote plot of served to {png}" in out
    _, out, _ = run_cli(capsys, "show", str(csv), "--plot", str(png))
    assert f"wrote plot of served to {png}" in out
    _, out, _ = run_cli(capsys, "show", str(csv), "--plot", str(png), "--metric", "omega")
    assert f"wrote plot of omega to {png}" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "knowledge-offic", "--steps", "3"], "did you mean 'knowledge-office'?"),
        (["run", COINS, "-p", "bogus=1", "--steps", "3"], "valid: n, p, pause, fail_at, weights"),
        (["run", COINS, "-p", "n=abc", "--steps", "3"], "'n' must be an integer, got 'abc'"),
        (["run", COINS, "-p", "n=1,0", "--steps", "3"], "'n' must be ≥ 1, got 0"),
        (["run", COINS, "-p", "label=x", "--steps", "3"], "must be one of 'plain', 'fancy'"),
        (["run", COINS, "-p", "n", "--steps", "3"], "-p wants key=value, got 'n'"),
        (["run", COINS], "one of the arguments --steps --until is required"),
        (["run", COINS, "--steps", "3", "--backend", "gpu"], "unknown backend 'gpu'"),
        (
            ["run", COINS, "--steps", "3", "--backend", "tcp://127.0.0.1:1", "--timeout", "0.5"],
            "cannot reach the Dask scheduler at 'tcp://127.0.0.1:1'",
        ),
        (["run", COINS, "--steps", "3", "--out", "/no/such/dir/r.csv"], "does not exist"),
        (["run", COINS, "--steps", "3", "--out", "r.xlsx"], "must end in .parquet or .csv"),
        (["run", COINS, "--steps", "3", "--metric", "nope"], "--metric 'nope' is not kept"),
        (["run", COINS, "--steps", "3", "--by", "n"], "--by 'n' is not a swept parameter"),
        (["run", COINS, "--steps", "-1"], "steps must be an integer ≥ 0"),
        (["show", "/no/such/file.csv"], "no such file"),
        (["frob"], "invalid choice: 'frob'"),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    if "distributed" in message or "tcp://" in " ".join(argv):
        pytest.importorskip("distributed")
    status, _, err = run_cli(capsys, *argv)
    assert status == 2
    assert err.count("\n") == 1
    assert err.startswith("npolitics: error: ")
    assert message in err


def test_an_unwritable_output_file_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "r.csv").mkdir()  # a directory where the file should go: never writable
    status, _, err = run_cli(capsys, "run", COINS, "--steps", "3", "--out", str(folder / "r.csv"))
    assert status == 2
    assert "is not writable" in err


def test_show_refuses_a_file_that_is_not_results(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    status, _, err = run_cli(capsys, "show", str(tmp_path / "x.csv"))
    assert status == 2
    assert "no npolitics results" in err


@pytest.mark.slow
def test_ctrl_c_keeps_the_finished_runs_in_the_output_file(tmp_path: Path) -> None:
    """SIGINT to the whole process group (as a terminal's Ctrl-C): exit 130, runs kept."""
    out = tmp_path / "r.csv"
    argv = [
        sys.executable, "-m", "npolitics._cli", "run", COINS, "-p", "pause=0.02",
        "--steps", "20", "--runs", "60", "--backend", "processes", "--workers", "2",
        "--out", str(out),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    time.sleep(5)  # long enough for some runs (0.4 s each) to finish, far from all 60
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    kept = npl.load_results(out)
    assert 0 < kept.done < 60
    assert f"interrupted after {kept.done} of 60 runs" in stderr
    # what was kept is exactly those runs of the experiment, rerun here from their seeds
    exp = kept.experiment()
    done = set(kept.frame()["run"])
    records = [npl._experiment.run_task(t) for t in exp.tasks() if t.run in done]
    pd.testing.assert_frame_equal(kept.frame(), exp.results(records).frame(), check_exact=True)


def test_an_unknown_kept_metric_is_refused_before_running(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run_cli(capsys, "run", COINS, "--steps", "3", "--keep", "nope")
    assert status == 2
    assert "keep names unknown metric(s) 'nope'" in err


@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_runs_stop_where_the_world_says(capsys: pytest.CaptureFixture[str], backend: str) -> None:
    """A world that declares a stop condition ends each run there; the table says when."""
    status, out, _ = run_cli(
        capsys, "run", COINS, "-p", "stop_at=4", "-p", "n=3", "--steps", "60", "--runs", "4",
        "--seed", "2", "--backend", backend,
    )  # fmt: skip
    assert status == 0
    assert "values at each run's last instant (t=4…7)" in out
    assert "4 ± 0" in out  # every run stopped with 4 heads, the most any agent had


def test_a_module_world_is_found_in_the_current_directory(tmp_path: Path) -> None:
    """``npolitics run mymodule:world`` from the module's own folder, as a user types it."""
    (tmp_path / "mymodel.py").write_text(
        (TESTS / "experiment_worlds.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    script = Path(sys.executable).parent / "npolitics"
    done = subprocess.run(
        [str(script), "run", "mymodel:coins", "--steps", "3"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "coins: values at each run's last instant (t=2)" in done.stdout


def test_run_help_for_a_world_lists_its_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "run", COINS, "--help")
    assert status == 0
    assert "--steps N" in out
    assert "what -p key=value sets for world 'experiment_worlds:coins':" in out
    assert "n: int = 10 (≥ 1) — agents" in out
    assert "channel tick: Tick(t)" in out


def test_run_help_for_an_unknown_world_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "run", "nope", "-h")
    assert status == 2
    assert "no world named 'nope'" in err
