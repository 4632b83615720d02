"""The context a handler acts through: the time, its random stream, and a way to send.

No handler is handed anything but its own state, its message and its context, so a handler
can change only its own agent; everything else it does is a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._message import Address

if TYPE_CHECKING:
    from ._scheduler import Buffer
    from ._world import World


class Context:
    """What a handler may use besides its own state and its message.

    ``now`` is the current time, ``rng`` the numpy Generator of the handler's group (draw in
    bulk in populations; one draw at a time works but is slower), and ``me`` the address of
    the agent being handled (for a population, ``Address(group, -1)``: the whole of it).
    """

    __slots__ = ("_sink", "_world", "me", "now", "rng")

    def __init__(
        self, world: World, me: Address, rng: np.random.Generator, sink: Buffer | None = None
    ) -> None:
        self._world = world
        self._sink = sink
        self.me = me
        self.rng = rng
        self.now: Any = 0

    def send(self, to: Address | str, channel: str, message: Any, delay: Any = 0) -> None:
        """Send ``message`` to ``channel`` of ``to``, delivered ``delay`` ≥ 0 after now.

        ``to`` is an :class:`Address`, or a group name: for a one-agent group, or with a
        :class:`Batch` (whose ``to`` names the targets; its delay may be one per message).
        """
        self._world._send(self.now, to, channel, message, delay, self._sink)

    def broadcast(self, group: str, channel: str, message: Any, delay: Any = 0) -> None:
        """Send the same ``message`` to ``channel`` of every agent of ``group``."""
        self._world._broadcast(self.now, group, channel, message, delay, self._sink)

    def __repr__(self) -> str:
        return f"Context(me={self.me}, now={self.now})"
