"""The knowledge office's v2 "grand experiment", run by the reference script's own classes.

Three variants (forgetful, sociable, database) of 1000 workers with 1000 facts per worker,
each stepped by the reference's ``run_v2`` loop, which keeps the notebook's pool of free
colleagues as a list (so each step is quadratic in the number of workers). The reference's
quirks are kept: targets are drawn from the module-level 100 facts. The key statistic is the
tail-mean work rate per variant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks._harness import Sizes
from benchmarks.cases.knowledge_office import reference_module

DESCRIPTION = "knowledge office grand experiment (v2), three variants, reference classes"
UNIT = "agent-steps/s"
SIZES = {
    "quick": {"workers": 1000, "facts_per_worker": 1000, "steps": 20},
    "full": {"workers": 1000, "facts_per_worker": 1000, "steps": 300},
}
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


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    ("reference script", run_reference),
]
