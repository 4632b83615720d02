"""Populations with compiled channels, shared by the compiled-populations tests.

They live at module level (as a world's would) so numba's disk cache keeps their compiled
loops between test sessions. Integer and boolean state, and every draw, must be
bit-identical between compiled and interpreted runs.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

import npolitics as npl


@attrs.frozen
class Coin:
    """A coin handed over: how many, and from whom."""

    amount: int
    giver: int


@npl.jit
def pick_other(rng: Any, n: int, me: int) -> int:
    """Someone other than ``me`` (a helper compiled with the rules that call it)."""
    j = rng.integers(0, n - 1)
    return j + 1 if j >= me else j


class Purse(npl.Population):
    """Boltzmann wealth exchange with integer coins: whoever has a coin gives one away."""

    coins = npl.column(np.int64, 3)
    received = npl.column(np.int64, 0)
    last_giver = npl.column(np.int64, -1)
    noise = npl.column(np.float64, 0.0)
    generosity = 0.9  # a plain number: read-only in rules

    @npl.channel(compiled=True, sends={"give": "take"})
    def tick(s, i, m: npl.Tick, ctx, give):  # type: ignore[no-untyped-def]
        """Agent i may give one coin to someone else."""
        if s.coins[i] > 0 and ctx.rng.random() < s.generosity:
            s.coins[i] -= 1
            npl.send(give, pick_other(ctx.rng, ctx.n, i), 1, i)
        s.noise[i] += ctx.rng.normal() * 0.1 + m.t * 1e-3

    @npl.channel(compiled=True)
    def take(s, i, m: Coin, ctx):  # type: ignore[no-untyped-def]
        """A coin arrives."""
        s.coins[i] += m.amount
        s.received[i] += 1
        s.last_giver[i] = m.giver

    def wellbeing(self) -> Any:
        return self.coins.astype(float)


def purse_world(
    seed: int = 1, n: int = 20, activation: Any = "simultaneous", order: Any = "fixed"
) -> npl.World:
    """A world of one Purse population ticked by one clock."""
    world = npl.World("purses", seed=seed)
    world.add("purses", Purse(n=n))
    world.clock("purses", "tick", activation=activation, order=order)
    world.metric("richest", lambda w: float(w["purses"].coins.max()))
    world.invariant("coins conserved", lambda w: int(w["purses"].coins.sum()) == 3 * n)
    return world


def purse_state(world: npl.World) -> dict[str, Any]:
    """Every column of the purses, and the next draw of their stream (draws are in sync)."""
    p = world["purses"]
    return {
        "coins": p.coins.copy(),
        "received": p.received.copy(),
        "last_giver": p.last_giver.copy(),
        "noise": p.noise.copy(),
        "next_draw": world._kernel.groups["purses"].context.rng.bit_generator.state,
    }


def plain_python(x: float) -> float:
    """A helper not marked @npl.jit: compiled code cannot call it."""
    return x


class Uncompilable(npl.Population):
    """A rule calling a plain Python function: numba cannot compile it."""

    x = npl.column(np.float64, 0.0)

    @npl.channel(compiled=True)
    def tick(s, i, m: npl.Tick, ctx):  # type: ignore[no-untyped-def]
        s.x[i] = plain_python(m.t)


class TooManyFields(npl.Population):
    """Sends a Coin with three fields (it has two)."""

    coins = npl.column(np.int64, 1)

    @npl.channel(compiled=True, sends={"give": "take"})
    def tick(s, i, m: npl.Tick, ctx, give):  # type: ignore[no-untyped-def]
        npl.send(give, i, 1, i, 7)

    @npl.channel(compiled=True)
    def take(s, i, m: Coin, ctx):  # type: ignore[no-untyped-def]
        s.coins[i] += m.amount


class OutOfRange(npl.Population):
    """At t = ``when``, agent 0 sends to agent ``n`` (there is none)."""

    coins = npl.column(np.int64, 1)
    when = 3.0

    @npl.channel(compiled=True, sends={"give": "take"})
    def tick(s, i, m: npl.Tick, ctx, give):  # type: ignore[no-untyped-def]
        s.coins[i] += 1
        if i == 0 and ctx.now == s.when:
            npl.send(give, ctx.n, 1, i)

    @npl.channel(compiled=True)
    def take(s, i, m: Coin, ctx):  # type: ignore[no-untyped-def]
        s.coins[i] += m.amount


class SendsNowhere(npl.Population):
    """Its outbox names a channel its group does not have."""

    coins = npl.column(np.int64, 1)

    @npl.channel(compiled=True, sends={"give": "receive"})
    def tick(s, i, m: npl.Tick, ctx, give):  # type: ignore[no-untyped-def]
        npl.send(give, i, 1, i)


class SendsToAnotherGroup(npl.Population):
    """Its outbox goes to channel ``take`` of group ``bank``."""

    coins = npl.column(np.int64, 2)

    @npl.channel(compiled=True, sends={"deposit": "bank.take"})
    def tick(s, i, m: npl.Tick, ctx, deposit):  # type: ignore[no-untyped-def]
        if s.coins[i] > 0:
            s.coins[i] -= 1
            npl.send(deposit, 0, 1, i)


class Bank(npl.Agent):
    """A scalar agent receiving the coins of a compiled population, one message at a time."""

    held: int = 0
    givers: list[int] = attrs.field(factory=list)

    @npl.channel
    def take(self, m: Coin, ctx: npl.Context) -> None:
        self.held += m.amount
        self.givers.append(m.giver)


def bank_world(seed: int = 1) -> npl.World:
    world = npl.World("bank", seed=seed)
    world.add("savers", SendsToAnotherGroup(n=5))
    world.add("bank", Bank())
    world.clock("savers", "tick")
    return world


@attrs.frozen
class PurseParams:
    n: int = npl.param(20, ge=2, help="agents")


@npl.world("purses", params=PurseParams)
def purses(p: PurseParams, world: npl.World) -> None:
    """Purse populations as a registered world, for experiments and the command line."""
    world.add("purses", Purse(n=p.n))
    world.clock("purses", "tick")
    world.metric("richest", lambda w: float(w["purses"].coins.max()))


@attrs.frozen
class Bucket:
    """The bucket, handed over (a message with no fields)."""


class Line(npl.Population):
    """docs/time-and-order.md's bucket brigade, as a compiled population: whoever holds the
    bucket (unless last in line) passes it on with delay 0 at every tick."""

    holds = npl.column(np.bool_, False)

    @npl.channel(compiled=True, sends={"give": "take"})
    def tick(s, i, m: npl.Tick, ctx, give):  # type: ignore[no-untyped-def]
        if s.holds[i] and i + 1 < ctx.n:
            s.holds[i] = False
            npl.send(give, i + 1)

    @npl.channel(compiled=True)
    def take(s, i, m: Bucket, ctx):  # type: ignore[no-untyped-def]
        s.holds[i] = True


def line_world(
    people: int = 5, activation: Any = "sequential", order: Any = "fixed", seed: int = 1
) -> npl.World:
    world = npl.World("bucket-brigade", seed=seed)
    line = Line(n=people)
    line.holds[0] = True
    world.add("line", line)
    world.clock("line", "tick", activation=activation, order=order)
    world.metric("bucket", lambda w: float(np.argmax(w["line"].holds)))
    return world


class Echo(npl.Population):
    """Each tick, agent 0 starts a message that bounces forever at delay 0."""

    bounces = npl.column(np.int64, 0)

    @npl.channel(compiled=True, sends={"out": "bounce"})
    def tick(s, i, m: npl.Tick, ctx, out):  # type: ignore[no-untyped-def]
        if i == 0:
            npl.send(out, 0)

    @npl.channel(compiled=True, sends={"out": "bounce"})
    def bounce(s, i, m: Bucket, ctx, out):  # type: ignore[no-untyped-def]
        s.bounces[i] += 1
        npl.send(out, i)


class Clerk(npl.Agent):
    """An ordinary scalar agent on a clock of its own: its ticks are the kernel's to deliver."""

    ticks: int = 0
    draws: list[float] = attrs.field(factory=list)

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        self.ticks += 1
        self.draws.append(ctx.random.random())
