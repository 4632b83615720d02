"""Whole sweeps and many instants in one compiled call deliver exactly what the interpreted
kernel delivers: the same turns, cascades, rounds, draws and counters."""

from __future__ import annotations

import pickle

import pytest

import npolitics as npl

from ._models import Echo, OutOfRange, bank_world, line_world, purse_state, purse_world
from ._support import clocks, needs_numba, same_state

pytestmark = needs_numba


@pytest.mark.parametrize(
    ("activation", "order"), clocks(("sequential", "fixed"), ("simultaneous", "fixed"))
)
def test_the_bucket_brigade_compiled_is_the_interpreted_one(activation: str, order: str) -> None:
    """docs/time-and-order.md's table, for a compiled population, seed by seed."""
    for seed in (1, 2, 3):
        trails = [
            line_world(activation=activation, order=order, seed=seed)
            .run(steps=4, compiled=c)
            .frame()["bucket"]
            .tolist()
            for c in (True, False)
        ]
        assert trails[0] == trails[1]
        if order == "fixed":
            assert trails[0] == ([4.0] * 4 if activation == "sequential" else [1.0, 2.0, 3.0, 4.0])


@pytest.mark.parametrize(("activation", "order"), clocks(("sequential", "shuffled")))
def test_many_instants_in_one_call_are_the_instants_one_by_one(activation: str, order: str) -> None:
    """Sampled every 7 ticks, a run spends most instants in compiled code: same samples,
    state, draws and counters as the interpreted run."""
    runs = []
    for compiled in (True, False):
        world = purse_world(seed=4, n=30, activation=activation, order=order)
        world.sampling(every=7)
        res = world.run(steps=60, compiled=compiled)
        runs.append((res, purse_state(world), world.statistics()))
    (a, sa, ka), (b, sb, kb) = runs
    assert a.equals(b)
    same_state(sa, sb)
    assert ka == kb


def test_a_compiled_run_resumes_from_a_snapshot_taken_between_compiled_stretches() -> None:
    world = purse_world(seed=8, n=12, activation="sequential", order="shuffled")
    world.sampling(every=5)
    world.run(steps=12)
    snap = pickle.loads(pickle.dumps(world.snapshot()))
    first = world.run(steps=23)
    after = purse_state(world)
    world.restore(snap)
    assert world.run(steps=23).equals(first)
    same_state(after, purse_state(world))
    whole = purse_world(seed=8, n=12, activation="sequential", order="shuffled")
    whole.sampling(every=5)
    whole.run(steps=35, compiled=False)
    same_state(after, purse_state(whole))


@pytest.mark.parametrize("activation", ["sequential", "simultaneous"])
def test_a_target_out_of_range_inside_compiled_instants(activation: str) -> None:
    """The interpreted error (UnknownAgentError from the send), and the world back at its
    last complete instant."""
    errors = []
    for compiled in (True, False):
        world = npl.World("bad", seed=1, sample_every=5)
        world.add("g", OutOfRange(n=3))
        world.clock("g", "tick", activation=activation)
        with pytest.raises(npl.HandlerError) as info:
            world.run(steps=10, compiled=compiled)
        cause = info.value.__cause__
        assert isinstance(cause, npl.UnknownAgentError)
        errors.append(str(cause))
        assert world.now == 2
        assert world["g"].coins.tolist() == [4, 4, 4]
    assert errors[0] == errors[1]


def test_a_turn_whose_cascade_never_ends_stalls() -> None:
    """As the interpreted kernel does, after 2^20 deliveries caused by one agent's turn."""
    world = npl.World("echo", seed=1)
    world.add("g", Echo(n=2))
    world.clock("g", "tick", activation="sequential")
    with pytest.raises(npl.StalledError, match="the turn of agent 0 of group 'g' has caused"):
        world.run(steps=1, compiled=True)


def test_a_cascade_reaching_an_interpreted_channel_is_delivered_by_the_kernel() -> None:
    """Compiled savers deposit into a scalar bank, sequentially: exact either way."""
    worlds = []
    for compiled in (True, False):
        world = bank_world()
        world.clock("savers", "tick", activation="sequential", start=10)
        world.run(steps=14, compiled=compiled)
        worlds.append((world["bank"].givers, world["savers"].coins.tolist(), world.statistics()))
    assert worlds[0] == worlds[1]


def test_compiled_stretches_stop_before_an_interpreted_clock_ticks() -> None:
    """A clock driving ordinary agents (in a shuffled order, from the world's stream too)
    interleaves with compiled stretches exactly as instant-by-instant delivery does."""
    from ._models import Clerk

    runs = []
    for compiled in (True, False):
        world = purse_world(seed=6, n=15, order="shuffled")
        world.add("clerks", [Clerk() for _ in range(3)])
        world.clock("clerks", every=4, start=1, order="shuffled")
        world.sampling(every=10)
        res = world.run(steps=41, compiled=compiled)
        clerks = [(c.ticks, c.draws) for c in world["clerks"]]
        runs.append((res, purse_state(world), clerks, world.statistics(), world.rng.random()))
    (a, sa, ca, ka, ra), (b, sb, cb, kb, rb) = runs
    assert a.equals(b)
    same_state(sa, sb)
    assert (ca, ka, ra) == (cb, kb, rb)
