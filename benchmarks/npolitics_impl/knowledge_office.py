"""npolitics' knowledge office for the cases "knowledge_office" and "knowledge_office_grand".

``IMPLEMENTATIONS`` serve the case "knowledge_office" (variant researcher, the notebook's 100
facts): each callable is ``(workers, ticks, seed) -> float``, the mean work rate per worker over
the last 20% of ticks. ``GRAND_IMPLEMENTATIONS`` serve "knowledge_office_grand": each callable
is ``(workers, facts_per_worker, steps, seed) -> dict[str, float]``, the tail-mean work rate of
each of the three v2 variants (keys "Forgetful", "Sociable", "Databaser", as the reference
script prints them), with the reference's settings and fidelity "seed".
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


def tail_mean(rates: list[float]) -> float:
    """Mean of the last 20% of the per-tick work rates (at least one tick)."""
    tail = rates[-max(1, len(rates) // 5) :]
    return sum(tail) / len(tail)


def _researcher(implementation: str) -> Callable[[int, int, int], float]:
    def run(workers: int, ticks: int, seed: int) -> float:
        world = npl.load_world("knowledge-office")(
            seed=seed,
            variant="researcher",
            workers=workers,
            facts=NOTEBOOK_FACTS,
            implementation=implementation,
        )
        return tail_mean(world.run(steps=ticks, rollback=False).frame()["work_rate"].tolist())

    run.__name__ = f"researcher_{implementation}"
    run.__doc__ = f"The researcher variant, {implementation} implementation."
    return run


def _grand(implementation: str) -> Callable[[int, int, int, int], dict[str, float]]:
    def run(workers: int, facts_per_worker: int, steps: int, seed: int) -> dict[str, float]:
        out = {}
        for name, variant in GRAND_VARIANTS.items():
            world = npl.load_world("knowledge-office")(
                seed=seed,
                variant=variant,
                workers=workers,
                facts_per_worker=facts_per_worker,
                implementation=implementation,
                **SETTINGS,
            )
            rates = world.run(steps=steps, rollback=False).frame()["work_rate"].tolist()
            out[name] = tail_mean(rates)
        return out

    run.__name__ = f"grand_{implementation}"
    run.__doc__ = f"The grand experiment's three variants, {implementation} implementation."
    return run


IMPLEMENTATIONS: list[tuple[str, Callable[[int, int, int], float]]] = [
    ("npolitics population", _researcher("population")),
    ("npolitics scalar", _researcher("scalar")),
]

GRAND_IMPLEMENTATIONS: list[tuple[str, Callable[[int, int, int, int], dict[str, float]]]] = [
    ("npolitics population", _grand("population")),
    ("npolitics scalar", _grand("scalar")),
]


def _marked(run: Any, marks: tuple[Callable[[Any], Any], ...]) -> Any:
    for mark in marks:
        run = mark(run)
    return run


def _warm_up_compiled() -> None:
    """Load the compiled kernels from numba's cache (compile them on first use), once per
    process and before the clock, like an import: a few steps of each variant benchmarked."""
    for variant in ("researcher", *GRAND_VARIANTS.values()):
        npl.load_world("knowledge-office")(
            seed=0, variant=variant, workers=5, implementation="compiled"
        ).run(steps=3, rollback=False)


if importlib.util.find_spec("numba") is not None:  # compiled needs numba (npolitics[fast])
    # Looked up, not imported: every benchmark process loads this module, and importing numba
    # here would add its memory to every row's peak. ``needs`` imports it before the clock.
    compiled = (needs("numba"), warmed_by(_warm_up_compiled))
    IMPLEMENTATIONS.append(("npolitics compiled", _marked(_researcher("compiled"), compiled)))
    GRAND_IMPLEMENTATIONS.append(("npolitics compiled", _marked(_grand("compiled"), compiled)))
