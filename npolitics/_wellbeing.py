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


def wellbeing_of(group: str, members: Any, kind: str, *, world: str, time: float) -> FloatArray:
    """W(ψ) of every agent of one group, checked to be finite."""
    if kind == "population":
        values = np.asarray(members.wellbeing(), dtype=np.float64)
        if values.shape != (len(members),):
            raise WellbeingError(
                f"in world {world!r}: {type(members).__qualname__}.wellbeing() of group "
                f"{group!r} must return {len(members)} values, got shape {values.shape}"
            )
    else:
        values = np.fromiter(
            (_as_float(m.wellbeing(), group, i, world) for i, m in enumerate(members)),
            dtype=np.float64,
            count=len(members),
        )
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise WellbeingError(
            f"in world {world!r} at t={time}: wellbeing of {group}[{i}] is {values[i]}; "
            "W(ψ) must be a finite number"
        )
    return values


def _as_float(value: Any, group: str, index: int, world: str) -> float:
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
