"""Wellbeing: W(ψ) per agent and the collective wellbeing Ω = Σ W(ψ).

The Omega aggregator evaluates every group's wellbeing at a sample time and breaks Ω down
by agent type; a wellbeing that is not a finite number is an error naming the agent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ._errors import WellbeingError

FloatArray = npt.NDArray[np.float64]


@attrs.frozen
class Omega:
    """Collective wellbeing at one time: the total, the total per agent type, and mean W."""

    total: float
    by_type: dict[str, float]
    agents: int

    @property
    def mean(self) -> float:
        """Mean wellbeing per agent (NaN in a world without agents)."""
        return self.total / self.agents if self.agents else float("nan")


def check_finite(values: FloatArray, group: str, world: str, time: Any) -> FloatArray:
    """``values`` (W(ψ) of group ``group``'s agents), or an error naming the first that is not
    a finite number."""
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise WellbeingError(
            f"in world {world!r} at t={time}: wellbeing of {group}[{i}] is {values[i]}; "
            "W(ψ) must be a finite number"
        )
    return values


def as_float(value: Any, group: str, index: int, world: str) -> float:
    """One agent's W(ψ) as a float, or an error naming the agent."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise WellbeingError(
            f"in world {world!r}: wellbeing of {group}[{index}] must be a number, got {value!r}"
        ) from None


def aggregate(parts: Sequence[tuple[str, FloatArray]]) -> Omega:
    """Ω from each group's (agent type name, wellbeing array)."""
    by_type: dict[str, float] = {}
    agents = 0
    for type_name, values in parts:
        by_type[type_name] = by_type.get(type_name, 0.0) + float(values.sum())
        agents += values.size
    return Omega(total=float(sum(by_type.values())), by_type=by_type, agents=agents)
