"""The workers: one population whose channels are per-message rules over its columns.

ψ of worker ``i`` is its target fact and the set of facts it knows (CPython's set table,
``_sets``); W is 1 when the target is known (``done``, kept up to date at every change).
Every tick each worker takes its turn (``tick``): it first draws a new target if it did the
work, then acts. Researchers and forgetful researchers read nobody's state, so their turns
may come in any order; the others take them one at a time in the clock's order (a
sequential clock), the notebook's loop. Asking a colleague, querying and writing to the
database are messages (Ask, Query, Write) whose replies come back on ``answer`` before the
next worker's turn; with the free-colleague pool (sociable, database) a worker leaves the
pool as it acts (``Leave``, or ``Find`` to be introduced to a free colleague, who then sits
the tick out) and the floor keeps the pool (``_floor``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

import npolitics as npl

from . import _sets as sets
from ._params import VARIANTS, Alone, Answer, Ask, Params

#: How many ticks ahead the set tables are widened for at most (``Office.reserve``).
GROW_EVERY = 256

RESEARCHER, FORGETFUL, SOCIABLE_V1, SOCIABLE, DATABASE = range(len(VARIANTS))

#: Where the outboxes of a worker's turn go.
TURN_SENDS = {
    "ask": "ask",
    "find": "floor.find",
    "leave": "floor.leave",
    "query": "database.query",
    "write": "database.write",
}
ALONE_SENDS = {"query": "database.query", "write": "database.write"}


@npl.jit
def uniform(rng: Any, n: int) -> int:
    """A uniform integer in ``range(n)`` (n ≥ 1)."""
    return min(int(rng.random() * n), n - 1)


@npl.jit
def forget(table: Any, mask: Any, finger: Any, count: Any, i: int, seed: bool, rng: Any) -> int:
    """The notebook's ``forget`` (``count[i]`` > 0): ``set.pop()`` (fidelity seed) or a
    uniformly chosen fact (corrected); the fact forgotten."""
    if seed:
        return sets.pop(table, mask, finger, count, i)
    return sets.discard_any(table, mask, count, i, rng)


@npl.jit
def research(s: Any, i: int, rng: Any) -> None:
    """The notebook's ``do_research``: learn the fact ⌊facts·Beta(a, b)⌋."""
    f = min(int(s.facts * rng.beta(s.beta_a, s.beta_b)), s.facts - 1)
    if sets.add(s.table, s.mask, s.fill, s.count, i, f) and f == s.target[i]:
        s.done[i] = True


@npl.jit
def on_my_own(s: Any, i: int, r: float, rng: Any, query: Any, write: Any) -> None:
    """The rest of a turn without a colleague, the uniform draw ``r`` deciding: query the
    database, or write a known fact to it (database variant), or research."""
    if s.variant == DATABASE and r < s.query_below:
        npl.send(query, 0, i, s.target[i])
    elif s.variant == DATABASE and s.count[i] > 0 and r < s.write_below:
        f = sets.choice(s.table, s.mask, i, rng)
        if rng.random() < s.success_rate:
            npl.send(write, 0, f)
    else:
        research(s, i, rng)


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
    asked: npt.NDArray[np.int64] = npl.column(np.int64, -1)
    """The tick at which a colleague was last introduced to the worker by the floor."""
    draw: npt.NDArray[np.float64] = npl.column(np.float64, 1.0)
    """The uniform draw of the worker's turn (kept while the floor looks for a colleague)."""
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

    @npl.channel(compiled=True, sends=TURN_SENDS)
    def tick(
        s: Any,
        i: int,
        m: npl.Tick,
        ctx: Any,
        ask: Any,
        find: Any,
        leave: Any,
        query: Any,
        write: Any,
    ) -> None:
        """My turn this tick. Work done last tick (the target was known) means a new target
        (the notebook's ``update``); then, unless a colleague took me aside this tick, I act
        (the notebook's ``act``): forget, and research, or ask a colleague, or use the
        database, one uniform draw deciding."""
        rng = ctx.rng
        if s.target[i] < 0 or s.done[i]:
            s.target[i] = uniform(rng, s.targets)
            s.done[i] = sets.knows(s.table, s.mask, i, s.target[i])
        if s.asked[i] == int(m.t):
            return  # the floor introduced me to an asker: I sit this tick out
        if (
            s.variant != RESEARCHER
            and s.count[i] > 0
            and rng.random() < s.forget_rate
            and forget(s.table, s.mask, s.finger, s.count, i, s.seed, rng) == s.target[i]
        ):
            s.done[i] = False
        if s.variant <= FORGETFUL:
            research(s, i, rng)
            return
        r = rng.random()
        if s.variant == SOCIABLE_V1:
            if r < s.socialise_rate:
                npl.send(ask, uniform(rng, ctx.n), i, s.target[i])  # anyone, myself included
            else:
                research(s, i, rng)
            return
        if r < s.socialise_rate:
            s.draw[i] = r
            npl.send(find, 0, i, s.target[i])  # the floor introduces a free colleague, if any
            return
        npl.send(leave, 0, i)
        on_my_own(s, i, r, rng, query, write)

    @npl.channel(compiled=True, sends=ALONE_SENDS)
    def alone(s: Any, i: int, m: Alone, ctx: Any, query: Any, write: Any) -> None:
        """Nobody was free to ask: the turn goes on with its draw."""
        on_my_own(s, i, s.draw[i], ctx.rng, query, write)

    @npl.channel(compiled=True, sends={"answer": "answer"})
    def ask(s: Any, i: int, m: Ask, ctx: Any, answer: Any) -> None:
        """A colleague asks whether I know a fact: I answer on their ``answer`` channel.
        Introduced by the floor (pooled variants), I sit the rest of the tick out."""
        if s.variant >= SOCIABLE:
            s.asked[i] = int(ctx.now)
        npl.send(answer, m.asker, m.fact, sets.knows(s.table, s.mask, i, m.fact))

    @npl.channel(compiled=True)
    def answer(s: Any, i: int, m: Answer, ctx: Any) -> None:
        """The answer to my ask or query: learn the fact if it was known."""
        if (
            m.known
            and sets.add(s.table, s.mask, s.fill, s.count, i, m.fact)
            and m.fact == s.target[i]
        ):
            s.done[i] = True

    def reserve(self, instants: int) -> int:
        """Room in the set tables for what the next ticks may teach (a worker learns at most
        one fact a tick, and never more than ``facts``): the tables are widened for up to
        ``GROW_EVERY`` ticks ahead; the run is told for how many ticks there is room."""
        most = int(self.count.max(initial=0))
        ahead = min(instants, GROW_EVERY)
        need = int(sets.size_for(min(most + ahead, self.facts)))
        width = self.table.shape[1]
        if need > width:
            width = max(need, 2 * width)
            grown = np.full((self.n, width), sets.EMPTY, np.int32)
            grown[:, : self.table.shape[1]] = self.table
            self.table = grown
        room = sets.room(width)
        return instants if room >= self.facts else max(1, min(instants, room - most))

    @npl.wellbeing
    def wellbeing(s: Any) -> Any:
        """W = 1 for a worker whose target is known (a unit of work this tick)."""
        return s.done.astype(np.float64)

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
