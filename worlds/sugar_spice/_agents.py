"""The sugar-and-spice society: messages, the Q-learning traders and the matchmaker.

Every tick the matchmaker pairs agents and sends each an :class:`Encounter` naming its
partner; each trader answers with a :class:`Move` drawn epsilon-greedily from its Q-values
for its state; the matchmaker then sends each trader its :class:`Outcome`, from which the
trader learns (one Q-learning step) and remembers the pair of moves. All of it happens in
one instant: tick → encounter → move → outcome.

The traders' two channels are per-message rules over the population's columns, written once:
the run compiles them (numba) or runs them as plain Python, with the same results. The
matchmaker pairs and scores in bulk, with array code. An Encounter with ``rounds = K``
(fixed couples) stands for K consecutive encounters of a couple: the first K − 1 are played
out by the couple's rule, the K-th through the Move and Outcome messages.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

import npolitics as npl

from ._codes import FIRST, STATES, codes_from_q

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
MAX_PARTNERS = 64
"""The most partners an agent can remember (``known_partners`` ≤ this)."""


@attrs.frozen
class Encounter:
    """You meet agent ``partner`` now: choose a move.

    ``rounds = K > 1`` (fixed couples only): you meet ``partner`` K times in a row; the
    couple plays the first K − 1 encounters out (both moves, the payoff table's outcome, a
    Q-learning step each) and answers with its moves in the K-th, whose Outcomes the
    matchmaker sends as usual.
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


