"""Knowledge agents: they wander a square, look for visible subjects, and digest snippets.

Each agent moves at a set speed along a heading that wanders (a correlated random walk,
reflected at the walls) and, on its look clock, is shown the snippets of the visible
subjects within its sight radius. In ``social`` learning agents that meet (within the meet
radius) tell each other everything they know; in ``self`` learning they do not.
What an agent keeps of what it is shown is decided by its *digest*, a pluggable object.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Iterable
from typing import Protocol, runtime_checkable

import attrs

import npolitics as npl

from ._messages import Hello, Look, Seen, Told

TURNING = 0.5
"""Standard deviation (radians) of the heading's change per second of walking."""


@runtime_checkable
class Digest(Protocol):
    """How an agent turns snippets it is shown into snippets it knows.

    ``digest(agent, snippets)`` gets the agent's index and the snippets new to it, and
    returns those it keeps. It may be ``async def`` (e.g. a language-model client): the
    world then uses :class:`AsyncKnower`, which runs under ``await world.run_async(...)``.
    """

    def digest(
        self, agent: int, snippets: frozenset[int]
    ) -> Iterable[int] | Awaitable[Iterable[int]]: ...


@attrs.frozen
class InstantDigest:
    """The default digest: offline and instant, every snippet shown is kept."""

    def digest(self, agent: int, snippets: frozenset[int]) -> frozenset[int]:
        """Keep all of ``snippets``."""
        return snippets


def _reflect(p: float, lo: float, hi: float) -> tuple[float, bool]:
    """``p`` folded back into [lo, hi] by reflections, and whether it was flipped an odd
    number of times (the velocity component then changes sign)."""
    span = hi - lo
    q = (p - lo) % (2.0 * span)
    return (lo + 2.0 * span - q, True) if q > span else (lo + q, False)


class Walker(npl.Agent):
    """What every knowledge agent is and does but digesting: ψ = where it is, where it
    heads, and the snippets it knows; it walks, looks and greets.

    W(ψ) is its score, the fraction of all ``snippets`` it knows (0 … 1).
    """

    x: float
    y: float
    heading: float
    snippets: int
    space: float = 100.0
    speed: float = 1.0
    sight_radius: float = 10.0
    meet_radius: float = 10.0
    social: bool = True
    digest: Digest = attrs.field(factory=InstantDigest)
    subjects: str = "subjects"
    known: set[int] = attrs.field(factory=set)
    last_move: float = 0.0

    @npl.channel
    def look(self, m: npl.Tick, ctx: npl.Context) -> None:
        """Walk since the last look, then look around (and greet the others if social)."""
        self._walk(ctx)
        me = ctx.me.index
        ctx.broadcast(self.subjects, "look", Look(me, self.x, self.y, self.sight_radius))
        if self.social:
            ctx.broadcast(ctx.me.group, "hello", Hello(me, self.x, self.y))

    @npl.channel
    def hello(self, m: Hello, ctx: npl.Context) -> None:
        """Meeting another agent, tell it everything known."""
        if m.agent == ctx.me.index or not self.known:
            return
        if math.hypot(m.x - self.x, m.y - self.y) <= self.meet_radius:
            ctx.send(npl.Address(ctx.me.group, m.agent), "tell", Told(frozenset(self.known)))

    def wellbeing(self) -> float:
        return len(self.known) / self.snippets

    def _walk(self, ctx: npl.Context) -> None:
        dt = float(ctx.now) - self.last_move
        self.last_move = float(ctx.now)
        if dt <= 0.0 or self.speed == 0.0:
            return
        step = self.speed * dt
        x, flip_x = _reflect(self.x + step * math.cos(self.heading), 0.0, self.space)
        y, flip_y = _reflect(self.y + step * math.sin(self.heading), 0.0, self.space)
        dx, dy = math.cos(self.heading), math.sin(self.heading)
        dx, dy = -dx if flip_x else dx, -dy if flip_y else dy
        self.x, self.y = x, y
        self.heading = math.atan2(dy, dx) + float(ctx.rng.normal(0.0, TURNING * math.sqrt(dt)))


class Knower(Walker):
    """A knowledge agent with an instant (synchronous) digest."""

    @npl.channel
    def see(self, m: Seen, ctx: npl.Context) -> None:
        """Digest the snippets of the subjects in sight."""
        new = m.snippets - self.known
        if new:
            self.known.update(self.digest.digest(ctx.me.index, new))  # type: ignore[arg-type]

    @npl.channel
    def tell(self, m: Told, ctx: npl.Context) -> None:
        """Digest what another agent told."""
        new = m.snippets - self.known
        if new:
            self.known.update(self.digest.digest(ctx.me.index, new))  # type: ignore[arg-type]


class AsyncKnower(Walker):
    """A knowledge agent whose digest is ``async``: run its world with ``run_async``."""

    @npl.channel
    async def see(self, m: Seen, ctx: npl.Context) -> None:
        """Digest the snippets in sight, awaiting the digest."""
        new = m.snippets - self.known
        if new:
            self.known.update(await self.digest.digest(ctx.me.index, new))  # type: ignore[misc]

    @npl.channel
    async def tell(self, m: Told, ctx: npl.Context) -> None:
        """Digest what another agent told, awaiting the digest."""
        new = m.snippets - self.known
        if new:
            self.known.update(await self.digest.digest(ctx.me.index, new))  # type: ignore[misc]
