"""Backends: the same experiment gives the same table in this process, in processes and on Dask."""

from __future__ import annotations

import os
import signal

import pandas as pd
import pytest
from experiment_worlds import coins

import npolitics as npl
from npolitics._backends import check_backend, default_backend, free_cores


def experiment(**kw: object) -> npl.Experiment:
    return npl.Experiment(coins, {"n": [3, 30], "p": 0.4}, runs=4, steps=10, seed=11, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def serial() -> pd.DataFrame:
    return experiment().run("serial", quiet=True).frame()


@pytest.mark.parametrize("workers", [1, 2])
def test_processes_give_the_serial_table(serial: pd.DataFrame, workers: int) -> None:
    res = experiment().run("processes", workers=workers, quiet=True)
    pd.testing.assert_frame_equal(res.frame(), serial, check_exact=True)


def test_dask_local_cluster_gives_the_serial_table(serial: pd.DataFrame) -> None:
    pytest.importorskip("distributed")
    res = experiment().run("dask", workers=2, quiet=True)
    pd.testing.assert_frame_equal(res.frame(), serial, check_exact=True)


def test_a_dask_client_can_be_the_backend(serial: pd.DataFrame) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=True, dashboard_address="127.0.0.1:0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        res = experiment().run(client, quiet=True)
        assert client.status == "running"  # the caller's client stays open
    pd.testing.assert_frame_equal(res.frame(), serial, check_exact=True)


@pytest.mark.slow
def test_a_killed_dask_worker_changes_nothing() -> None:
    """Kill a worker process mid-run: Dask re-runs its tasks and the table is the same."""
    distributed = pytest.importorskip("distributed")
    exp = npl.Experiment(coins, {"n": 5, "pause": 0.05}, runs=10, steps=10, seed=5)
    expected = exp.run("serial", quiet=True).frame()
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",
            silence_logs=50,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        pids = client.run(os.getpid)
        records = []
        for record in exp.stream(client):
            records.append(record)
            if len(records) == 1:
                os.kill(next(iter(pids.values())), signal.SIGKILL)
        assert client.run(os.getpid) != pids  # the nanny started a new worker
    pd.testing.assert_frame_equal(exp.results(records).frame(), expected, check_exact=True)


def test_an_unreachable_scheduler_is_a_backend_error() -> None:
    pytest.importorskip("distributed")
    with pytest.raises(npl.BackendError, match="cannot reach the Dask scheduler at 'tcp://"):
        experiment().run("tcp://127.0.0.1:1", quiet=True, timeout=0.5)


@pytest.mark.parametrize("backend", ["threads", "gpu", 3])
def test_unknown_backends_are_refused(backend: object) -> None:
    with pytest.raises(npl.BackendError, match="backend"):
        check_backend(backend)


def test_processes_are_the_default_when_cores_are_free() -> None:
    assert default_backend(1) == "serial"
    assert default_backend(20) == ("processes" if free_cores() > 1 else "serial")


def test_workers_must_be_at_least_one() -> None:
    with pytest.raises(npl.BackendError, match="workers must be ≥ 1"):
        experiment().run("processes", workers=0, quiet=True)


@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_a_failing_run_fails_the_experiment(backend: str) -> None:
    """A handler's error in a worker reaches the caller, naming where it happened."""
    exp = npl.Experiment(coins, {"n": 3, "fail_at": 2}, runs=3, steps=5)
    with pytest.raises(npl.HandlerError, match="channel 'tick' at t=2"):
        exp.run(backend, workers=2, quiet=True)