class Traders(npl.Population):
    """Q-learning agents. ψ = Q-values, what each remembers of its partners, its payoffs.

    ``q[i, s, a]``: agent i's value of move a in state s (0-3 = 2·my_last + your_last with
    this partner, 4 = a first meeting or a stranger; with ``memory = 0`` every encounter is
    state 4). Each agent remembers its last encounter with up to ``known_partners``
    partners (``partner[i, k]``, ``last[i, k]``, ``met[i, k]`` for k < ``known_partners``,
    of ``MAX_PARTNERS`` slots; the least recently met is forgotten first);
    ``fixed_partners`` says each agent only ever meets one partner, so it need not check who
    it meets. W(ψ) is the agent's mean payoff per encounter over roughly the last ``window``
    encounters (an exponentially weighted mean, bias-corrected for agents with few
    encounters; 0 before the first).

    Exploration: each decision explores with probability ε₀ (``exploration``), drawn as a
    geometric gap per agent: ``gap[i]`` counts agent i's decisions before its next exploring
    candidate (−1: not drawn yet), so a decision costs a random draw only every 1/ε₀
    decisions. A decaying schedule keeps a candidate with probability ε(age)/ε₀.
    """

    memory: int = 1
    known_partners: int = 1
    fixed_partners: bool = False
    discount: float = 0.99
    learning_rate: float = 0.01
    exploration: float = 0.01
    decaying: bool = False
    """ε(age) = max(ε₀·2^(−age/half_life), exploration_floor), age in encounters (else ε₀)."""
    half_life: float = 1e5
    exploration_floor: float = 0.0
    rate: float = 1e-3
    """1 / window: the weight of the newest payoff in W(ψ)'s running mean."""
    check_every: int = 10_000
    """Encounters between an agent's looks at its own greedy policy code (``code``)."""
    settle_window: int = 5_000_000
    """Encounters a couple's pair of codes stays unchanged to be settled (metric ``settled``)."""
    min_encounters: int = 0
    """Encounters before which no couple counts as settled (metric ``settled``)."""
    # The payoff table, for the encounters a couple plays out (the matchmaker's table).
    pay_tt: float = 3.0
    pay_ts: float = 0.0
    pay_st: float = 4.0
    pay_ss: float = 1.0
    q: FloatArray = npl.column(float, 1.0, shape=(STATES, 2))
    partner: IntArray = npl.column(np.int64, -1, shape=(MAX_PARTNERS,))
    last: IntArray = npl.column(np.int64, FIRST, shape=(MAX_PARTNERS,))
    met: IntArray = npl.column(np.int64, -1, shape=(MAX_PARTNERS,))
    chosen: IntArray = npl.column(np.int64, 0)
    """2·state + move of the agent's current encounter: the Q-value its Outcome updates."""
    gap: IntArray = npl.column(np.int64, -1)
    encounters: IntArray = npl.column(np.int64, 0)
    payoff_total: FloatArray = npl.column(float, 0.0)
    recent: FloatArray = npl.column(float, 0.0)
    trading: FloatArray = npl.column(float, 0.0)
    code: IntArray = npl.column(np.int64, 0)
    """The agent's greedy policy code when it last looked (every ``check_every`` encounters)."""
    changed: IntArray = npl.column(np.int64, 0)
    """The agent's encounter count when it last saw its code change (0: never)."""

    @npl.channel(compiled=True, sends={"move": "matchmaker.move"})
    def encounter(s: Any, i: int, m: Encounter, ctx: Any, move: Any) -> None:
        """P(a | m, ψ): the greedy move for this state, or with probability ε a random one."""
        j = m.partner
        if m.rounds > 1 and i < j:
            # A block: the couple plays its first K − 1 encounters out, from the message of
            # its lower-numbered agent (the matchmaker sends that one first).
            _play(s, i, j, m.rounds - 1, ctx.rng)
        state = FIRST
        if s.memory == 1 and s.known_partners > 0:
            state, _slot = _recall(
                s.partner, s.last, s.met, i, j, s.known_partners, s.fixed_partners
            )
        a = _greedy(s.q, i, state)
        if s.exploration > 0.0:
            if s.gap[i] > 0:
                s.gap[i] -= 1
            else:
                a = _explore(s, i, a, ctx.rng)
        s.chosen[i] = 2 * state + a
        npl.send(move, 0, i, a)

    @npl.channel(compiled=True)
    def outcome(s: Any, i: int, m: Outcome, ctx: Any) -> None:
        """Learn: Q(s, a) += α·(r + γ·max Q(s′) − Q(s, a)); remember the moves; tally payoff."""
        state, a = s.chosen[i] // 2, s.chosen[i] % 2
        after = FIRST if s.memory == 0 else 2 * m.mine + m.yours
        _learn(s.q, i, state, a, after, m.payoff, s.discount, s.learning_rate)
        if s.memory == 1 and s.known_partners > 0:
            _s, slot = _recall(
                s.partner, s.last, s.met, i, m.partner, s.known_partners, s.fixed_partners
            )
            if not s.fixed_partners:
                s.partner[i, slot] = m.partner
                s.met[i, slot] = int(ctx.now)
            s.last[i, slot] = after
        _tally(s.encounters, s.payoff_total, s.recent, s.trading, i, m.mine, m.payoff, s.rate)
        if s.encounters[i] % s.check_every == 0:
            code = _code(s.q, i, s.memory)
            if code != s.code[i]:
                s.code[i] = code
                s.changed[i] = s.encounters[i]

    def codes(self) -> IntArray:
        """Each agent's greedy policy code (see ``policy codes`` in the docs)."""
        return codes_from_q(self.q, self.memory)

    @npl.wellbeing
    def wellbeing(s: Any) -> Any:
        """W(ψ): mean payoff per encounter over about the last ``window`` encounters."""
        return windowed(s.recent, s.encounters, s.rate)

    def trade_share(self) -> FloatArray:
        """Each agent's share of trades over about the last ``window`` encounters."""
        return windowed(self.trading, self.encounters, self.rate)  # type: ignore[no-any-return]


# -- the rules' helpers -------------------------------------------------------------------


@npl.jit
def windowed(ema: Any, encounters: Any, rate: float) -> Any:
    """A running mean with weight ``rate`` for the newest value, bias-corrected for agents
    with few encounters (0 before the first)."""
    out = np.zeros(encounters.size)
    seen = encounters > 0
    # A float power: numba raises a float to an integer power by repeated multiplication.
    weight = 1.0 - (1.0 - rate) ** encounters[seen].astype(np.float64)
    out[seen] = ema[seen] / weight
    return out


# Compiled, a helper that takes the state ``s`` costs a reference count per column on each
# call that is not inlined: the helpers called in the block's inner loop take arrays instead.


