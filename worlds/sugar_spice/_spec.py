"""The ``sugar-spice`` world spec: its parameters and how a world is composed from them."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

import npolitics as npl

from . import _metrics as _m
from ._agents import MAX_PARTNERS, Matchmaker, Traders
from ._codes import PAYOFF, check_code, codes_from_q, evaluate, payoff_table


@attrs.frozen
class Params:
    """Parameters of the sugar-and-spice world (seeds/001, version 1)."""

    experiment: str = npl.param(
        "attractors",
        choices=("attractors", "growth"),
        help="attractors: many independent two-agent societies; growth: one society that grows",
    )
    memory: int = npl.param(1, choices=(0, 1), help="0: no memory; 1: last encounter per partner")
    societies: int = npl.param(100, ge=1, help="two-agent societies run side by side (attractors)")
    agents: int = npl.param(1000, ge=2, help="final society size N (growth)")
    start_agents: int = npl.param(2, ge=2, help="society size at t = 0 (growth)")
    join_every: int = npl.param(100, ge=1, help="ticks between two agents joining (growth)")
    known_partners: int = npl.param(
        3, ge=0, le=MAX_PARTNERS, help="partners an agent remembers (growth; 0: all strangers)"
    )
    payoff: Any = npl.param(  # noqa: RUF009  (a table, not a scalar: npl.param has no Any kind)
        PAYOFF, help="2×2 payoff [[TT, TS], [ST, SS]] (my move by yours), e.g. '3,0,4,1'"
    )
    discount: float = npl.param(0.99, ge=0.0, lt=1.0, help="Q-learning discount γ, in [0, 1)")
    learning_rate: float = npl.param(0.01, gt=0.0, le=1.0, help="Q-learning rate α, in (0, 1]")
    exploration: float = npl.param(
        0.01, ge=0.0, le=1.0, help="probability ε of a uniformly random move (at age 0)"
    )
    schedule: str = npl.param(
        "constant",
        choices=("constant", "exponential"),
        help="exploration schedule: constant ε, or ε·2^(−age/half_life) (age in encounters)",
    )
    half_life: float = npl.param(
        1e5, ge=1e-3, le=1e12, help="encounters for ε to halve (exponential)"
    )
    exploration_floor: float = npl.param(
        0.0, ge=0.0, le=1.0, help="exploration never decays below this"
    )
    initial_q: float = npl.param(1.0, help="initial Q-value of every state and move")
    initial_a: int = npl.param(
        -1, ge=-1, help="start agent a of every society at this policy code's Q-values (−1: no)"
    )
    initial_b: int = npl.param(-1, ge=-1, help="the same for agent b (give both or neither)")
    window: float = npl.param(
        1000.0, ge=1.0, le=1e12, help="encounters over which W(ψ) averages payoffs"
    )
    sample_every: int = npl.param(1000, ge=1, help="ticks between samples of Ω and the metrics")
    rounds: int = npl.param(
        1,
        ge=1,
        help="encounters per society per tick (attractors; the couple plays K − 1 in its rule)",
    )
    check_every: int = npl.param(
        10_000,
        ge=1,
        le=10**15,
        help="encounters between an agent's looks at its greedy policy code",
    )
    settle_window: int = npl.param(
        5_000_000,
        ge=1,
        le=10**15,
        help="encounters a society's pair of codes stays unchanged to be settled (attractors)",
    )
    min_encounters: int = npl.param(
        0, ge=0, le=10**15, help="encounters before which no society counts as settled (attractors)"
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "payoff", payoff_table(self.payoff))
        if self.exploration_floor > self.exploration:
            raise npl.ParameterError(
                f"exploration_floor ({self.exploration_floor}) must not exceed exploration "
                f"({self.exploration})"
            )
        if (self.initial_a < 0) != (self.initial_b < 0):
            raise npl.ParameterError(
                "give initial_a and initial_b together (policy codes), or neither; got "
                f"initial_a={self.initial_a}, initial_b={self.initial_b}"
            )
        if self.initial_a >= 0:
            check_code(self.initial_a, self.memory, name="initial_a")
            check_code(self.initial_b, self.memory, name="initial_b")
        if self.rounds > 1 and self.experiment != "attractors":
            raise npl.ParameterError(
                f"rounds={self.rounds} (a block of encounters per tick) needs fixed couples, "
                f"experiment='attractors'; got experiment={self.experiment!r}"
            )
        if self.check_every % self.rounds:
            raise npl.ParameterError(
                f"rounds ({self.rounds}) must divide check_every ({self.check_every}): "
                "agents look at their codes between blocks"
            )
        if self.start_agents > self.agents:
            raise npl.ParameterError(
                f"start_agents ({self.start_agents}) must not exceed agents ({self.agents})"
            )


def _initial_q(p: Params, n: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    q = np.full((n, 5, 2), p.initial_q)
    if p.initial_a >= 0:
        qa, qb = evaluate(
            p.initial_a,
            p.initial_b,
            memory=p.memory,
            exploration=p.exploration,
            discount=p.discount,
            payoff=p.payoff,
        )
        q[0::2], q[1::2] = qa, qb
    return q


#: Bytes one trader takes: Q-table 80, memory of partners 3 × 8 × MAX_PARTNERS = 1536 (until
#: a column's shape can follow known_partners), the rest 48, the matchmaker's share while
#: building; rounded up.
TRADER_BYTES = 2048


def memory(p: Params) -> float:
    """What the traders of ``p`` take in memory, estimated before they are built."""
    traders = 2 * p.societies if p.experiment == "attractors" else p.agents
    return traders * TRADER_BYTES


@npl.world("sugar-spice", params=Params, memory=memory)
def sugar_spice(p: Params, world: npl.World) -> None:
    """Q-learning agents meet and trade or steal (a prisoner's dilemma, payoffs 3/0/4/1).

    experiment=attractors: ``societies`` independent pairs of agents, each pair meeting once
    per tick; experiment=growth: a society that grows from ``start_agents`` to ``agents``,
    one agent joining every ``join_every`` ticks, random pairs meeting each tick.
    """
    couples = p.experiment == "attractors"
    n = 2 * p.societies if couples else p.agents
    q = _initial_q(p, n)
    traders = Traders(
        n=n,
        memory=p.memory,
        known_partners=1 if couples else p.known_partners,
        fixed_partners=couples,
        discount=p.discount,
        learning_rate=p.learning_rate,
        exploration=p.exploration,
        decaying=p.schedule != "constant",
        half_life=p.half_life,
        exploration_floor=p.exploration_floor,
        rate=1.0 / p.window,
        pay_tt=float(p.payoff[0][0]),
        pay_ts=float(p.payoff[0][1]),
        pay_st=float(p.payoff[1][0]),
        pay_ss=float(p.payoff[1][1]),
        check_every=p.check_every,
        settle_window=p.settle_window,
        min_encounters=p.min_encounters,
        q=q,
        code=codes_from_q(q, p.memory),
    )
    matchmaker = Matchmaker(
        n=1,
        couples=couples,
        traders=n,
        rounds=p.rounds,
        pay_tt=float(p.payoff[0][0]),
        pay_ts=float(p.payoff[0][1]),
        pay_st=float(p.payoff[1][0]),
        pay_ss=float(p.payoff[1][1]),
        active=np.array([n if couples else p.start_agents], np.int64),
    )
    world.sampling(every=p.sample_every, start=0)
    world.add("traders", traders)
    world.add("matchmaker", matchmaker)
    world.clock("matchmaker", "tick")
    if not couples:
        world.clock("matchmaker", "grow", every=p.join_every, start=p.join_every)

    def active(w: npl.World) -> int:
        return int(w["matchmaker"].active[0])

    world.view(lambda w: policy_census(w, active(w), p.memory))
    world.metric("agents", _m.agents, over="matchmaker")
    world.metric("mean_payoff", _m.mean_payoff, over=("traders", "matchmaker"))
    world.metric("trade_share", _m.trade_share, over=("traders", "matchmaker"))
    world.invariant("Q-values finite", _m.q_finite, over="traders")
    world.invariant("every payoff is an entry of the table", _m.payoffs_in_table, over="traders")
    world.invariant("encounters come in pairs", _m.encounters_in_pairs, over="traders")
    world.invariant(
        "agents not yet joined never meet", _m.only_joined_meet, over=("traders", "matchmaker")
    )
    if couples:
        # Experiment 1's metrics of settling: agents look at their greedy codes every
        # ``check_every`` encounters; a society's pair last changed when either code did.
        # ``pair`` and ``last_change`` are society 0's (the society, when each run is one, as
        # :func:`~._attractors.find_attractors` runs them).
        shares = ["always_steal", "seed_table", "grim"]
        if p.memory == 0:
            shares = ["always_steal", "always_trade"]
        for name in shares:
            world.metric(f"share_{name}", getattr(_m, f"share_{name}"), over="traders")
        world.metric("settled", _m.settled, over="traders")
        world.metric("pair", _m.pair, over="traders")
        world.metric("last_change", _m.last_change, over="traders")
        world.metric("payoff_total", _m.payoff_total, over="traders")


def policy_census(world: npl.World, active: int, memory: int) -> npl.BarsView:
    """The dashboard's view: how many agents (of those who joined) follow each greedy policy."""
    codes = world["traders"].codes()[:active]
    size = 2 if memory == 0 else 16
    counts = np.bincount(codes, minlength=size)
    return npl.BarsView(
        labels=[f"0x{c:X}" for c in range(size)],
        values=counts,
        title="agents per greedy policy code (bit k = 2·my last + your last: steal)",
    )
