"""The context a handler acts through: the time, its random stream, and a way to send.

No handler is handed anything but its own state, its message and its context, so a handler
can change only its own agent; everything else it does is a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from random import Random
from typing import Any, Protocol

import numpy as np

from ._message import Address
from ._scheduler import Outbox, Time


class Post(Protocol):
    """What a context sends through: the kernel, which checks and routes every message."""

    @property
    def channels(self) -> Mapping[str, Mapping[str, Destination]]: ...

    def send(
        self, now: Time, to: Address | str, channel: str, message: Any, delay: Any, out: Outbox
    ) -> None: ...

    def broadcast(
        self, now: Time, group: str, channel: str, message: Any, delay: Any, out: Outbox
    ) -> None: ...


class Destination(Protocol):
    """What a send needs to know of a channel: its key, the type it accepts, its group's size."""

    @property
    def key(self) -> int: ...
    @property
    def accepts(self) -> type: ...
    @property
    def size(self) -> int: ...


class Context:
    """What a handler may use besides its own state and its message.

    ``now`` is the current time and ``me`` the address of the agent being handled (for a
    population, ``Address(group, -1)``: the whole of it). Two random streams of the group's
    own, from the world's seed: ``rng``, a numpy Generator (draw in bulk: arrays of numbers,
    as populations do), and ``random``, a Python ``random.Random`` (one number at a time, as
    scalar agents and ports from Mesa do: several times faster per draw than ``rng``).
    """

    __slots__ = ("_post", "_routes", "me", "now", "out", "random", "rng")

    def __init__(
        self,
        post: Post,
        me: Address,
        rng: np.random.Generator,
        random: Random,
        out: Outbox,
    ) -> None:
        self._post = post
        self._routes = post.channels
        self.out = out  # where sends go: the queue, a sequential cascade, or an async buffer
        self.me = me
        self.rng = rng
        self.random = random
        self.now: Any = 0

    def send(self, to: Address | str, channel: str, message: Any, delay: Any = 0) -> None:
        """Send ``message`` to ``channel`` of ``to``, delivered ``delay`` ≥ 0 after now.

        ``to`` is an :class:`Address`, or a group name: for a one-agent group, or with a
        :class:`Batch` (whose ``to`` names the targets; its delay may be one per message).
        """
        # The common case, checked inline: one message of the exact type, to one agent, with
        # a whole delay. Everything else goes through the kernel's full checks.
        if type(to) is Address and type(delay) is int and delay >= 0:
            try:
                route = self._routes[to.group][channel]
            except KeyError:
                pass
            else:
                i = to.index
                if type(message) is route.accepts and type(i) is int and 0 <= i < route.size:
                    out = self.out
                    try:
                        out.slots[self.now + delay, route.key].append((i, message))
                    except KeyError:
                        out.put(self.now + delay, route.key, (i, message))
                    return
        self._post.send(self.now, to, channel, message, delay, self.out)

    def broadcast(self, group: str, channel: str, message: Any, delay: Any = 0) -> None:
        """Send the same ``message`` to ``channel`` of every agent of ``group``."""
        self._post.broadcast(self.now, group, channel, message, delay, self.out)

    def __repr__(self) -> str:
        return f"Context(me={self.me}, now={self.now})"
