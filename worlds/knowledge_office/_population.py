"""The population implementation: all workers as one Population, each tick as array code.

The clock's Tick reaches every worker at once, in the acting order (``batch.to``). Asks go to
the colleagues' ``ask`` channel and queries and writes to the database as batches; answers come
back on ``answer``, all within the tick. What the scalar implementation does turn by turn is
computed here for all turns at once, exactly:

* With the pool, an asked colleague never acts in the tick, so it answers from the state it
  had when the tick began, whatever the order.
* Without the pool (variant sociable_v1) everyone acts, and a colleague answers from its state
  at the asker's turn: before its own turn it still had the fact it forgot (``lost``) and not
  yet the one it researched (``gained``); after its turn it also knows the fact it learned by
  asking, if that was the same fact, which chains through askers and is settled by iterating
  to the fixed point (each pass settles one more link of the longest chain).
* The database stamps writes with the writer's position (see ``_database``).
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

import npolitics as npl

from ._knowledge import Knowledge, SeedKnowledge, UniformKnowledge
from ._params import Answer, Ask, Params, Query, Write
from ._pool import PoolDraws

Ints = npt.NDArray[np.int64]


def knowledge(p: Params) -> Knowledge:
    """The representation of known facts that the fidelity asks for."""
    kind = SeedKnowledge if p.fidelity == "seed" else UniformKnowledge
    return kind(p.workers, p.total_facts)


class Office(npl.Population):
    """Every worker of the office: ψ = known facts and target per worker; W = target known."""

    p: Params = attrs.field(factory=Params, kw_only=True)
    target: npt.NDArray[np.int64] = npl.column(np.int64, -1)
    turn: npt.NDArray[np.int64] = npl.column(np.int64, -1)
    gained: npt.NDArray[np.int64] = npl.column(np.int64, -1)
    lost: npt.NDArray[np.int64] = npl.column(np.int64, -1)
    known: Any = attrs.field(default=None, kw_only=True)
    pool: Any = attrs.field(default=None, kw_only=True)
    # W of every worker, computed at a sample and reused by the next tick's settling; any
    # change of state clears it.
    work: Any = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.known is None:
            self.known = knowledge(self.p)
        if self.pool is None and self.p.pooled:
            self.pool = PoolDraws(self.n, self.p.socialise_rate)

    def _research(self, rows: Ints, rng: np.random.Generator) -> None:
        p = self.p
        facts = np.minimum(
            (p.total_facts * rng.beta(p.beta_a, p.beta_b, rows.size)).astype(np.int64),
            p.total_facts - 1,
        )
        new = self.known.add(rows, facts)
        self.gained[rows[new]] = facts[new]

    def _forget(self, rows: Ints, rng: np.random.Generator) -> None:
        rows = rows[(self.known.count[rows] > 0) & (rng.random(rows.size) < self.p.forget_rate)]
        if rows.size:
            self.lost[rows] = self.known.forget(rows, rng)

    @npl.channel
    def tick(self, batch: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        """Settle last tick's work, then every worker's turn of this tick, in the acting order."""
        p, rng, order = self.p, ctx.rng, batch.to
        done = self.work if self.work is not None else self._done()
        self.work = None
        need = (self.target < 0) | done
        self.target[need] = rng.integers(p.target_facts, size=int(need.sum()))
        self.turn[order] = np.arange(order.size)
        self.gained[:] = -1
        self.lost[:] = -1
        if p.variant == "researcher":
            self._research(order, rng)
            return
        if p.variant == "forgetful":
            self._forget(order, rng)
            self._research(order, rng)
            return
        if p.variant == "sociable_v1":
            self._forget(order, rng)
            asks = rng.random(order.size) < p.socialise_rate
            askers = order[asks]
            colleagues = rng.integers(self.n, size=askers.size)
            self._research(order[~asks], rng)
            self._ask(ctx, askers, colleagues)
            return
        r, partner, acts = self.pool.next(rng)
        actors = order[acts]
        self._forget(actors, rng)
        asking = partner >= 0
        self._ask(ctx, order[asking], order[partner[asking]])
        rest = acts & ~asking
        if p.variant == "sociable":
            self._research(order[rest], rng)
            return
        query = rest & (r < p.socialise_rate + p.database_query_rate)
        rest &= ~query
        writing = rest & (r < p.socialise_rate + p.database_query_rate + p.database_write_rate)
        writing[writing] = self.known.count[order[writing]] > 0
        rest &= ~writing
        self._research(order[rest], rng)
        q = order[query]
        if q.size:
            ctx.send(
                "database",
                "query",
                npl.Batch(Query, [0] * q.size, asker=q, fact=self.target[q], turn=self.turn[q]),
            )
        w = order[writing]
        if w.size:
            facts = self.known.sample(w, rng)
            ok = rng.random(w.size) < p.contribution_success_rate
            if ok.any():
                ctx.send(
                    "database",
                    "write",
                    npl.Batch(
                        Write,
                        np.zeros(int(ok.sum()), np.int64),
                        fact=facts[ok],
                        turn=self.turn[w[ok]],
                    ),
                )

    def _ask(self, ctx: npl.Context, askers: Ints, colleagues: Ints) -> None:
        if askers.size:
            ask = npl.Batch(
                Ask, colleagues, asker=askers, fact=self.target[askers], turn=self.turn[askers]
            )
            ctx.send(ctx.me.group, "ask", ask)

    @npl.channel
    def ask(self, batch: npl.Batch[Ask], ctx: npl.Context) -> None:
        """Colleagues answer whether they knew the fact at the asker's turn."""
        colleague, asker = batch.to, batch.asker.astype(np.int64)
        fact = batch.fact.astype(np.int64)
        known_now = self.known.knows(colleague, fact)
        if self.p.pooled:
            known = known_now  # an asked colleague has not acted this tick
        else:
            before = self.turn[colleague] > batch.turn
            # Before its turn the colleague had not yet researched `gained` nor forgotten `lost`.
            known_before = (known_now & (fact != self.gained[colleague])) | (
                fact == self.lost[colleague]
            )
            known = np.where(before, known_before, known_now)
            # After its turn it also knew what it had learned by asking: a chain of asks.
            ask_of = np.full(self.n, -1, np.int64)
            ask_of[asker] = np.arange(asker.size)
            theirs = ask_of[colleague]
            chain = ~before & (colleague != asker) & (theirs >= 0)
            chain[chain] &= fact[theirs[chain]] == fact[chain]
            while True:
                grown = known | (chain & known[np.maximum(theirs, 0)])
                if (grown == known).all():
                    break
                known = grown
        ctx.send(ctx.me.group, "answer", npl.Batch(Answer, asker, fact=fact, known=known))

    @npl.channel
    def answer(self, batch: npl.Batch[Answer], ctx: npl.Context) -> None:
        """Askers learn the facts their colleagues or the database knew."""
        known = batch.known.astype(bool)
        self.work = None
        self.known.add(batch.to[known], batch.fact.astype(np.int64)[known])

    def _done(self) -> npt.NDArray[np.bool_]:
        done: npt.NDArray[np.bool_] = self.known.knows(np.arange(self.n), self.target)
        return done

    def wellbeing(self) -> npt.NDArray[np.float64]:
        if self.work is None:
            self.work = self._done()
        w: npt.NDArray[np.float64] = self.work.astype(float)
        return w