@npl.jit
def _recall(
    partner: Any, last: Any, met: Any, i: int, j: int, known: int, fixed: bool
) -> tuple[int, int]:
    """Agent i's memory of partner j among its ``known`` slots: the state (2·my last + your
    last) and the slot that holds j; for a partner it does not remember, a first meeting
    (state 4) and the slot of the partner it met least recently (the one it forgets). A fixed
    partner is in slot 0."""
    if fixed:
        return last[i, 0], 0
    oldest = 0
    for slot in range(known):
        if partner[i, slot] == j:
            return last[i, slot], slot
        if met[i, slot] < met[i, oldest]:
            oldest = slot
    return FIRST, oldest


@npl.jit
def _code(q: Any, i: int, memory: int) -> int:
    """Agent i's greedy policy code (as :func:`~._codes.codes_from_q` reads it)."""
    if memory == 0:
        return _greedy(q, i, FIRST)
    return _greedy(q, i, 0) + 2 * _greedy(q, i, 1) + 4 * _greedy(q, i, 2) + 8 * _greedy(q, i, 3)


@npl.jit
def _greedy(q: Any, i: int, state: int) -> int:
    """Agent i's greedy move in ``state``: steal (1) if its value is higher, else trade."""
    return 1 if q[i, state, 1] > q[i, state, 0] else 0


@npl.jit
def _explore(s: Any, i: int, greedy: int, rng: Any) -> int:
    """Agent i's move when its exploration gap has run out: draw the next gap; this decision
    is an exploring candidate (kept with probability ε(age)/ε₀ when decaying), unless it was
    the agent's very first draw."""
    eps0 = s.exploration
    first = s.gap[i] < 0
    s.gap[i] = rng.geometric(eps0) - 1
    if first:
        if s.gap[i] > 0:
            s.gap[i] -= 1
            return greedy
        s.gap[i] = rng.geometric(eps0) - 1
    if s.decaying:
        eps = max(eps0 * 0.5 ** (s.encounters[i] / s.half_life), s.exploration_floor)
        if rng.random() * eps0 >= eps:
            return greedy
    return 1 if rng.random() < 0.5 else 0


@npl.jit
def _learn(
    q: Any, i: int, state: int, a: int, after: int, payoff: float, discount: float, alpha: float
) -> None:
    """One Q-learning step: Q(s, a) += α·(r + γ·max Q(s′, ·) − Q(s, a))."""
    best = max(q[i, after, 0], q[i, after, 1])
    best *= discount
    best += payoff
    best -= q[i, state, a]
    best *= alpha
    q[i, state, a] += best


@npl.jit
def _tally(
    encounters: Any,
    payoff_total: Any,
    recent: Any,
    trading: Any,
    i: int,
    mine: int,
    payoff: float,
    rate: float,
) -> None:
    """Agent i's encounter count, payoff total and running means of payoff and trading."""
    encounters[i] += 1
    payoff_total[i] += payoff
    recent[i] += (payoff - recent[i]) * rate
    trading[i] += ((1.0 if mine == 0 else 0.0) - trading[i]) * rate


@npl.jit
def _play(s: Any, i: int, j: int, rounds: int, rng: Any) -> None:
    """``rounds`` whole encounters of the fixed couple (i, j), one after another: both moves,
    both payoffs, both Q-learning steps, both memories — what Encounter → Move → Outcome does
    for one encounter, in the same order of operations."""
    q, last, gap = s.q, s.last, s.gap
    encounters, payoff_total, recent, trading = s.encounters, s.payoff_total, s.recent, s.trading
    remember = s.memory == 1 and s.known_partners > 0
    table = ((s.pay_tt, s.pay_ts), (s.pay_st, s.pay_ss))
    for _ in range(rounds):
        si = last[i, 0] if remember else FIRST
        sj = last[j, 0] if remember else FIRST
        ai, aj = _greedy(q, i, si), _greedy(q, j, sj)
        if s.exploration > 0.0:
            if gap[i] > 0:
                gap[i] -= 1
            else:
                ai = _explore(s, i, ai, rng)
            if gap[j] > 0:
                gap[j] -= 1
            else:
                aj = _explore(s, j, aj, rng)
        pi, pj = table[ai][aj], table[aj][ai]
        after_i = FIRST if s.memory == 0 else 2 * ai + aj
        after_j = FIRST if s.memory == 0 else 2 * aj + ai
        _learn(q, i, si, ai, after_i, pi, s.discount, s.learning_rate)
        _learn(q, j, sj, aj, after_j, pj, s.discount, s.learning_rate)
        if remember:
            last[i, 0] = after_i
            last[j, 0] = after_j
        _tally(encounters, payoff_total, recent, trading, i, ai, pi, s.rate)
        _tally(encounters, payoff_total, recent, trading, j, aj, pj, s.rate)


