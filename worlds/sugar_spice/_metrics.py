"""Sugar-spice's W(ψ), metrics and invariants, written over the populations' columns.

A compiled run evaluates them inside its compiled instants (no return to Python at each
sample); an interpreted run, or a read from Python, runs them as plain Python over the same
arrays. Each gives exactly what the former numpy expressions gave: float sums add in numpy's
pairwise order (``npl.pairwise_sum``), powers are of floats (numba raises a float to an integer
power by repeated multiplication, numpy with ``pow``), means of booleans are counts divided
by the number of entries.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import npolitics as npl

from ._agents import _code, windowed

# -- metrics ------------------------------------------------------------------------------


@npl.jit
def agents(m: Any) -> float:
    """How many agents have joined."""
    return float(m.active[0])


@npl.jit
def mean_payoff(t: Any, m: Any) -> float:
    """Ω / agents joined: Ω summed as the world sums it (the matchmaker's W is 0)."""
    return float((npl.pairwise_sum(windowed(t.recent, t.encounters, t.rate)) + 0.0) / m.active[0])


@npl.jit
def trade_share(t: Any, m: Any) -> float:
    """The joined agents' mean share of trades over about their last ``window`` encounters."""
    n = m.active[0]
    return float(npl.pairwise_sum(windowed(t.trading, t.encounters, t.rate)[:n]) / n)


@npl.jit
def _pair_share(t: Any, a: int, b: int) -> float:
    """The share of couples (agents 2k, 2k + 1) whose greedy codes are ``a`` and ``b``."""
    couples = t.n // 2
    found = 0
    for k in range(couples):
        if _code(t.q, 2 * k, t.memory) == a and _code(t.q, 2 * k + 1, t.memory) == b:
            found += 1
    return float(found / couples)


@npl.jit
def share_always_steal(t: Any) -> float:
    """Couples that both always steal (0xF/0xF with memory, 1/1 without)."""
    code = 0xF if t.memory == 1 else 1
    return _pair_share(t, code, code)


@npl.jit
def share_always_trade(t: Any) -> float:
    """Couples that both always trade (0/0)."""
    return _pair_share(t, 0, 0)


@npl.jit
def share_seed_table(t: Any) -> float:
    """Couples at the seed's table (0x6/0x6)."""
    return _pair_share(t, 0x6, 0x6)


@npl.jit
def share_grim(t: Any) -> float:
    """Couples both playing grim trigger (0xE/0xE)."""
    return _pair_share(t, 0xE, 0xE)


@npl.jit
def settled(t: Any) -> float:
    """The share of societies whose pair of codes has not changed for ``settle_window``
    encounters, counted from the last look at their codes (after ``min_encounters``)."""
    couples = t.n // 2
    done = 0
    for k in range(couples):
        checked = t.encounters[2 * k] // t.check_every * t.check_every
        last = max(t.changed[2 * k], t.changed[2 * k + 1])
        if checked - last >= t.settle_window and checked >= t.min_encounters:
            done += 1
    return float(done / couples)


@npl.jit
def pair(t: Any) -> float:
    """Society 0's pair of codes as one number: code of a · base + code of b."""
    base = 16 if t.memory == 1 else 2
    return float(t.code[0] * base + t.code[1])


@npl.jit
def last_change(t: Any) -> float:
    """Society 0's encounter count when its pair of codes last changed."""
    return float(max(t.changed[0], t.changed[1]))


@npl.jit
def payoff_total(t: Any) -> float:
    """The payoffs of every encounter, summed over the agents."""
    return npl.pairwise_sum(t.payoff_total)


# -- invariants ---------------------------------------------------------------------------


@npl.jit
def q_finite(t: Any) -> bool:
    """Every Q-value is a finite number."""
    return bool(np.isfinite(t.q).all())


@npl.jit
def payoffs_in_table(t: Any) -> bool:
    """Each agent's payoffs total between the table's lowest and highest entry per encounter."""
    lo = min(t.pay_tt, t.pay_ts, t.pay_st, t.pay_ss)
    hi = max(t.pay_tt, t.pay_ts, t.pay_st, t.pay_ss)
    e = t.encounters.astype(np.float64)
    return bool(
        np.all((t.payoff_total >= lo * e - 1e-9 * e) & (t.payoff_total <= hi * e + 1e-9 * e))
    )


@npl.jit
def encounters_in_pairs(t: Any) -> bool:
    """Encounters come in pairs: their total is even."""
    return bool(t.encounters.sum() % 2 == 0)


@npl.jit
def only_joined_meet(t: Any, m: Any) -> bool:
    """Agents not yet joined never meet."""
    return not t.encounters[m.active[0] :].any()
