"""The workers: one population whose channels are per-message rules over its columns.

ψ of worker ``i`` is its target fact and the set of facts it knows (CPython's set table,
``_sets``); W is 1 when the target is known (``done``, kept up to date at every change).
A worker acts on its own ``tick`` (researcher, forgetful: nobody else's state enters) or when
the floor gives it its ``turn`` (sociable_v1, sociable, database). Asking a colleague, querying
and writing to the database are messages (Ask, Query, Write); the reply comes back on
``answer`` before the next turn, and the turn ends with ``Done`` to the floor.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

import npolitics as npl

from . import _sets as sets
from ._params import VARIANTS, Answer, Ask, Params, Turn

#: Ticks between widenings of the set tables (``grow``), each time for as many ticks ahead.
GROW_EVERY = 64

RESEARCHER, FORGETFUL, SOCIABLE_V1, SOCIABLE, DATABASE = range(len(VARIANTS))

#: Where each outbox of the rules goes.
TURN_SENDS = {
    "ask": "ask",
    "find": "floor.find",
    "query": "database.query",
    "write": "database.write",
    "done": "floor.done",
}


@npl.jit
def uniform(rng: Any, n: int) -> int:
    """A uniform integer in ``range(n)`` (n ≥ 1)."""
    return min(int(rng.random() * n), n - 1)


@npl.jit
def learn(s: Any, i: int, f: int) -> None:
    """Worker ``i`` comes to know fact ``f``."""
    if sets.add(s.table, s.mask, s.fill, s.count, i, f) and f == s.target[i]:
        s.done[i] = True


@npl.jit
def research(s: Any, i: int, rng: Any) -> None:
    """The notebook's ``do_research``: learn the fact ⌊facts·Beta(a, b)⌋."""
    learn(s, i, min(int(s.facts * rng.beta(s.beta_a, s.beta_b)), s.facts - 1))


@npl.jit
def forget(s: Any, i: int, rng: Any) -> None:
    """The notebook's ``forget``: with ``forget_rate``, ``set.pop()`` (fidelity seed) or a
    uniformly chosen fact (corrected)."""
    if s.count[i] > 0 and rng.random() < s.forget_rate:
        if s.seed:
            f = sets.pop(s.table, s.mask, s.finger, s.count, i)
        else:
            f = sets.discard_any(s.table, s.mask, s.count, i, rng)
        if f == s.target[i]:
            s.done[i] = False


