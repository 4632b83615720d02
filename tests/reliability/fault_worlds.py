"""Worlds with faults that can be planted: importable by worker processes (``module:attr``)."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import ClassVar

import attrs
import numpy as np
import numpy.typing as npt

import npolitics as npl


@attrs.frozen
class Coin:
    """One coin, from ``giver``."""

    giver: int


class Fault:
    """Where a fault is planted: handler ``group[index]`` raises ``error`` at time ``at``.

    Kept outside the agents' state, so a snapshot does not carry it and "fixing the fault"
    is disarming it here.
    """

    _live: ClassVar[dict[int, Fault]] = {}

    def __init__(self) -> None:
        Fault._live[id(self)] = self
        self.at: float | None = None
        self.index = -1
        self.error: type[BaseException] = RuntimeError
        self.fired = 0

    def arm(self, at: float, index: int = -1, error: type[BaseException] = RuntimeError) -> None:
        self.at, self.index, self.error = at, index, error

    def disarm(self) -> None:
        self.at = None

    def __reduce__(self) -> tuple[object, ...]:
        # A snapshot refers to the switch, it does not copy it: restoring a world keeps the
        # fault as armed or disarmed as it is now (in this process).
        return (_live_fault, (id(self),))

    def strike(self, now: float, index: int) -> None:
        if self.at is not None and now == self.at and self.index in (index, -1):
            self.fired += 1
            raise self.error(f"planted fault at t={now} in agent {index}")


def _live_fault(key: int) -> Fault:
    return Fault._live[key]


class Saver(npl.Agent):
    """Each tick gives one coin (if it has one) to a random other saver."""

    savers: int
    fault: Fault = attrs.field(eq=False, repr=False)
    coins: int = 3

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        if self.coins:
            self.coins -= 1
            to = int(ctx.rng.integers(self.savers))
            ctx.send(npl.Address(ctx.me.group, to), "take", Coin(ctx.me.index))
        self.fault.strike(ctx.now, ctx.me.index)

    @npl.channel
    def take(self, m: Coin, ctx: npl.Context) -> None:
        self.coins += 1

    def wellbeing(self) -> float:
        return float(np.log1p(self.coins))


class Savers(npl.Population):
    """The same savers as arrays."""

    fault: Fault = attrs.field(factory=Fault, eq=False, repr=False)
    coins: npt.NDArray[np.int64] = npl.column(np.int64, 3)

    @npl.channel
    def tick(self, batch: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        givers = np.flatnonzero(self.coins > 0)
        self.coins[givers] -= 1
        to = ctx.rng.integers(self.n, size=givers.size)
        ctx.send(ctx.me.group, "take", npl.Batch(Coin, to, giver=givers))
        self.fault.strike(ctx.now, -1)

    @npl.channel
    def take(self, batch: npl.Batch[Coin], ctx: npl.Context) -> None:
        np.add.at(self.coins, batch.to, 1)

    def wellbeing(self) -> npt.NDArray[np.float64]:
        return np.log1p(self.coins.astype(float))


def scalar_world(savers: int, seed: int, fault: Fault) -> npl.World:
    """``savers`` Saver agents passing coins; money conserved."""
    world = npl.World("savers", seed=seed)
    group = world.add("savers", [Saver(savers=savers, fault=fault) for _ in range(savers)])
    world.clock("savers", "tick", order="shuffled")
    world.metric("richest", lambda w: float(max(s.coins for s in group)))
    world.invariant("money conserved", lambda w: sum(s.coins for s in group) == 3 * savers)
    return world


def population_world(savers: int, seed: int, fault: Fault) -> npl.World:
    """The same world with one Savers population."""
    world = npl.World("savers", seed=seed)
    crowd = world.add("savers", Savers(n=savers, fault=fault))
    world.clock("savers", "tick")
    world.metric("richest", lambda w: float(crowd.coins.max()))
    world.invariant("money conserved", lambda w: int(crowd.coins.sum()) == 3 * savers)
    return world


@attrs.frozen
class MortalParams:
    savers: int = npl.param(5, ge=1, help="savers")
    marker: str = npl.param("", help="a file path: the first worker to build this world dies")


def _in_worker() -> bool:
    """Whether this is a worker process (of a pool or a Dask nanny), not the experiment's
    own process, which builds the first point's world to check what a run will cost."""
    return multiprocessing.parent_process() is not None


@npl.world("mortal", params=MortalParams)
def mortal(p: MortalParams, world: npl.World) -> None:
    """Savers; building it kills the worker process once (when ``marker`` does not exist)."""
    if p.marker and not Path(p.marker).exists() and _in_worker():
        Path(p.marker).write_text(str(os.getpid()))
        os._exit(17)
    crowd = world.add("savers", Savers(n=p.savers))
    world.clock("savers", "tick")
    world.metric("richest", lambda w: float(crowd.coins.max()))


@npl.world("doomed", params=MortalParams)
def doomed(p: MortalParams, world: npl.World) -> None:
    """A world whose building always kills the worker process (and builds in the parent)."""
    if _in_worker():
        os._exit(17)
    mortal.build(p, world)
