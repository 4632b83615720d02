"""A test oracle for sugar-spice: the traders written as array code, a second form of the model.

The world's traders are per-message rules (compiled or plain Python). This is the same policy
and learning rule written independently with numpy over whole batches, as the world had it
before its rules were written once. Without exploration both compute bit-identical states
(the same arithmetic in the same order); with exploration they draw different random numbers
(here a Bernoulli(ε₀) process over the stream of a round's decisions, by geometric gaps;
there a gap per agent), so they agree in distribution. Use :func:`oracle_world`.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pytest

import npolitics as npl
from worlds.sugar_spice import _spec
from worlds.sugar_spice._agents import MAX_PARTNERS, Encounter, Move, Outcome
from worlds.sugar_spice._codes import FIRST, STATES, codes_from_q

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@attrs.define
class Exploration:
    """Which decisions explore: a Bernoulli(ε₀) process over the stream of decisions.

    Gaps between exploring decisions are geometric, so a tick costs O(ε₀·decisions) random
    draws; ``carry`` is how many decisions remain before the next candidate.
    """

    rate: float
    carry: int = -1

    def positions(self, decisions: int, rng: np.random.Generator) -> IntArray:
        """The sorted positions in ``0 … decisions-1`` of this round's candidates."""
        p = self.rate
        if p <= 0.0 or decisions == 0:
            return np.empty(0, np.int64)
        if self.carry < 0:
            self.carry = int(rng.geometric(p)) - 1
        parts = []
        pos = self.carry
        while pos < decisions:
            k = int((decisions - pos) * p * 1.1) + 8
            steps = np.cumsum(rng.geometric(p, k))
            found = np.concatenate(([pos], pos + steps[:-1]))
            parts.append(found[found < decisions])
            beyond = found[found >= decisions]
            pos = int(beyond[0]) if beyond.size else int(pos + steps[-1])
        self.carry = pos - decisions
        return np.concatenate(parts) if parts else np.empty(0, np.int64)


