"""Costs estimated before anything is allocated, limits raised on purpose, exit statuses.

The refusals themselves are rows of the bad-input table (``bad_inputs.py``); these tests
check what the rows cannot: that raising a limit lets the same input through, that a long
horizon allocates nothing big up front, and how the command line reports each kind of end.
"""

from __future__ import annotations

import math
import tracemalloc

import pytest

import npolitics as npl
from npolitics import _cli, _experiment
from npolitics._limits import format_bytes, parse_bytes

from .bad_inputs import Crowd, Node, spec

COINS = "experiment_worlds:coins"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("512M", 512 * 2**20), ("8G", 8 * 2**30), ("2.5e9", 2.5e9), ("1KiB", 1024), ("inf", math.inf)],
)
def test_memory_sizes_read_as_people_write_them(text: str, expected: float) -> None:
    assert parse_bytes(text) == expected


@pytest.mark.parametrize("text", ["", "lots", "-1G", "0", "nan", "1X"])
def test_a_malformed_memory_size_is_an_argument_error(text: str) -> None:
    with pytest.raises(npl.ArgumentError, match="a memory size is a number > 0 of bytes"):
        parse_bytes(text)


def test_sizes_print_in_binary_units() -> None:
    assert format_bytes(3 * 2**30) == "3 GiB"
    assert format_bytes(512) == "512 bytes"


def test_raising_the_memory_limit_lets_the_same_world_through(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The refusal names the variable; setting it is enough (nothing else to change)."""
    monkeypatch.setenv("NPOLITICS_MAX_MEMORY", "8K")
    with pytest.raises(npl.CostError, match=r"NPOLITICS_MAX_MEMORY=1M\) to allow it"):
        spec(workers=10)  # 10 KiB by the spec's estimate
    with pytest.raises(npl.CostError, match="population Crowd of 2000 agents"):
        Crowd(n=2000)
    monkeypatch.setenv("NPOLITICS_MAX_MEMORY", "1M")
    assert spec(workers=10) is not None
    assert len(Crowd(n=2000)) == 2000


def test_raising_the_instants_limit_lets_a_fine_clock_through(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NPOLITICS_MAX_INSTANTS", "100")
    w = npl.World("fine")
    w.add("solo", Node())
    w.clock("solo", every=0.01)
    with pytest.raises(npl.CostError, match="would take about 200 instants"):
        w.run(until=2)
    monkeypatch.setenv("NPOLITICS_MAX_INSTANTS", "1000")
    assert w.run(until=2).t[-1] == 2


def test_a_long_horizon_allocates_samples_as_they_are_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A run allowed 10¹¹ steps that stops after three allocates a small recorder, not one
    row per step of its horizon."""
    monkeypatch.setenv("NPOLITICS_MAX_MEMORY", "inf")
    w = npl.World("long", sample_every=1)
    w.add("solo", Node())
    w.clock("solo")
    tracemalloc.start()
    try:
        res = w.run(10**11, stop=lambda w: w.now >= 2)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert list(res.t) == [0, 1, 2]
    assert peak < 2**20


def test_a_local_pool_starts_no_more_workers_than_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NPOLITICS_MAX_WORKERS", "inf")
    exp = npl.Experiment(COINS, runs=3, steps=1)
    assert exp.check("processes", workers=64) == 3
    assert exp.check("dask", workers=2) == 2
    assert exp.check("serial", workers=None) is None


def _main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = _cli.main(argv)
    return status, capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "status", "says"),
    [
        (npl.StalledError("world 'w' cannot reach t=3"), 1, "the world failed: world 'w'"),
        (MemoryError("Unable to allocate 9 GiB"), 1, "out of memory (Unable to allocate 9 GiB)"),
        (KeyError("done"), 1, "the world failed: KeyError: 'done' (set NPOLITICS_TRACEBACK=1"),
        (npl.CostError("a point costs too much"), 2, "npolitics: error: a point costs too much"),
        (npl.ArgumentError("two\nlines"), 2, "npolitics: error: two / lines"),
    ],
)
def test_errors_once_running_are_one_line_with_their_exit_status(
    error: BaseException,
    status: int,
    says: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(_experiment.Experiment, "run", fail)
    got, err = _main(["run", COINS, "--steps", "1", "--backend", "serial", "--quiet"], capsys)
    assert got == status
    assert err.count("\n") == 1
    assert says in err


def test_a_traceback_is_shown_when_asked_for(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise KeyError("done")

    monkeypatch.setattr(_experiment.Experiment, "run", fail)
    monkeypatch.setenv("NPOLITICS_TRACEBACK", "1")
    with pytest.raises(KeyError):
        _cli.main(["run", COINS, "--steps", "1", "--backend", "serial", "--quiet"])


@pytest.mark.slow
def test_a_crawling_world_fails_with_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    """info-decay with arrivals 1e-300 apart: stopped once its rate says it cannot arrive."""
    argv = ["run", "info-decay", "-p", "appearance_mean_time=1e-300", "-p", "knowledge_agents=0"]
    status, err = _main([*argv, "--until", "3", "--quiet"], capsys)
    assert status == 1
    assert err.startswith("npolitics: the world failed: world 'info-decay' cannot reach t=3.0")
    assert err.count("\n") == 1