class Matchmaker(npl.Population):
    """Pairs the agents each tick and tells each how its encounter went (one agent: n = 1).

    ``couples``: agents 2s and 2s+1 always meet (independent two-agent societies); else a
    random perfect matching of the ``active`` agents (one sits out if their number is odd).
    ``rounds``: encounters per couple per tick (see :class:`Encounter`; couples only).
    Its rules are compiled like the traders', so a world of them runs many ticks in one
    compiled call.
    """

    couples: bool = True
    traders: int = 2
    rounds: int = 1
    pay_tt: float = 3.0
    pay_ts: float = 0.0
    pay_st: float = 4.0
    pay_ss: float = 1.0
    active: IntArray = npl.column(np.int64, 2)
    """How many agents have joined (the first ``active[0]`` traders)."""
    order: IntArray = attrs.field(factory=lambda: np.empty(0, np.int64))
    """This tick's matching, drawn in place: agents ``order[2p]`` and ``order[2p + 1]`` meet."""
    partner_of: IntArray = attrs.field(factory=lambda: np.empty(0, np.int64))
    played: IntArray = attrs.field(factory=lambda: np.empty(0, np.int64))
    """Each agent's move this tick, until its partner's is in (−1: none yet)."""

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.order.size != self.traders:
            self.order = np.arange(self.traders, dtype=np.int64)
            self.partner_of = self.order ^ 1
            self.played = np.full(self.traders, -1, np.int64)

    @npl.channel(compiled=True, sends={"encounter": "traders.encounter"})
    def tick(s: Any, i: int, m: npl.Tick, ctx: Any, encounter: Any) -> None:
        """Pair the agents and send each an Encounter (a couple's lower agent first)."""
        if s.couples:
            for k in range(s.traders - s.traders % 2):
                npl.send(encounter, k, k ^ 1, s.rounds)
            return
        n = s.active[0]
        for k in range(n):
            s.order[k] = k
        for k in range(n - 1, 0, -1):  # Fisher–Yates
            r = ctx.rng.integers(0, k + 1)
            s.order[k], s.order[r] = s.order[r], s.order[k]
        for p in range(n // 2):
            a, b = s.order[2 * p], s.order[2 * p + 1]
            s.partner_of[a] = b
            s.partner_of[b] = a
            npl.send(encounter, a, b, 1)
            npl.send(encounter, b, a, 1)

    @npl.channel(compiled=True, sends={"outcome": "traders.outcome"})
    def move(s: Any, i: int, m: Move, ctx: Any, outcome: Any) -> None:
        """A move is in; once its partner's is too, send both their outcomes."""
        a, j = m.agent, s.partner_of[m.agent]
        if s.played[j] < 0:
            s.played[a] = m.move
            return
        mine, yours = m.move, s.played[j]
        s.played[j] = -1
        npl.send(
            outcome, j, a, yours, mine, _payoff(s.pay_tt, s.pay_ts, s.pay_st, s.pay_ss, yours, mine)
        )
        npl.send(
            outcome, a, j, mine, yours, _payoff(s.pay_tt, s.pay_ts, s.pay_st, s.pay_ss, mine, yours)
        )

    @npl.channel(compiled=True)
    def grow(s: Any, i: int, m: npl.Tick, ctx: Any) -> None:
        """One more agent joins the society (experiment 2), until all ``traders`` have."""
        s.active[0] = min(s.traders, s.active[0] + 1)


@npl.jit
def _payoff(tt: float, ts: float, st: float, ss: float, mine: int, yours: int) -> float:
    """The payoff table's entry for my move against yours (0 trade, 1 steal)."""
    if mine == 0:
        return tt if yours == 0 else ts
    return st if yours == 0 else ss