class Office(npl.Population):
    """Every worker of the office (build it with :meth:`of`)."""

    variant: int = 0
    seed: bool = True
    facts: int = 1
    targets: int = 1
    forget_rate: float = 0.0
    socialise_rate: float = 0.0
    query_below: float = 0.0
    write_below: float = 0.0
    success_rate: float = 0.0
    beta_a: float = 1.0
    beta_b: float = 1.0
    target: npt.NDArray[np.int64] = npl.column(np.int64, -1)
    done: npt.NDArray[np.bool_] = npl.column(np.bool_, False)
    count: npt.NDArray[np.int64] = npl.column(np.int64, 0)
    mask: npt.NDArray[np.int64] = npl.column(np.int64, sets.MIN_SIZE - 1)
    fill: npt.NDArray[np.int64] = npl.column(np.int64, 0)
    finger: npt.NDArray[np.int64] = npl.column(np.int64, 0)
    table: npt.NDArray[np.int32] = npl.column(np.int32, sets.EMPTY, shape=(sets.MIN_SIZE,))

    @classmethod
    def of(cls, p: Params) -> Office:
        """The office of parameters ``p``."""
        return cls(
            n=p.workers,
            variant=VARIANTS.index(p.variant),
            seed=p.fidelity == "seed",
            facts=p.total_facts,
            targets=p.target_facts,
            forget_rate=p.forget_rate,
            socialise_rate=p.socialise_rate,
            query_below=p.socialise_rate + p.database_query_rate,
            write_below=p.socialise_rate + p.database_query_rate + p.database_write_rate,
            success_rate=p.contribution_success_rate,
            beta_a=p.beta_a,
            beta_b=p.beta_b,
        )

    @npl.channel(compiled=True)
    def tick(s: Any, i: int, m: npl.Tick, ctx: Any) -> None:
        """A new tick: work done last tick (the target was known) means a new target; a
        solitary worker (researcher, forgetful) then acts: forgets, and researches."""
        if s.target[i] < 0 or s.done[i]:
            s.target[i] = uniform(ctx.rng, s.targets)
            s.done[i] = sets.knows(s.table, s.mask, i, s.target[i])
        if s.variant <= FORGETFUL:
            if s.variant == FORGETFUL:
                forget(s, i, ctx.rng)
            research(s, i, ctx.rng)

    @npl.channel(compiled=True, sends=TURN_SENDS)
    def turn(
        s: Any, i: int, m: Turn, ctx: Any, ask: Any, find: Any, query: Any, write: Any, done: Any
    ) -> None:
        """My turn: forget, then ask a colleague, query the database, write to it, or
        research (the notebook's ``act``, one uniform draw deciding among them)."""
        rng = ctx.rng
        forget(s, i, rng)
        r = rng.random()
        if s.variant == SOCIABLE_V1 and r < s.socialise_rate:
            npl.send(ask, uniform(rng, ctx.n), i, s.target[i])  # anyone, myself included
            return
        if s.variant >= SOCIABLE and m.colleagues > 0 and r < s.socialise_rate:
            npl.send(find, 0, i, s.target[i])  # the floor introduces a free colleague
            return
        if s.variant == DATABASE and r < s.query_below:
            npl.send(query, 0, i, s.target[i])
            return
        if s.variant == DATABASE and s.count[i] > 0 and r < s.write_below:
            f = sets.choice(s.table, s.mask, i, rng)
            if rng.random() < s.success_rate:
                npl.send(write, 0, f)
        else:
            research(s, i, rng)
        npl.send(done, 0, i)

    @npl.channel(compiled=True, sends={"answer": "answer"})
    def ask(s: Any, i: int, m: Ask, ctx: Any, answer: Any) -> None:
        """A colleague asks whether I know a fact: I answer on their ``answer`` channel."""
        npl.send(answer, m.asker, m.fact, sets.knows(s.table, s.mask, i, m.fact))

    @npl.channel(compiled=True, sends={"done": "floor.done"})
    def answer(s: Any, i: int, m: Answer, ctx: Any, done: Any) -> None:
        """The answer to my ask or query: learn the fact if it was known; my turn is over."""
        if m.known:
            learn(s, i, m.fact)
        npl.send(done, 0, i)

    def reserve(self, instants: int) -> None:
        """Widen the set tables for ``instants`` more ticks (a worker learns ≤ 1 fact a tick)."""
        need = int(sets.size_for(int(self.count.max(initial=0)) + instants))
        width = self.table.shape[1]
        if need > width:
            grown = np.full((self.n, max(need, 2 * width)), sets.EMPTY, np.int32)
            grown[:, :width] = self.table
            self.table = grown

    @npl.channel(accepts=npl.Tick)
    def grow(self, batch: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        """On a clock every ``GROW_EVERY`` ticks (``_world``), before the tick: room in the set
        tables for what the next ticks may teach."""
        self.reserve(GROW_EVERY)

    def wellbeing(self) -> npt.NDArray[np.float64]:
        return self.done.astype(float)

    def facts_of(self, i: int) -> npt.NDArray[np.int64]:
        """The facts worker ``i`` knows, in table order (``list(set)``'s order)."""
        row = self.table[i, : self.mask[i] + 1]
        return row[row >= 0].astype(np.int64)

    def knows_all(self, rows: Any, facts: Any) -> npt.NDArray[np.bool_]:
        """Whether worker ``rows[k]`` knows ``facts[k]``, for every k."""
        return np.array(
            [
                sets.knows(self.table, self.mask, int(i), int(f))
                for i, f in zip(rows, facts, strict=True)
            ],
            bool,
        )
