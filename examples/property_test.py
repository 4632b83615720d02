"""Property-testing a world's invariant: a planted bug is caught and shrunk.

Traders give coins to each other and pay a flat tax to a treasury, which shares what it
collects equally among all traders. Money is conserved: no coin is made or lost. The
treasury has a planted bug: it forgets the remainder of ``collected // traders``.
``check_world`` runs the world under generated parameters and seeds, checks the invariant
after every instant, finds the bug and shrinks it to a minimal example; the fixed treasury
passes.

    python examples/property_test.py
"""

from __future__ import annotations

import sys

import attrs
import numpy as np
import numpy.typing as npt

import npolitics as npl
from npolitics.testing import WorldCheckError, check_world


@attrs.frozen
class Gift:
    """One coin from another trader."""


@attrs.frozen
class Payment:
    """Tax paid to the treasury, in coins."""

    amount: int


@attrs.frozen
class Grant:
    """Each trader's share of the tax, in coins."""

    amount: int


class Traders(npl.Population):
    """Traders with ``coins`` each; every tick each gives one coin away and pays ``tax``."""

    tax: int = 1
    coins: npt.NDArray[np.int64] = npl.column(np.int64, 0)

    @npl.channel
    def tick(self, batch: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        """Give a coin to a random trader (if any is left), then pay the tax if it can."""
        givers = np.flatnonzero(self.coins > 0)
        self.coins[givers] -= 1
        to = ctx.rng.integers(self.n, size=givers.size)
        ctx.send(ctx.me.group, "gift", npl.Batch(Gift, to))
        paying = self.coins >= self.tax
        self.coins[paying] -= self.tax
        ctx.send("treasury", "pay", Payment(int(paying.sum()) * self.tax))

    @npl.channel
    def gift(self, batch: npl.Batch[Gift], ctx: npl.Context) -> None:
        np.add.at(self.coins, batch.to, 1)

    @npl.channel
    def grant(self, batch: npl.Batch[Grant], ctx: npl.Context) -> None:
        np.add.at(self.coins, batch.to, batch.amount)

    def wellbeing(self) -> npt.NDArray[np.float64]:
        return np.log1p(self.coins.astype(float))


# --8<-- [start:Treasury]
class Treasury(npl.Agent):
    """Collects the tax and shares it equally among ``traders``. (Planted bug inside.)"""

    traders: int
    held: int = 0

    @npl.channel
    def pay(self, m: Payment, ctx: npl.Context) -> None:
        self.held += m.amount
        share = self.held // self.traders
        if share:
            ctx.broadcast("traders", "grant", Grant(share))
        self.held = 0  # BUG: the remainder held % traders vanishes


# --8<-- [end:Treasury]


class FixedTreasury(Treasury):
    """The treasury that keeps the remainder for next time."""

    @npl.channel
    def pay(self, m: Payment, ctx: npl.Context) -> None:
        self.held += m.amount
        share = self.held // self.traders
        if share:
            ctx.broadcast("traders", "grant", Grant(share))
        self.held -= share * self.traders


@attrs.frozen
class Params:
    traders: int = npl.param(100, ge=1, help="how many traders")
    endowment: int = npl.param(10, ge=0, help="coins each trader starts with")
    tax: int = npl.param(1, ge=0, help="coins each trader pays per tick, if it has them")


# --8<-- [start:compose]
def compose(treasury: type[Treasury]) -> npl.WorldSpec[Params]:
    """The tax world with the given treasury type."""

    def build(p: Params, world: npl.World) -> None:
        """Traders, a treasury, and the invariant that money is conserved."""
        traders = world.add(
            "traders", Traders(n=p.traders, tax=p.tax, coins=np.full(p.traders, p.endowment))
        )
        bank = world.add("treasury", treasury(traders=p.traders))
        world.clock("traders", "tick")
        world.metric("held", lambda w: float(bank.held))
        money = p.traders * p.endowment
        world.invariant("money conserved", lambda w: int(traders.coins.sum()) + bank.held == money)
        world.invariant("no debts", lambda w: bool((traders.coins >= 0).all()))

    return npl.world("tax-office", params=Params)(build)


buggy = compose(Treasury)
# --8<-- [end:compose]

fixed = compose(FixedTreasury)


def main() -> int:
    """Check both worlds; succeed when the bug is caught and the fix passes."""
    try:
        check_world(buggy, max_examples=50, steps=10)
    except WorldCheckError as error:
        print("caught:", error, sep="\n")
    else:
        print("the planted bug was not found")
        return 1
    report = check_world(fixed, max_examples=50, steps=10)
    print(f"\nfixed: {report.examples} examples, {report.instants} instants, invariants hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
