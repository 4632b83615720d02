"""The kernel as a state machine: random sends, delays, runs, snapshots and restores.

Two worlds built alike with one seed receive the same operations; the first is sometimes
restored to an earlier snapshot and the operations since then are replayed on it. The
invariants are the scheduler's contract (see ``_tracing.check_trace``), determinism (both
worlds' traces are identical) and "snapshot + continue == uninterrupted".
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
)
from strategies import Note, delays, seeds, steps, until_offsets

import npolitics as npl

from ._tracing import (
    BATCH,
    BROADCAST,
    DESTINATIONS,
    SIZES,
    UIDS_PER_NOTE,
    build,
    check_trace,
    deliveries,
    send_external,
    send_external_batch,
    tape_of,
    trace_hash,
)

Op = tuple[str, dict[str, Any]]

forward_targets = st.integers(min_value=BATCH, max_value=len(DESTINATIONS) - 1)
send_offsets = st.sampled_from([0, 0.5, 1, 2, 3.25])


def apply(world: npl.World, op: Op) -> npl.Results | None:
    """Perform one operation of the log on ``world``."""
    kind, args = op
    if kind == "send":
        send_external(world, **args)
        return None
    if kind == "batch":
        send_external_batch(world, **args)
        return None
    if kind == "snapshot":
        world.snapshot()
        return None
    return world.run(**args)


def check_samples(world: npl.World, results: npl.Results) -> None:
    """A sample at time s sees exactly the deliveries due at or before s (Ω counts them)."""
    times = [e[5] for e in deliveries(tape_of(world))]
    frame = results.frame()
    for t, omega, delivered in zip(frame["t"], frame["omega"], frame["delivered"], strict=True):
        expected = sum(1 for time in times if time <= t)
        assert delivered == expected, f"sample at t={t} saw {delivered} deliveries, not {expected}"
        assert omega == expected, f"Ω at t={t} is {omega}, not {expected}"


class KernelMachine(RuleBasedStateMachine):
    """Operations on a traced world and its never-restored twin."""

    snapshots = Bundle("snapshots")

    @initialize(seed=seeds(), clock=st.sampled_from([None, "simultaneous", "sequential"]))
    def start(self, seed: int, clock: str | None) -> None:
        self.seed, self.clock = seed, clock
        self.world = build(seed, clock=clock)
        self.twin = build(seed, clock=clock)
        self.log: list[Op] = []
        self.results: list[npl.Results | None] = []
        self.uid = 0

    def _do(self, op: Op) -> None:
        res = apply(self.world, op)
        twin_res = apply(self.twin, op)
        self.log.append(op)
        self.results.append(res)
        if res is not None:
            assert twin_res is not None
            assert res.equals(twin_res), "same seed, same operations, different results"
            check_samples(self.world, res)

    def _note(self, target: int, delay: Any) -> Note:
        uid = self.uid
        self.uid += UIDS_PER_NOTE
        return Note(uid) if target == -1 else Note(uid, target, delay, uid + 1)

    def _at(self, offset: Any) -> Any:
        now = self.world.now
        if now is None:
            return offset
        # A message sent "at now" after the instant `now` was delivered is not tested here.
        return now + (offset or 1)

    @rule(
        destination=st.integers(min_value=0, max_value=len(DESTINATIONS) - 1),
        forward_to=forward_targets,
        delay=delays,
        offset=send_offsets,
        default_time=st.booleans(),
    )
    def send(
        self, destination: int, forward_to: int, delay: Any, offset: Any, default_time: bool
    ) -> None:
        """A message from outside, possibly asking its receiver to send on."""
        at = None if default_time and self.world.now is None else self._at(offset)
        note = self._note(forward_to, delay)
        self._do(("send", {"destination": destination, "note": note, "at": at}))

    @rule(
        group=st.sampled_from(["agents", "crowd"]),
        data=st.data(),
        offset=send_offsets,
    )
    def send_batch(self, group: str, data: st.DataObject, offset: Any) -> None:
        """A Batch from outside, to scalar agents or to the population."""
        size = SIZES[group]
        specs = data.draw(
            st.lists(
                st.tuples(st.integers(0, size - 1), forward_targets, delays),
                min_size=1,
                max_size=5,
            )
        )
        rows = [(index, self._note(target, delay)) for index, target, delay in specs]
        self._do(("batch", {"group": group, "rows": rows, "at": self._at(offset)}))

    @rule(n=steps)
    def run_steps(self, n: int) -> None:
        self._do(("run", {"steps": n}))

    @rule(offset=until_offsets)
    def run_until(self, offset: Any) -> None:
        now = self.world.now
        self._do(("run", {"until": offset if now is None else now + offset}))

    @precondition(lambda self: self.clock is None)
    @rule()
    def run_dry(self) -> None:
        """run() without a horizon delivers everything pending and stops."""
        self._do(("run", {}))
        assert self.world.statistics().pending_chunks == 0

    @rule(target=snapshots)
    def snapshot(self) -> tuple[npl.Snapshot, int]:
        """The twin takes a snapshot too: a snapshot re-lays out the keepers' sets (the
        world goes on from the snapshot's copy), which a restore must reproduce exactly."""
        snap = self.world.snapshot()
        self.twin.snapshot()
        self.log.append(("snapshot", {}))
        self.results.append(None)
        return pickle.loads(pickle.dumps(snap)), len(self.log)

    @rule(taken=consumes(snapshots), fresh=st.booleans())
    def restore_and_continue(self, taken: tuple[npl.Snapshot, int], fresh: bool) -> None:
        """Restoring a snapshot and redoing what followed gives the uninterrupted history."""
        snap, position = taken
        world = build(self.seed, clock=self.clock) if fresh else self.world
        world.restore(snap)
        assert world.now == snap.time
        for op, recorded in zip(self.log[position:], self.results[position:], strict=True):
            res = apply(world, op)
            if recorded is not None:
                assert res is not None
                assert res.equals(recorded), f"continuing from the snapshot changed {op}"
        self.world = world

    @invariant()
    def scheduler_contract(self) -> None:
        if hasattr(self, "world"):
            check_trace(tape_of(self.world), self.world.now)

    @invariant()
    def same_seed_same_trace(self) -> None:
        if hasattr(self, "world"):
            assert trace_hash(self.world) == trace_hash(self.twin)
            assert self.world.statistics() == self.twin.statistics()
            assert self.world.now == self.twin.now


KernelMachine.TestCase.settings = settings(KernelMachine.TestCase.settings, stateful_step_count=40)
TestKernel = KernelMachine.TestCase


def test_the_machine_exercises_batches_broadcasts_and_rounds() -> None:
    """A fixed history through the traced world touches every path the machine relies on."""
    world = build(3)
    send_external(world, 0, Note(0, BROADCAST, 0, 1), at=None)
    send_external(world, 6, Note(4, BATCH, 0.5, 5), at=0)
    send_external_batch(world, "agents", [(2, Note(8)), (0, Note(12, 0, 0, 13))], at=1)
    world.run()
    check_trace(tape_of(world), world.now)
    delivered = {(e[1], e[2], e[3]) for e in deliveries(tape_of(world))}
    assert {(1, "agents", 0), (1, "agents", 1), (1, "agents", 2)} <= delivered
    assert {(5, "crowd", 0), (6, "crowd", 2), (7, "crowd", 1)} <= delivered
    assert (13, "solo", 0) in delivered
    assert world.now == 1.5
    assert np.array_equal(world["crowd"].count, [2, 1, 1, 0])
