"""The context a handler acts through: the time, its random stream, and a way to send.

No handler is handed anything but its own state, its message and its context, so a handler
can change only its own agent; everything else it does is a message.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from ._message import Address
from ._scheduler import Chunk, Time


class Outbox(Protocol):
    """Where a send's chunk goes: the world's queue, or a buffer committed later."""

    def put(self, time: Time, key: int, chunk: Chunk) -> None: ...


class Post(Protocol):
    """What a context sends through: the kernel, which checks and routes every message."""

    def send(
        self, now: Time, to: Address | str, channel: str, message: Any, delay: Any, out: Outbox
    ) -> None: ...

    def broadcast(
        self, now: Time, group: str, channel: str, message: Any, delay: Any, out: Outbox
    ) -> None: ...

    @property
    def out(self) -> Outbox: ...


class Context:
    """What a handler may use besides its own state and its message.

    ``now`` is the current time, ``rng`` the numpy Generator of the handler's group (draw in
    bulk in populations; one draw at a time works but is slower), and ``me`` the address of
    the agent being handled (for a population, ``Address(group, -1)``: the whole of it).
    """

    __slots__ = ("_post", "_sink", "me", "now", "rng")

    def __init__(
        self, post: Post, me: Address, rng: np.random.Generator, sink: Outbox | None = None
    ) -> None:
        self._post = post
        self._sink = sink
        self.me = me
        self.rng = rng
        self.now: Any = 0

    def send(self, to: Address | str, channel: str, message: Any, delay: Any = 0) -> None:
        """Send ``message`` to ``channel`` of ``to``, delivered ``delay`` ≥ 0 after now.

        ``to`` is an :class:`Address`, or a group name: for a one-agent group, or with a
        :class:`Batch` (whose ``to`` names the targets; its delay may be one per message).
        """
        post = self._post
        sink = self._sink
        post.send(self.now, to, channel, message, delay, post.out if sink is None else sink)

    def broadcast(self, group: str, channel: str, message: Any, delay: Any = 0) -> None:
        """Send the same ``message`` to ``channel`` of every agent of ``group``."""
        post = self._post
        sink = self._sink
        post.broadcast(self.now, group, channel, message, delay, post.out if sink is None else sink)

    def __repr__(self) -> str:
        return f"Context(me={self.me}, now={self.now})"
