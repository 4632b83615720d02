"""The scheduler's queue: message batches ordered by (time, round, channel, send order).

Everything due at one time is one *instant*. An instant is delivered in rounds: a round
hands each channel, in canonical channel order, every chunk that was due when the round
began; messages sent with delay 0 during a round are due in the next round of the same
instant. Within a channel, chunks keep the order in which they were sent.
"""

from __future__ import annotations

import heapq
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from ._message import Batch

Time: TypeAlias = float | int


@attrs.frozen
class Sweep:
    """One message for every agent of a group, in ``order`` (``None``: index order)."""

    message: Any
    order: npt.NDArray[np.int64] | None = None


#: One message for agent ``index`` of a group, from a scalar send.
Single: TypeAlias = tuple[int, Any]

#: What the queue holds for one channel: a single message, a batch, or a sweep of a group.
Chunk: TypeAlias = Single | Batch[Any] | Sweep


class Buffer(list[tuple[Time, int, Chunk]]):
    """Deliveries held back until they can be committed in canonical order (async rounds)."""

    def put(self, time: Time, key: int, chunk: Chunk) -> None:
        """Hold ``chunk`` for channel ``key`` at ``time``."""
        self.append((time, key, chunk))


@attrs.define
class Queue:
    """Pending deliveries: a heap of due times and, per time, the chunks for each channel key.

    Channel keys are ints; their order is the canonical delivery order within a round.
    """

    _times: list[Time] = attrs.field(factory=list)
    _due: dict[Time, dict[int, list[Chunk]]] = attrs.field(factory=dict)

    def put(self, time: Time, key: int, chunk: Chunk) -> None:
        """Queue ``chunk`` for channel ``key`` at ``time``."""
        slot = self._due.get(time)
        if slot is None:
            slot = self._due[time] = {}
            heapq.heappush(self._times, time)
        chunks = slot.get(key)
        if chunks is None:
            slot[key] = [chunk]
        else:
            chunks.append(chunk)

    def next_time(self) -> Time | None:
        """The earliest time anything is due, or None when the queue is empty."""
        return self._times[0] if self._times else None

    def pop_round(self) -> tuple[Time, list[tuple[int, list[Chunk]]]]:
        """Remove and return the earliest round: its time and its (key, chunks) in key order."""
        time = heapq.heappop(self._times)
        slot = self._due.pop(time)
        return time, sorted(slot.items())

    def __len__(self) -> int:
        """The number of chunks pending."""
        return sum(len(c) for slot in self._due.values() for c in slot.values())

    def pending(self) -> list[tuple[Time, int, Chunk]]:
        """Every pending chunk as (time, key, chunk), in delivery order (for inspection)."""
        return [
            (time, key, chunk)
            for time in sorted(self._due)
            for key, chunks in sorted(self._due[time].items())
            for chunk in chunks
        ]
