"""Placeholder: how npolitics.Experiment scales over backends and worker counts.

To be filled in once ``npolitics.Experiment`` exists; until then the case is shown as skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks._harness import Sizes, Skip

DESCRIPTION = "npolitics.Experiment over backends and worker counts (not written yet)"
UNIT = "runs/s"
SIZES: dict[str, dict[str, int]] = {"quick": {"runs": 4}, "full": {"runs": 40}}


def work(sizes: Sizes) -> float:
    return sizes["runs"]


def run_placeholder(sizes: Sizes, seed: int) -> None:
    raise Skip("needs npolitics.Experiment")


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    ("npolitics Experiment", run_placeholder),
]
