"""npl.Grid: agents on the cells of a torus or a bounded rectangle."""

from __future__ import annotations

import pickle
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import npolitics as npl

from ._strategies import quick

sides = st.integers(1, 7)


def brute_neighbourhood(grid: npl.Grid, cell: int) -> set[int]:
    """The cells around ``cell``, by the definition: offsets within the radius, wrapped on a
    torus, dropped outside a bounded grid, the cell itself only if asked for."""
    x, y = divmod(cell, grid.height)
    r = grid.radius
    found = set()
    for dx in range(-r, r + 1):
        for dy in range(-r, r + 1):
            if grid.neighbourhood == "von_neumann" and abs(dx) + abs(dy) > r:
                continue
            nx, ny = x + dx, y + dy
            if grid.torus:
                nx, ny = nx % grid.width, ny % grid.height
            elif not (0 <= nx < grid.width and 0 <= ny < grid.height):
                continue
            found.add(nx * grid.height + ny)
    if not grid.include_center:
        found.discard(cell)
    return found


grids = st.builds(
    npl.Grid,
    sides,
    sides,
    agents=st.integers(0, 12),
    torus=st.booleans(),
    neighbourhood=st.sampled_from(["moore", "von_neumann"]),
    radius=st.integers(1, 3),
    include_center=st.booleans(),
    occupancy=st.sampled_from(["single", "multi"]),
)


# -- cells ---------------------------------------------------------------------------------------


@quick
@given(grids)
def test_cell_neighbourhoods_follow_the_definition(grid: npl.Grid) -> None:
    for cell in range(grid.width * grid.height):
        assert set(grid.cells.neighbours(cell).tolist()) == brute_neighbourhood(grid, cell)
    assert not grid.cells.directed


@quick
@given(st.integers(3, 9), st.integers(3, 9))
def test_on_a_torus_every_cell_has_8_moore_and_4_von_neumann_neighbours(w: int, h: int) -> None:
    assert (npl.Grid(w, h, agents=0).cells.degree == 8).all()
    assert (npl.Grid(w, h, agents=0, neighbourhood="von_neumann").cells.degree == 4).all()
    assert (npl.Grid(w, h, agents=0, include_center=True).cells.degree == 9).all()


@quick
@given(st.integers(2, 9), st.integers(2, 9), st.sampled_from(["moore", "von_neumann"]))
def test_bounded_corners_have_fewer_neighbours(w: int, h: int, kind: Any) -> None:
    grid = npl.Grid(w, h, agents=0, torus=False, neighbourhood=kind)
    corners = [grid.cell(0, 0), grid.cell(0, h - 1), grid.cell(w - 1, 0), grid.cell(w - 1, h - 1)]
    assert (grid.cells.degree[corners] == (3 if kind == "moore" else 2)).all()
    assert grid.cells.degree.max() <= (8 if kind == "moore" else 4)
    if w >= 3 and h >= 3:
        assert grid.cells.degree[grid.cell(1, 1)] == (8 if kind == "moore" else 4)


def test_a_small_torus_lists_each_neighbour_once() -> None:
    """On a 2 × 2 torus, left and right of a cell are one cell: 3 neighbours, as in Mesa."""
    grid = npl.Grid(2, 2, agents=0)
    assert grid.cells.degree.tolist() == [3, 3, 3, 3]


def test_radius_two_moore_on_a_large_torus() -> None:
    assert (npl.Grid(7, 6, agents=0, radius=2).cells.degree == 24).all()


def test_cells_are_numbered_column_by_column() -> None:
    """Cell x·height + y: per-cell values of shape (width, height) flatten onto the cells."""
    grid = npl.Grid(4, 3, agents=0)
    assert grid.cell(2, 1) == 7
    assert grid.xy(7) == (2, 1)
    assert grid.cell(np.array([0, 3]), np.array([2, 0])).tolist() == [2, 9]
    field = np.arange(12).reshape(4, 3)
    assert grid.cells.gather(field.ravel()).reshape(4, 3)[2, 1] == sum(
        field[(2 + dx) % 4, (1 + dy) % 3] for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy
    )


# -- agents on cells -------------------------------------------------------------------------


