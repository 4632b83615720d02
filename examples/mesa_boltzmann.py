"""Mesa's Boltzmann wealth model, ported to npolitics scalar agents, under both activations.

A port of Mesa 3's example ``mesa/examples/basic/boltzmann_wealth_model`` (``BoltzmannWealth``
and its ``MoneyAgent``), rewritten in the channel formalism. ``n`` people start with one coin
each, on cells of a ``width`` × ``height`` grid (not a torus) drawn at random. At every step
each person moves to a random neighbouring cell (the Moore neighbourhood: up to 8 cells) and
then, if it holds a coin and someone else stands in its new cell, gives one coin to one of
them at random.

Mesa runs a step as ``model.agents.shuffle_do("step")``: people act one at a time in a fresh
random order, so a coin received earlier in the step can be given on in the same step. That
is ``activation="sequential"`` with ``order="shuffled"``, the default here. Under
``activation="simultaneous"`` the same agents act on the state at the start of the step: a
coin received during a step can only be given on from the next step on.

In the port a person changes only its own state. It tells the grid where it moves; the grid,
an agent holding who stands in which cell, answers a person who has a coin to give with its
new cellmates; a coin is a message to the person who receives it. Run it to compare the two
activations::

    python examples/mesa_boltzmann.py
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import numpy as np

import npolitics as npl

PEOPLE = "people"
GRID = npl.Address("grid")

Activation = Literal["sequential", "simultaneous"]
Order = Literal["fixed", "shuffled"]


# --8<-- [start:messages]
@attrs.frozen
class Move:
    """Person ``who`` leaves cell ``src`` for cell ``dst`` (cells numbered x·height + y);
    ``giving``: it holds a coin, so it wants to know whom it could give it to."""

    who: int
    src: int
    dst: int
    giving: bool


@attrs.frozen
class Cellmates:
    """The grid's answer to a move: everyone else standing in the mover's new cell."""

    others: tuple[int, ...]


@attrs.frozen
class Coin:
    """One unit of wealth, given by person ``giver``."""

    giver: int


# --8<-- [end:messages]


# --8<-- [start:person]
class Person(npl.Agent):
    """Mesa's ``MoneyAgent``: ψ = the cell it stands on and the coins it holds.

    ``moore`` is the grid's map (the neighbouring cells of every cell) and ``people`` everyone's
    address, both shared and read only. Single draws come from ``ctx.random``, the group's
    Python stream, as Mesa's come from ``self.random``.
    """

    moore: tuple[tuple[int, ...], ...] = attrs.field(repr=False)
    people: tuple[npl.Address, ...] = attrs.field(repr=False)
    cell: int
    wealth: int = 1

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        """Mesa's ``move``: step to a random neighbouring cell and tell the grid."""
        dst = ctx.random.choice(self.moore[self.cell])
        ctx.send(GRID, "move", Move(ctx.me.index, self.cell, dst, self.wealth > 0))
        self.cell = dst

    @npl.channel
    def meet(self, m: Cellmates, ctx: npl.Context) -> None:
        """Mesa's ``give_money``: holding a coin, give it to one cellmate at random."""
        if self.wealth > 0 and m.others:
            other = ctx.random.choice(m.others)
            self.wealth -= 1
            ctx.send(self.people[other], "receive", Coin(ctx.me.index))

    @npl.channel
    def receive(self, m: Coin, ctx: npl.Context) -> None:
        """A coin from a cellmate."""
        self.wealth += 1

    def wellbeing(self) -> float:
        """W(ψ) = coins held, so Ω is the money supply (conserved)."""
        return float(self.wealth)


class Grid(npl.Agent):
    """Mesa's ``OrthogonalMooreGrid``, as an agent: ψ = who stands in each cell."""

    occupants: list[list[int]]
    people: tuple[npl.Address, ...] = attrs.field(repr=False)

    @npl.channel
    def move(self, m: Move, ctx: npl.Context) -> None:
        """Record the move and, if the mover has a coin to give, tell it who else is in its new
        cell (nobody there, or no coin: Mesa's ``give_money`` would do nothing)."""
        self.occupants[m.src].remove(m.who)
        here = self.occupants[m.dst]
        if m.giving and here:
            ctx.send(self.people[m.who], "meet", Cellmates(tuple(here)))
        here.append(m.who)


# --8<-- [end:person]


def moore(width: int, height: int) -> tuple[tuple[int, ...], ...]:
    """The neighbouring cells of each cell of a width × height grid without wrapping.

    Cell (x, y) is number x·height + y, and its neighbours come in Mesa's order of offsets
    (-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1).
    """
    if width < 1 or height < 1 or width * height < 2:
        raise ValueError(f"the grid needs at least 2 cells to move on, got {width} × {height}")
    offsets = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (dx, dy) != (0, 0)]
    return tuple(
        tuple(
            (x + dx) * height + y + dy
            for dx, dy in offsets
            if 0 <= x + dx < width and 0 <= y + dy < height
        )
        for x in range(width)
        for y in range(height)
    )


