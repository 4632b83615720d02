"""The compiled implementation: the Office's tick handler runs one numba kernel per tick.

The clock's Tick reaches the population's ``tick`` channel as in the population
implementation; the handler's body is the notebook's loop over the turns of the tick, compiled
(``_kernels.tick``): targets, forgetting, research, the free-colleague pool and the asks. An ask
is answered inside the kernel, at the asker's turn: the colleague's answer is a lookup in the
colleague's set and the asker learns at once, which is exactly the notebook's
``ask_colleague`` (the Ask/Answer messages of the other implementations carry the same
question and reply; here they do not leave the handler, since they would cost more than the
lookup). The database stays an agent: a tick's queries and writes leave the kernel as one
Query batch and one Write batch to the ``database``'s ``query`` and ``write`` channels, with
each turn's position, and its answers come back on ``answer`` in the same instant, as in the
population implementation (writes are stamped with the writer's turn, so a query sees exactly
the writes of earlier turns; a querier left the pool when it acted, so nobody reads its set
again in the tick, and learning at the end of the tick is the same as learning at its turn).
"""

from __future__ import annotations

import importlib
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

import npolitics as npl

from ._params import VARIANTS, Answer, Params, Query, Write
from ._population import knowledge

NEEDS_NUMBA = "implementation='compiled' needs numba: pip install 'npolitics[fast]'"


def kernels() -> Any:
    """The numba kernels, or a ParameterError saying how to get numba."""
    try:
        return importlib.import_module(f"{__package__}._kernels")
    except ImportError as error:
        raise npl.ParameterError(NEEDS_NUMBA) from error


class CompiledOffice(npl.Population):
    """Every worker of the office: ψ = known facts and target; W = target known (``done``)."""

    p: Params = attrs.field(factory=Params, kw_only=True)
    target: npt.NDArray[np.int64] = npl.column(np.int64, -1)
    done: npt.NDArray[np.bool_] = npl.column(bool, False)
    known: Any = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        kernels()
        if self.known is None:
            self.known = knowledge(self.p)

    def _arrays(self) -> tuple[Any, ...]:
        """The knowledge arrays in the kernels' order (placeholders for the other kind)."""
        k = self.known
        if self.p.fidelity == "seed":
            return k.table, k.mask, k.fill, k.finger, _NO_BITS, _NO_ITEMS
        return _NO_TABLE, _NO_INTS, _NO_INTS, _NO_INTS, k.bits, k.items

    def _grow(self, width: int) -> None:
        """Widen the tables (seed) or fact lists (corrected) to ``width`` columns."""
        k = self.known
        name, fill = ("table", -1) if self.p.fidelity == "seed" else ("items", 0)
        old = getattr(k, name)
        if width > old.shape[1]:
            grown = np.empty((self.n, max(width, 2 * old.shape[1])), old.dtype)
            grown[:, : old.shape[1]] = old
            grown[:, old.shape[1] :] = fill
            setattr(k, name, grown)

    @npl.channel
    def tick(self, batch: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        """Every worker's turn of this tick, in the acting order, in one compiled call."""
        p, ks = self.p, kernels()
        seed = p.fidelity == "seed"
        self._grow(int(ks.capacity_needed(seed, self.known.count)))
        table, mask, fill, finger, bits, items = self._arrays()
        out = np.empty((self.n, 4), np.int64)
        pending = np.empty(self.n, np.int64)
        rows = ks.tick(
            VARIANTS.index(p.variant),
            seed,
            int(ctx.rng.integers(2**32)),
            self._rates,
            p.target_facts,
            p.total_facts,
            batch.to,
            self.target,
            self.done,
            table,
            mask,
            fill,
            finger,
            bits,
            items,
            self.known.count,
            np.empty(self.n, np.int64),
            np.empty(self.n, np.int64),
            out,
            ctx.rng.beta(p.beta_a, p.beta_b, self.n),
            pending,
        )
        ks.add_pending(
            seed, table, mask, fill, bits, items, self.known.count, self.target, self.done, pending
        )
        if rows:
            out = out[:rows]
            query = out[:, 3] == 0
            q, w = out[query], out[~query]
            if q.size:
                ctx.send(
                    "database",
                    "query",
                    npl.Batch(
                        Query, np.zeros(len(q), np.int64), asker=q[:, 0], fact=q[:, 1], turn=q[:, 2]
                    ),
                )
            if w.size:
                ctx.send(
                    "database",
                    "write",
                    npl.Batch(Write, np.zeros(len(w), np.int64), fact=w[:, 1], turn=w[:, 2]),
                )

    @property
    def _rates(self) -> npt.NDArray[np.float64]:
        p = self.p
        q = p.socialise_rate + p.database_query_rate
        return np.array(
            [
                p.forget_rate,
                p.socialise_rate,
                q,
                q + p.database_write_rate,
                p.contribution_success_rate,
            ]
        )

    @npl.channel
    def answer(self, batch: npl.Batch[Answer], ctx: npl.Context) -> None:
        """Queriers learn the facts the database held at their turn."""
        table, mask, fill, _, bits, items = self._arrays()
        kernels().learn(
            self.p.fidelity == "seed",
            table,
            mask,
            fill,
            bits,
            items,
            self.known.count,
            self.target,
            self.done,
            np.asarray(batch.to, np.int64),
            np.asarray(batch.fact, np.int64),
            np.asarray(batch.known, np.bool_),
        )

    def wellbeing(self) -> npt.NDArray[np.float64]:
        w: npt.NDArray[np.float64] = self.done.astype(float)
        return w


_NO_TABLE = np.zeros((1, 1), np.int32)
_NO_INTS = np.zeros(1, np.int64)
_NO_BITS = np.zeros((1, 1), np.uint8)
_NO_ITEMS = np.zeros((1, 1), np.int64)
