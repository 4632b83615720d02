"""Snapshots: a world's whole mutable state, picklable; continuing from one gives exactly
the uninterrupted run (agents, queue, random streams, time, samples)."""

from __future__ import annotations

import pickle

import attrs
import pytest
from strategies import Note

import npolitics as npl

from ._tracing import BATCH, BROADCAST, build, check_trace, send_external, tape_of, trace_hash


def busy(seed: int = 4) -> object:
    world = build(seed)
    send_external(world, 0, Note(0, BROADCAST, 1, 1), at=0)
    send_external(world, 7, Note(4, BATCH, 0.5, 5), at=0.5)
    send_external(world, 3, Note(8, 9, 0, 9), at=2)
    send_external(world, 5, Note(12, 1, 2.75, 13), at=3.25)
    return world


def test_continuing_from_a_snapshot_equals_the_uninterrupted_run() -> None:
    """Same samples, same trace (times, order and random draws) as never stopping."""
    whole = busy()
    first = whole.run(steps=2)
    rest = whole.run(until=8)

    world = busy()
    assert world.run(steps=2).equals(first)
    snap = pickle.loads(pickle.dumps(world.snapshot()))
    world.run(until=5)  # go on, then come back
    for target in (world, busy()):  # the same world, or a fresh one built alike
        target.restore(snap)
        assert target.now == 1
        assert target.run(until=8).equals(rest)
        assert trace_hash(target) == trace_hash(whole)
        assert target.statistics() == whole.statistics()
        check_trace(tape_of(target), target.now)


def test_restore_keeps_the_objects_metrics_hold() -> None:
    """State goes back into the same agent objects, so references stay valid."""
    world = busy()
    solo = world["solo"]
    snap = world.snapshot()
    world.run(until=4)
    world.restore(snap)
    assert world["solo"] is solo
    assert solo.count == 0


def test_snapshot_of_another_world_is_refused() -> None:
    snap = busy().snapshot()
    other = build(name="elsewhere")
    with pytest.raises(
        ValueError, match=r"snapshot of world 'traced' with groups \['solo: agent of 1 Scribe', "
    ):
        other.restore(snap)


@attrs.define
class SlottedCounter(npl.Agent):
    """A counter whose fields live in slots (attrs' default), not in ``__dict__``."""

    count: int = 0
    fail_at: int = -1

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        self.count += 1
        if ctx.now == self.fail_at:
            raise RuntimeError("tripped")


class Keeper(npl.Agent):
    """Holds a set, a dict and a list whose iteration orders decide what it does next."""

    seen: set[int] = attrs.field(factory=set)
    order: dict[int, int] = attrs.field(factory=dict)
    trail: list[int] = attrs.field(factory=list)

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        for value in ctx.rng.integers(0, 10_000, size=6).tolist():
            self.seen.add(value)
            self.order[value] = len(self.order)
        if len(self.seen) > 8:
            self.trail.append(self.seen.pop())  # which one: the set's layout decides
            self.trail.append(next(iter(self.order)))
            del self.order[next(iter(self.order))]


def keepers(seed: int = 0) -> npl.World:
    world = npl.World("keepers", seed=seed)
    world.add("k", [Keeper() for _ in range(3)])
    world.clock("k", order="shuffled", activation="sequential")
    return world


class TestTheStateProtocol:
    def test_slotted_agents_are_restored(self) -> None:
        world = npl.World("slots")
        counter = world.add("c", SlottedCounter())
        world.clock("c")
        snap = world.snapshot()
        world.run(steps=5)
        world.restore(snap)
        assert counter.count == 0
        assert world["c"] is counter

    def test_a_failed_run_of_slotted_agents_is_rolled_back(self) -> None:
        """A handler raising at t=5 leaves the counter at its count after t=4: 5 ticks."""
        world = npl.World("slots")
        counter = world.add("c", SlottedCounter(fail_at=5))
        world.clock("c")
        with pytest.raises(npl.HandlerError, match="tripped"):
            world.run(steps=10)
        assert counter.count == 5
        assert world.now == 4

    def test_sets_dicts_and_lists_continue_bit_identically_after_a_restore(self) -> None:
        world = keepers()
        world.run(steps=40)  # the sets have grown, popped and left dummies behind
        snap = pickle.loads(pickle.dumps(world.snapshot()))
        world.run(steps=60)
        expected = [(list(a.seen), list(a.order), list(a.trail)) for a in world["k"]]
        for target in (world, keepers()):
            target.restore(snap)
            target.run(steps=60)
            got = [(list(a.seen), list(a.order), list(a.trail)) for a in target["k"]]
            assert got == expected

    def test_a_snapshot_changes_nothing_a_restore_would_not(self) -> None:
        """After snapshot() the world goes on exactly as any world restored from it."""
        a, b = keepers(1), keepers(1)
        a.run(steps=30)
        b.run(steps=30)
        snap = a.snapshot()
        b.restore(snap)
        a.run(steps=50)
        b.run(steps=50)
        assert [a_.trail for a_ in a["k"]] == [b_.trail for b_ in b["k"]]

    def test_snapshots_pickle_by_public_names_only(self) -> None:
        world = keepers()
        world.run(steps=3)
        snap = world.snapshot()
        assert b"npolitics._" not in pickle.dumps(snap)
        assert b"npolitics._" not in snap.data


