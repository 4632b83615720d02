"""Mesa's Boltzmann wealth model with Mesa's default size: 100 people on 10 × 10 cells.

Every step each person moves to a random neighbouring cell and gives a coin to a random
cellmate; the Gini coefficient of wealth is recorded every step. Rows: the npolitics port
(``examples/mesa_boltzmann.py``) under sequential activation (Mesa's model) and simultaneous
activation, and Mesa 3's own example model. ``mesa_boltzmann_10k`` is the same at 10 000
people. See ``_mesa_boltzmann.py`` for what is shared.
"""

from __future__ import annotations

from benchmarks.cases._mesa_boltzmann import IMPLEMENTATIONS, UNIT, work

DESCRIPTION = "Mesa's Boltzmann wealth model, 100 people on 10 x 10 cells"
SIZES = {
    "quick": {"agents": 100, "width": 10, "height": 10, "steps": 20},
    "full": {"agents": 100, "width": 10, "height": 10, "steps": 2_000},
}

__all__ = ["DESCRIPTION", "IMPLEMENTATIONS", "SIZES", "UNIT", "work"]
