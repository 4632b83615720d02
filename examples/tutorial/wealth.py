"""A wealth-exchange society written once, as compiled rules (the tutorial's last section).

Everyone starts with 5 coins. Every tick, every person who has a coin gives one to somebody
else, chosen at random; the gifts arrive once everyone has given (simultaneous activation).
Wealth ends up unequal although nobody is more skilled or luckier by design: the Gini
coefficient rises from about 0.1 after the first tick to about one half, where it stays.

    python examples/tutorial/wealth.py
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

import npolitics as npl


# --8<-- [start:model]
@attrs.frozen
class Gift:
    """Coins handed over."""

    coins: int


@npl.jit
def someone_else(rng: Any, n: int, me: int) -> int:
    """A person chosen at random among the n - 1 others."""
    j = rng.integers(0, n - 1)
    return j + 1 if j >= me else j


class Society(npl.Population):
    """People who give a coin away every tick, if they have one."""

    coins = npl.column(np.int64, 5)

    @npl.channel(compiled=True, sends={"give": "receive"})
    def tick(s, i, m: npl.Tick, ctx, give):  # type: ignore[no-untyped-def]
        """Person i gives one coin to somebody else."""
        if s.coins[i] >= 1:
            s.coins[i] -= 1
            npl.send(give, someone_else(ctx.rng, ctx.n, i), 1)

    @npl.channel(compiled=True)
    def receive(s, i, m: Gift, ctx):  # type: ignore[no-untyped-def]
        """A gift arrives."""
        s.coins[i] += m.coins

    def wellbeing(self) -> Any:
        return np.log1p(self.coins)


def gini(coins: Any) -> float:
    """The Gini coefficient of wealth (0: all equal; near 1: one person has it all)."""
    x = np.sort(coins).astype(float)
    n = x.size
    return float(2 * np.sum(np.arange(1, n + 1) * x) / (n * x.sum()) - (n + 1) / n)


def society(people: int = 100, *, seed: int = 1, sample_every: int = 100) -> npl.World:
    """The world: one population ticked by one clock; Gini sampled every ``sample_every``."""
    world = npl.World("wealth", seed=seed, sample_every=sample_every)
    world.add("people", Society(n=people))
    world.clock("people", "tick")
    world.metric("gini", lambda w: gini(w["people"].coins), headline=True)
    world.invariant("coins are conserved", lambda w: w["people"].coins.sum() == 5 * people)
    return world


# --8<-- [end:model]

if __name__ == "__main__":
    res = society().run(steps=10_000)
    print(res.frame().iloc[[0, 1, 10, -1]].to_string(index=False))
