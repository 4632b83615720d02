"""Grids: agents standing on the cells of a rectangle, and who stands near whom.

A :class:`Grid` has ``width × height`` cells, numbered ``x * height + y`` (so an array of
per-cell values of shape ``(width, height)``, flattened, is indexed by cell). Which cells
neighbour which is fixed when the grid is made (a torus or a bounded rectangle; Moore or von
Neumann; a radius; with or without the cell itself) and kept as a :class:`Network` of
cells, ``grid.cells``. Agents, by index, are placed on cells, moved and removed; the grid
refuses a second agent on a cell unless ``occupancy="multi"``. Every question about agents
near agents goes through :meth:`Grid.network`, the agents' network as they stand now.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import attrs
import numpy as np
import numpy.typing as npt

from ._errors import ArgumentError
from ._network import IntArray, Network, _integers, _trusted

Neighbourhood = Literal["moore", "von_neumann"]
"""Moore: the (2r+1)² cells of a square around a cell; von Neumann: those within r steps
along the axes (|dx| + |dy| ≤ r)."""

Occupancy = Literal["single", "multi"]
"""At most one agent per cell (Mesa's SingleGrid), or any number (MultiGrid)."""


def _positive(what: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ArgumentError(f"{what} must be an integer ≥ 1, got {value!r}")

    return check


def _one_of(options: tuple[str, ...]) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value not in options:
            raise ArgumentError(
                f"{attribute.name} must be one of {', '.join(map(repr, options))}, got {value!r}"
            )

    return check


def _agent_count(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ArgumentError(f"agents must be an integer ≥ 0 (the population's size), got {value!r}")


_FIXED = attrs.setters.frozen


@attrs.define(eq=False)
class Grid:
    """``width × height`` cells on which ``agents`` agents (indices ``0 .. agents-1``) stand.

    ``torus=True`` wraps the edges around; a bounded grid's border cells have fewer
    neighbours. ``neighbourhood`` (``"moore"`` or ``"von_neumann"``), ``radius`` and
    ``include_center`` say which cells are a cell's neighbours, as Mesa's
    ``get_neighborhood(pos, moore, include_center, radius)`` does; each is listed once, even
    where a small torus wraps onto itself. ``occupancy="single"`` allows one agent per cell.
    """

    width: int = attrs.field(validator=_positive("width"), on_setattr=_FIXED)
    height: int = attrs.field(validator=_positive("height"), on_setattr=_FIXED)
    agents: int = attrs.field(kw_only=True, validator=_agent_count, on_setattr=_FIXED)
    torus: bool = attrs.field(default=True, kw_only=True, on_setattr=_FIXED)
    neighbourhood: Neighbourhood = attrs.field(
        default="moore", kw_only=True, validator=_one_of(get_args(Neighbourhood)), on_setattr=_FIXED
    )
    radius: int = attrs.field(
        default=1, kw_only=True, validator=_positive("radius"), on_setattr=_FIXED
    )
    include_center: bool = attrs.field(default=False, kw_only=True, on_setattr=_FIXED)
    occupancy: Occupancy = attrs.field(
        default="single", kw_only=True, validator=_one_of(get_args(Occupancy)), on_setattr=_FIXED
    )
    cells: Network = attrs.field(init=False, on_setattr=_FIXED)
    """Which cells neighbour which: a network on the cells, made once."""
    _where: IntArray = attrs.field(init=False, repr=False)
    _index: tuple[IntArray, IntArray] | None = attrs.field(init=False, default=None, repr=False)
    _agents_network: Network | None = attrs.field(init=False, default=None, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "cells", _cell_network(self))  # fixed once made
        self._where = np.full(int(self.agents), -1, np.int64)

    # -- cells -------------------------------------------------------------------------------

    def cell(self, x: npt.ArrayLike, y: npt.ArrayLike) -> Any:
        """The cell at column ``x`` and row ``y`` (``x * height + y``); arrays give arrays."""
        xs, ys = np.asarray(x), np.asarray(y)
        for what, v, size in (("x", xs, self.width), ("y", ys, self.height)):
            if v.dtype.kind not in "iu":
                raise ArgumentError(f"{what} must be an integer, got {v.dtype} values")
            if v.size and (v.min() < 0 or v.max() >= size):
                raise ArgumentError(f"{what} must be in 0..{size - 1}, got {v.min()}..{v.max()}")
        out = xs * self.height + ys
        return int(out) if out.ndim == 0 else out.astype(np.int64)

    def xy(self, cell: npt.ArrayLike) -> tuple[Any, Any]:
        """The column and row ``(x, y)`` of a cell; an array of cells gives two arrays."""
        c = np.asarray(cell)
        self._check_cells(np.atleast_1d(c).astype(np.int64) if c.dtype.kind in "iu" else c)
        x, y = np.divmod(c, self.height)
        return (int(x), int(y)) if c.ndim == 0 else (x, y)

    # -- agents on cells -----------------------------------------------------------------------

    @property
    def positions(self) -> IntArray:
        """Each agent's cell, -1 for an agent not on the grid: a read-only view."""
        view = self._where.view()
        view.setflags(write=False)
        return view

    def place(self, agents: npt.ArrayLike, cells: npt.ArrayLike) -> None:
        """Put agents not on the grid onto cells: one agent and one cell, or arrays of each
        (or many agents and one cell). Refused as a whole, changing nothing, if any agent is
        already on the grid or a single-occupancy cell would hold two."""
        who, where = self._pairs(agents, cells)
        on = who[self._where[who] >= 0]
        if on.size:
            a = int(on[0])
            raise ArgumentError(
                f"agent {a} is already on the grid, at cell {self._name(self._where[a])}: "
                "move() it, or remove() it first"
            )
        self._settle(who, where)

    def move(self, agents: npt.ArrayLike, cells: npt.ArrayLike) -> None:
        """Move agents on the grid to cells, all at once (two agents may swap cells).
        Refused as a whole if any agent is not on the grid or a single-occupancy cell would
        hold two."""
        who, where = self._pairs(agents, cells)
        self._refuse_absent(who)
        self._settle(who, where)

    def remove(self, agents: npt.ArrayLike) -> None:
        """Take agents off the grid (each must be on it)."""
        who = self._agents(agents)
        self._refuse_absent(who)
        self._where[who] = -1
        self._changed()

    def agents_at(self, cell: int) -> IntArray:
        """The agents on a cell, in increasing order: a read-only view."""
        if np.ndim(cell) != 0:
            raise ArgumentError("agents_at takes one cell; counts() and positions cover all")
        self._check_cells(np.array([cell]))
        indptr, agents = self._by_cell()
        return agents[indptr[cell] : indptr[cell + 1]]

    def counts(self) -> IntArray:
        """How many agents stand on each cell."""
        return np.diff(self._by_cell()[0])

    def empty_cells(self) -> IntArray:
        """The cells with no agent, in increasing order."""
        return np.flatnonzero(self.counts() == 0)

    def neighbours(self, agent: int) -> IntArray:
        """The agents on the cells around ``agent``'s (cell by cell, in the order of
        ``cells.neighbours``; each cell's agents in increasing order), never ``agent``
        itself; its cellmates only with ``include_center=True``."""
        if np.ndim(agent) != 0:
            raise ArgumentError("neighbours takes one agent; network() covers all at once")
        who = self._agents(agent)
        self._refuse_absent(who)
        indptr, agents = self._by_cell()
        around = self.cells.neighbours(int(self._where[who[0]]))
        found: IntArray = agents[_ranges(indptr[around], np.diff(indptr)[around])]
        others: IntArray = found[found != who[0]]
        return others

    def network(self) -> Network:
        """The agents as a network, as they stand now: i and j are neighbours when j is
        among ``neighbours(i)``. Made once per arrangement (again after a change); use it
        to gather neighbours' values or draw a random neighbour for every agent at once."""
        if self._agents_network is None:
            self._agents_network = self._make_network()
        return self._agents_network

    # -- inside --------------------------------------------------------------------------------

    def _make_network(self) -> Network:
        placed = np.flatnonzero(self._where >= 0)
        home = self._where[placed]
        cptr, around = self.cells.indptr, self.cells.indices
        per_agent = np.diff(cptr)[home]
        owner = np.repeat(placed, per_agent)
        cell = around[_ranges(cptr[home], per_agent)]
        indptr, agents = self._by_cell()
        per_cell = np.diff(indptr)[cell]
        owner = np.repeat(owner, per_cell)
        other = agents[_ranges(indptr[cell], per_cell)]
        keep = owner != other
        owner, other = owner[keep], other[keep]
        rows = np.zeros(self._where.size + 1, np.int64)
        np.cumsum(np.bincount(owner, minlength=self._where.size), out=rows[1:])
        return _trusted(rows, other, None, directed=False, self_loops=False)

    def _by_cell(self) -> tuple[IntArray, IntArray]:
        """Who stands where, by cell: agents on cell c are ``agents[indptr[c]:indptr[c+1]]``."""
        if self._index is None:
            where = self._where
            order = np.argsort(where, kind="stable")
            order = order[where[order] >= 0]
            indptr = np.zeros(len(self.cells) + 1, np.int64)
            np.cumsum(np.bincount(where[order], minlength=len(self.cells)), out=indptr[1:])
            order.setflags(write=False)
            self._index = (indptr, order)
        return self._index

    def _changed(self) -> None:
        self._index = None
        self._agents_network = None

    def _settle(self, who: IntArray, where: IntArray) -> None:
        after = self._where.copy()
        after[who] = where
        if self.occupancy == "single":
            counts = np.bincount(after[after >= 0], minlength=len(self.cells))
            crowded = np.flatnonzero(counts > 1)
            if crowded.size:
                c = int(crowded[0])
                there = " and ".join(map(str, np.flatnonzero(after == c)[:2]))
                raise ArgumentError(
                    f"cell {self._name(c)} would hold agents {there}, but the grid holds one "
                    "agent per cell (occupancy='single'): choose an empty cell "
                    "(empty_cells()), or make the grid with occupancy='multi'"
                )
        self._where[:] = after
        self._changed()

    def _pairs(self, agents: npt.ArrayLike, cells: npt.ArrayLike) -> tuple[IntArray, IntArray]:
        who = self._agents(agents)
        where = _integers(np.atleast_1d(np.asarray(cells)), "cells")
        if where.size == 1 and who.size != 1:
            where = np.repeat(where, who.size)
        if where.size != who.size:
            raise ArgumentError(
                f"give one cell per agent: got {who.size} agents and {where.size} cells"
            )
        self._check_cells(where)
        return who, where

    def _agents(self, agents: npt.ArrayLike) -> IntArray:
        who = _integers(np.atleast_1d(np.asarray(agents)), "agents")
        if who.size and (who.min() < 0 or who.max() >= self._where.size):
            bad = int(who.min() if who.min() < 0 else who.max())
            raise ArgumentError(
                f"agent {bad} is not one of the grid's {self._where.size} agents "
                f"(0..{self._where.size - 1})"
            )
        seen, count = np.unique(who, return_counts=True)
        if np.any(count > 1):
            raise ArgumentError(f"agent {seen[count > 1][0]} is given twice")
        return who

    def _check_cells(self, cells: npt.NDArray[Any]) -> None:
        if cells.dtype.kind not in "iu":
            raise ArgumentError(f"cells must be integers (see Grid.cell), got {cells.dtype}")
        size = len(self.cells)
        if cells.size and (cells.min() < 0 or cells.max() >= size):
            bad = int(cells.min() if cells.min() < 0 else cells.max())
            raise ArgumentError(
                f"cell {bad} is not on the {self.width} × {self.height} grid (cells 0..{size - 1};"
                " Grid.cell(x, y) numbers them)"
            )

    def _refuse_absent(self, who: IntArray) -> None:
        off = who[self._where[who] < 0]
        if off.size:
            raise ArgumentError(f"agent {off[0]} is not on the grid: place() it first")

    def _name(self, cell: Any) -> str:
        x, y = divmod(int(cell), self.height)
        return f"{int(cell)} (x={x}, y={y})"


def _ranges(starts: IntArray, lengths: IntArray) -> IntArray:
    """``concatenate([arange(s, s + n) for s, n in zip(starts, lengths)])``, at once."""
    ends = np.cumsum(lengths)
    return np.repeat(starts - (ends - lengths), lengths) + np.arange(ends[-1] if ends.size else 0)


def _cell_network(grid: Grid) -> Network:
    """The cells' network of a grid: each cell joined to every cell of its neighbourhood."""
    w, h, r = int(grid.width), int(grid.height), int(grid.radius)
    span = range(-r, r + 1)
    offsets = np.array(
        [
            (dx, dy)
            for dx in span
            for dy in span
            if grid.neighbourhood == "moore" or abs(dx) + abs(dy) <= r
        ],
        np.int64,
    )
    cells = np.arange(w * h, dtype=np.int64)
    x, y = np.divmod(cells, h)
    nx = x[:, None] + offsets[:, 0]
    ny = y[:, None] + offsets[:, 1]
    if grid.torus:
        nx, ny = nx % w, ny % h
        inside = np.ones(nx.shape, bool)
    else:
        inside = (nx >= 0) & (nx < w) & (ny >= 0) & (ny < h)
    if not grid.include_center:
        inside &= nx * h + ny != cells[:, None]
    # One row of candidate neighbours per cell; those outside sort last as w·h, and a cell
    # that a small torus reaches twice is kept once.
    around = np.where(inside, nx * h + ny, w * h)
    around.sort(axis=1)
    keep = around < w * h
    keep[:, 1:] &= around[:, 1:] != around[:, :-1]
    indptr = np.zeros(w * h + 1, np.int64)
    np.cumsum(keep.sum(axis=1), out=indptr[1:])
    return _trusted(
        indptr, around[keep], None, directed=False, self_loops=bool(grid.include_center)
    )
