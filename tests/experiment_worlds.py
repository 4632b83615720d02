"""Small worlds for the experiment, backend and CLI tests (importable by worker processes)."""

from __future__ import annotations

import time

import attrs
import numpy as np
import numpy.typing as npt

import npolitics as npl


class Flippers(npl.Population):
    """Agents who flip a biased coin every tick; W(ψ) is the number of heads so far."""

    p: float = 0.5
    pause: float = 0.0
    fail_at: int = -1
    heads: npt.NDArray[np.int64] = npl.column(np.int64, 0)

    @npl.channel
    def tick(self, batch: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        """Each agent flips once; a pause (seconds of wall time) makes runs slow on purpose."""
        self.heads += ctx.rng.random(self.n) < self.p
        if ctx.now == self.fail_at:
            raise RuntimeError("asked to fail")
        if self.pause:
            time.sleep(self.pause)

    def wellbeing(self) -> npt.NDArray[np.float64]:
        return self.heads.astype(float)


@attrs.frozen
class CoinParams:
    n: int = npl.param(10, ge=1, help="agents")
    p: float = npl.param(0.5, ge=0, le=1, help="probability of heads")
    pause: float = npl.param(0.0, ge=0, help="wall-clock seconds slept per tick")
    fail_at: int = npl.param(-1, ge=-1, help="tick at which the handler raises (-1: never)")
    weights: tuple[float, ...] = npl.param((1.0, 2.0), help="a tuple parameter (unused)")
    label: str = npl.param("plain", choices=("plain", "fancy"), help="a string parameter")
    stop_at: int = npl.param(
        0, ge=0, help="a run stops once an agent has this many heads (0: never)"
    )


@npl.world("coins", params=CoinParams)
def coins(p: CoinParams, world: npl.World) -> None:
    """Coin flippers: Ω is the number of heads so far."""
    crowd = world.add("crowd", Flippers(n=p.n, p=p.p, pause=p.pause, fail_at=p.fail_at))
    world.clock("crowd", "tick")
    world.metric("heads_rate", lambda w: float(crowd.heads.mean()) / max(1.0, (w.now or 0) + 1))
    world.metric("max_heads", lambda w: float(crowd.heads.max()))
    if p.stop_at:
        world.stop_when(lambda w: bool(crowd.heads.max() >= p.stop_at))


def after_four(world: npl.World) -> bool:
    """A stop condition that pickles by reference: the run has reached t = 4."""
    return bool(world.now >= 4)


@attrs.frozen
class Arrival:
    """A customer at the desk."""


class Desk(npl.Agent):
    """Serves each customer on arrival; customers come as a Poisson stream (no clock)."""

    rate: float = 1.0
    served: int = 0

    @npl.channel
    def arrive(self, m: Arrival, ctx: npl.Context) -> None:
        self.served += 1
        ctx.send(ctx.me, "arrive", Arrival(), delay=float(ctx.rng.exponential(1 / self.rate)))

    def wellbeing(self) -> float:
        return 0.0


@attrs.frozen
class QueueParams:
    rate: float = npl.param(1.0, gt=0, help="customers per unit of time")


@npl.world("queue", params=QueueParams)
def queue(p: QueueParams, world: npl.World) -> None:
    """A desk serving a Poisson stream of customers: event times, no clock; the headline is
    how many were served."""
    desk = world.add("desk", Desk(rate=p.rate))
    world.send("desk", "arrive", Arrival(), at=0)
    world.metric("served", lambda w: float(desk.served), headline=True)
