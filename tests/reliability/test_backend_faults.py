"""Backend faults: a task that keeps killing its worker ends in one BackendError line that
names the task (run, point, world, parameters, seed), from either backend and on the CLI.

(A worker lost once is retried and the results stay identical: ``test_faults.py`` for the
processes backend, ``tests/test_backends.py`` for Dask.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import npolitics as npl
from npolitics._experiment import Task

TESTS = Path(__file__).parents[1]
DOOMED = "reliability.fault_worlds:doomed"


def test_a_task_reads_as_one_line_naming_the_run() -> None:
    task = Task(
        world="rosca",
        params={"members": 12, "label": "a\nb"},
        point=2,
        run=5,
        seed=np.random.SeedSequence(7, spawn_key=(123, 5)),
        steps=10,
        until=None,
        keep=None,
        sample_every=None,
    )
    assert str(task) == (
        "run 5 of point 2 of world 'rosca' (members=12, label='a\\nb'), "
        "seed SeedSequence(7, spawn_key=(123, 5))"
    )


def _check_message(error: npl.BackendError) -> None:
    message = str(error)
    assert "\n" not in message
    assert "run 0 of point 0 of world 'reliability.fault_worlds:doomed' (savers=3)" in message
    assert "seed SeedSequence(1, spawn_key=(" in message


@pytest.mark.slow
def test_the_processes_backend_names_the_task_that_kills_its_worker() -> None:
    experiment = npl.Experiment(DOOMED, {"savers": 3}, runs=1, steps=2, seed=1)
    with pytest.raises(npl.WorkerLostError, match="a worker process died 3 times") as info:
        experiment.run(backend="processes", workers=1, quiet=True)
    _check_message(info.value)


@pytest.mark.slow
def test_dask_names_the_task_that_kills_its_workers() -> None:
    """Repeated worker deaths were a raw ``distributed.KilledWorker``."""
    distributed = pytest.importorskip("distributed")
    import dask

    experiment = npl.Experiment(DOOMED, {"savers": 3}, runs=1, steps=2, seed=1)
    # One death allowed (the default is 3, each a worker restart): the same code path, faster.
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",  # None means 8787, which a parallel test may hold
            silence_logs=50,
        ) as cluster,
        distributed.Client(cluster) as client,
        pytest.raises(npl.WorkerLostError, match="Dask workers died 2 times while running") as info,
    ):
        experiment.run(backend=client, quiet=True)
    _check_message(info.value)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("backend", "message"),
    [("processes", "a worker process died 3 times"), ("dask", "Dask workers died 4 times")],
)
def test_the_command_line_says_it_in_one_line(backend: str, message: str) -> None:
    if backend == "dask":
        pytest.importorskip("distributed")
    result = subprocess.run(
        [sys.executable, "-m", "npolitics._cli", "run", DOOMED, "-p", "savers=3",
         "--steps", "2", "--seed", "1", "--backend", backend, "--workers", "1"],
        env={**os.environ, "PYTHONPATH": str(TESTS)},
        cwd=TESTS,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 1  # the run failed; the input was fine
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"npolitics: a run failed: {message} while running run 0")
    assert "run 0 of point 0 of world" in result.stderr
