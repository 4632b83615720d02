"""Activation: what one agent's action in a tick can see of another's.

Simultaneous (the default): every agent of a clock's group acts on the state at the start of
the tick, and what they send with delay 0 is delivered after all of them have acted.
Sequential: agents act one at a time in the clock's order, and what one sends with delay 0 —
and what that causes, depth first — is delivered before the next acts (Mesa's shuffle_do).
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

import npolitics as npl


@attrs.frozen
class Coins:
    """``amount`` coins, handed over."""

    amount: int


class Passer(npl.Agent):
    """On each tick, hands all its coins to ``next``; receives coins on ``take``."""

    next: int
    coins: int = 1

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        if self.coins:
            ctx.send(npl.Address(ctx.me.group, self.next), "take", Coins(self.coins))
            self.coins = 0

    @npl.channel
    def take(self, m: Coins, ctx: npl.Context) -> None:
        self.coins += m.amount

    def wellbeing(self) -> float:
        return float(self.coins)


class Passers(npl.Population):
    """The same agents as arrays: each handler acts on every agent of its batch."""

    next: npt.NDArray[np.int64] = npl.column(np.int64)
    coins: npt.NDArray[np.int64] = npl.column(np.int64, 1)

    @npl.channel
    def tick(self, batch: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        giving = batch.to[self.coins[batch.to] > 0]
        if giving.size:
            ctx.send(
                ctx.me.group,
                "take",
                npl.Batch(Coins, self.next[giving], amount=self.coins[giving].copy()),
            )
            self.coins[giving] = 0

    @npl.channel
    def take(self, batch: npl.Batch[Coins], ctx: npl.Context) -> None:
        np.add.at(self.coins, batch.to, batch.amount)

    def wellbeing(self) -> npt.NDArray[np.float64]:
        return self.coins.astype(np.float64)


def ring(n: int, activation: Any, *, population: bool = False, order: Any = "fixed") -> npl.World:
    """``n`` passers in a ring (agent i hands to i + 1), ticked by one clock."""
    world = npl.World("ring", seed=3)
    successors = [(i + 1) % n for i in range(n)]
    if population:
        world.add("p", Passers(n=n, next=successors))
    else:
        world.add("p", [Passer(s) for s in successors])
    world.clock("p", order=order, activation=activation)
    return world


def coins(world: npl.World) -> list[int]:
    group = world["p"]
    return group.coins.tolist() if isinstance(group, npl.Population) else [a.coins for a in group]


class TestTheExampleOfTheDocs:
    """One tick of a ring of 5 in index order: the results differ between activations."""

    def test_simultaneous_every_agent_hands_on_the_coin_it_had(self) -> None:
        world = ring(5, "simultaneous")
        world.run(steps=1)
        assert coins(world) == [1, 1, 1, 1, 1]

    def test_sequential_the_coins_travel_the_whole_ring_in_one_tick(self) -> None:
        world = ring(5, "sequential")
        world.run(steps=1)
        assert coins(world) == [5, 0, 0, 0, 0]

    @pytest.mark.parametrize("activation", ["simultaneous", "sequential"])
    def test_a_population_does_what_the_scalar_agents_do(self, activation: str) -> None:
        scalar, population = ring(7, activation), ring(7, activation, population=True)
        for _ in range(4):
            scalar.run(steps=1)
            population.run(steps=1)
            assert coins(scalar) == coins(population)

    def test_shuffled_order_alone_changes_nothing_here(self) -> None:
        """Under simultaneous activation the handlers' order within the tick is invisible
        to a model whose agents only read their own state."""
        fixed, shuffled = ring(6, "simultaneous"), ring(6, "simultaneous", order="shuffled")
        fixed.run(steps=5)
        shuffled.run(steps=5)
        assert coins(fixed) == coins(shuffled) == [1] * 6


@attrs.frozen
class Hop:
    """A message in a cascade: ``path`` is where it goes next, hop by hop."""

    label: str
    path: tuple[int, ...] = ()


class Relay(npl.Agent):
    """Records what it receives; a tick makes it send its ``plan`` (delay 0, in order)."""

    log: list[tuple[Any, ...]]
    plan: tuple[Hop, ...] = ()

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        self.log.append(("tick", ctx.me.index))
        for hop in self.plan:
            ctx.send(npl.Address("r", hop.path[0]), "hop", Hop(hop.label, hop.path[1:]))

    @npl.channel
    def hop(self, m: Hop, ctx: npl.Context) -> None:
        self.log.append((m.label, ctx.me.index))
        for depth, _ in enumerate(m.path[:2]):  # up to two children, each one hop shorter
            child = Hop(f"{m.label}.{depth}", m.path[1:])
            ctx.send(npl.Address("r", m.path[0]), "hop", child)


def relays(plans: list[tuple[Hop, ...]], activation: Any) -> tuple[npl.World, list[Any]]:
    log: list[Any] = []
    world = npl.World("relays")
    world.add("r", [Relay(log, plan) for plan in plans])
    world.clock("r", activation=activation)
    return world, log


def reference_order(plans: list[tuple[Hop, ...]]) -> list[tuple[Any, ...]]:
    """Sequential activation written out by hand: each agent, then its cascade, depth first."""
    log: list[tuple[Any, ...]] = []

    def deliver(label: str, to: int, path: tuple[int, ...]) -> None:
        log.append((label, to))
        for depth, _ in enumerate(path[:2]):
            deliver(f"{label}.{depth}", path[0], path[1:])

    for i, plan in enumerate(plans):
        log.append(("tick", i))
        for hop in plan:
            deliver(hop.label, hop.path[0], hop.path[1:])
    return log


class TestSequentialCascades:
    def test_children_come_before_their_younger_siblings(self) -> None:
        plans = [(Hop("a", (1, 2)), Hop("b", (2,))), (Hop("c", (0,)),), ()]
        world, log = relays(plans, "sequential")
        world.run(steps=1)
        assert log == [
            ("tick", 0), ("a", 1), ("a.0", 2), ("b", 2),
            ("tick", 1), ("c", 0),
            ("tick", 2),
        ]  # fmt: skip

    def test_simultaneous_delivers_the_same_messages_round_by_round(self) -> None:
        plans = [(Hop("a", (1, 2)), Hop("b", (2,))), (Hop("c", (0,)),), ()]
        world, log = relays(plans, "simultaneous")
        world.run(steps=1)
        assert log == [
            ("tick", 0), ("tick", 1), ("tick", 2),
            ("a", 1), ("b", 2), ("c", 0),
            ("a.0", 2),
        ]  # fmt: skip

    @given(
        st.lists(
            st.lists(
                st.builds(
                    Hop,
                    st.text("xyz", min_size=1, max_size=2),
                    st.lists(st.integers(0, 3), min_size=1, max_size=4).map(tuple),
                ),
                max_size=3,
            ).map(tuple),
            min_size=4,
            max_size=4,
        )
    )
    def test_the_kernel_follows_the_written_out_rule(self, plans: list[tuple[Hop, ...]]) -> None:
        world, log = relays(plans, "sequential")
        world.run(steps=1)
        assert log == reference_order(plans)

    def test_what_is_due_later_waits_for_its_time(self) -> None:
        class Later(npl.Agent):
            log: list[Any]

            @npl.channel
            def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
                self.log.append(("tick", ctx.me.index, ctx.now))
                if ctx.now == 0:
                    ctx.send(npl.Address("l", 1 - ctx.me.index), "hear", Coins(ctx.me.index), 1)

            @npl.channel
            def hear(self, m: Coins, ctx: npl.Context) -> None:
                self.log.append(("hear", ctx.me.index, ctx.now))

        log: list[Any] = []
        world = npl.World("later")
        world.add("l", [Later(log), Later(log)])
        world.clock("l", activation="sequential")
        world.run(steps=2)
        assert log == [
            ("tick", 0, 0), ("tick", 1, 0),
            ("tick", 0, 1), ("tick", 1, 1), ("hear", 1, 1), ("hear", 0, 1),
        ]  # fmt: skip


class TestReproducible:
    @pytest.mark.parametrize("population", [False, True])
    def test_same_seed_same_shuffled_sequential_run(self, population: bool) -> None:
        runs = []
        for _ in range(2):
            world = ring(9, "sequential", population=population, order="shuffled")
            world.run(steps=6)
            runs.append(coins(world))
        assert runs[0] == runs[1]
        assert sum(runs[0]) == 9

    def test_run_async_delivers_the_same_plan(self) -> None:
        import trio

        sync = ring(8, "sequential", order="shuffled")
        expected = sync.run(steps=5)
        world = ring(8, "sequential", order="shuffled")
        got = trio.run(lambda: world.run_async(steps=5))
        assert got.equals(expected)
        assert coins(world) == coins(sync)

    def test_pieces_equal_one_long_run(self) -> None:
        whole = ring(8, "sequential", order="shuffled")
        expected = whole.run(steps=6)
        world = ring(8, "sequential", order="shuffled")
        parts = [world.run(steps=1) for _ in range(6)]
        assert npl.Results.concat(parts).equals(expected)


class TestBadInput:
    def test_unknown_activation(self) -> None:
        world = npl.World()
        world.add("p", [Passer(0)])
        with pytest.raises(
            ValueError, match=r"activation must be 'simultaneous' or 'sequential', got 'random'"
        ):
            world.clock("p", activation="random")  # type: ignore[arg-type]

    def test_sequential_clock_on_a_channel_that_takes_no_tick(self) -> None:
        world = npl.World()
        world.add("p", [Passer(0)])
        with pytest.raises(
            npl.MessageTypeError,
            match=r"channel 'take' of group 'p' accepts Coins; a clock sends Tick "
            r"\(a sequential clock",
        ):
            world.clock("p", "take", activation="sequential")
