"""A member of the circle: pays in each month (or not), receives the pot once, may cheat.

Strategies: ``honest`` always pays; ``influenced`` pays while the share of failures it has
seen in the ledger (defaults and thefts per contribution due) stays below θ; ``broke``
defaults each month with probability ``default_probability``, independently; ``cheater``
pays honestly until cheating pays better, weighing the seed's rewards and costs: γ per unit
of money kept or taken, δ per unit cheated (the cost of being caught), β·c per rating point
(c the monthly contribution), the rating being forfeited by cheating.

- ``cheat="stop"``: right after receiving the pot in month k, with m contributions still
  owed and rating R, it stops paying if (γ − δ)·m > β·(R + m).
- ``cheat="steal"``: at each month k, before paying, with m contributions still owed
  (this one included), it takes the pot if (γ − δ)·P > γ·(D − m·c) + β·(R + m)·c, where P
  estimates the pot as the other active members' contributions and D is the payout still
  due to it (n·c before its turn, 0 after); a thief leaves the circle.
"""

from __future__ import annotations

import npolitics as npl

from ._messages import Contribution, Ledger, Payout, Steal

STRATEGIES = ("honest", "influenced", "broke", "cheater")


class Member(npl.Agent):
    """ψ: strategy, money paid in, received and stolen (money units), rating, what it saw."""

    index: int = 0
    strategy: str = "honest"
    months: int = 10
    contribution: float = 300.0
    default_probability: float = 0.1
    theta: float = 0.1
    cheat: str = "stop"
    beta: float = 0.4
    gamma: float = 1.0
    delta: float = 0.25
    paid: float = 0.0
    received: float = 0.0
    stolen: float = 0.0
    cheated: float = 0.0
    rating: int = 0
    has_received: bool = False
    payout_month: int = -1
    out: bool = False
    seen_due: int = 0
    seen_failures: int = 0
    active: int = 0

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        """Month ``t`` begins: pay in, default, or steal the pot."""
        month = int(m.t)
        if month >= self.months or self.out:
            return
        if self.strategy == "cheater" and self.cheat == "steal" and self._stealing_pays(month):
            self.out = True
            self.rating = 0
            ctx.send("pot", "steal", Steal(self.index, month))
            return
        if self._pays(ctx):
            self.paid += self.contribution
            self.rating += 1
            ctx.send("pot", "contribute", Contribution(self.index, month, self.contribution))

    @npl.channel
    def payout(self, m: Payout, ctx: npl.Context) -> None:
        """The pot arrives: this member's turn, or its loot."""
        if m.stolen:
            self.stolen += m.amount
            self.cheated += m.amount
            return
        self.received += m.amount
        self.has_received = True
        self.payout_month = m.month
        owed = self.months - 1 - m.month
        if self.strategy == "cheater" and self.cheat == "stop" and self._stopping_pays(owed):
            self.out = True
            self.rating = 0
            self.cheated += owed * self.contribution

    @npl.channel
    def ledger(self, m: Ledger, ctx: npl.Context) -> None:
        """The month's ledger: how many were due, defaulted, stole; how many are left."""
        self.seen_due += m.due
        self.seen_failures += m.defaults + m.thefts
        self.active = m.active

    def _pays(self, ctx: npl.Context) -> bool:
        if self.strategy == "broke":
            return bool(ctx.rng.random() >= self.default_probability)
        if self.strategy == "influenced":
            return self.seen_failures < self.theta * self.seen_due or self.seen_due == 0
        return True

    def _stopping_pays(self, owed: int) -> bool:
        return (self.gamma - self.delta) * owed > self.beta * (self.rating + owed)

    def _stealing_pays(self, month: int) -> bool:
        c = self.contribution
        owed = self.months - month
        others = (self.active or self.months) - 1
        due = 0.0 if self.has_received else self.months * c
        steal = (self.gamma - self.delta) * others * c
        stay = self.gamma * (due - owed * c) + self.beta * (self.rating + owed) * c
        return steal > stay

    def wellbeing(self) -> float:
        """W(ψ): net position (received + stolen − paid − δ·cheated) + β·c·rating."""
        net = self.received + self.stolen - self.paid - self.delta * self.cheated
        return net + self.beta * self.contribution * self.rating
