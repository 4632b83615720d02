"""A village of farmers and a treasury: the world built step by step in docs/tutorial.md.

Farmers harvest coins every tick and pay part of each harvest as tax to a treasury; the
treasury shares what it collected equally among all farmers. W(ψ) of a farmer is
log(1 + coins), so a coin means more to a poor farmer than to a rich one; the treasury's
wellbeing does not count. The sections between the ``--8<--`` markers are what the
tutorial page shows, in order.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

import npolitics as npl


# --8<-- [start:messages]
@attrs.frozen
class Tax:
    """Coins a farmer pays to the treasury."""

    coins: int


@attrs.frozen
class Grant:
    """Coins the treasury gives to a farmer."""

    coins: int


# --8<-- [end:messages]


# --8<-- [start:farmers]
class Farmers(npl.Population):
    """``n`` farmers; ψ = each one's skill, coins, and coins ever harvested."""

    tax_rate: float = 0.2
    # Mean harvest per tick: harvest × skill × (1 − tax_rate) ** effort.
    harvest: float = 3.0
    effort: float = 1.0
    skill: npt.NDArray[np.float64] = npl.column(float, 1.0)
    coins: npt.NDArray[np.int64] = npl.column(np.int64, 0)
    harvested: npt.NDArray[np.int64] = npl.column(np.int64, 0)

    @npl.channel
    def tick(self, batch: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        """P(a | m, ψ) for a Tick: harvest, keep what is not taxed, pay tax."""
        who = batch.to
        work = (1 - self.tax_rate) ** self.effort
        crop = ctx.rng.poisson(self.harvest * self.skill[who] * work)
        # Each coin of the crop is taxed with probability tax_rate.
        tax = ctx.rng.binomial(crop, self.tax_rate)
        self.harvested[who] += crop
        self.coins[who] += crop - tax
        payers = tax > 0
        # One Tax message per payer, all to agent 0 of the group "treasury".
        to = np.zeros(payers.sum(), np.int64)
        ctx.send("treasury", "pay", npl.Batch(Tax, to, coins=tax[payers]))

    @npl.channel
    def grant(self, batch: npl.Batch[Grant], ctx: npl.Context) -> None:
        """A grant adds its coins to the farmer's."""
        np.add.at(self.coins, batch.to, batch.coins)

    def wellbeing(self) -> npt.NDArray[np.float64]:
        """W(ψ) = log(1 + coins): the 100th coin matters less than the 1st."""
        return np.log1p(self.coins)


# --8<-- [end:farmers]


# --8<-- [start:treasury]
class Treasury(npl.Agent):
    """One treasury; ψ = the coins it holds. Government is just an agent."""

    farmers: int
    coins: int = 0

    @npl.channel
    def pay(self, m: Tax, ctx: npl.Context) -> None:
        """A tax payment: keep the coins."""
        self.coins += m.coins

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        """Share out whole coins per farmer; the rest waits a tick."""
        share = self.coins // self.farmers
        if share > 0:
            self.coins -= share * self.farmers
            ctx.broadcast("farmers", "grant", Grant(share))

    # No wellbeing(): the default W = 0, so Ω counts the farmers only.


# --8<-- [end:treasury]


# --8<-- [start:world]
@attrs.frozen
class VillageParams:
    """The village's parameters, with their ranges (checked at build time)."""

    farmers: int = npl.param(100, ge=1, help="how many farmers")
    tax_rate: float = npl.param(
        0.2,
        ge=0.0,
        le=1.0,
        help="share of each harvest paid as tax",
    )
    harvest: float = npl.param(
        3.0,
        gt=0.0,
        help="mean coins per tick at skill 1, untaxed",
    )
    effort: float = npl.param(
        1.0,
        ge=0.0,
        help="how fast work falls as the tax rate rises",
    )
    inequality: float = npl.param(
        1.5,
        ge=0.0,
        help="σ of log skill across farmers",
    )


@npl.world("village", params=VillageParams)
def village(p: VillageParams, world: npl.World) -> None:
    """Farmers harvest and pay tax; a treasury shares it out equally."""
    farmers = Farmers(
        n=p.farmers,
        tax_rate=p.tax_rate,
        harvest=p.harvest,
        effort=p.effort,
        skill=world.rng.lognormal(0.0, p.inequality, p.farmers),
    )
    world.add("farmers", farmers)
    world.add("treasury", Treasury(farmers=p.farmers))
    # Every tick: the farmers first, then the treasury.
    world.clock("farmers", "tick")
    world.clock("treasury", "tick")
    world.metric("gini", lambda w: gini(w["farmers"].coins))
    world.metric("treasury", lambda w: w["treasury"].coins)
    world.invariant("coins are conserved", coins_conserved)


def coins_conserved(world: npl.World) -> bool:
    """Every coin ever harvested is held by a farmer or by the treasury."""
    farmers, treasury = world["farmers"], world["treasury"]
    held = int(farmers.coins.sum()) + treasury.coins
    return held == int(farmers.harvested.sum())


def gini(coins: npt.NDArray[np.int64]) -> float:
    """Gini coefficient: 0 when all hold the same, near 1 when one has all."""
    total = coins.sum()
    if total == 0:
        return 0.0
    ranked = np.sort(coins)
    n = ranked.size
    return float((2 * np.arange(1, n + 1) - n - 1) @ ranked / (n * total))


# --8<-- [end:world]