def test_place_move_remove() -> None:
    grid = npl.Grid(3, 3, agents=3)
    grid.place([0, 1], [grid.cell(0, 0), grid.cell(1, 1)])
    grid.place(2, grid.cell(2, 2))
    assert grid.positions.tolist() == [0, 4, 8]
    assert grid.agents_at(4).tolist() == [1]
    assert grid.neighbours(1).tolist() == [0, 2]
    grid.move([0, 1], [4, 0])  # a swap, all at once
    assert grid.positions.tolist() == [4, 0, 8]
    grid.remove(2)
    assert grid.positions.tolist() == [4, 0, -1]
    assert grid.empty_cells().tolist() == [1, 2, 3, 5, 6, 7, 8]
    assert not grid.positions.flags.writeable


def test_multi_occupancy_counts_cellmates_only_with_the_center() -> None:
    grid = npl.Grid(3, 3, agents=3, occupancy="multi")
    grid.place([0, 1, 2], [4, 4, 0])
    assert grid.agents_at(4).tolist() == [0, 1]
    assert grid.counts().tolist() == [1, 0, 0, 0, 2, 0, 0, 0, 0]
    assert grid.neighbours(0).tolist() == [2]
    center = npl.Grid(3, 3, agents=3, occupancy="multi", include_center=True)
    center.place([0, 1, 2], [4, 4, 0])
    assert center.neighbours(0).tolist() == [2, 1]  # cell 0's agents, then cell 4's
    assert center.network().neighbours(0).tolist() == [2, 1]


def test_a_grid_pickles_with_its_agents() -> None:
    grid = npl.Grid(3, 3, agents=2)
    grid.place([0, 1], [2, 3])
    again = pickle.loads(pickle.dumps(grid))
    assert again.positions.tolist() == [2, 3]
    assert again.neighbours(0).tolist() == [1]


def test_the_agents_network_follows_moves() -> None:
    grid = npl.Grid(5, 5, agents=2, torus=False)
    grid.place([0, 1], [0, 1])
    assert grid.network().neighbours(0).tolist() == [1]
    grid.move(1, 24)
    assert grid.network().neighbours(0).tolist() == []
    assert grid.network().degree.tolist() == [0, 0]


def test_an_agent_steps_to_a_random_neighbouring_cell() -> None:
    """Movement reuses the cells' network: one random neighbouring cell per agent."""
    grid = npl.Grid(10, 10, agents=50, occupancy="multi")
    grid.place(np.arange(50), np.arange(50))
    before = grid.positions.copy()
    grid.move(np.arange(50), grid.cells.random_neighbours(np.random.default_rng(3), before))
    for a, b in zip(before, grid.positions, strict=True):
        assert b in grid.cells.neighbours(int(a))


@st.composite
def placed_grids(draw: Any) -> npl.Grid:
    grid = draw(grids)
    cells = grid.width * grid.height
    agents = draw(st.permutations(range(grid.agents)))
    for a in agents[: draw(st.integers(0, grid.agents))]:
        free = grid.empty_cells() if grid.occupancy == "single" else np.arange(cells)
        if free.size:
            grid.place(a, int(free[draw(st.integers(0, free.size - 1))]))
    return grid


@quick
@given(placed_grids())
def test_neighbours_are_the_agents_network(grid: npl.Grid) -> None:
    """``neighbours(i)`` (one agent, directly) and ``network()`` (all at once) agree, and
    agree with the definition: the agents on the cells of i's neighbourhood, but not i."""
    network = grid.network()
    assert network.n == grid.agents
    for a in range(grid.agents):
        cell = grid.positions[a]
        if cell < 0:
            assert network.degree[a] == 0
            continue
        expected = [
            b for c in grid.cells.neighbours(int(cell)) for b in grid.agents_at(int(c)) if b != a
        ]
        assert grid.neighbours(a).tolist() == expected
        assert network.neighbours(a).tolist() == expected


