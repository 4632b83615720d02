"""Mesa's Boltzmann wealth model at 10 000 people on 100 × 100 cells (Mesa's density).

The case "mesa_boltzmann" at a hundred times the people: the same rows, and per-step costs
that grow with the society (the Gini coefficient, recorded every step, sorts every wealth).
"""

from __future__ import annotations

from benchmarks.cases._mesa_boltzmann import IMPLEMENTATIONS, UNIT, work

DESCRIPTION = "Mesa's Boltzmann wealth model, 10 000 people on 100 x 100 cells"
SIZES = {
    "quick": {"agents": 10_000, "width": 100, "height": 100, "steps": 2},
    "full": {"agents": 10_000, "width": 100, "height": 100, "steps": 100},
}

__all__ = ["DESCRIPTION", "IMPLEMENTATIONS", "SIZES", "UNIT", "work"]
