"""How npolitics.Experiment scales: one experiment on serial, 1 and 2 processes, and Dask.

The experiment is ``runs`` Monte Carlo runs of the knowledge office (researcher variant) at
one parameter point; every backend returns the same table (the runs' seeds do not depend on
the backend), so the statistic — mean final Ω over runs — is identical in every row and the
times compare like with like. Each time includes starting and stopping the backend's
processes (spawned interpreters importing npolitics, or a Dask LocalCluster), as a user
pays it. Targets on a 2-core machine: 2 processes ≥ 1.7× serial; Dask within 20 % of them.

"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks._harness import Sizes, Skip, needs

DESCRIPTION = "npolitics.Experiment: knowledge-office runs on serial, processes and Dask"
UNIT = "runs/s"
SIZES: dict[str, dict[str, Any]] = {
    "quick": {"runs": 2, "workers": 50, "steps": 50},
    "full": {"runs": 20, "workers": 1000, "steps": 1000},
}


def work(sizes: Sizes) -> float:
    return float(sizes["runs"])


def _experiment(sizes: Sizes, seed: int) -> Any:
    import npolitics

    try:
        npolitics.load_world("knowledge-office")
    except Exception as exc:  # the world is not installed or does not import here
        raise Skip(f"knowledge-office world not available: {exc}") from exc
    return npolitics.Experiment(
        "knowledge-office",
        {"variant": "researcher", "workers": sizes["workers"]},
        runs=sizes["runs"],
        steps=sizes["steps"],
        seed=seed,
        keep=[],
    )


def _mean_final_omega(sizes: Sizes, seed: int, backend: str, workers: int | None) -> float:
    res = _experiment(sizes, seed).run(backend, workers=workers, quiet=True)
    return float(res.summary()["omega_mean"].iloc[0])


@needs("npolitics")
def serial(sizes: Sizes, seed: int) -> float:
    return _mean_final_omega(sizes, seed, "serial", None)


@needs("npolitics")
def processes_1(sizes: Sizes, seed: int) -> float:
    return _mean_final_omega(sizes, seed, "processes", 1)


@needs("npolitics")
def processes_2(sizes: Sizes, seed: int) -> float:
    return _mean_final_omega(sizes, seed, "processes", 2)


@needs("npolitics", "distributed")
def dask_local_2(sizes: Sizes, seed: int) -> float:
    return _mean_final_omega(sizes, seed, "dask", 2)


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    ("npolitics serial", serial),
    ("npolitics processes ×1", processes_1),
    ("npolitics processes ×2", processes_2),
    ("npolitics Dask LocalCluster ×2", dask_local_2),
]