class ArrayTraders(npl.Population):
    """The world's Traders (same constructor, same columns) with numpy handlers over batches.

    One encounter per tick (``rounds = 1``).
    """

    memory: int = 1
    known_partners: int = 1
    fixed_partners: bool = False
    discount: float = 0.99
    learning_rate: float = 0.01
    exploration: float = 0.01
    decaying: bool = False
    half_life: float = 1e5
    exploration_floor: float = 0.0
    rate: float = 1e-3
    pay_tt: float = 3.0
    pay_ts: float = 0.0
    pay_st: float = 4.0
    pay_ss: float = 1.0
    check_every: int = 10_000
    settle_window: int = 5_000_000
    min_encounters: int = 0
    explorer: Exploration = attrs.field(factory=lambda: Exploration(0.0))
    q: FloatArray = npl.column(float, 1.0, shape=(STATES, 2))
    partner: IntArray = npl.column(np.int64, -1, shape=(MAX_PARTNERS,))
    last: IntArray = npl.column(np.int64, FIRST, shape=(MAX_PARTNERS,))
    met: IntArray = npl.column(np.int64, -1, shape=(MAX_PARTNERS,))
    chosen: IntArray = npl.column(np.int64, 0)
    gap: IntArray = npl.column(np.int64, -1)
    encounters: IntArray = npl.column(np.int64, 0)
    payoff_total: FloatArray = npl.column(float, 0.0)
    recent: FloatArray = npl.column(float, 0.0)
    trading: FloatArray = npl.column(float, 0.0)
    code: IntArray = npl.column(np.int64, 0)
    changed: IntArray = npl.column(np.int64, 0)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        self.explorer = Exploration(self.exploration)
        self._base = np.arange(self.n, dtype=np.int64) * (2 * STATES)

    def states(self, to: IntArray, partner: IntArray) -> tuple[IntArray, IntArray]:
        """Each encounter's state, and the memory slot that holds (or will hold) the partner."""
        k = self.known_partners
        zero = np.zeros(partner.size, np.int64)
        if self.memory == 0 or k == 0:
            return np.full(partner.size, FIRST, np.int64), zero
        if self.fixed_partners:
            return self.last[to, 0], zero
        known = self.partner[to, :k] == partner[:, None]
        found = known.any(axis=1)
        slot = np.where(found, known.argmax(axis=1), self.met[to, :k].argmin(axis=1))
        return np.where(found, self.last[to, slot], FIRST), slot

    @npl.channel
    def encounter(self, batch: npl.Batch[Encounter], ctx: npl.Context) -> None:
        """The greedy move for this state, or with probability ε a random one."""
        to = batch.to
        if np.any(batch.rounds != 1):
            pytest.fail("the array oracle plays one encounter per tick")
        state, _ = self.states(to, batch.partner)
        flat = self.q.reshape(-1)
        base = self._base[to] + 2 * state
        moves = (flat[base + 1] > flat[base]).astype(np.int64)
        candidates = self.explorer.positions(to.size, ctx.rng)
        if candidates.size:
            if self.decaying:
                age = self.encounters[to[candidates]]
                eps = np.maximum(
                    self.exploration * 0.5 ** (age / self.half_life), self.exploration_floor
                )
                candidates = candidates[ctx.rng.random(candidates.size) * self.exploration < eps]
            moves[candidates] = ctx.rng.integers(0, 2, candidates.size)
        self.chosen[to] = 2 * state + moves
        ctx.send("matchmaker", "move", npl.Batch(Move, np.zeros(to.size), agent=to, move=moves))

    @npl.channel
    def outcome(self, batch: npl.Batch[Outcome], ctx: npl.Context) -> None:
        """Q(s, a) += α·(r + γ·max Q(s′) − Q(s, a)); remember the moves; tally payoff."""
        to = batch.to
        mine, yours, payoff = batch.mine, batch.yours, batch.payoff
        flat = self.q.reshape(-1)
        after = np.full(to.size, FIRST, np.int64) if self.memory == 0 else 2 * mine + yours
        nxt = self._base[to] + 2 * after
        best = np.maximum(flat[nxt], flat[nxt + 1])
        best *= self.discount
        best += payoff
        chosen = self._base[to] + self.chosen[to]
        best -= flat[chosen]
        best *= self.learning_rate
        flat[chosen] += best
        if self.memory == 1 and self.known_partners > 0:
            if self.fixed_partners:
                self.last[to, 0] = after
            else:
                _, slot = self.states(to, batch.partner)
                self.partner[to, slot] = batch.partner
                self.last[to, slot] = after
                self.met[to, slot] = ctx.now
        self.encounters[to] += 1
        self.payoff_total[to] += payoff
        self.recent[to] += (payoff - self.recent[to]) * self.rate
        self.trading[to] += ((mine == 0) - self.trading[to]) * self.rate
        look = to[self.encounters[to] % self.check_every == 0]
        code = codes_from_q(self.q[look], self.memory)
        moved = look[code != self.code[look]]
        self.code[look] = code
        self.changed[moved] = self.encounters[moved]

    def codes(self) -> IntArray:
        return codes_from_q(self.q, self.memory)

    def _windowed(self, ema: FloatArray) -> FloatArray:
        weight = 1.0 - (1.0 - self.rate) ** self.encounters
        out = np.zeros(self.n)
        seen = self.encounters > 0
        out[seen] = ema[seen] / weight[seen]
        return out

    def wellbeing(self) -> FloatArray:
        return self._windowed(self.recent)

    def trade_share(self) -> FloatArray:
        return self._windowed(self.trading)


def oracle_world(monkeypatch: pytest.MonkeyPatch, **params: Any) -> npl.World:
    """The sugar-spice world with :class:`ArrayTraders` in place of its traders."""
    with monkeypatch.context() as m:
        m.setattr(_spec, "Traders", ArrayTraders)
        return _spec.sugar_spice(**params)