class TestRefusedRestores:
    def test_another_set_of_groups_changes_nothing(self) -> None:
        world = keepers()
        world.run(steps=5)
        before = [list(a.trail) for a in world["k"]], world.now
        other = npl.World("keepers")
        other.add("k", [Keeper() for _ in range(4)])
        other.clock("k", order="shuffled", activation="sequential")
        with pytest.raises(ValueError, match=r"groups \['k: agents of 4 Keeper'\]"):
            world.restore(other.snapshot())
        assert ([list(a.trail) for a in world["k"]], world.now) == before

    def test_other_clocks_are_refused(self) -> None:
        simultaneous = npl.World("keepers")
        simultaneous.add("k", [Keeper() for _ in range(3)])
        simultaneous.clock("k")
        with pytest.raises(ValueError, match=r"clocks \['k.tick every 1, shuffled, sequential'\]"):
            simultaneous.restore(keepers().snapshot())

    def test_not_a_snapshot(self) -> None:
        with pytest.raises(TypeError, match="restore takes a Snapshot, got dict"):
            keepers().restore({})  # type: ignore[arg-type]


class TestRollbackCheckpoints:
    def test_a_failure_after_many_short_runs_goes_back_to_the_last_instant(self) -> None:
        world = npl.World("slots")
        counter = world.add("c", SlottedCounter(fail_at=57))
        world.clock("c")
        results = [world.run(steps=1) for _ in range(57)]
        with pytest.raises(npl.HandlerError):
            world.run(steps=1)
        assert (counter.count, world.now) == (57, 56)
        assert npl.Results.concat(results).t[-1] == 56

    def test_a_change_made_between_runs_survives_a_rollback(self) -> None:
        world = npl.World("slots")
        world.add("c", SlottedCounter())
        world.clock("c")
        for _ in range(10):
            world.run(steps=1)
        world["c"].count = 100  # through world[...]: the world knows it may have changed
        world["c"].fail_at = 12
        with pytest.raises(npl.HandlerError):
            world.run(steps=5)
        assert (world["c"].count, world.now) == (102, 11)


class Popper(npl.Agent):
    """Pops its set every tick: W(ψ) is the last value popped, which the set's layout decides."""

    seen: set[int] = attrs.field(factory=set)
    last: int = 0
    fail_at: int = -1

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        if ctx.now == self.fail_at:
            raise RuntimeError("tripped")
        for value in ctx.rng.integers(0, 10_000, size=5).tolist():
            self.seen.add(value)
        self.last = self.seen.pop()
        if len(self.seen) > 20:
            self.seen.discard(min(self.seen))

    def wellbeing(self) -> float:
        return float(self.last)


def test_a_replay_that_cannot_reproduce_the_run_says_so() -> None:
    """The checkpoint a failed run replays from holds the sets rebuilt, not as they were: the
    replay pops other values, and the error says the world could not be put back exactly."""
    world = npl.World("poppers", seed=4)
    world.add("p", [Popper() for _ in range(5)])
    world.clock("p")
    for _ in range(30):
        world.run(steps=1)
    for popper in world["p"]:  # a change through world[...]: the next run takes a checkpoint
        popper.fail_at = 40
    with pytest.raises(npl.HandlerError, match="the replay gave other samples"):
        world.run(steps=20)


def test_a_replay_from_a_snapshot_is_exact() -> None:
    """After snapshot() the world goes on from the snapshot's copy, so a replay from it (the
    checkpoint then) reproduces the run, and the error says nothing more."""
    world = npl.World("poppers", seed=4)
    world.add("p", [Popper() for _ in range(5)])
    world.clock("p")
    world.run(steps=30)
    for popper in world["p"]:
        popper.fail_at = 40
    world.snapshot()
    with pytest.raises(npl.HandlerError) as failure:
        world.run(steps=20)
    assert "replay" not in str(failure.value)
    assert world.now == 39
