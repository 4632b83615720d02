"""Policy codes, the payoff table, and the exact expected dynamics of two-agent societies.

A deterministic one-step-memory policy is a 4-bit *policy code*: bit k = 2·my_last + your_last
(trade = 0, steal = 1) is set when the policy steals after that pair of moves. So always-steal
is 0xF, tit-for-tat 0xA and the seed's table 0x6. A zero-memory policy is one bit, 1 = steal.

Two things here are exact, not simulated, and the experiments test the simulations against
them: :func:`evaluate` solves for the Q-values at which a joint policy is a fixed point of the
*expected* Q-learning update (so :func:`is_fixed_point` says whether a pair of codes can be a
point attractor), and :func:`long_run_payoff` gives the stationary mean payoff of a pair of
epsilon-greedy codes.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

import npolitics as npl

FloatArray = npt.NDArray[np.float64]

TRADE, STEAL = 0, 1
FIRST = 4
"""The state index of a first meeting (states 0-3 are 2·my_last + your_last)."""
STATES = 5

PAYOFF: tuple[tuple[float, float], tuple[float, float]] = ((3.0, 0.0), (4.0, 1.0))
"""The seed's table: ``PAYOFF[my move][your move]``."""

ALWAYS_TRADE, ALWAYS_STEAL, TIT_FOR_TAT, SEED_TABLE = 0x0, 0xF, 0xA, 0x6
GRIM = 0xE
"""Steal unless we both traded last time (the seed's 'slightly better than always-steal')."""

NAMES = {
    ALWAYS_TRADE: "always-trade",
    ALWAYS_STEAL: "always-steal",
    TIT_FOR_TAT: "tit-for-tat",
    SEED_TABLE: "seed table = win-stay, lose-shift",
    GRIM: "steal unless both traded",
}
"""Names of the codes the seed and the docs talk about."""


def n_codes(memory: int) -> int:
    """How many deterministic policies there are: 2 for memory 0, 16 for memory 1."""
    check_memory(memory)
    return 2 if memory == 0 else 16


def check_memory(memory: int) -> None:
    """Refuse a memory other than 0 or 1."""
    if memory not in (0, 1) or isinstance(memory, bool):
        raise npl.ParameterError(
            f"memory must be 0 (no memory) or 1 (last encounter), got {memory!r}"
        )


def check_code(code: int, memory: int = 1, *, name: str = "policy code") -> int:
    """``code`` as an int, or a ParameterError naming the allowed range for ``memory``."""
    limit = n_codes(memory)
    if isinstance(code, bool) or not isinstance(code, int | np.integer) or not 0 <= code < limit:
        raise npl.ParameterError(
            f"{name} must be an integer in 0…{limit - 1} for memory={memory} "
            f"(0x0…0x{limit - 1:X}), got {code!r}"
        )
    return int(code)


def describe(code: int, memory: int = 1) -> str:
    """The policy in words: ``0x6: T T→T, T S→S, S T→S, S S→T (seed table)``."""
    code = check_code(code, memory)
    if memory == 0:
        return "always-steal" if code else "always-trade"
    letters = "TS"
    rules = ", ".join(
        f"{letters[k >> 1]}{letters[k & 1]}→{letters[(code >> k) & 1]}" for k in range(4)
    )
    name = NAMES.get(code)
    return f"0x{code:X}: {rules}" + (f" ({name})" if name else "")


def moves_of(code: int, memory: int = 1) -> npt.NDArray[np.int64]:
    """The move (0 trade, 1 steal) the policy makes in each state 0-4 (memory 0: every state
    is the one state, index 4). The first-meeting state copies state 0 (trade, trade)."""
    code = check_code(code, memory)
    if memory == 0:
        return np.full(STATES, code, np.int64)
    bits = [(code >> k) & 1 for k in range(4)]
    return np.array([*bits, bits[0]], np.int64)


def codes_from_q(q: FloatArray, memory: int) -> npt.NDArray[np.int64]:
    """The greedy policy code of each agent from Q-values of shape (..., 5, 2).

    A state steals when Q(steal) > Q(trade): ties go to trade, as the agents break them.
    """
    steals = q[..., 1] > q[..., 0]
    if memory == 0:
        return np.asarray(steals[..., FIRST], np.int64)
    weights = np.array([1, 2, 4, 8, 0], np.int64)
    return np.asarray((steals.astype(np.int64) * weights).sum(axis=-1), np.int64)


