"""Stop conditions: a run ends at the first instant where its condition holds."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import npolitics as npl


class Grower(npl.Agent):
    """Grows by one every tick; W(ψ) is its size."""

    size: int = 0

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        self.size += 1

    def wellbeing(self) -> float:
        return float(self.size)


def grower(stop: Any = None) -> npl.World:
    world = npl.World("grower", seed=1)
    world.add("g", Grower())
    world.clock("g")
    if stop is not None:
        world.stop_when(stop)
    return world


def big(world: npl.World) -> bool:
    return bool(world["g"].size >= 7)


class TestStopping:
    def test_the_run_ends_at_the_first_instant_where_it_holds(self) -> None:
        world = grower()
        res = world.run(steps=100, stop=big)
        assert world.now == 6
        assert res.frame()["t"].tolist() == list(range(7))
        assert res.frame()["omega"].iloc[-1] == 7

    def test_it_equals_a_run_to_that_instant(self) -> None:
        stopped = grower().run(steps=100, stop=big)
        assert stopped.equals(grower().run(until=6))

    def test_a_declared_condition_holds_for_every_run(self) -> None:
        world = grower(stop=big)
        world.run(steps=100)
        assert world.now == 6
        world["g"].size = 0  # a later run stops again where the condition next holds
        world.run(steps=100)
        assert world.now == 13

    def test_a_run_s_own_condition_takes_the_declared_one_s_place(self) -> None:
        world = grower(stop=big)
        world.run(steps=100, stop=lambda w: w["g"].size >= 3)
        assert world.now == 2

    def test_a_condition_that_never_holds_leaves_the_horizon(self) -> None:
        world = grower()
        world.run(steps=10, stop=lambda w: False)
        assert world.now == 9

    def test_run_async_stops_at_the_same_instant(self) -> None:
        import trio

        world = grower()
        res = trio.run(lambda: world.run_async(steps=100, stop=big))
        assert world.now == 6
        assert res.equals(grower().run(steps=100, stop=big))

    def test_numpy_bools_are_bools(self) -> None:
        import numpy as np

        world = grower()
        world.run(steps=100, stop=lambda w: np.bool_(w["g"].size >= 2))
        assert world.now == 1


class TestBadConditions:
    def test_one_that_raises_is_named(self) -> None:
        def broken(world: npl.World) -> bool:
            raise KeyError("size")

        with pytest.raises(
            npl.StopConditionError, match=r"at t=0: the stop condition '.*broken' raised KeyError"
        ):
            grower().run(steps=5, stop=broken)

    def test_one_that_returns_no_bool_is_named(self) -> None:
        with pytest.raises(
            npl.StopConditionError,
            match=r"the stop condition <lambda> \(test_stop.py:\d+\) must return True or False, "
            r"got 7",
        ):
            grower().run(steps=5, stop=lambda w: w["g"].size * 7)

    def test_not_a_function(self) -> None:
        with pytest.raises(TypeError, match="stop must be a function of the world, got 3"):
            grower().run(steps=5, stop=3)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="a stop condition is a function of the world"):
            grower().stop_when("soon")  # type: ignore[arg-type]


@attrs.frozen
class Params:
    limit: int = npl.param(5, ge=1, help="size at which the run stops")


@npl.world("grower", params=Params)
def declared(p: Params, world: npl.World) -> None:
    world.add("g", Grower())
    world.clock("g")
    world.stop_when(lambda w: w["g"].size >= p.limit)


def test_an_experiment_stops_each_run_where_the_world_says() -> None:
    exp = npl.Experiment(declared, params={"limit": [3, 5]}, runs=2, steps=50, seed=1)
    frame = exp.run("serial", quiet=True).frame()
    last = frame.groupby(["limit", "run"])["t"].max()
    assert last.to_dict() == {(3, 0): 2, (3, 1): 2, (5, 0): 4, (5, 1): 4}
