"""The scheduler's queue: message batches ordered by (time, round, channel, send order).

Everything due at one time is one *instant*. An instant is delivered in rounds: a round
hands each channel, in canonical channel order, every chunk that was due when the round
began; messages sent with delay 0 during a round are due in the next round of the same
instant. Within a channel, chunks keep the order in which they were sent.
"""

from __future__ import annotations

import heapq
import math
from typing import Any, Protocol, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from ._message import Batch

Time: TypeAlias = float | int


def is_time(x: Any) -> bool:
    """Whether ``x`` is a time: a finite int or float (numpy's too), not a bool."""
    return not isinstance(x, bool) and isinstance(x, int | float | np.number) and math.isfinite(x)


@attrs.frozen
class Sweep:
    """One message for every agent of a group, in ``order`` (``None``: index order)."""

    message: Any
    order: npt.NDArray[np.int64] | None = None


#: One message for agent ``index`` of a group, from a scalar send.
Single: TypeAlias = tuple[int, Any]

#: What the queue holds for one channel: a single message, a batch, or a sweep of a group.
Chunk: TypeAlias = Single | Batch[Any] | Sweep


class Outbox(Protocol):
    """Where sends go. ``slots[time, key]``, where it exists, is the list of chunks due for
    channel ``key`` at ``time`` to append to (the fast path of a send); ``put`` makes it."""

    slots: dict[tuple[Time, int], Slot]

    def put(self, time: Time, key: int, chunk: Chunk) -> None: ...


class Slot(Protocol):
    """Chunks due for one channel at one time, in the order they were sent."""

    def append(self, chunk: Chunk, /) -> None: ...


class Queue:
    """Pending deliveries: the chunks due for each (time, channel key), and a heap of times.

    Channel keys are ints; their order is the canonical delivery order within a round.
    """

    __slots__ = ("_keys", "_times", "slots")

    def __init__(self) -> None:
        self.slots: dict[tuple[Time, int], Any] = {}  # lists of chunks, in send order
        self._times: list[Time] = []
        self._keys: dict[Time, list[int]] = {}  # the keys with chunks due at each time

    def put(self, time: Time, key: int, chunk: Chunk) -> None:
        """Queue ``chunk`` for channel ``key`` at ``time``."""
        chunks = self.slots.get((time, key))
        if chunks is None:
            keys = self._keys.get(time)
            if keys is None:
                keys = self._keys[time] = []
                heapq.heappush(self._times, time)
            keys.append(key)
            chunks = self.slots[time, key] = []
        chunks.append(chunk)

    def next_time(self) -> Time | None:
        """The earliest time anything is due, or None when the queue is empty."""
        return self._times[0] if self._times else None

    def pop_round(self) -> tuple[Time, list[tuple[int, list[Chunk]]]]:
        """Remove and return the earliest round: its time and its (key, chunks) in key order."""
        time = heapq.heappop(self._times)
        keys = sorted(self._keys.pop(time))
        slots = self.slots
        return time, [(key, slots.pop((time, key))) for key in keys]

    def state(self) -> tuple[list[Time], dict[Time, list[int]], list[tuple[Any, Any]]]:
        """Everything pending as plain lists and dicts (for snapshots), keeping the very time
        values the queue holds (an instant due at ``2`` and ``2.0`` is one instant, and it
        is "now" as the value first queued)."""
        return list(self._times), dict(self._keys), list(self.slots.items())

    @classmethod
    def from_state(
        cls, state: tuple[list[Time], dict[Time, list[int]], list[tuple[Any, Any]]]
    ) -> Queue:
        """The queue whose :meth:`state` is ``state``."""
        times, keys, slots = state
        queue = cls()
        queue._times, queue._keys, queue.slots = list(times), dict(keys), dict(slots)
        return queue

    def chunks(self) -> int:
        """The number of chunks pending."""
        return sum(len(c) for c in self.slots.values())

    def pending(self) -> list[tuple[Time, int, Chunk]]:
        """Every pending chunk as (time, key, chunk), in delivery order (for inspection)."""
        slots = self.slots
        return [(time, key, chunk) for time, key in sorted(slots) for chunk in slots[time, key]]


class Entry:
    """The slot of one (time, key) in a buffer or a cascade: each append goes on a list of
    (time, key, chunk) shared by every slot, so the order of all sends is kept."""

    __slots__ = ("_key", "_sends", "_time")

    def __init__(self, sends: list[tuple[Time, int, Chunk]], time: Time, key: int) -> None:
        self._sends, self._time, self._key = sends, time, key

    def append(self, chunk: Chunk) -> None:
        self._sends.append((self._time, self._key, chunk))


class Buffer:
    """Sends held back until they can be committed in canonical order (async rounds);
    ``sends`` lists them in the order they were made."""

    __slots__ = ("sends", "slots")

    def __init__(self) -> None:
        self.sends: list[tuple[Time, int, Chunk]] = []
        self.slots: dict[tuple[Time, int], Slot] = {}

    def put(self, time: Time, key: int, chunk: Chunk) -> None:
        """Hold ``chunk`` for channel ``key`` at ``time``."""
        entry = self.slots[time, key] = Entry(self.sends, time, key)
        entry.append(chunk)