def gini(wealth: Sequence[int]) -> float:
    """Mesa's ``compute_gini``: 0 when all hold the same, 1 - 1/n when one holds all."""
    x = sorted(wealth)
    n = len(x)
    b = sum(xi * (n - i) for i, xi in enumerate(x)) / (n * sum(x))
    return 1 + 1 / n - 2 * b


# --8<-- [start:world]
def boltzmann(
    n: int = 100,
    width: int = 10,
    height: int = 10,
    *,
    activation: Activation = "sequential",
    order: Order = "shuffled",
    seed: int = 1,
) -> npl.World:
    """The Boltzmann wealth world; Mesa's ``BoltzmannWealth(n, width, height, seed)`` is
    ``activation="sequential", order="shuffled"``."""
    if n < 1:
        raise ValueError(f"the model needs at least 1 person, got n={n}")
    world = npl.World("boltzmann-wealth", seed=seed)
    cells = world.rng.integers(width * height, size=n).tolist()
    grid = moore(width, height)
    occupants: list[list[int]] = [[] for _ in grid]
    for who, cell in enumerate(cells):
        occupants[cell].append(who)
    people = tuple(npl.Address(PEOPLE, i) for i in range(n))
    world.add(PEOPLE, [Person(grid, people, cell) for cell in cells])
    world.add(GRID.group, Grid(occupants, people))
    world.clock(PEOPLE, "tick", order=order, activation=activation)
    world.metric("gini", lambda w: gini([p.wealth for p in w[PEOPLE]]))
    world.invariant("coins are conserved", lambda w: sum(p.wealth for p in w[PEOPLE]) == n)
    world.invariant("the grid knows where everyone stands", grid_agrees)
    return world


# --8<-- [end:world]


def grid_agrees(world: npl.World) -> bool:
    """Every person is listed in its own cell by the grid, and nowhere else."""
    listed = sorted(
        (who, cell) for cell, here in enumerate(world[GRID.group].occupants) for who in here
    )
    return listed == [(who, p.cell) for who, p in enumerate(world[PEOPLE])]


def import_mesa_example(name: str) -> types.ModuleType:
    """Mesa's own example module ``mesa.examples.<name>`` (ImportError without Mesa).

    ``mesa/examples/__init__.py`` imports every example, and some of them need networkx;
    where that fails, the package is stood in for by a bare one with the same path, so that
    the one example's modules import on their own.
    """
    try:
        return importlib.import_module(f"mesa.examples.{name}")
    except ModuleNotFoundError as missing:
        if missing.name is None or missing.name.split(".")[0] == "mesa":
            raise  # Mesa itself, or this example, is missing: no stand-in helps
        import mesa

        bare = types.ModuleType("mesa.examples")
        bare.__path__ = [str(Path(mesa.__file__).parent / "examples")]
        sys.modules["mesa.examples"] = bare
        return importlib.import_module(f"mesa.examples.{name}")


def mesa_model() -> Any:
    """Mesa's ``BoltzmannWealth`` class, the model this file ports."""
    return import_mesa_example("basic.boltzmann_wealth_model.model").BoltzmannWealth


def mesa_gini(steps: int, seed: int, **sizes: int) -> float:
    """The Gini coefficient of wealth after ``steps`` steps of one run of Mesa's model."""
    model = mesa_model()(seed=seed, **sizes)
    for _ in range(steps):
        model.step()
    return float(model.compute_gini())


def final_gini(
    steps: int, activation: Activation, seed: int, n: int = 100, width: int = 10, height: int = 10
) -> float:
    """The Gini coefficient of wealth after ``steps`` steps of one run."""
    world = boltzmann(n, width, height, activation=activation, seed=seed)
    world.run(steps=steps)
    return gini([p.wealth for p in world[PEOPLE]])


def summary(values: Sequence[float]) -> str:
    """Mean ± standard error of the mean."""
    x = np.asarray(values, float)
    return f"{x.mean():.4f} ± {x.std(ddof=1) / np.sqrt(x.size):.4f}"


if __name__ == "__main__":
    quick = "--quick" in sys.argv or bool(os.environ.get("NPOLITICS_QUICK"))
    runs, steps = (5, 20) if quick else (40, 100)
    print(f"Gini of wealth after {steps} steps, 100 people on 10 × 10 cells, {runs} runs each")
    for activation in ("sequential", "simultaneous"):
        values = [final_gini(steps, activation, seed) for seed in range(runs)]
        print(f"  {'npolitics, activation=' + activation:<36} {summary(values)}")
    try:
        values = [mesa_gini(steps, seed) for seed in range(runs)]
    except ImportError as missing:
        print(f"  Mesa's own model: not run ({missing})")
    else:
        print(f"  {'Mesa, shuffle_do':<36} {summary(values)}")
