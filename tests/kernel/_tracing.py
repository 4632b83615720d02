"""A small traced world for kernel tests: every delivery and every send goes on a tape.

Scalar agents (``solo``: one agent with two channels; ``agents``: three) and a population
(``crowd``: four) record each message they receive with its time, round-independent facts
and a random draw, and forward the child a :class:`~strategies.Note` asks for. The tape is
part of the agents' state (one list shared by all of them), so snapshots carry it along.
:func:`check_trace` then states the scheduler's contract over a whole tape.
"""

from __future__ import annotations

import hashlib
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
from strategies import Note

import npolitics as npl

#: Where a Note may be sent: (group, index, channel). ``solo`` is addressed by group name.
DESTINATIONS: tuple[tuple[str, int, str], ...] = (
    ("solo", 0, "note"),
    ("solo", 0, "aside"),
    ("agents", 0, "note"),
    ("agents", 1, "note"),
    ("agents", 2, "note"),
    ("agents", 1, "aside"),
    ("crowd", 0, "note"),
    ("crowd", 1, "note"),
    ("crowd", 2, "note"),
    ("crowd", 3, "note"),
)
SIZES = {"solo": 1, "agents": 3, "crowd": 4}

#: The canonical order of channels within a round: groups in the order they were added,
#: then channels in the order their agent type declares them.
CHANNEL_ORDER = {
    ("solo", "note"): 0,
    ("solo", "aside"): 1,
    ("agents", "note"): 2,
    ("agents", "aside"): 3,
    ("crowd", "note"): 4,
}
BROADCAST = -2  # fwd_target: broadcast one child to every agent of "agents"
BATCH = -3  # fwd_target: send three children to "crowd" as one Batch with array delays
UIDS_PER_NOTE = 4  # a note and its (up to three) children


@attrs.define
class Tape:
    """The events of one world, in the order they happened."""

    events: list[tuple[Any, ...]] = attrs.field(factory=list)


def address(destination: int) -> tuple[npl.Address | str, str]:
    group, index, channel = DESTINATIONS[destination]
    return (group if group == "solo" else npl.Address(group, index)), channel


def record_send(tape: Tape, uid: int, due: Any, recipients: Any, parent: Any) -> None:
    """A send: ``recipients`` are (group, index, channel); ``parent`` is (uid, now) or None."""
    tape.events.append(("send", uid, due, tuple(recipients), parent))


def forward(tape: Tape, uid: int, target: int, delay: Any, child: int, ctx: npl.Context) -> None:
    """Send the child that Note ``uid`` asks for, recording the send first."""
    if target == -1:
        return
    now = ctx.now
    parent = (uid, now)
    if target == BROADCAST:
        recipients = [("agents", i, "note") for i in range(SIZES["agents"])]
        record_send(tape, child, now + delay, recipients, parent)
        ctx.broadcast("agents", "note", Note(child), delay=delay)
    elif target == BATCH:
        to = np.array([0, 2, 1])
        delays = np.array([delay, delay + 1, delay], dtype=np.float64)
        uids = child + np.arange(3)
        for row in range(3):
            due = now + float(delays[row])
            record_send(tape, int(uids[row]), due, [("crowd", int(to[row]), "note")], parent)
        ctx.send("crowd", "note", npl.Batch(Note, to, uid=uids), delay=delays)
    else:
        group, index, channel = DESTINATIONS[target]
        record_send(tape, child, now + delay, [(group, index, channel)], parent)
        to, channel = address(target)
        ctx.send(to, channel, Note(child), delay=delay)


class Scribe(npl.Agent):
    """A scalar agent that records what it receives on either of its two channels."""

    tape: Tape
    count: int = 0

    def _receive(self, channel: str, m: Note, ctx: npl.Context) -> None:
        self.count += 1
        me = ctx.me
        draw = float(ctx.rng.random())
        self.tape.events.append(("deliver", m.uid, me.group, me.index, channel, ctx.now, draw))
        forward(self.tape, m.uid, m.fwd_target, m.fwd_delay, m.fwd_uid, ctx)

    @npl.channel
    def note(self, m: Note, ctx: npl.Context) -> None:
        self._receive("note", m, ctx)

    @npl.channel
    def aside(self, m: Note, ctx: npl.Context) -> None:
        self._receive("aside", m, ctx)

    def wellbeing(self) -> float:
        return float(self.count)


class Crowd(npl.Population):
    """A population that records each message of a batch, in batch order."""

    tape: Tape = attrs.field(factory=Tape)
    count: npt.NDArray[np.int64] = npl.column(np.int64, 0)

    @npl.channel
    def note(self, batch: npl.Batch[Note], ctx: npl.Context) -> None:
        np.add.at(self.count, batch.to, 1)
        draws = ctx.rng.random(len(batch))
        uid, to = batch.uid.tolist(), batch.to.tolist()
        for row in range(len(batch)):
            self.tape.events.append(
                ("deliver", uid[row], "crowd", to[row], "note", ctx.now, float(draws[row]))
            )
        targets, delays, children = batch.fwd_target, batch.fwd_delay, batch.fwd_uid
        for row in range(len(batch)):
            forward(
                self.tape,
                uid[row],
                int(targets[row]),
                delays[row].item(),
                int(children[row]),
                ctx,
            )

    def wellbeing(self) -> npt.NDArray[np.float64]:
        return self.count.astype(np.float64)


