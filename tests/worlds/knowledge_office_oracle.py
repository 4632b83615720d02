"""A test oracle for the knowledge office: one Agent per worker, whose facts are a real
Python set (``set.pop()`` is CPython's own), and the floor that hands out turns; the database
is a Python set. Written as the world was before it became one compiled model; the tests
hold the world to it in distribution (fidelity corrected) and to the notebook's own code.

The notebook's run loop is sequential within a tick: each worker acts in turn, and under the
free-colleague pool a colleague who was asked sits the rest of the tick out. Here that loop is
the :class:`Floor` agent: it gives each worker its :class:`Turn` and waits for :class:`Done`
before giving the next, so every ask, answer, query and write of a turn happens before the next
turn starts, all within the tick (delay-0 messages, several rounds of one instant). Solitary
variants (researcher, forgetful) need no floor: each worker acts on its own tick.
"""

from __future__ import annotations

import attrs
import numpy as np

import npolitics as npl
from worlds.knowledge_office import Params


@attrs.frozen
class Turn:
    colleagues: int
    turn: int


@attrs.frozen
class Done:
    worker: int


@attrs.frozen
class Ask:
    asker: int
    fact: int
    turn: int


@attrs.frozen
class Answer:
    fact: int
    known: bool


@attrs.frozen
class Query:
    asker: int
    fact: int
    turn: int


@attrs.frozen
class Write:
    fact: int
    turn: int


class Worker(npl.Agent):
    """One worker: ψ = the set of facts it knows and its target fact; W(ψ) = work done now."""

    p: Params
    known: set[int] = attrs.field(factory=set)
    target: int = -1

    def _research(self, rng: np.random.Generator) -> None:
        self.known.add(int(self.p.total_facts * rng.beta(self.p.beta_a, self.p.beta_b)))

    def _forget(self, rng: np.random.Generator) -> None:
        if self.known and rng.random() < self.p.forget_rate:
            if self.p.fidelity == "seed":
                self.known.pop()  # what the notebook does: CPython removes its first live slot
            else:
                self.known.remove(list(self.known)[int(rng.integers(len(self.known)))])

    def _done(self, ctx: npl.Context) -> None:
        ctx.send("floor", "done", Done(ctx.me.index))

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        """A new tick: work done last tick (the target was known) means a new target."""
        if self.target < 0 or self.target in self.known:
            self.target = int(ctx.rng.integers(self.p.target_facts))

    @npl.channel(accepts=npl.Tick)
    def act(self, m: npl.Tick, ctx: npl.Context) -> None:
        """A solitary worker's turn (researcher, forgetful), on a second clock after ``tick``:
        nobody else's state enters it, so it needs no floor to order it."""
        if self.p.variant == "forgetful":
            self._forget(ctx.rng)
        self._research(ctx.rng)

    @npl.channel
    def turn(self, m: Turn, ctx: npl.Context) -> None:
        """My turn: forget, then research, ask a colleague, or use the database."""
        p, rng = self.p, ctx.rng
        if p.variant != "researcher":
            self._forget(rng)
        ask = Ask(ctx.me.index, self.target, m.turn)
        if p.variant == "sociable_v1":
            if rng.random() < p.socialise_rate:
                colleague = int(rng.integers(p.workers))
                ctx.send(npl.Address(ctx.me.group, colleague), "ask", ask)
                return
        elif p.variant == "sociable":
            if rng.random() < p.socialise_rate and m.colleagues > 0:
                ctx.send("floor", "find", ask)
                return
        elif p.variant == "database":
            r = rng.random()
            if m.colleagues > 0 and r < p.socialise_rate:
                ctx.send("floor", "find", ask)
                return
            if r < p.socialise_rate + p.database_query_rate:
                ctx.send("database", "query", Query(ctx.me.index, self.target, m.turn))
                return
            if self.known and r < p.socialise_rate + p.database_query_rate + p.database_write_rate:
                fact = list(self.known)[int(rng.integers(len(self.known)))]
                if rng.random() < p.contribution_success_rate:
                    ctx.send("database", "write", Write(fact, m.turn))
                self._done(ctx)
                return
        self._research(rng)
        self._done(ctx)

    @npl.channel
    def ask(self, m: Ask, ctx: npl.Context) -> None:
        """A colleague asks whether I know a fact: I answer on their ``answer`` channel."""
        ctx.send(npl.Address(ctx.me.group, m.asker), "answer", Answer(m.fact, m.fact in self.known))

    @npl.channel
    def answer(self, m: Answer, ctx: npl.Context) -> None:
        """The answer to my ask or query: learn the fact if it was known; my turn is over."""
        if m.known:
            self.known.add(m.fact)
        self._done(ctx)

    def wellbeing(self) -> float:
        return 1.0 if self.target in self.known else 0.0


class Floor(npl.Agent):
    """The notebook's run loop as an agent: the acting order and the pool of free colleagues.

    With the pool, the next worker to act is the first free one in the acting order (it
    leaves the pool as it starts), and an asking worker is introduced to a colleague drawn
    uniformly from the pool, who leaves it and does not act this tick.
    """

    workers: int
    pooled: bool
    shuffled: bool
    queue: list[int] = attrs.field(factory=list)
    position: int = 0

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        """Start the tick: everyone is free, in the acting order."""
        order = ctx.rng.permutation(self.workers) if self.shuffled else np.arange(self.workers)
        self.queue = order.tolist()[::-1]  # a stack: the next to act is at the end
        self.position = 0
        self._next(ctx)

    @npl.channel
    def done(self, m: Done, ctx: npl.Context) -> None:
        """A turn is over: hand the next one out."""
        self._next(ctx)

    @npl.channel
    def find(self, m: Ask, ctx: npl.Context) -> None:
        """Introduce the asker to a uniformly drawn free colleague, who leaves the pool."""
        k = int(ctx.rng.integers(len(self.queue)))
        colleague = self.queue.pop(k)
        ctx.send(npl.Address("workers", colleague), "ask", m)

    def _next(self, ctx: npl.Context) -> None:
        if not self.queue:
            return
        worker = self.queue.pop()
        free = len(self.queue) if self.pooled else 0
        ctx.send(npl.Address("workers", worker), "turn", Turn(free, self.position))
        self.position += 1


class Store(npl.Agent):
    """The database: a set, changed at once by a write."""

    facts: set[int] = attrs.field(factory=set)

    @npl.channel
    def write(self, m: Write, ctx: npl.Context) -> None:
        self.facts.add(m.fact)

    @npl.channel
    def query(self, m: Query, ctx: npl.Context) -> None:
        ctx.send(npl.Address("workers", m.asker), "answer", Answer(m.fact, m.fact in self.facts))


def oracle_world(seed: int, **params: object) -> npl.World:
    """The oracle's office of ``params`` (the world's parameters), seeded with ``seed``."""
    p = Params(**params)  # type: ignore[arg-type]
    world = npl.World("knowledge-office-oracle", seed=seed)
    world.add("workers", [Worker(p) for _ in range(p.workers)])
    world.clock("workers", "tick")
    if p.solitary:
        world.clock("workers", "act")
    else:
        shuffled = p.fidelity == "corrected" and p.pooled
        world.add("floor", Floor(p.workers, p.pooled, shuffled))
        world.clock("floor", "tick")
    world.add("database", Store())
    workers = p.workers
    world.metric("work_rate", lambda w: w.omega().total / workers)
    return world
