"""Views: how a world shows its society (to the dashboard, or any other observer).

A world declares one view with ``world.view(fn)``; ``fn(world)`` returns one of these frozen
records, built from the world's state at an instant boundary. Each turns into plain JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from ._errors import ArgumentError


def _floats(values: Any) -> list[float]:
    return [float(v) for v in np.asarray(values, dtype=float).reshape(-1)]


def _strings(values: Any) -> list[str]:
    return [str(v) for v in values]


def _grid(values: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.asarray(values, dtype=float)


@attrs.frozen
class PointsView:
    """Agents as points in a plane (x, y), optionally coloured by an integer ``group``."""

    x: Sequence[float] = attrs.field(converter=_floats)
    y: Sequence[float] = attrs.field(converter=_floats)
    group: Sequence[int] | None = None
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    title: str = ""

    def __attrs_post_init__(self) -> None:
        if len(self.x) != len(self.y):
            raise ArgumentError(f"x has {len(self.x)} points but y has {len(self.y)}")
        if self.group is not None and len(self.group) != len(self.x):
            raise ArgumentError(f"group has {len(self.group)} entries for {len(self.x)} points")

    def to_json(self) -> dict[str, Any]:
        """The view as plain JSON values."""
        return {
            "kind": "points",
            "title": self.title,
            "x": list(self.x),
            "y": list(self.y),
            "group": None if self.group is None else [int(g) for g in self.group],
            "xlim": None if self.xlim is None else [float(v) for v in self.xlim],
            "ylim": None if self.ylim is None else [float(v) for v in self.ylim],
        }


@attrs.frozen
class MatrixView:
    """A rows × columns grid of values (who knows what, who owes whom), shown as a heat map."""

    values: np.ndarray[Any, np.dtype[np.float64]] = attrs.field(converter=_grid)
    row_label: str = ""
    column_label: str = ""
    title: str = ""

    def __attrs_post_init__(self) -> None:
        if self.values.ndim != 2:
            raise ArgumentError(f"a matrix view needs a 2-D array, got shape {self.values.shape}")

    def to_json(self) -> dict[str, Any]:
        """The view as plain JSON values."""
        return {
            "kind": "matrix",
            "title": self.title,
            "values": [[float(v) for v in row] for row in self.values],
            "row_label": self.row_label,
            "column_label": self.column_label,
        }


@attrs.frozen
class BarsView:
    """One bar per label (policy codes of agents, balances of members, flows of money)."""

    labels: Sequence[str] = attrs.field(converter=_strings)
    values: Sequence[float] = attrs.field(converter=_floats)
    title: str = ""

    def __attrs_post_init__(self) -> None:
        if len(self.labels) != len(self.values):
            raise ArgumentError(f"{len(self.labels)} labels for {len(self.values)} values")

    def to_json(self) -> dict[str, Any]:
        """The view as plain JSON values."""
        return {
            "kind": "bars",
            "title": self.title,
            "labels": list(self.labels),
            "values": list(self.values),
        }


View = PointsView | MatrixView | BarsView