@attrs.define  # slotted, as attrs makes classes by default
class Keeper(npl.Agent):
    """On each tick, adds random numbers to a set and pops one when it is full: which one
    depends on the set's history, so the tape holds the set's iteration order."""

    tape: Tape
    seen: set[int] = attrs.field(factory=set)

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        for value in ctx.rng.integers(0, 1_000, size=3).tolist():
            self.seen.add(value)
        popped = self.seen.pop() if len(self.seen) > 5 else None
        first = next(iter(self.seen), None)
        self.tape.events.append(("tick", ctx.me.index, ctx.now, popped, first))


def build(seed: int = 0, name: str = "traced", clock: str | None = None) -> npl.World:
    """A fresh traced world: solo, agents, crowd, one shared tape, metric "delivered"; with
    ``clock`` (an activation) also two keepers ticked in shuffled order."""
    tape = Tape()
    world = npl.World(name, seed=seed)
    world.add("solo", Scribe(tape=tape))
    world.add("agents", [Scribe(tape=tape) for _ in range(SIZES["agents"])])
    world.add("crowd", Crowd(n=SIZES["crowd"], tape=tape))
    if clock is not None:
        world.add("keepers", [Keeper(tape), Keeper(tape)])
        world.clock("keepers", order="shuffled", activation=clock)  # type: ignore[arg-type]
    world.metric("delivered", lambda w: float(len(deliveries(tape_of(w)))))
    return world


def tape_of(world: npl.World) -> Tape:
    """The world's tape (after a restore it is a new object, reached through the agents)."""
    tape: Tape = world["solo"].tape
    return tape


def deliveries(tape: Tape) -> list[tuple[Any, ...]]:
    return [e for e in tape.events if e[0] == "deliver"]


def trace_hash(world: npl.World) -> str:
    """A digest of the whole tape: equal digests, equal traces (times, order, draws)."""
    return hashlib.sha256(repr(tape_of(world).events).encode()).hexdigest()


def send_external(world: npl.World, destination: int, note: Note, at: Any) -> None:
    """Send ``note`` from outside the society, recording it first."""
    group, index, channel = DESTINATIONS[destination]
    due = at if at is not None else (world.now if world.now is not None else 0)
    record_send(tape_of(world), note.uid, due, [(group, index, channel)], None)
    to, channel = address(destination)
    world.send(to, channel, note, at=at)


def send_external_batch(
    world: npl.World, group: str, rows: list[tuple[int, Note]], at: Any
) -> None:
    """Send a Batch of notes (one row per (index, note)) to ``group``'s "note" channel."""
    tape = tape_of(world)
    for index, note in rows:
        record_send(tape, note.uid, at, [(group, index, "note")], None)
    batch = npl.Batch(
        Note,
        [i for i, _ in rows],
        uid=np.array([n.uid for _, n in rows]),
        fwd_target=np.array([n.fwd_target for _, n in rows]),
        fwd_delay=np.array([n.fwd_delay for _, n in rows], dtype=np.float64),
        fwd_uid=np.array([n.fwd_uid for _, n in rows]),
    )
    world.send(group, "note", batch, at=at)


def check_trace(tape: Tape, now: Any) -> None:
    """The scheduler's contract, over a whole tape, for a world that has run up to ``now``.

    - every message is delivered exactly once to each of its recipients, at exactly the
      time it was due (never before send time + delay), and only once that time ≤ ``now``;
    - deliveries happen in canonical order: by time, then round within the instant, then
      channel order, then send order (then batch row / broadcast index).
    """
    sends: dict[int, tuple[int, Any, tuple[Any, ...], Any]] = {}
    rounds: dict[int, int] = {}
    seen: set[tuple[Any, ...]] = set()
    last_key: tuple[Any, ...] | None = None
    for position, event in enumerate(tape.events):
        if event[0] == "tick":
            continue
        if event[0] == "send":
            _, uid, due, recipients, parent = event
            assert uid not in sends, f"uid {uid} sent twice"
            sends[uid] = (position, due, recipients, parent)
            continue
        _, uid, group, index, channel, time, _draw = event
        assert uid in sends, f"message {uid} delivered but never sent"
        send_pos, due, recipients, parent = sends[uid]
        recipient = (group, index, channel)
        assert recipient in recipients, f"message {uid} reached {recipient}, not {recipients}"
        assert (uid, *recipient) not in seen, f"message {uid} delivered twice to {recipient}"
        seen.add((uid, *recipient))
        assert time == due, f"message {uid} due at {due} was delivered at {time}"
        # Sent from outside or with a delay > 0: the first round; with delay 0: the next round.
        round_ = 0 if parent is None or due > parent[1] else rounds[parent[0]] + 1
        rounds.setdefault(uid, round_)
        key = (time, round_, CHANNEL_ORDER[group, channel], send_pos, index)
        assert last_key is None or key > last_key, (
            f"delivery {key} of message {uid} came after {last_key}: not canonical order"
        )
        last_key = key
    for uid, (_, due, recipients, _) in sends.items():
        for recipient in recipients:
            delivered = (uid, *recipient) in seen
            if now is not None and due <= now:
                assert delivered, f"message {uid} due at {due} ≤ now={now} was not delivered"
            else:
                assert not delivered, f"message {uid} due at {due} > now={now} was delivered"
