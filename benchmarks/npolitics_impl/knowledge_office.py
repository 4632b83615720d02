"""npolitics' knowledge office for the cases "knowledge_office" and "knowledge_office_grand".

The world is one model; how it runs is a property of the run: "npolitics" is its default run
(compiled rules when numba is installed), "npolitics interpreted" the same rules as plain
Python (``compiled=False``: the same numbers, slower).

``IMPLEMENTATIONS`` serve the case "knowledge_office" (variant researcher, the notebook's 100
facts): each callable is ``(workers, ticks, seed) -> float``, the mean work rate per worker over
the last 20% of ticks. ``GRAND_IMPLEMENTATIONS`` serve "knowledge_office_grand": each callable
is ``(workers, facts_per_worker, steps, seed) -> dict[str, float]``, the tail-mean work rate of
each of the three v2 variants (keys "Forgetful", "Sociable", "Databaser", as the reference
script prints them), with the reference's settings and fidelity "seed": "npolitics" runs the
three offices one after the other in this process, "npolitics, 2 processes" runs them as one
``npl.Experiment`` over the variants on the processes backend (both cores).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import npolitics as npl
from benchmarks._harness import needs, warmed_by

NOTEBOOK_FACTS = 100
GRAND_VARIANTS = {"Forgetful": "forgetful", "Sociable": "sociable", "Databaser": "database"}
SETTINGS = {
    "forget_rate": 0.01,
    "socialise_rate": 0.1,
    "contribution_success_rate": 0.05,
    "database_query_rate": 0.1,
    "database_write_rate": 0.1,
}
"""The settings of the reference script's __main__ block (also the world's defaults)."""

HAS_NUMBA = importlib.util.find_spec("numba") is not None


def tail_mean(rates: list[float]) -> float:
    """Mean of the last 20% of the per-tick work rates (at least one tick)."""
    tail = rates[-max(1, len(rates) // 5) :]
    return sum(tail) / len(tail)


def _how(compiled: bool | None) -> dict[str, Any]:
    return {} if compiled is None else {"compiled": compiled}


def _researcher(compiled: bool | None) -> Callable[[int, int, int], float]:
    def run(workers: int, ticks: int, seed: int) -> float:
        world = npl.load_world("knowledge-office")(
            seed=seed, variant="researcher", workers=workers, facts=NOTEBOOK_FACTS
        )
        frame = world.run(steps=ticks, rollback=False, **_how(compiled)).frame()
        return tail_mean(frame["work_rate"].tolist())

    run.__doc__ = "The researcher variant, " + (
        "default run." if compiled is None else "interpreted."
    )
    return run


def grand_serial(workers: int, facts_per_worker: int, steps: int, seed: int) -> dict[str, float]:
    """The grand experiment's three offices, one after the other, in this process."""
    out = {}
    for name, variant in GRAND_VARIANTS.items():
        world = npl.load_world("knowledge-office")(
            seed=seed,
            variant=variant,
            workers=workers,
            facts_per_worker=facts_per_worker,
            **SETTINGS,
        )
        out[name] = tail_mean(world.run(steps=steps, rollback=False).frame()["work_rate"].tolist())
    return out


def grand_experiment(
    workers: int, facts_per_worker: int, steps: int, seed: int
) -> dict[str, float]:
    """The grand experiment's three offices as one Experiment on two processes."""
    experiment = npl.Experiment(
        "knowledge-office",
        params={
            "variant": list(GRAND_VARIANTS.values()),
            "workers": workers,
            "facts_per_worker": facts_per_worker,
            **SETTINGS,
        },
        runs=1,
        steps=steps,
        seed=seed,
    )
    frame = experiment.run("processes", workers=2, quiet=True).frame()
    return {
        name: tail_mean(frame.loc[frame["variant"] == variant, "work_rate"].tolist())
        for name, variant in GRAND_VARIANTS.items()
    }


def _warm_up() -> None:
    """Load the compiled rules from numba's cache (compile them on first use), once per
    process and before the clock, like an import: a few steps of each variant benchmarked,
    and their table (``frame()`` imports pandas: 0.3 s, once)."""
    for variant in ("researcher", *GRAND_VARIANTS.values()):
        npl.load_world("knowledge-office")(seed=0, variant=variant, workers=5).run(
            steps=3, rollback=False
        ).frame()


def _marked(run: Any) -> Any:
    # numba is looked up, not imported: every benchmark process loads this module, and
    # importing numba here would add its memory to every row's peak. ``needs`` imports it
    # before the clock.
    return needs("numba")(warmed_by(_warm_up)(run)) if HAS_NUMBA else run


IMPLEMENTATIONS: list[tuple[str, Callable[[int, int, int], float]]] = [
    ("npolitics", _marked(_researcher(None))),
    ("npolitics interpreted", _researcher(False)),
]

GRAND_IMPLEMENTATIONS: list[tuple[str, Callable[[int, int, int, int], dict[str, float]]]] = [
    ("npolitics", _marked(grand_serial)),
    ("npolitics, 2 processes", _marked(grand_experiment)),
]
