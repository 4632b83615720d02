"""Small worlds for the tests of ``npolitics.testing``: one correct, some broken on purpose."""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

import npolitics as npl


@attrs.frozen
class Coin:
    """A coin passed between holders."""

    value: int = 1


class Holders(npl.Population):
    """Holders pass one coin each tick to a random holder; ``leak_at`` loses one on purpose."""

    leak_at: int = -1
    blow_up_at: int = -1
    coins: npt.NDArray[np.int64] = npl.column(np.int64, 0)

    @npl.channel
    def tick(self, batch: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        givers = np.flatnonzero(self.coins > 0)
        self.coins[givers] -= 1
        to = ctx.rng.integers(self.n, size=givers.size)
        if ctx.now == self.leak_at and to.size:
            to = to[1:]  # one coin vanishes
        if ctx.now == self.blow_up_at:
            raise RuntimeError("planted handler fault")
        ctx.send(ctx.me.group, "take", npl.Batch(Coin, to))

    @npl.channel
    def take(self, batch: npl.Batch[Coin], ctx: npl.Context) -> None:
        np.add.at(self.coins, batch.to, batch.value)

    def wellbeing(self) -> npt.NDArray[np.float64]:
        return self.coins.astype(float)


@attrs.frozen
class Params:
    holders: int = npl.param(50, ge=1, help="how many holders")
    coins: int = npl.param(3, ge=0, le=20, help="coins each holder starts with")
    leak_at: int = npl.param(-1, ge=-1, le=5, help="tick at which one coin is lost (-1: never)")
    blow_up_at: int = npl.param(-1, ge=-1, le=5, help="tick at which a handler raises")
    rate: float = npl.param(0.5, gt=0, lt=1, help="unused: a float to draw")
    mood: str = npl.param("calm", choices=("calm", "lively"), help="unused: a choice to draw")
    loud: bool = npl.param(False, help="unused: a flag to draw")

    def __attrs_post_init__(self) -> None:
        if self.coins > 2 * self.holders:
            raise npl.ParameterError("coins must be at most twice the holders")


def _build(p: Params, world: npl.World) -> None:
    """Holders passing coins; the money supply is an invariant."""
    crowd = world.add(
        "crowd",
        Holders(
            n=p.holders,
            leak_at=p.leak_at,
            blow_up_at=p.blow_up_at,
            coins=np.full(p.holders, p.coins),
        ),
    )
    world.clock("crowd", "tick")
    world.metric("richest", lambda w: float(crowd.coins.max()))
    supply = p.holders * p.coins
    world.invariant("money conserved", lambda w: int(crowd.coins.sum()) == supply)


coin_world = npl.world("coins-check", params=Params)(_build)


@attrs.frozen
class Bare:
    n: int = npl.param(3, ge=1)


@npl.world("no-invariants", params=Bare)
def no_invariants(p: Bare, world: npl.World) -> None:
    """A world that declares nothing to check."""
    world.add("crowd", Holders(n=p.n))
    world.clock("crowd", "tick")


class Moody(npl.Agent):
    """An agent whose wellbeing turns NaN at tick ``at``."""

    at: int = 3
    mood: float = 0.0

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        self.mood = math.nan if m.t >= self.at else m.t

    def wellbeing(self) -> float:
        return self.mood


@npl.world("nan-wellbeing", params=Bare)
def nan_wellbeing(p: Bare, world: npl.World) -> None:
    """A world whose Ω becomes NaN at t = n."""
    world.add("moody", Moody(at=p.n))
    world.clock("moody", "tick")
    world.invariant("always true", lambda w: True)


@npl.world("born-broken", params=Bare)
def born_broken(p: Bare, world: npl.World) -> None:
    """A world whose invariant is false before anything happens."""
    world.add("moody", Moody())
    world.clock("moody", "tick")
    world.invariant("mood starts positive", _positive)


def _positive(w: npl.World) -> Any:
    assert w["moody"].mood > 0, f"mood is {w['moody'].mood}"
    return True
