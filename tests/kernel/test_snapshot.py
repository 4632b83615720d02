"""Snapshots: a world's whole mutable state, picklable; continuing from one gives exactly
the uninterrupted run (agents, queue, random streams, time, samples)."""

from __future__ import annotations

import pickle

import pytest
from strategies import Note

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
