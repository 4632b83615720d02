"""The traders' handlers compiled with numba (``implementation="compiled"``).

Two kernels do what the numpy handlers of :class:`~._agents.Traders` do, one message at a
time in compiled loops instead of ~45 array calls per tick:

- :func:`play` is the ``encounter`` channel: for each Encounter, the agent's state with that
  partner, its greedy move, and ε-exploration. With ``rounds = K > 1`` (couples only) the
  couple first plays K − 1 whole encounters inside the kernel — both moves, the payoff
  table's outcome for each, one Q-learning step each — and then chooses the move of the K-th,
  which goes to the matchmaker as a delivered Move like any other.
- :func:`learn` is the ``outcome`` channel: one Q-learning step, the memory of the moves, the
  payoff tallies.

The arithmetic is written in the numpy handlers' order, so with ε = 0 both implementations
compute bit-identical Q-values. Randomness: ``ctx.rng`` itself is passed in (numba draws
from the numpy Generator's bit generator, advancing its state), so the compiled world is
reproducible from the world's seed and its snapshots replay exactly.

Exploration is drawn per agent: ``gap[i]`` counts agent i's decisions before its next
exploring candidate (−1: not drawn yet), a geometric gap — the same Bernoulli(ε₀) process
per decision as the numpy implementation's stream-wide gaps, a different random sequence.

numba is optional: :data:`AVAILABLE` says whether it imported (``pip install
'npolitics[fast]'``).
"""

from __future__ import annotations

from typing import Any

from ._numba import AVAILABLE, HINT

if AVAILABLE:
    import numba

__all__ = ["AVAILABLE", "HINT", "learn", "play"]

FIRST = 4


def _njit(fn: Any) -> Any:
    return numba.njit(cache=True)(fn) if AVAILABLE else fn


def _inline(fn: Any) -> Any:
    # Inlined by numba itself (not only by LLVM): no reference counting of the arrays per call.
    return numba.njit(cache=True, inline="always")(fn) if AVAILABLE else fn


@_inline
def _state(
    partner_mem: Any, last: Any, met: Any, i: int, j: int, memory: int, known: int, fixed: bool
) -> tuple[int, int]:
    """Agent i's state with partner j, and the memory slot that holds (or will hold) j."""
    if memory == 0 or known == 0:
        return FIRST, 0
    if fixed:
        return last[0, i], 0
    oldest = 0
    for slot in range(partner_mem.shape[0]):
        if partner_mem[slot, i] == j:
            return last[slot, i], slot
        if met[slot, i] < met[oldest, i]:
            oldest = slot
    return FIRST, oldest


@_njit
def _explore(
    gap: Any,
    encounters: Any,
    i: int,
    greedy: int,
    rng: Any,
    eps0: float,
    decaying: bool,
    half_life: float,
    floor: float,
) -> int:
    """Agent i's move when its gap has run out: draw the next gap; this decision is an
    exploring candidate (kept with probability ε(age)/ε₀ when decaying), or the first draw."""
    first = gap[i] < 0
    gap[i] = rng.geometric(eps0) - 1
    if first:
        if gap[i] > 0:
            gap[i] -= 1
            return greedy
        gap[i] = rng.geometric(eps0) - 1
    if decaying:
        eps = max(eps0 * 0.5 ** (encounters[i] / half_life), floor)
        if rng.random() * eps0 >= eps:
            return greedy
    return 1 if rng.random() < 0.5 else 0


@_inline
def _step(
    q: Any,
    i: int,
    state: int,
    move: int,
    after: int,
    payoff: float,
    discount: float,
    learning_rate: float,
) -> None:
    """One Q-learning step, in the numpy handler's order of operations."""
    best = max(q[i, after, 0], q[i, after, 1])
    best *= discount
    best += payoff
    best -= q[i, state, move]
    best *= learning_rate
    q[i, state, move] += best


@_inline
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
    encounters[i] += 1
    payoff_total[i] += payoff
    recent[i] += (payoff - recent[i]) * rate
    trading[i] += ((1.0 if mine == 0 else 0.0) - trading[i]) * rate


