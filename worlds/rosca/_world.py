"""The ROSCA world: parameters and composition (registered as ``rosca``).

Groups: ``members`` (one :class:`Member` per member, strategies dealt at random by the
world's stream) and ``pot`` (one :class:`Pot`). Clocks: members, then the pot, tick at each
month t = 0, 1, …, n − 1 (the circle lasts as many months as it has members). A sample at
month t sees the month settled.
"""

from __future__ import annotations

import math

import attrs

import npolitics as npl

from ._member import Member
from ._pot import ALLOCATIONS, Pot

#: The largest contribution, and the largest reward or cost factor: beyond them a circle's
#: books (sums of contributions times months, times factors) would overflow a float.
MAX_MONEY = 1e12
MAX_FACTOR = 1e6


@attrs.frozen
class Params:
    """Parameters of a ROSCA circle (money in the circle's currency, e.g. GBP)."""

    members: int = npl.param(10, ge=2, help="n, members of the circle (and months it lasts)")
    contribution: float = npl.param(
        300.0, gt=0, le=MAX_MONEY, help="c, what each member pays in per month"
    )
    broke: int = npl.param(0, ge=0, help="members who default each month with probability p")
    default_probability: float = npl.param(
        0.1, ge=0, le=1, help="p, a broke member's chance of defaulting in a month"
    )
    influenced: int = npl.param(
        0, ge=0, help="members who pay only while the failures they saw stay below θ"
    )
    theta: float = npl.param(
        0.1, ge=0, help="θ, the share of failures (defaults + thefts per payment due) tolerated"
    )
    cheaters: int = npl.param(0, ge=0, help="members who cheat when it pays better")
    cheat: str = npl.param("stop", choices=("stop", "steal"), help="how cheaters cheat")
    allocation: str = npl.param(
        "rotation", choices=ALLOCATIONS, help="rotation: member t gets month t; greedy: best rating"
    )
    beta: float = npl.param(
        0.4, ge=0, le=MAX_FACTOR, help="β, reward per rating point, in contributions"
    )
    gamma: float = npl.param(
        1.0, ge=0, le=MAX_FACTOR, help="γ, a cheater's reward per unit of money cheated"
    )
    delta: float = npl.param(
        0.25, ge=0, le=MAX_FACTOR, help="δ, a cheater's cost per unit of money cheated"
    )

    def __attrs_post_init__(self) -> None:
        dealt = self.broke + self.influenced + self.cheaters
        if dealt > self.members:
            raise npl.ParameterError(
                f"broke + influenced + cheaters = {dealt} is more than the {self.members} "
                "members; the rest are honest, so the sum must be ≤ members"
            )


def strategies(p: Params) -> list[str]:
    """The strategies of the members, before dealing: broke, influenced, cheaters, honest."""
    return (
        ["broke"] * p.broke
        + ["influenced"] * p.influenced
        + ["cheater"] * p.cheaters
        + ["honest"] * (p.members - p.broke - p.influenced - p.cheaters)
    )


def money_conserved(world: npl.World) -> bool:
    """All contributions = payouts + pot balance + stolen; members' books agree with the pot's."""
    pot = world["pot", Pot]
    members = world["members", list[Member]]
    close = math.isclose
    return (
        close(pot.contributions, pot.payouts + pot.balance + pot.stolen, abs_tol=1e-6)
        and close(sum(m.paid for m in members), pot.contributions, abs_tol=1e-6)
        and close(sum(m.received for m in members), pot.payouts, abs_tol=1e-6)
        and close(sum(m.stolen for m in members), pot.stolen, abs_tol=1e-6)
    )


#: Bytes one member takes, its share of the pot's books included (measured: about 450 at
#: build; doubled for what the books gain as the circle runs).
MEMBER_BYTES = 1024


def memory(p: Params) -> float:
    """What a circle of ``p.members`` takes in memory, estimated before it is built."""
    return p.members * MEMBER_BYTES


@npl.world("rosca", params=Params, memory=memory)
def rosca(p: Params, world: npl.World) -> None:
    """A rotating savings and credit association: members pay in monthly, one member a month
    takes the pot; some default, some are swayed by others' failures, some cheat."""
    dealt = [strategies(p)[i] for i in world.rng.permutation(p.members)]
    world.add(
        "members",
        [
            Member(
                index=i,
                strategy=strategy,
                months=p.members,
                contribution=p.contribution,
                default_probability=p.default_probability,
                theta=p.theta,
                cheat=p.cheat,
                beta=p.beta,
                gamma=p.gamma,
                delta=p.delta,
                active=p.members,
            )
            for i, strategy in enumerate(dealt)
        ],
    )
    world.add("pot", Pot(members=p.members, months=p.members, allocation=p.allocation))
    world.clock("members", "tick")
    world.clock("pot", "tick")
    world.metric("pot", lambda w: w["pot"].balance)
    world.metric("paid_in", lambda w: w["pot"].paid_in)
    world.metric("paid_out", lambda w: w["pot"].paid_out)
    world.metric("defaults", lambda w: w["pot"].defaults)
    world.metric("thefts", lambda w: w["pot"].thefts)
    world.metric("paid_in_full", lambda w: sum(w["pot"].paid_all))
    world.invariant("money conserved", money_conserved)
    world.view(money_flows)


def money_flows(world: npl.World) -> npl.BarsView:
    """Each member's net flow so far: received + stolen − paid (the dashboard's view)."""
    members = world["members", list[Member]]
    return npl.BarsView(
        labels=[f"{m.index}:{m.strategy[0]}" for m in members],
        values=[m.received + m.stolen - m.paid for m in members],
        title="net money flow per member (h honest, b broke, i influenced, c cheater)",
    )