def payoff_table(value: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    """A 2×2 payoff table ``[[TT, TS], [ST, SS]]`` from nested numbers or text.

    Text may be ``"3,0,4,1"`` or ``"[[3, 0], [4, 1]]"``; entries must be finite numbers.
    """
    raw = value
    if isinstance(value, str):
        try:
            value = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            raise npl.ParameterError(
                f"payoff must be a 2×2 table such as '[[3, 0], [4, 1]]' or '3,0,4,1', got {raw!r}"
            ) from None
    try:
        table = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise npl.ParameterError(
            f"payoff must be a 2×2 table of numbers [[TT, TS], [ST, SS]], got {raw!r}"
        ) from None
    if table.shape == (4,):
        table = table.reshape(2, 2)
    if table.shape != (2, 2):
        raise npl.ParameterError(
            f"payoff must be a 2×2 table [[TT, TS], [ST, SS]] (my move by your move), "
            f"got shape {table.shape}: {raw!r}"
        )
    if not np.all(np.isfinite(table)):
        raise npl.ParameterError(f"payoff entries must be finite numbers, got {raw!r}")
    (a, b), (c, d) = table.tolist()
    return ((a, b), (c, d))


def _steal_probability(moves: npt.NDArray[np.int64], exploration: float) -> FloatArray:
    """P(steal) in each state of an epsilon-greedy agent (exploring picks either move)."""
    return np.asarray((1.0 - exploration) * moves + exploration / 2.0, np.float64)


def _swap(state: int) -> int:
    """The same joint state seen by the other agent."""
    return state if state == FIRST else 2 * (state & 1) + (state >> 1)


def evaluate(
    code_a: int,
    code_b: int,
    *,
    memory: int = 1,
    exploration: float = 0.01,
    discount: float = 0.99,
    payoff: Sequence[Sequence[float]] = PAYOFF,
) -> tuple[FloatArray, FloatArray]:
    """The Q-values (5×2 each) at which codes a and b are a fixed point of expected Q-learning.

    Each agent's Q(s, a) = E[r + γ·Q(s', code(s'))] with the partner playing its code
    epsilon-greedily with probability ``exploration`` of a uniformly random move. When each
    code is greedy in its own Q-values this is the fixed point of the expected update, so a
    run started there stays there exactly when the pair is a point attractor. At a first
    meeting the partner's move is taken to be a fair coin (a stranger).
    """
    check_memory(memory)
    table = np.array(payoff_table(payoff))
    moves = (moves_of(code_a, memory), moves_of(code_b, memory))
    steal = tuple(_steal_probability(m, exploration) for m in moves)
    out = []
    for me in (0, 1):
        mine, theirs = moves[me], steal[1 - me]

        def partner_steals(s: int, theirs: FloatArray = theirs) -> float:
            return 0.5 if s == FIRST and memory == 1 else float(theirs[_swap(s)])

        def after(a: int, b: int) -> int:
            return FIRST if memory == 0 else 2 * a + b

        # V(s) = Q(s, mine(s)); the states reachable are 0-3 (memory 1) or 4 (memory 0).
        states = [FIRST] if memory == 0 else [0, 1, 2, 3]
        pos = {s: i for i, s in enumerate(states)}
        lhs = np.eye(len(states))
        rhs = np.zeros(len(states))
        for s in states:
            a = int(mine[s])
            p = partner_steals(s)
            for b, pb in ((0, 1.0 - p), (1, p)):
                rhs[pos[s]] += pb * table[a, b]
                lhs[pos[s], pos[after(a, b)]] -= discount * pb
        value = np.linalg.solve(lhs, rhs)
        q = np.zeros((STATES, 2))
        for s in range(STATES):
            p = partner_steals(s)
            for a in (0, 1):
                q[s, a] = sum(
                    pb * (table[a, b] + discount * value[pos[after(a, b)]])
                    for b, pb in ((0, 1.0 - p), (1, p))
                )
        out.append(q)
    return out[0], out[1]


def is_fixed_point(
    code_a: int,
    code_b: int,
    *,
    memory: int = 1,
    exploration: float = 0.01,
    discount: float = 0.99,
    payoff: Sequence[Sequence[float]] = PAYOFF,
) -> bool:
    """Whether each code is the greedy policy of its own evaluated Q-values (ties → trade)."""
    qa, qb = evaluate(
        code_a, code_b, memory=memory, exploration=exploration, discount=discount, payoff=payoff
    )
    return bool(codes_from_q(qa, memory) == code_a and codes_from_q(qb, memory) == code_b)


def long_run_payoff(
    code_a: int,
    code_b: int,
    *,
    memory: int = 1,
    exploration: float = 0.01,
    payoff: Sequence[Sequence[float]] = PAYOFF,
) -> tuple[float, float]:
    """The stationary mean payoff per encounter of agents a and b playing their codes
    epsilon-greedily (exact: the stationary distribution of the joint-state Markov chain).

    With ``exploration=0`` a pair whose chain has several closed classes has no single answer;
    the least-squares solution returned then is one of the stationary mixtures.
    """
    check_memory(memory)
    table = np.array(payoff_table(payoff))
    pa = _steal_probability(moves_of(code_a, memory), exploration)
    pb = _steal_probability(moves_of(code_b, memory), exploration)
    states = [FIRST] if memory == 0 else [0, 1, 2, 3]
    pos = {s: i for i, s in enumerate(states)}
    k = len(states)
    chain = np.zeros((k, k))
    gain = np.zeros((k, 2))
    for s in states:
        sa, sb = pa[s], pb[_swap(s)]
        for a, wa in ((0, 1 - sa), (1, sa)):
            for b, wb in ((0, 1 - sb), (1, sb)):
                w = wa * wb
                nxt = FIRST if memory == 0 else 2 * a + b
                chain[pos[s], pos[nxt]] += w
                gain[pos[s]] += w * np.array([table[a, b], table[b, a]])
    system = np.vstack([chain.T - np.eye(k), np.ones(k)])
    target = np.zeros(k + 1)
    target[-1] = 1.0
    stationary = np.linalg.lstsq(system, target, rcond=None)[0]
    a_mean, b_mean = stationary @ gain
    return float(a_mean), float(b_mean)


def fixed_points(
    *,
    memory: int = 1,
    exploration: float = 0.01,
    discount: float = 0.99,
    payoff: Sequence[Sequence[float]] = PAYOFF,
) -> list[tuple[int, int]]:
    """Every pair of codes that is a fixed point of the expected Q-learning dynamics."""
    n = n_codes(memory)
    return [
        (a, b)
        for a in range(n)
        for b in range(n)
        if is_fixed_point(
            a, b, memory=memory, exploration=exploration, discount=discount, payoff=payoff
        )
    ]
