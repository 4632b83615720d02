"""The knowledge office's v2 "grand experiment", run by the reference script's own classes.

Three variants (forgetful, sociable, database) of 1000 workers with 1000 facts per worker,
each stepped by the reference's ``run_v2`` loop, which keeps the notebook's pool of free
colleagues as a list (so each step is quadratic in the number of workers). The reference's
quirks are kept: targets are drawn from the module-level 100 facts. The key statistic is the
tail-mean work rate per variant.

Every implementation runs ``steps`` steps (a few hundred: the reference is slow). The row
"npolitics, full size" runs the experiment at its real length, ``full_steps`` (10 000), as
one ``npl.Experiment`` over the three variants on two processes; it runs in the full
benchmark only (skipped with ``--quick``) and reports its own amount of work, so its
throughput and peak memory (of its largest process) are the figures to read, its time being
for 10 000 steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks._harness import Outcome, Sizes, Skip, needs
from benchmarks.cases.knowledge_office import reference_module
from benchmarks.npolitics_impl import knowledge_office as npolitics_impl

DESCRIPTION = "knowledge office grand experiment (v2), three variants, reference classes"
UNIT = "agent-steps/s"
SIZES = {
    "quick": {"workers": 200, "facts_per_worker": 1000, "steps": 20, "full_steps": 0},
    "full": {"workers": 1000, "facts_per_worker": 1000, "steps": 300, "full_steps": 10_000},
}
"""``full_steps`` = 0: the full-size npolitics row is skipped."""
VARIANTS = 3
SETTINGS = {
    "forget_rate": 0.01,
    "socialise_rate": 0.1,
    "contribution_success_rate": 0.05,
    "database_query_rate": 0.1,
    "database_write_rate": 0.1,
}
"""The settings of the reference script's __main__ block."""


def work(sizes: Sizes) -> float:
    return VARIANTS * sizes["workers"] * sizes["steps"]


def run_reference(sizes: Sizes, seed: int) -> dict[str, float]:
    """The reference's ``grand``; returns the tail-mean work rate of each variant."""
    ref = reference_module()
    ref.random.seed(seed)
    results = ref.grand(
        ref.Settings(**SETTINGS), sizes["workers"], sizes["facts_per_worker"], sizes["steps"]
    )
    return {variant: rate for variant, (_, rate) in results.items()}


GrandRun = Callable[[int, int, int, int], dict[str, float]]


def _npolitics(run: GrandRun) -> Callable[[Sizes, int], dict[str, float]]:
    """The case interface around ``run(workers, facts_per_worker, steps, seed)``."""

    @needs("npolitics", "worlds.knowledge_office", *getattr(run, "needs", ()))
    def adapted(sizes: Sizes, seed: int) -> dict[str, float]:
        return run(sizes["workers"], sizes["facts_per_worker"], sizes["steps"], seed)

    adapted.__doc__ = run.__doc__
    adapted.warm_up = getattr(run, "warm_up", None)  # type: ignore[attr-defined]
    return adapted


def _full_size(run: GrandRun) -> Callable[[Sizes, int], Outcome]:
    """``run`` at ``full_steps`` steps, reporting its own amount of work (full run only)."""

    @needs("npolitics", "worlds.knowledge_office", *getattr(run, "needs", ()))
    def adapted(sizes: Sizes, seed: int) -> Outcome:
        steps = sizes["full_steps"]
        if not steps:
            raise Skip("full-size run (10 000 steps): in the full benchmark only")
        statistic = run(sizes["workers"], sizes["facts_per_worker"], steps, seed)
        return Outcome(statistic, work=VARIANTS * sizes["workers"] * steps)

    adapted.warm_up = getattr(run, "warm_up", None)  # type: ignore[attr-defined]
    return adapted


_GRAND = dict(npolitics_impl.GRAND_IMPLEMENTATIONS)

IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    *((name, _npolitics(run)) for name, run in npolitics_impl.GRAND_IMPLEMENTATIONS),
    ("npolitics, full size", _full_size(_GRAND["npolitics, 2 processes"])),
    ("reference script", run_reference),
]
