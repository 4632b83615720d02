"""Randomness: one SeedSequence per world, spawned into named streams, no global state."""

from __future__ import annotations

import random

import attrs
import numpy as np
import pytest
from hypothesis import given
from strategies import seeds

import npolitics as npl


@attrs.frozen
class Roll:
    pass


class Dice(npl.Agent):
    rolls: list[float] = attrs.field(factory=list)

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        self.rolls.append(float(ctx.rng.random()))


def rolled(seed: int | None, groups: tuple[str, ...] = ("x", "y")) -> dict[str, list[float]]:
    """Each group's draws over 5 shuffled ticks, and the world's own stream."""
    world = npl.World("dice", seed=seed)
    for name in groups:
        world.add(name, [Dice(), Dice()])
        world.clock(name, order="shuffled")
    world.run(steps=5)
    out = {name: [r for d in world[name] for r in d.rolls] for name in groups}
    out["world"] = world.rng.random(3).tolist()
    return out


@given(seed=seeds())
def test_same_seed_same_streams(seed: int) -> None:
    assert rolled(seed) == rolled(seed)


def test_different_seeds_differ() -> None:
    a, b = rolled(1), rolled(2)
    assert a["x"] != b["x"]
    assert a["world"] != b["world"]


def test_groups_have_independent_streams() -> None:
    """Two groups of one world do not draw the same numbers."""
    draws = rolled(3)
    assert draws["x"] != draws["y"]


def test_adding_a_group_leaves_other_streams_alone() -> None:
    """A stream is named after its group, not numbered by the order groups were added.

    (The world's own stream also drives shuffled clocks, so the comparison uses fixed-order
    worlds for the group streams and compares the world stream before any shuffle.)
    """

    def draws(groups: tuple[str, ...]) -> dict[str, list[float]]:
        world = npl.World("dice", seed=11)
        for name in groups:
            world.add(name, [Dice(), Dice()])
            world.clock(name)
        first = world.rng.random(2).tolist()
        world.run(steps=3)
        return {"world": first, **{n: [r for d in world[n] for r in d.rolls] for n in groups}}

    small, big = draws(("x", "y")), draws(("w", "x", "z", "y"))
    assert small["x"] == big["x"]
    assert small["y"] == big["y"]
    assert small["world"] == big["world"]


def test_no_global_random_state() -> None:
    """Seeding Python's or numpy's global generators changes nothing."""
    random.seed(1)
    np.random.seed(1)  # noqa: NPY002 - the point is that the kernel ignores it
    first = rolled(5)
    random.seed(2)
    np.random.seed(2)  # noqa: NPY002
    assert rolled(5) == first


def test_seed_sequence_is_accepted() -> None:
    assert rolled(np.random.SeedSequence(9)) == rolled(9)  # type: ignore[arg-type]


def test_no_seed_gives_fresh_entropy() -> None:
    assert rolled(None)["x"] != rolled(None)["x"]


@pytest.mark.parametrize("seed", [-1, 1.5, "1"])
def test_bad_seed(seed: object) -> None:
    with pytest.raises(ValueError, match="seed must be an integer ≥ 0 or a numpy SeedSequence"):
        npl.World("w", seed=seed)  # type: ignore[arg-type]


class Coins(npl.Agent):
    """Draws one number at a time from the group's Python stream, as Mesa ports do."""

    flips: list[float] = attrs.field(factory=list)

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        self.flips.append(ctx.random.random())
        if ctx.random.random() < 0.5:
            self.flips.append(float(ctx.random.choice([1, 2, 3])))


def flipped(seed: int, groups: tuple[str, ...] = ("x", "y")) -> dict[str, list[float]]:
    world = npl.World("coins", seed=seed)
    for name in groups:
        world.add(name, [Coins(), Coins()])
        world.clock(name)
    world.run(steps=6)
    return {name: [f for c in world[name] for f in c.flips] for name in groups}


class TestThePythonStream:
    @given(seed=seeds())
    def test_same_seed_same_draws(self, seed: int) -> None:
        assert flipped(seed) == flipped(seed)

    def test_each_group_has_its_own_stream_keyed_by_its_name(self) -> None:
        both, alone = flipped(3), flipped(3, groups=("y",))
        assert both["y"] == alone["y"]
        assert both["x"] != both["y"]

    def test_it_is_independent_of_the_numpy_stream(self) -> None:
        """Drawing from ``ctx.random`` leaves ``ctx.rng``'s numbers where they were."""
        assert rolled(5, groups=("x",))["x"] == rolled(5, groups=("x",))["x"]
        world = npl.World("both", seed=5)
        world.add("x", [Dice(), Dice()])
        world.add("c", [Coins()])
        world.clock("x", order="shuffled")
        world.clock("c")
        world.run(steps=5)
        assert [r for d in world["x"] for r in d.rolls] == rolled(5, groups=("x",))["x"]

    def test_a_restored_world_draws_the_same_numbers(self) -> None:
        world = npl.World("coins", seed=2)
        world.add("x", [Coins(), Coins()])
        world.clock("x")
        world.run(steps=3)
        snap = world.snapshot()
        world.run(steps=4)
        expected = [list(c.flips) for c in world["x"]]
        world.restore(snap)
        world.run(steps=4)
        assert [list(c.flips) for c in world["x"]] == expected
