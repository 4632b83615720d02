"""The sugar-and-spice society: messages, the Q-learning traders and the matchmaker.

Every tick the matchmaker pairs agents and sends each an :class:`Encounter` naming its
partner; each trader answers with a :class:`Move` drawn epsilon-greedily from its Q-values
for its state; the matchmaker then sends each trader its :class:`Outcome`, from which the
trader learns (one Q-learning step) and remembers the pair of moves. All of it happens in
one instant: tick → encounter → move → outcome.

Two implementations of the traders' handlers compute the same policy and learning rule:
``"numpy"`` (array code, the default) and ``"compiled"`` (numba kernels in ``_compiled``,
a loop over the messages). Only the compiled one plays blocks: an Encounter with
``rounds = K`` stands for K consecutive encounters of a couple, the first K − 1 played
out inside the kernel and the K-th through the Move and Outcome messages.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

import npolitics as npl

from . import _numba
from ._codes import FIRST, STATES, codes_from_q

IntArray = npt.NDArray[np.int64]
MAX_PARTNERS = 64
"""The most partners an agent can remember (``known_partners`` ≤ this)."""
FloatArray = npt.NDArray[np.float64]


@attrs.frozen
class Encounter:
    """You meet agent ``partner`` now: choose a move.

    ``rounds = K > 1`` (compiled implementation, fixed couples only): you meet ``partner``
    K times in a row; play the first K − 1 encounters out with your partner (both moves,
    the payoff table's outcome, a Q-learning step each) and answer with your move in the
    K-th, whose Outcome the matchmaker sends as usual.
    """

    partner: int
    rounds: int = 1


@attrs.frozen
class Move:
    """Agent ``agent`` plays ``move`` (0 trade, 1 steal) in its current encounter."""

    agent: int
    move: int


@attrs.frozen
class Outcome:
    """How your encounter with ``partner`` went: your move, theirs, and your payoff."""

    partner: int
    mine: int
    yours: int
    payoff: float


@attrs.define
class Exploration:
    """Which decisions explore: a Bernoulli(ε₀) process over the stream of decisions.

    Gaps between exploring decisions are geometric, so a tick costs O(ε₀·decisions) random
    draws instead of one per decision; a decaying schedule thins the candidates to ε(age)/ε₀.
    ``carry`` is how many decisions remain before the next candidate (part of ψ, so
    snapshots and restores replay exactly).
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


class Traders(npl.Population):
    """Q-learning agents. ψ = Q-values, what each remembers of its partners, its payoffs.

    ``q[i, s, a]``: agent i's value of move a in state s (0-3 = 2·my_last + your_last with
    this partner, 4 = a first meeting or a stranger; with ``memory = 0`` every encounter is
    state 4). Each agent remembers its last encounter with up to ``known_partners``
    partners (the least recently met is forgotten first); ``fixed_partners`` says each agent
    only ever meets one partner, so it need not check who it meets. W(ψ) is the agent's mean
    payoff per encounter over roughly the last ``window`` encounters (an exponentially
    weighted mean, bias-corrected for agents with few encounters; 0 before the first).
    """

    memory: int = 1
    known_partners: int = 1
    fixed_partners: bool = False
    discount: float = 0.99
    learning_rate: float = 0.01
    exploration: float = 0.01
    schedule: str = "constant"
    half_life: float = 1e5
    exploration_floor: float = 0.0
    window: float = 1000.0
    implementation: str = "numpy"
    table: FloatArray = attrs.field(factory=lambda: np.array([3.0, 0.0, 4.0, 1.0]))
    """The payoff table flattened (``table[2·mine + yours]``), for the rounds a compiled
    block plays inside the kernel: the same table the matchmaker applies."""
    explorer: Exploration = attrs.field(factory=lambda: Exploration(0.0))
    # What each agent remembers, slot by slot: shape (known_partners, n), filled in post-init.
    partner: IntArray = attrs.field(factory=lambda: np.empty((0, 0), np.int64))
    last: IntArray = attrs.field(factory=lambda: np.empty((0, 0), np.int64))
    met: IntArray = attrs.field(factory=lambda: np.empty((0, 0), np.int64))
    q: FloatArray = npl.column(float, 1.0, shape=(STATES, 2))
    chosen: IntArray = npl.column(np.int64, 0)
    encounters: IntArray = npl.column(np.int64, 0)
    payoff_total: FloatArray = npl.column(float, 0.0)
    recent: FloatArray = npl.column(float, 0.0)
    trading: FloatArray = npl.column(float, 0.0)
    gap: IntArray = npl.column(np.int64, -1)
    """Compiled implementation: decisions before the agent's next exploring candidate."""

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.implementation not in ("numpy", "compiled"):
            raise npl.ParameterError(
                f"implementation must be 'numpy' or 'compiled', got {self.implementation!r}"
            )
        if self.implementation == "compiled" and not _numba.AVAILABLE:
            raise npl.ParameterError(_numba.HINT)
        self.table = np.ascontiguousarray(self.table, dtype=np.float64).reshape(-1)
        self.explorer = Exploration(self.exploration)
        slots = (max(self.known_partners, 1), self.n)
        if self.partner.shape != slots:
            self.partner = np.full(slots, -1, np.int64)
            self.last = np.full(slots, FIRST, np.int64)
            self.met = np.full(slots, -1, np.int64)
        self._all = np.arange(self.n, dtype=np.int64)
        self._base = self._all * (2 * STATES)
        self._zero = np.zeros(self.n, np.int64)

    def _rows(self, to: IntArray) -> Any:
        """``to`` as an index: a slice when it is every agent in order (views, not copies)."""
        if to.size == self.n and to.size and to[0] == 0 and np.array_equal(to, self._all):
            return slice(None)
        return to

    def states(self, rows: Any, partner: IntArray) -> tuple[IntArray, IntArray]:
        """Each encounter's state, and the memory slot that holds (or will hold) the partner."""
        k = self.known_partners
        zero = np.zeros(partner.size, np.int64)
        if self.memory == 0 or k == 0:
            return np.full(partner.size, FIRST, np.int64), zero
        if self.fixed_partners:
            return self.last[0, rows], zero
        if k == 1:
            return np.where(self.partner[0, rows] == partner, self.last[0, rows], FIRST), zero
        known = self.partner[:, rows] == partner
        found = known.any(axis=0)
        slot = np.where(found, known.argmax(axis=0), self.met[:, rows].argmin(axis=0))
        to = self._all[rows]
        return np.where(found, self.last[slot, to], FIRST), slot

    @npl.channel
    def encounter(self, batch: npl.Batch[Encounter], ctx: npl.Context) -> None:
        """P(a | m, ψ): the greedy move for this state, or with probability ε a random one."""
        rounds = _rounds(batch)
        if self.implementation == "compiled":
            self._encounter_compiled(batch, rounds, ctx)
            return
        if rounds != 1:
            raise ValueError(
                f"Encounter(rounds={rounds}): blocks of encounters need implementation='compiled'"
            )
        to = batch.to
        rows = self._rows(to)
        state, _ = self.states(rows, batch.partner)
        flat = self.q.reshape(-1)
        base = self._base[rows] + 2 * state
        moves = (flat[base + 1] > flat[base]).view(np.int8).astype(np.int64)
        candidates = self.explorer.positions(to.size, ctx.rng)
        if candidates.size:
            if self.schedule != "constant":
                age = self.encounters[to[candidates]]
                eps = np.maximum(
                    self.exploration * 0.5 ** (age / self.half_life), self.exploration_floor
                )
                candidates = candidates[ctx.rng.random(candidates.size) * self.exploration < eps]
            moves[candidates] = ctx.rng.integers(0, 2, candidates.size)
        np.add(base, moves, out=base)
        if isinstance(rows, slice):
            self.chosen = base
        else:
            self.chosen[rows] = base
        ctx.send("matchmaker", "move", npl.Batch(Move, self._zero[: to.size], agent=to, move=moves))

    def _encounter_compiled(
        self, batch: npl.Batch[Encounter], rounds: int, ctx: npl.Context
    ) -> None:
        to = batch.to
        if rounds > 1 and not self.fixed_partners:
            raise ValueError(
                f"Encounter(rounds={rounds}): blocks of encounters need fixed couples "
                "(experiment=attractors)"
            )
        moves = np.empty(to.size, np.int64)
        _kernels().play(
            self.q,
            self.partner,
            self.last,
            self.met,
            self.gap,
            self.encounters,
            self.payoff_total,
            self.recent,
            self.trading,
            self.chosen,
            moves,
            to,
            batch.partner,
            rounds,
            ctx.rng,
            self.memory,
            self.known_partners,
            self.fixed_partners,
            self.exploration,
            self.schedule != "constant",
            self.half_life,
            self.exploration_floor,
            self.table,
            self.discount,
            self.learning_rate,
            1.0 / self.window,
        )
        ctx.send("matchmaker", "move", npl.Batch(Move, self._zero[: to.size], agent=to, move=moves))

    @npl.channel
    def outcome(self, batch: npl.Batch[Outcome], ctx: npl.Context) -> None:
        """Learn: Q(s, a) += α·(r + γ·max Q(s′) − Q(s, a)); remember the moves; tally payoff."""
        if self.implementation == "compiled":
            _kernels().learn(
                self.q,
                self.partner,
                self.last,
                self.met,
                self.encounters,
                self.payoff_total,
                self.recent,
                self.trading,
                self.chosen,
                batch.to,
                batch.partner,
                batch.mine,
                batch.yours,
                batch.payoff,
                int(ctx.now),
                self.memory,
                self.known_partners,
                self.fixed_partners,
                self.discount,
                self.learning_rate,
                1.0 / self.window,
            )
            return
        to = batch.to
        rows = self._rows(to)
        mine, yours, payoff = batch.mine, batch.yours, batch.payoff
        flat = self.q.reshape(-1)
        after = np.full(to.size, FIRST, np.int64) if self.memory == 0 else 2 * mine + yours
        nxt = self._base[rows] + 2 * after
        best = np.maximum(flat[nxt], flat[nxt + 1])
        best *= self.discount
        best += payoff
        chosen = self.chosen[rows]
        best -= flat[chosen]
        best *= self.learning_rate
        flat[chosen] += best
        if self.memory == 1 and self.known_partners > 0:
            if self.fixed_partners:
                self.last[0, rows] = after
            else:
                _, slot = self.states(rows, batch.partner)
                self.partner[slot, to] = batch.partner
                self.last[slot, to] = after
                self.met[slot, to] = ctx.now
        self.encounters[rows] += 1
        self.payoff_total[rows] += payoff
        rate = 1.0 / self.window
        recent = self.recent[rows]
        recent += (payoff - recent) * rate
        trading = self.trading[rows]
        trading += ((mine == 0) - trading) * rate
        if not isinstance(rows, slice):
            self.recent[rows] = recent
            self.trading[rows] = trading

    def codes(self) -> IntArray:
        """Each agent's greedy policy code (see ``policy codes`` in the docs)."""
        return codes_from_q(self.q, self.memory)

    def _windowed(self, ema: FloatArray) -> FloatArray:
        weight = 1.0 - (1.0 - 1.0 / self.window) ** self.encounters
        out = np.zeros(self.n)
        seen = self.encounters > 0
        out[seen] = ema[seen] / weight[seen]
        return out

    def wellbeing(self) -> FloatArray:
        """W(ψ): mean payoff per encounter over about the last ``window`` encounters."""
        return self._windowed(self.recent)

    def trade_share(self) -> FloatArray:
        """Each agent's share of trades over about the last ``window`` encounters."""
        return self._windowed(self.trading)


def _rounds(batch: npl.Batch[Encounter]) -> int:
    """The batch's encounters per couple (one shared value; a block is played by couples)."""
    value = batch.column("rounds")
    if isinstance(value, np.ndarray) and value.ndim > 0:
        if value.size and not (value == value[0]).all():
            raise ValueError("an Encounter batch must give every couple the same rounds")
        value = value[0] if value.size else 1
    rounds = int(value)
    if rounds < 1:
        raise ValueError(f"Encounter rounds must be ≥ 1, got {rounds}")
    return rounds


class Matchmaker(npl.Population):
    """Pairs the agents each tick and tells each how its encounter went.

    ``pairing="couples"``: agents 2s and 2s+1 always meet (independent two-agent societies);
    ``"random"``: a random perfect matching of the ``active`` agents (one sits out if odd).
    ``rounds``: encounters per couple per tick (see :class:`Encounter`; couples only).
    """

    payoff: FloatArray = attrs.field(factory=lambda: np.array([[3.0, 0.0], [4.0, 1.0]]))
    pairing: str = "couples"
    traders: int = 2
    active: int = 2
    rounds: int = 1
    order: IntArray = attrs.field(factory=lambda: np.empty(0, np.int64))
    partner_of: IntArray = attrs.field(factory=lambda: np.empty(0, np.int64))

    @npl.channel
    def tick(self, m: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        """Pair the agents and send each an Encounter."""
        if self.pairing == "couples":
            if self.order.size != self.traders:
                self.order = np.arange(self.traders, dtype=np.int64)
                self.partner_of = self.order ^ 1
        else:
            met = ctx.rng.permutation(self.active)
            met = met[: met.size - met.size % 2].reshape(-1, 2)
            self.order = np.concatenate([met[:, 0], met[:, 1]])
            self.partner_of = np.concatenate([met[:, 1], met[:, 0]])
        if self.order.size:
            ctx.send(
                "traders",
                "encounter",
                npl.Batch(Encounter, self.order, partner=self.partner_of, rounds=self.rounds),
            )

    @npl.channel
    def move(self, batch: npl.Batch[Move], ctx: npl.Context) -> None:
        """Both moves of every encounter are in: send each agent its outcome."""
        agent, played = batch.agent, batch.move
        if self.pairing == "couples" and np.array_equal(agent, self.order):
            # The replies came back in the order of the encounters: no scatter needed.
            mine = played
            yours = played.reshape(-1, 2)[:, ::-1].reshape(-1)
        else:
            played = np.empty(self.traders, np.int64)
            played[agent] = batch.move
            mine = played[self.order]
            yours = played[self.partner_of]
        payoff = self.payoff.reshape(-1)[2 * mine + yours]
        ctx.send(
            "traders",
            "outcome",
            npl.Batch(
                Outcome, self.order, partner=self.partner_of, mine=mine, yours=yours, payoff=payoff
            ),
        )

    @npl.channel
    def grow(self, m: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        """One more agent joins the society (experiment 2), until all ``traders`` have."""
        self.active = min(self.traders, self.active + 1)


def _kernels() -> Any:
    """The compiled kernels, imported with numba on first use."""
    from . import _compiled

    return _compiled
