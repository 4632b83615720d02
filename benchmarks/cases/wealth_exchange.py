"""The tutorial's wealth exchange at 100 people: a world written once as compiled rules,
against the same model as a numpy population and as a hand-written numba loop.

Every tick, everyone with a coin gives one to somebody else at random (simultaneous
activation). The compiled world and the hand loop draw the same numbers in the same order,
so their statistics are equal; the numpy population draws in bulk from the same stream,
which here gives the same numbers too. See ``benchmarks/npolitics_impl/wealth_exchange.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks._harness import Sizes, needs, warmed_by
from benchmarks.npolitics_impl import wealth_exchange as impl

DESCRIPTION = "wealth exchange, 100 people: compiled rules vs numpy vs hand-written numba"
UNIT = "agent-steps/s"
SIZES = {
    "quick": {"people": 100, "steps": 200},
    "full": {"people": 100, "steps": 20_000},
}


def work(sizes: Sizes) -> float:
    """One agent-step: one person's tick and, maybe, one gift."""
    return float(sizes["people"] * sizes["steps"])


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    ("npolitics compiled rules", needs("numba")(warmed_by(impl.warm_up)(impl.run_compiled))),
    ("npolitics numpy population", impl.run_numpy),
    ("hand-written numba loop", needs("numba")(warmed_by(impl.warm_up)(impl.run_hand))),
]

__all__ = ["DESCRIPTION", "IMPLEMENTATIONS", "SIZES", "UNIT", "work"]
