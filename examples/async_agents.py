"""Agents whose decisions await a remote service with random latency, run under trio.

Each trader asks a (simulated) pricing service for a quote every tick; the service answers
after a random delay. Traders then buy or sell against a market agent. Because the kernel
commits every async handler's actions in canonical order, the results equal those of a run
where every await returned at once, whatever order the answers arrive in. The samples stream
out through ``world.observe()`` into a live progress line.

    python examples/async_agents.py
"""

from __future__ import annotations

import math
import random

import anyio
import attrs
import trio

import npolitics as npl


@attrs.define
class PricingService:
    """A remote service: a price for (trader, time), answered after a random latency (s)."""

    mean_latency: float = 0.0
    seed: int = 0
    _rng: random.Random = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    async def quote(self, trader: int, t: float) -> float:
        """The price trader ``trader`` is offered at time ``t``."""
        if self.mean_latency > 0:
            await anyio.sleep(self._rng.expovariate(1 / self.mean_latency))
        return 100 + 10 * math.sin(0.3 * t + trader)


@attrs.frozen
class Order:
    """A trader buys (``volume`` > 0) or sells (< 0) at ``price``."""

    volume: int
    price: float


class Trader(npl.Agent):
    """Buys below 100, sells above, a random size; W(ψ) = cash + stock at the last price."""

    service: PricingService
    cash: float = 1000.0
    stock: int = 0
    last_price: float = 100.0

    @npl.channel
    async def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        price = await self.service.quote(ctx.me.index, m.t)
        size = int(ctx.rng.integers(1, 5))
        volume = size if price < 100 else -min(size, self.stock)
        self.cash -= volume * price
        self.stock += volume
        self.last_price = price
        if volume:
            ctx.send("market", "order", Order(volume, price))

    def wellbeing(self) -> float:
        return self.cash + self.stock * self.last_price


class Market(npl.Agent):
    """Keeps the net volume and the volume-weighted turnover of every order it receives."""

    volume: int = 0
    turnover: float = 0.0

    @npl.channel
    def order(self, m: Order, ctx: npl.Context) -> None:
        self.volume += m.volume
        self.turnover += abs(m.volume) * m.price


def market_world(traders: int = 20, mean_latency: float = 0.0, seed: int = 1) -> npl.World:
    """Traders ticking every unit of time against one market."""
    world = npl.World("async-market", seed=seed)
    service = PricingService(mean_latency, seed=seed)
    world.add("traders", [Trader(service=service) for _ in range(traders)])
    world.add("market", Market())
    world.clock("traders", "tick")
    world.metric("turnover", lambda w: w["market"].turnover)
    return world


async def main() -> None:
    instant = await market_world().run_async(steps=50)
    world = market_world(mean_latency=0.05)
    async with trio.open_nursery() as nursery, world.observe() as samples:
        results: list[npl.Results] = []

        async def run() -> None:
            results.append(await world.run_async(steps=50))

        nursery.start_soon(run)
        async for obs in samples:
            print(
                f"\rt={obs.t:4.0f}  Ω={obs.omega:10.2f}  turnover={obs.metrics['turnover']:9.2f}",
                end="",
                flush=True,
            )
    print()
    print("same results as with instant answers:", results[0].equals(instant))


if __name__ == "__main__":
    trio.run(main)