@_njit
def play(
    q: Any,
    partner_mem: Any,
    last: Any,
    met: Any,
    gap: Any,
    encounters: Any,
    payoff_total: Any,
    recent: Any,
    trading: Any,
    chosen: Any,
    moves: Any,
    to: Any,
    partner: Any,
    rounds: int,
    rng: Any,
    memory: int,
    known: int,
    fixed: bool,
    eps0: float,
    decaying: bool,
    half_life: float,
    floor: float,
    table: Any,
    discount: float,
    learning_rate: float,
    rate: float,
) -> None:
    """The encounter channel: ``rounds − 1`` whole encounters per couple, then each agent's move.

    ``moves[m]`` receives message m's move and ``chosen[to[m]]`` the flat index
    ``10·i + 2·state + move`` of the Q-value that the Outcome will update. ``table`` is the
    payoff table flattened: ``table[2·mine + yours]``.
    """
    # Round by round across couples (not couple by couple): the couples' dependency chains
    # are independent, so the processor overlaps them.
    for _ in range(rounds - 1):
        for m in range(to.size):
            i, j = to[m], partner[m]
            if i > j:
                continue  # each couple once, from its lower-numbered agent
            si, _slot = _state(partner_mem, last, met, i, j, memory, known, fixed)
            sj, _slot = _state(partner_mem, last, met, j, i, memory, known, fixed)
            # The greedy move (ties → trade), unless the agent's exploration gap ran out:
            # written out here, as the Generator is passed on only when it is needed.
            ai = 1 if q[i, si, 1] > q[i, si, 0] else 0
            aj = 1 if q[j, sj, 1] > q[j, sj, 0] else 0
            if eps0 > 0.0:
                if gap[i] > 0:
                    gap[i] -= 1
                else:
                    ai = _explore(gap, encounters, i, ai, rng, eps0, decaying, half_life, floor)
                if gap[j] > 0:
                    gap[j] -= 1
                else:
                    aj = _explore(gap, encounters, j, aj, rng, eps0, decaying, half_life, floor)
            pi, pj = table[2 * ai + aj], table[2 * aj + ai]
            after_i = FIRST if memory == 0 else 2 * ai + aj
            after_j = FIRST if memory == 0 else 2 * aj + ai
            _step(q, i, si, ai, after_i, pi, discount, learning_rate)
            _step(q, j, sj, aj, after_j, pj, discount, learning_rate)
            if memory == 1 and known > 0:
                last[0, i] = after_i
                last[0, j] = after_j
            _tally(encounters, payoff_total, recent, trading, i, ai, pi, rate)
            _tally(encounters, payoff_total, recent, trading, j, aj, pj, rate)
    for m in range(to.size):
        i = to[m]
        s, _slot = _state(partner_mem, last, met, i, partner[m], memory, known, fixed)
        a = 1 if q[i, s, 1] > q[i, s, 0] else 0
        if eps0 > 0.0:
            if gap[i] > 0:
                gap[i] -= 1
            else:
                a = _explore(gap, encounters, i, a, rng, eps0, decaying, half_life, floor)
        moves[m] = a
        chosen[i] = 10 * i + 2 * s + a


@_njit
def learn(
    q: Any,
    partner_mem: Any,
    last: Any,
    met: Any,
    encounters: Any,
    payoff_total: Any,
    recent: Any,
    trading: Any,
    chosen: Any,
    to: Any,
    partner: Any,
    mine: Any,
    yours: Any,
    payoff: Any,
    now: int,
    memory: int,
    known: int,
    fixed: bool,
    discount: float,
    learning_rate: float,
    rate: float,
) -> None:
    """The outcome channel: Q-learning step, memory of the moves, payoff tallies."""
    for m in range(to.size):
        i = to[m]
        c = chosen[i] - 10 * i
        state, move = c // 2, c % 2
        after = FIRST if memory == 0 else 2 * mine[m] + yours[m]
        _step(q, i, state, move, after, payoff[m], discount, learning_rate)
        if memory == 1 and known > 0:
            _s, slot = _state(partner_mem, last, met, i, partner[m], memory, known, fixed)
            if not fixed:
                partner_mem[slot, i] = partner[m]
                met[slot, i] = now
            last[slot, i] = after
        _tally(encounters, payoff_total, recent, trading, i, mine[m], payoff[m], rate)
