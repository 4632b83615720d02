"""Clocks, sampling and horizons: when things happen and when the world looks.

A clock sends ``Tick(t)`` to every agent of a group at ``start + k·every`` in a fixed or
shuffled activation order; samples at ``s`` see every delivery due at or before ``s``;
``run`` continues where the last run stopped.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import seeds

import npolitics as npl


@attrs.frozen
class Poke:
    label: str = ""


class Ticker(npl.Agent):
    """Logs every tick and poke (time, group, index, what) to a log shared by its world."""

    log: list[Any]
    draws: int = 0

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        assert m.t == ctx.now
        self.draws += int(ctx.rng.integers(10))
        self.log.append((ctx.now, ctx.me.group, ctx.me.index, "tick"))

    @npl.channel
    def poke(self, m: Poke, ctx: npl.Context) -> None:
        self.log.append((ctx.now, ctx.me.group, ctx.me.index, m.label))

    def wellbeing(self) -> float:
        return float(self.draws)


class Herd(npl.Population):
    log: list[Any] = attrs.field(factory=list)
    ticks: npt.NDArray[np.int64] = npl.column(np.int64, 0)

    @npl.channel
    def tick(self, batch: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        self.ticks[batch.to] += 1
        self.log.append((ctx.now, "herd", batch.to.tolist(), "tick"))

    def wellbeing(self) -> npt.NDArray[np.float64]:
        return self.ticks.astype(np.float64)


def ticking(seed: int = 0, order: str = "fixed", n: int = 6) -> tuple[npl.World, list[Any]]:
    log: list[Any] = []
    world = npl.World("ticking", seed=seed)
    world.add("a", [Ticker(log=log) for _ in range(n)])
    world.clock("a", order=order)
    world.metric("ticks", lambda w: float(sum(1 for e in log if e[3] == "tick")))
    return world, log


def orders(log: list[Any]) -> dict[Any, list[int]]:
    """The activation order of group "a" at each time."""
    out: dict[Any, list[int]] = {}
    for t, group, index, what in log:
        if group == "a" and what == "tick":
            out.setdefault(t, []).append(index)
    return out


class TestActivationOrder:
    def test_fixed_order_is_index_order(self) -> None:
        world, log = ticking(order="fixed")
        world.run(steps=3)
        assert orders(log) == {t: list(range(6)) for t in (0, 1, 2)}

    def test_shuffled_order_changes_between_ticks(self) -> None:
        """Each tick draws a fresh permutation; every agent is activated exactly once."""
        world, log = ticking(order="shuffled", n=8)
        world.run(steps=5)
        per_tick = orders(log)
        assert all(sorted(o) == list(range(8)) for o in per_tick.values())
        assert len({tuple(o) for o in per_tick.values()}) > 1

    @given(seed=seeds())
    def test_shuffled_order_is_reproducible(self, seed: int) -> None:
        first, log1 = ticking(seed, "shuffled")
        second, log2 = ticking(seed, "shuffled")
        first.run(steps=4)
        second.run(steps=4)
        assert log1 == log2

    def test_shuffled_order_depends_on_the_seed(self) -> None:
        logs = []
        for seed in (1, 2):
            world, log = ticking(seed, "shuffled", n=8)
            world.run(steps=4)
            logs.append(orders(log))
        assert logs[0] != logs[1]

    def test_bad_order(self) -> None:
        world, _ = ticking()
        with pytest.raises(ValueError, match=r"order must be 'fixed' or 'shuffled', got 'random'"):
            world.clock("a", order="random")

    @pytest.mark.parametrize("every", [0, -1, float("inf"), float("nan")])
    def test_bad_period(self, every: float) -> None:
        world, _ = ticking()
        with pytest.raises(ValueError, match="a clock's period must be a finite number > 0"):
            world.clock("a", every=every)


class TestSeveralClocks:
    def test_clocks_tick_in_declared_order_before_other_messages(self) -> None:
        """At one time: the clocks in declaration order, then the other messages."""
        log: list[Any] = []
        world = npl.World("clocks")
        world.add("a", [Ticker(log=log), Ticker(log=log)])
        world.add("b", Ticker(log=log))
        world.add("herd", Herd(n=3, log=log))
        world.send(npl.Address("a", 0), "poke", Poke("early poke"), at=1)
        world.clock("b", every=2, start=1)
        world.clock("a")
        world.clock("herd", every=0.5, start=0.25)
        world.run(until=3)
        at_1 = [e for e in log if e[0] == 1]
        assert at_1 == [
            (1, "b", 0, "tick"),
            (1, "a", 0, "tick"),
            (1, "a", 1, "tick"),
            (1, "a", 0, "early poke"),
        ]
        herd_times = [e[0] for e in log if e[1] == "herd"]
        assert herd_times == [0.25, 0.75, 1.25, 1.75, 2.25, 2.75]
        assert [e[0] for e in log if e[1] == "b"] == [1, 3]
        assert world["herd"].ticks.tolist() == [6, 6, 6]

    def test_population_gets_one_batch_per_tick(self) -> None:
        world = npl.World("herd")
        world.add("herd", Herd(n=4))
        world.clock("herd", order="shuffled")
        world.run(steps=2)
        for _, _, to, _ in world["herd"].log:
            assert sorted(to) == [0, 1, 2, 3]


class TestSampling:
    def test_a_sample_sees_deliveries_due_at_or_before_it(self) -> None:
        log: list[Any] = []
        world = npl.World("sampling", sample_every=2, sample_start=1)
        world.add("a", Ticker(log=log))
        world.metric("pokes", lambda w: float(len(log)))
        for at in (0.5, 1, 1.5, 3, 3.0001, 6):
            world.send("a", "poke", Poke(), at=at)
        res = world.run(until=7)
        assert res.frame()["t"].tolist() == [1, 3, 5, 7]
        assert res.frame()["pokes"].tolist() == [2, 4, 5, 6]

    @pytest.mark.parametrize("every", [0, -2, float("nan")])
    def test_bad_sampling_period(self, every: float) -> None:
        with pytest.raises(ValueError, match="sample_every must be a finite number > 0"):
            npl.World("w", sample_every=every)

    def test_sampling_is_fixed_once_running(self) -> None:
        world, _ = ticking()
        world.run(steps=1)
        with pytest.raises(RuntimeError, match="only before the world first runs"):
            world.sampling(every=2)


class TestDefaultSampling:
    def test_a_world_with_a_clock_samples_every_tick_as_integers(self) -> None:
        world, _ = ticking(n=1)
        assert world.sample_every == 1
        t = world.run(steps=3).t
        assert t.dtype == np.int64
        assert t.tolist() == [0, 1, 2]

    def test_a_world_without_a_clock_samples_each_runs_first_and_last_instant(self) -> None:
        world = npl.World("queue")
        world.add("a", Ticker(log=[]))
        for at in (0.25, 1.5, 40.0, 90.5):
            world.send("a", "poke", Poke("x"), at=at)
        assert world.sample_every is None
        assert world.run(until=50).t.tolist() == [0, 50]
        assert world.run(until=100).t.tolist() == [100]
        assert world.sample_every is None

    def test_declared_sampling_keeps_its_grid_and_adds_the_last_instant(self) -> None:
        world = npl.World("queue", sample_every=10)
        world.add("a", Ticker(log=[]))
        world.send("a", "poke", Poke("x"), at=3)
        res = world.run(until=25)
        assert res.t.dtype == np.int64
        assert res.t.tolist() == [0, 10, 20, 25]
        assert world.run(until=30).t.tolist() == [30]  # on the grid: sampled once

    def test_a_time_off_the_grid_makes_t_float(self) -> None:
        world, _ = ticking(n=1)
        res = world.run(until=2.5)
        assert res.t.dtype == np.float64
        assert res.t.tolist() == [0, 1, 2, 2.5]

    def test_a_run_that_stops_is_sampled_where_it_stopped(self) -> None:
        world, _ = ticking(n=1)
        world.sampling(every=5)
        res = world.run(steps=100, stop=lambda w: w.now == 7)
        assert res.t.tolist() == [0, 5, 7]


class TestHorizons:
    def test_first_run_of_n_steps_covers_0_to_n_minus_1(self) -> None:
        world, _ = ticking(n=1)
        res = world.run(steps=4)
        assert world.now == 3
        assert res.frame()["t"].tolist() == [0, 1, 2, 3]
        assert res.frame()["ticks"].tolist() == [1, 2, 3, 4]
        assert world.run(steps=2).frame()["t"].tolist() == [4, 5]

    @given(
        seed=seeds(),
        cuts=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=3),
    )
    def test_pieces_equal_one_long_run(self, seed: int, cuts: list[int]) -> None:
        """run(steps=) and run(until=) in pieces give exactly the samples of one run."""
        whole, _ = ticking(seed, "shuffled")
        expected = whole.run(until=12)
        world, _ = ticking(seed, "shuffled")
        parts = []
        for i, cut in enumerate(sorted(cuts)):
            if i % 2:
                parts.append(world.run(until=max(cut, world.now if world.now is not None else 0)))
            else:
                base = world.now if world.now is not None else -1
                parts.append(world.run(steps=max(cut - base, 0)))
        parts.append(world.run(until=12))
        assert npl.Results.concat(parts).equals(expected)
        assert world.statistics() == whole.statistics()

    def test_run_without_horizon_stops_when_the_queue_is_empty(self) -> None:
        log: list[Any] = []
        world = npl.World("dry")
        world.add("a", Ticker(log=log))
        world.send("a", "poke", Poke("x"), at=0)
        world.send("a", "poke", Poke("y"), at=3.5)
        res = world.run()
        assert world.now == 3.5
        assert world.statistics().pending_chunks == 0
        # No clock and no sampling declared: the run's first and last instants.
        assert res.frame()["t"].tolist() == [0, 3.5]
        assert [e[3] for e in log] == ["x", "y"]

    def test_a_world_with_a_clock_needs_a_horizon(self) -> None:
        world, _ = ticking()
        with pytest.raises(ValueError, match=r"a world with a clock never runs dry: give steps="):
            world.run()

    def test_bad_horizons(self) -> None:
        world, _ = ticking()
        with pytest.raises(ValueError, match="give steps= or until=, not both"):
            world.run(steps=1, until=2)
        with pytest.raises(ValueError, match=r"steps must be an integer ≥ 0, got -1"):
            world.run(steps=-1)
        with pytest.raises(ValueError, match=r"steps must be an integer ≥ 0, got 1.5"):
            world.run(steps=1.5)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match=r"until must be a number, got nan"):
            world.run(until=float("nan"))
        world.run(steps=3)
        with pytest.raises(ValueError, match=r"until=1 is before the world's time now=2"):
            world.run(until=1)
