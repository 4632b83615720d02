"""Spaces inside worlds: a grid is a population's state, snapshotted and restored with it."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

import npolitics as npl


class Walkers(npl.Population):
    """People on a torus who each step to a random neighbouring cell every tick; W(ψ) is the
    number of others around them."""

    grid: npl.Grid = attrs.field(factory=lambda: npl.Grid(1, 1, agents=0))

    @npl.channel
    def tick(self, batch: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        here = self.grid.positions[batch.to]
        self.grid.move(batch.to, self.grid.cells.random_neighbours(ctx.rng, here))

    def wellbeing(self) -> Any:
        return self.grid.network().degree.astype(float)


def walkers(seed: int, n: int = 30) -> npl.World:
    grid = npl.Grid(6, 6, agents=n, occupancy="multi")
    grid.place(np.arange(n), np.arange(n) % 36)
    world = npl.World("walkers", seed=seed)
    world.add("walkers", Walkers(n=n, grid=grid))
    world.clock("walkers", "tick")
    return world


def positions(world: npl.World) -> list[int]:
    group = world["walkers"]
    assert isinstance(group, Walkers)
    return group.grid.positions.tolist()


def test_the_same_seed_walks_the_same_way() -> None:
    a, b = walkers(seed=4), walkers(seed=4)
    a.run(steps=10)
    b.run(steps=10)
    assert positions(a) == positions(b)
    assert positions(a) != positions(walkers(seed=4))  # they did walk


def test_a_restored_world_walks_on_as_if_never_stopped() -> None:
    whole, parts = walkers(seed=9), walkers(seed=9)
    whole.run(steps=8)
    parts.run(steps=3)
    snapshot = parts.snapshot()
    parts.run(steps=2)
    parts.restore(snapshot)
    parts.run(steps=5)
    assert positions(parts) == positions(whole)
    assert whole.omega().total == parts.omega().total


def test_wellbeing_counts_the_neighbours_around() -> None:
    world = walkers(seed=1)
    group = world["walkers"]
    assert isinstance(group, Walkers)
    expected = sum(len(group.grid.neighbours(i)) for i in range(group.n))
    assert world.omega().total == expected
