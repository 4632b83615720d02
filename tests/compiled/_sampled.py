"""A world whose wellbeing, metrics and invariants are written over columns.

Savers pass coins around (compiled rules); a bank population has no channels and is read
only by a metric over two groups. One world shape for every test, so its compiled instants
are compiled once (and cached on disk); what varies is numbers in the populations' state.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

import npolitics as npl

from ._models import Coin, pick_other


class Savers(npl.Population):
    """Whoever has a coin may give one away; every tick costs a random amount."""

    coins: Any = npl.column(np.int64, 3)
    ticks: Any = npl.column(np.int64, 0)
    spent: Any = npl.column(np.float64, 0.0)
    cap: int = 10**9
    """The invariant 'capped': nobody holds more coins."""
    nan_after: int = 10**9
    """W of agent 0 is NaN once it has ticked this often."""
    room: int = 0
    """Room ``reserve`` reports: for this many instants at most (0: all of them)."""
    reserved: list[int] = attrs.field(factory=list)
    """What ``reserve`` was asked for, call by call (not state rules see: not a number)."""

    @npl.channel(compiled=True, sends={"give": "take"})
    def tick(s, i, m: npl.Tick, ctx, give):  # type: ignore[no-untyped-def]
        s.ticks[i] += 1
        if s.coins[i] > 0 and ctx.rng.random() < 0.5:
            s.coins[i] -= 1
            npl.send(give, pick_other(ctx.rng, ctx.n, i), 1, i)
        s.spent[i] += ctx.rng.random() * 0.1

    @npl.channel(compiled=True)
    def take(s, i, m: Coin, ctx):  # type: ignore[no-untyped-def]
        s.coins[i] += m.amount

    @npl.wellbeing
    def wellbeing(s: Any) -> Any:
        """Three quarters of the coins minus what was spent (floats numpy and numba sum alike)."""
        w = s.coins.astype(np.float64) * 0.75 - s.spent
        if s.n > 0 and s.ticks[0] >= s.nan_after:
            w[0] = np.nan
        return w

    def reserve(self, instants: int) -> int:
        self.reserved.append(instants)
        return instants if self.room == 0 else min(instants, self.room)


class Vault(npl.Population):
    """Coins kept out of circulation (no channels; W is the default 0)."""

    coins = npl.column(np.int64, 7)


@npl.jit
def richest(s: Any) -> int:
    return s.coins.max()


@npl.jit
def spent(s: Any) -> float:
    """A float total, added in order (bit-identical in numpy and numba)."""
    total = 0.0
    for i in range(s.n):
        total += s.spent[i]
    return total


@npl.jit
def share(s: Any, v: Any) -> float:
    """The savers' share of all coins (a metric over two groups)."""
    mine = s.coins.sum()
    return mine / (mine + v.coins.sum())


@npl.jit
def conserved(s: Any) -> bool:
    return s.coins.sum() == 3 * s.n


@npl.jit
def capped(s: Any) -> bool:
    return s.coins.max() <= s.cap


def savers_world(
    seed: int = 1,
    n: int = 12,
    *,
    activation: Any = "simultaneous",
    order: Any = "fixed",
    cap: int = 10**9,
    nan_after: int = 10**9,
    room: int = 0,
) -> npl.World:
    """Savers ticked by one clock, a vault, three metrics and two invariants over columns."""
    world = npl.World("savers", seed=seed)
    world.add("savers", Savers(n=n, cap=cap, nan_after=nan_after, room=room))
    world.add("vault", Vault(n=2))
    world.clock("savers", "tick", activation=activation, order=order)
    world.metric("richest", richest, over="savers")
    world.metric("spent", spent, over="savers")
    world.metric("share", share, over=("savers", "vault"))
    world.invariant("coins conserved", conserved, over="savers")
    world.invariant("capped", capped, over="savers")
    return world


def savers_state(world: npl.World) -> dict[str, Any]:
    s = world["savers"]
    return {
        "coins": s.coins.copy(),
        "ticks": s.ticks.copy(),
        "spent": s.spent.copy(),
        "next_draw": world._kernel.groups["savers"].context.rng.bit_generator.state,
        "world_draw": world._kernel.rng.bit_generator.state,
        "statistics": world.statistics(),
    }
