"""The circle's pot: a ledger that collects the month's contributions and pays one member.

Each month t the pot's tick sends itself ``Settle(t)``; it arrives in the same round as the
members' contributions and thefts of month t but after them (the pot's ``contribute`` and
``steal`` channels come before ``settle`` in the canonical order), so settling sees the
whole month. The pot then pays the month's recipient (``rotation``: member t; ``greedy``:
the highest rating among those not yet paid, lowest index on ties), or the thief, and
publishes the ledger. A month whose recipient has left keeps its pot for the next month.
"""

from __future__ import annotations

import attrs

import npolitics as npl

from ._messages import Contribution, Ledger, Payout, Settle, Steal

ALLOCATIONS = ("rotation", "greedy")


class Pot(npl.Agent):
    """ψ: the balance, the totals of money in and out, and per member: rating and standing."""

    members: int = 10
    months: int = 10
    allocation: str = "rotation"
    balance: float = 0.0
    contributions: float = 0.0
    payouts: float = 0.0
    stolen: float = 0.0
    ratings: list[int] = attrs.field(factory=list)
    received: list[bool] = attrs.field(factory=list)
    expelled: list[bool] = attrs.field(factory=list)
    paid_all: list[bool] = attrs.field(factory=list)
    payers: set[int] = attrs.field(factory=set)
    thieves: list[int] = attrs.field(factory=list)
    paid_in: float = 0.0
    paid_out: float = 0.0
    defaults: int = 0
    thefts: int = 0

    def __attrs_post_init__(self) -> None:
        n = self.members
        self.ratings = self.ratings or [0] * n
        self.received = self.received or [False] * n
        self.expelled = self.expelled or [False] * n
        self.paid_all = self.paid_all or [True] * n

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        """Month ``t`` opens: clear the month's figures, settle once it is all in."""
        if int(m.t) < self.months:
            self.payers, self.thieves = set(), []
            self.paid_in = self.paid_out = 0.0
            ctx.send("pot", "settle", Settle(int(m.t)))

    @npl.channel
    def contribute(self, m: Contribution, ctx: npl.Context) -> None:
        """A member pays in; its rating rises by one."""
        self.balance += m.amount
        self.contributions += m.amount
        self.paid_in += m.amount
        self.ratings[m.member] += 1
        self.payers.add(m.member)

    @npl.channel
    def steal(self, m: Steal, ctx: npl.Context) -> None:
        """A member grabs this month's pot and leaves the circle (the first thief gets it)."""
        self.thieves.append(m.member)

    @npl.channel
    def settle(self, m: Settle, ctx: npl.Context) -> None:
        """Pay the month's pot out and publish the ledger."""
        due = [i for i in range(self.members) if not self.expelled[i]]
        defaulters = [i for i in due if i not in self.payers and i not in self.thieves]
        for i in (*defaulters, *self.thieves):
            self.paid_all[i] = False
        self.defaults, self.thefts = len(defaulters), len(self.thieves)
        if self.thieves:
            for thief in self.thieves:
                self.expelled[thief] = True
                amount, self.balance = self.balance, 0.0  # the first thief empties the pot
                self.stolen += amount
                ctx.send(npl.Address("members", thief), "payout", Payout(m.month, amount, True))
        else:
            recipient = self._recipient(m.month)
            if recipient is not None:
                amount, self.balance = self.balance, 0.0
                self.payouts += amount
                self.paid_out = amount
                self.received[recipient] = True
                ctx.send(npl.Address("members", recipient), "payout", Payout(m.month, amount))
        active = sum(not e for e in self.expelled)
        ctx.broadcast(
            "members", "ledger", Ledger(m.month, len(due), self.defaults, self.thefts, active)
        )

    def _recipient(self, month: int) -> int | None:
        if self.allocation == "rotation":
            turn = month % self.members
            return None if self.expelled[turn] else turn
        eligible = [i for i in range(self.members) if not (self.received[i] or self.expelled[i])]
        return max(eligible, key=lambda i: (self.ratings[i], -i)) if eligible else None