class Occupants(RuleBasedStateMachine):
    """Random place, move and remove calls, some of them refused: no agent ever stands on
    two cells, a single-occupancy cell never holds two, and a refused call changes nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.grid = npl.Grid(3, 3, agents=6)
        self.multi = npl.Grid(3, 3, agents=6, occupancy="multi")

    @rule(agent=st.integers(0, 5), cell=st.integers(0, 8))
    def place(self, agent: int, cell: int) -> None:
        self.attempt("place", agent, cell)

    @rule(agents=st.lists(st.integers(0, 5), max_size=3, unique=True), data=st.data())
    def move(self, agents: list[int], data: Any) -> None:
        cells = data.draw(st.lists(st.integers(0, 8), min_size=len(agents), max_size=len(agents)))
        self.attempt("move", agents, cells)

    @rule(agent=st.integers(0, 5))
    def remove(self, agent: int) -> None:
        self.attempt("remove", agent)

    def attempt(self, verb: str, *args: Any) -> None:
        for grid in (self.grid, self.multi):
            before = grid.positions.copy()
            try:
                getattr(grid, verb)(*args)
            except npl.ArgumentError:
                assert np.array_equal(grid.positions, before), "a refused call changed the grid"

    @invariant()
    def every_agent_stands_on_one_cell_at_most(self) -> None:
        for grid in (self.grid, self.multi):
            seen = [a for c in range(9) for a in grid.agents_at(c).tolist()]
            assert sorted(seen) == sorted(np.flatnonzero(grid.positions >= 0).tolist())
            for c in range(9):
                assert all(grid.positions[a] == c for a in grid.agents_at(c))

    @invariant()
    def single_occupancy_is_never_exceeded(self) -> None:
        assert self.grid.counts().max() <= 1


TestOccupants = Occupants.TestCase
TestOccupants.settings = settings(quick, stateful_step_count=20)


# -- bad input: a clear error, nothing built or changed -------------------------------------


def occupied() -> npl.Grid:
    grid = npl.Grid(3, 3, agents=4)
    grid.place([0, 1], [0, 1])
    return grid


BAD: list[Any] = [
    ("zero width", lambda: npl.Grid(0, 3, agents=1), "width must be an integer ≥ 1"),
    ("radius zero", lambda: npl.Grid(3, 3, agents=1, radius=0), "radius must be"),
    ("negative agents", lambda: npl.Grid(3, 3, agents=-1), "agents must be an integer ≥ 0"),
    ("hexagons", lambda: npl.Grid(3, 3, agents=1, neighbourhood="hex"), "'moore', 'von_neumann'"),
    ("occupancy", lambda: npl.Grid(3, 3, agents=1, occupancy="many"), "'single', 'multi'"),
    ("taken cell", lambda: occupied().place(2, 0), "cell 0 (x=0, y=0) would hold agents 0 and 2"),
    ("placed twice", lambda: occupied().place(0, 5), "agent 0 is already on the grid"),
    ("two to one cell", lambda: occupied().place([2, 3], 5), "would hold agents 2 and 3"),
    ("move into a taken cell", lambda: occupied().move(0, 1), "would hold agents 0 and 1"),
    ("move an absent agent", lambda: occupied().move(3, 5), "agent 3 is not on the grid"),
    ("remove an absent agent", lambda: occupied().remove(3), "agent 3 is not on the grid"),
    ("unknown agent", lambda: occupied().place(4, 5), "agent 4 is not one of the grid's 4"),
    ("negative agent", lambda: occupied().place(-1, 5), "agent -1 is not one of"),
    ("agent twice", lambda: occupied().place([2, 2], [5, 6]), "agent 2 is given twice"),
    ("cell off the grid", lambda: occupied().place(2, 9), "cell 9 is not on the 3 × 3 grid"),
    ("negative cell", lambda: occupied().place(2, -1), "cell -1 is not on"),
    ("cells for agents", lambda: occupied().place([2, 3], [5, 6, 7]), "2 agents and 3 cells"),
    ("x off the grid", lambda: occupied().cell(3, 0), "x must be in 0..2"),
    ("neighbours of the absent", lambda: occupied().neighbours(3), "not on the grid"),
]


@pytest.mark.parametrize(("call", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_refused_clearly(call: Any, message: str) -> None:
    with pytest.raises(npl.ArgumentError, match=re.escape(message)):
        call()


def test_a_refused_batch_changes_nothing() -> None:
    grid = occupied()
    with pytest.raises(npl.ArgumentError):
        grid.place([2, 3], [5, 1])  # 2 would fit, 3 would not: neither is placed
    assert grid.positions.tolist() == [0, 1, -1, -1]


def test_settings_are_fixed_once_made() -> None:
    """The cells' network is made from the settings, so they cannot change afterwards."""
    grid = npl.Grid(3, 3, agents=1)
    with pytest.raises(AttributeError):
        grid.width = 4  # type: ignore[misc]
    with pytest.raises(AttributeError):
        grid.cells = npl.Grid(4, 4, agents=1).cells  # type: ignore[misc]
