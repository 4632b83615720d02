"""Signals: SIGTERM and SIGINT stop the command cleanly, and no worker outlives it.

The subprocess tests start ``npolitics run`` with slow runs (the coins world's ``pause``),
wait until its workers are up, signal the command (not its process group: the workers get
nothing from the sender), and check the exit status, the one-line message, the partial
results file and that every process the command started is gone.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import npolitics as npl
from npolitics import _cli
from npolitics._signals import terminate_as_interrupt

psutil = pytest.importorskip("psutil")

TESTS = Path(__file__).parents[1]
SLOW_RUNS = ["run", "experiment_worlds:coins", "-p", "pause=0.05", "--steps", "20"]


# -- in this process -----------------------------------------------------------------------


def test_sigterm_interrupts_like_ctrl_c_and_is_remembered() -> None:
    with terminate_as_interrupt() as stop, pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGTERM)
    assert stop.received == signal.SIGTERM
    assert stop.exit_status() == 143
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_without_a_signal_the_status_is_ctrl_cs() -> None:
    with terminate_as_interrupt() as stop:
        pass
    assert stop.received is None
    assert stop.exit_status() == 130


def test_a_handler_someone_else_set_is_left_alone() -> None:
    def mine(signum: int, frame: object) -> None:
        pass

    previous = signal.signal(signal.SIGTERM, mine)
    try:
        with terminate_as_interrupt():
            assert signal.getsignal(signal.SIGTERM) is mine
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, previous)


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        # trio's nursery wraps Ctrl-C on the dashboard in a group: one line, status 130
        (BaseExceptionGroup("nursery", [KeyboardInterrupt()]), 130, "npolitics: interrupted\n"),
        (
            BaseExceptionGroup("outer", [BaseExceptionGroup("inner", [KeyboardInterrupt()])]),
            130,
            "npolitics: interrupted\n",
        ),
        (ExceptionGroup("nursery", [npl.ArgumentError("bad")]), 2, "npolitics: error: bad\n"),
    ],
)
def test_an_exception_group_of_one_error_is_that_error(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: BaseException,
    status: int,
    message: str,
) -> None:
    def command(args: argparse.Namespace) -> int:
        raise error

    monkeypatch.setattr(_cli, "_worlds", _cli._stoppable(command))
    assert _cli.main(["worlds"]) == status
    assert capsys.readouterr().err == message


# -- a real command, really signalled -------------------------------------------------------


def _start(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "npolitics._cli", *argv],
        env={**os.environ, "PYTHONPATH": str(TESTS)},
        cwd=TESTS,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # SIGINT as a terminal leaves it, even when the test runner ignores it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for_children(
    proc: subprocess.Popen[str], count: int, settle: float = 1.5
) -> list[psutil.Process]:
    """The command's descendants, once there are ``count`` of them and, ``settle`` seconds
    later, runs are going (a run takes 1 s; a Dask cluster takes a few to be ready)."""
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        children = parent.children(recursive=True)
        if len(children) >= count:
            time.sleep(settle)
            return parent.children(recursive=True)
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    raise AssertionError(f"the command never started {count} processes")


def _gone(processes: list[psutil.Process], timeout: float = 10) -> list[str]:
    """The processes still alive (zombies excepted) after up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for p in processes:
            try:
                if p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(" ".join(p.cmdline())[:100])
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


@pytest.fixture
def reaper() -> Iterator[list[psutil.Process]]:
    """Processes to kill after the test whatever happened, so a failure leaves no orphan."""
    processes: list[psutil.Process] = []
    yield processes
    for p in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("backend", "sig", "status"),
    [
        ("processes", signal.SIGTERM, 143),
        ("processes", signal.SIGINT, 130),
        # Not SIGINT: a Dask cluster's workers inherit an ignored Ctrl-C, so the command
        # ignores one while its cluster starts (SIGTERM is held until the cluster is up).
        ("dask", signal.SIGTERM, 143),
    ],
)
def test_a_signal_stops_every_worker_and_keeps_the_finished_runs(
    tmp_path: Path, reaper: list[psutil.Process], sig: int, status: int, backend: str
) -> None:
    if backend == "dask":
        pytest.importorskip("distributed")
    out = tmp_path / "r.csv"
    argv = [*SLOW_RUNS, "--runs", "40", "--backend", backend, "--workers", "2", "--quiet"]
    proc = _start(*argv, "--out", str(out))
    # two workers (spawned workers add multiprocessing's resource tracker; forked ones,
    # the processes backend's default on Linux, do not; Dask: two worker processes)
    children = _wait_for_children(proc, 2, 5 if backend == "dask" else 1.5)
    reaper.extend(children)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == status, stderr
    assert _gone(children) == []
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("npolitics: interrupted after ")
    kept = npl.load_results(out)
    assert kept.done < kept.expected == 40
    assert not kept.complete


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_kill_9_of_the_command_leaves_no_worker(reaper: list[psutil.Process], backend: str) -> None:
    """The command cannot clean up after SIGKILL: its workers notice and exit themselves."""
    if backend == "dask":
        pytest.importorskip("distributed")
    proc = _start(*SLOW_RUNS, "--runs", "20", "--backend", backend, "--workers", "2", "--quiet")
    children = _wait_for_children(proc, 2)  # the two workers
    reaper.extend(children)
    proc.kill()
    proc.communicate(timeout=60)
    assert _gone(children) == []


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_serve_stops_on_a_signal_in_one_line(sig: int, status: int) -> None:
    pytest.importorskip("hypercorn")
    proc = _start("serve", "--port", str(_free_port()))
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith("npolitics dashboard at http://127.0.0.1:")
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == status
    expected = "stopped by SIGTERM" if sig == signal.SIGTERM else "interrupted"
    assert stderr == f"npolitics: {expected}\n"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
