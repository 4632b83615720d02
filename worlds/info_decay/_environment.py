"""The environment: subjects that show snippets for exponential lifetimes, and the pool.

Every process here is a message scheduled with a random delay, never a poll: a subject that
appears sends itself ``Expire`` after an Exp(θ) lifetime, and the pool sends itself
``Arrive`` after each Exp(α) gap, so the cost of a run is proportional to the number of
events, whatever the sampling or look period.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

import npolitics as npl

from ._messages import Activate, Arrive, Expire, Look, Returned, Seen, Start

FloatArray = npt.NDArray[np.float64]


class Subjects(npl.Population):
    """One subject slot per snippet: slot i shows snippet i while ``active[i]``.

    ``lifetime_mean_time`` is θ (``None``: subjects never expire, the static mode).
    ``recycle`` says where an expired snippet goes: back to the pool (dynamic_pool) or
    nowhere (decay; it is counted in ``gone``). ``born``/``died`` hold each slot's last
    activation and expiry time (NaN before the first), for inspection and tests.
    """

    space: float = 100.0
    lifetime_mean_time: float | None = None
    recycle: bool = False
    knowers: str = "knowers"
    visible: int = 0
    gone: int = 0
    expired: int = 0
    active: npt.NDArray[np.bool_] = npl.column(bool, False)
    x: FloatArray = npl.column(float, 0.0)
    y: FloatArray = npl.column(float, 0.0)
    born: FloatArray = npl.column(float, math.nan)
    died: FloatArray = npl.column(float, math.nan)

    @npl.channel
    def activate(self, batch: npl.Batch[Activate], ctx: npl.Context) -> None:
        """Appear at uniform random places and draw each lifetime T ~ Exp(θ)."""
        to = batch.to
        k = to.size
        self.active[to] = True
        self.visible += k
        self.x[to] = ctx.rng.uniform(0.0, self.space, k)
        self.y[to] = ctx.rng.uniform(0.0, self.space, k)
        self.born[to] = ctx.now
        if self.lifetime_mean_time is not None:
            lifetimes = ctx.rng.exponential(self.lifetime_mean_time, k)
            # One delay per subject; a lone arrival's delay goes as a number (no array split).
            delay = float(lifetimes[0]) if k == 1 else lifetimes
            ctx.send(ctx.me.group, "expire", npl.Batch(Expire, to), delay=delay)

    @npl.channel
    def expire(self, batch: npl.Batch[Expire], ctx: npl.Context) -> None:
        """Vanish; the snippet goes back to the pool (dynamic_pool) or is gone (decay)."""
        to = batch.to
        self.active[to] = False
        self.died[to] = ctx.now
        self.visible -= to.size
        self.expired += to.size
        if self.recycle:
            ctx.send("pool", "give_back", Returned(tuple(to.tolist())))
        else:
            self.gone += to.size

    @npl.channel
    def look(self, batch: npl.Batch[Look], ctx: npl.Context) -> None:
        """Each visible subject within a looker's radius shows it its snippet."""
        to = batch.to
        rows = np.flatnonzero(self.active[to])
        if rows.size == 0:
            return
        slots = to[rows]
        dx = self.x[slots] - batch.x[rows]
        dy = self.y[slots] - batch.y[rows]
        near = dx * dx + dy * dy <= batch.radius[rows] ** 2
        agents, slots = batch.agent[rows][near], slots[near]
        if agents.size == 0:
            return
        order = np.lexsort((slots, agents))
        agents, slots = agents[order], slots[order]
        starts = np.flatnonzero(np.r_[True, agents[1:] != agents[:-1]])
        for agent, part in zip(agents[starts].tolist(), np.split(slots, starts[1:]), strict=True):
            ctx.send(npl.Address(self.knowers, agent), "see", Seen(frozenset(part.tolist())))


class Pool(npl.Agent):
    """The snippets not on show, and the Poisson clock that brings them out.

    ``waiting`` lists the snippets in the pool. At ``Start`` the pool shows ``initial`` of
    them, drawn uniformly; with ``appearance_mean_time`` α set, arrivals then come as a
    Poisson process of rate 1/α, each showing one snippet drawn uniformly from the pool.
    An arrival that finds the pool empty shows nothing, and the clock runs on: by the
    memorylessness of the exponential this is exactly "rate 1/α while the pool is not empty".
    """

    waiting: list[int]
    initial: int = 0
    appearance_mean_time: float | None = None
    subjects: str = "subjects"
    appeared: int = 0

    @npl.channel
    def start(self, m: Start, ctx: npl.Context) -> None:
        """Show the initial subjects and start the arrival clock."""
        picks = ctx.rng.choice(len(self.waiting), size=self.initial, replace=False)
        chosen = [self.waiting[i] for i in picks.tolist()]
        taken = set(chosen)
        self.waiting = [s for s in self.waiting if s not in taken]
        if chosen:
            ctx.send(self.subjects, "activate", npl.Batch(Activate, chosen))
        self._schedule(ctx)

    @npl.channel
    def arrive(self, m: Arrive, ctx: npl.Context) -> None:
        """One arrival: show a snippet drawn uniformly from the pool, if any; wait Exp(α)."""
        if self.waiting:
            i = int(ctx.rng.integers(len(self.waiting)))
            # Swap-remove: O(1), and the draw stays uniform over the pool.
            self.waiting[i], self.waiting[-1] = self.waiting[-1], self.waiting[i]
            snippet = self.waiting.pop()
            self.appeared += 1
            ctx.send(self.subjects, "activate", npl.Batch(Activate, [snippet]))
        self._schedule(ctx)

    @npl.channel
    def give_back(self, m: Returned, ctx: npl.Context) -> None:
        """Expired subjects' snippets wait in the pool again."""
        self.waiting.extend(m.snippets)

    def _schedule(self, ctx: npl.Context) -> None:
        if self.appearance_mean_time is not None:
            gap = float(ctx.rng.exponential(self.appearance_mean_time))
            ctx.send(ctx.me, "arrive", Arrive(), delay=gap)
