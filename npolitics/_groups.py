"""Groups: the three shapes in which a world holds agents.

A group is one agent, a list of agents of one type, or a population. Each shape knows how
to hand its members the chunks due for one of their channels, how to list the handler calls
those chunks make, how to evaluate W(ψ) of every member, and how to read and write its
members' state (the one state protocol of snapshots, restores and rollbacks).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

import attrs
import numpy as np

from ._agent import Agent, Population
from ._channel import Channel
from ._context import Context
from ._errors import DefinitionError, WellbeingError
from ._message import Address, Batch, concat
from ._scheduler import Chunk, Sweep
from ._state import put_state, state_of
from ._wellbeing import FloatArray, as_float, check_finite


class DeliveryError(Exception):
    """A handler raised while its group delivered: ``index`` is the agent (-1 for a whole
    population) and ``message`` what it was handling; the handler's exception is the cause."""

    def __init__(self, index: int, message: Any) -> None:
        super().__init__(index, message)
        self.index = index
        self.message = message


@attrs.define(eq=False)
class Group(abc.ABC):
    """Agents of one type that share a name, a random stream and a context."""

    kind: ClassVar[str]

    name: str
    agent_type: type[Agent] | type[Population]
    size: int
    context: Context

    @property
    @abc.abstractmethod
    def members(self) -> Any:
        """What ``world[name]`` gives: the agent, the list of agents, or the population."""

    @abc.abstractmethod
    def deliver(self, channel: Channel, chunks: Sequence[Chunk]) -> int:
        """Hand every message of ``chunks`` to ``channel``'s handler, in order; return how many
        messages were delivered. A handler that raises is a :class:`DeliveryError`."""

    @abc.abstractmethod
    def calls(self, channel: Channel, chunks: Sequence[Chunk]) -> list[tuple[int, Any]]:
        """The handler calls ``chunks`` make, in order: (agent index, message), or (-1, batch)
        for a population."""

    @abc.abstractmethod
    def member(self, index: int) -> Any:
        """The object a handler call for agent ``index`` (-1: the population) acts on."""

    @abc.abstractmethod
    def wellbeing(self, world: str, time: Any) -> FloatArray:
        """W(ψ) of every member, checked to be finite."""

    @abc.abstractmethod
    def get_state(self) -> Any:
        """Every member's state, as the state protocol reads it."""

    @abc.abstractmethod
    def set_state(self, state: Any) -> None:
        """Put back a state read by :meth:`get_state` of a group composed alike."""


@attrs.define(eq=False)
class AgentList(Group):
    """Scalar agents of one type, each handling one message at a time."""

    kind: ClassVar[str] = "agents"

    agents: list[Agent] = attrs.field(factory=list)
    addresses: list[Address] = attrs.field(factory=list)

    @property
    def members(self) -> Any:
        return self.agents

    def deliver(self, channel: Channel, chunks: Sequence[Chunk]) -> int:
        ctx, handler = self.context, channel.handler
        agents, addresses = self.agents, self.addresses
        extra = 0  # messages beyond one per chunk
        i, m = -1, None
        try:
            for chunk in chunks:
                if type(chunk) is tuple:
                    i, m = chunk
                    ctx.me = addresses[i]
                    handler(agents[i], m, ctx)
                    continue
                extra -= 1
                for i, m in self._expand(chunk):  # type: ignore[arg-type]
                    ctx.me = addresses[i]
                    handler(agents[i], m, ctx)
                    extra += 1
        except Exception as exc:
            raise DeliveryError(i, m) from exc
        return len(chunks) + extra

    def calls(self, channel: Channel, chunks: Sequence[Chunk]) -> list[tuple[int, Any]]:
        out: list[tuple[int, Any]] = []
        for chunk in chunks:
            if type(chunk) is tuple:
                out.append(chunk)
            else:
                out.extend(self._expand(chunk))  # type: ignore[arg-type]
        return out

    def _expand(self, chunk: Batch[Any] | Sweep) -> Iterable[tuple[int, Any]]:
        if type(chunk) is Sweep:
            order: Iterable[int] = range(self.size) if chunk.order is None else chunk.order.tolist()
            message = chunk.message
            return ((i, message) for i in order)
        return chunk.messages()  # type: ignore[union-attr]

    def member(self, index: int) -> Any:
        return self.agents[index]

    def wellbeing(self, world: str, time: Any) -> FloatArray:
        try:
            values = np.array([a.wellbeing() for a in self.agents], dtype=np.float64)
        except (TypeError, ValueError):
            values = np.empty(0)
        if values.shape != (self.size,):  # not one number each: find the one to name
            values = np.fromiter(
                (as_float(a.wellbeing(), self.name, i, world) for i, a in enumerate(self.agents)),
                dtype=np.float64,
                count=self.size,
            )
        return check_finite(values, self.name, world, time)

    def get_state(self) -> Any:
        return [state_of(a) for a in self.agents]

    def set_state(self, state: Any) -> None:
        for agent, agent_state in zip(self.agents, state, strict=True):
            put_state(agent, agent_state)


@attrs.define(eq=False)
class OneAgent(AgentList):
    """A group of one agent, addressed by the group's name alone."""

    kind: ClassVar[str] = "agent"

    @property
    def members(self) -> Any:
        return self.agents[0]


@attrs.define(eq=False)
class PopulationGroup(Group):
    """A population: every message due for a channel at one instant goes in one Batch."""

    kind: ClassVar[str] = "population"

    population: Population = attrs.field(kw_only=True)

    @property
    def members(self) -> Any:
        return self.population

    def deliver(self, channel: Channel, chunks: Sequence[Chunk]) -> int:
        batch = self.batch(channel.accepts, chunks)
        try:
            channel.handler(self.population, batch, self.context)
        except Exception as exc:
            raise DeliveryError(-1, batch) from exc
        return len(batch)

    def calls(self, channel: Channel, chunks: Sequence[Chunk]) -> list[tuple[int, Any]]:
        return [(-1, self.batch(channel.accepts, chunks))]

    def batch(self, accepts: type, chunks: Sequence[Chunk]) -> Batch[Any]:
        """Every message of ``chunks`` as one batch, in order."""
        parts: list[Batch[Any]] = []
        singles: list[tuple[int, Any]] = []
        for chunk in chunks:
            if type(chunk) is tuple:
                singles.append(chunk)
                continue
            if singles:
                parts.append(Batch.of(singles, accepts))
                singles = []
            if type(chunk) is Sweep:
                order = np.arange(self.size) if chunk.order is None else chunk.order
                fields = attrs.asdict(chunk.message, recurse=False)
                parts.append(Batch(accepts, order, **fields))
            else:
                parts.append(chunk)  # type: ignore[arg-type]
        if singles:
            parts.append(Batch.of(singles, accepts))
        return concat(parts)

    def member(self, index: int) -> Any:
        return self.population

    def wellbeing(self, world: str, time: Any) -> FloatArray:
        values = np.asarray(self.population.wellbeing(), dtype=np.float64)
        if values.shape != (self.size,):
            raise WellbeingError(
                f"in world {world!r}: {type(self.population).__qualname__}.wellbeing() of group "
                f"{self.name!r} must return {self.size} values, got shape {values.shape}"
            )
        return check_finite(values, self.name, world, time)

    def get_state(self) -> Any:
        return state_of(self.population)

    def set_state(self, state: Any) -> None:
        put_state(self.population, state)


def make_group(
    name: str, agents: Agent | Population | Sequence[Agent], context: Callable[[Address], Context]
) -> Group:
    """The group that holds ``agents``: one agent, a non-empty list of one type, or a
    population. ``context(me)`` makes the group's context."""
    if isinstance(agents, Population):
        me = Address(name, -1)
        return PopulationGroup(name, type(agents), len(agents), context(me), population=agents)
    if isinstance(agents, Agent):
        me = Address(name, 0)
        return OneAgent(name, type(agents), 1, context(me), [agents], [me])
    members = list(agents) if isinstance(agents, Iterable) else []
    types = {type(a) for a in members}
    if not members or not all(isinstance(a, Agent) for a in members) or len(types) > 1:
        raise DefinitionError(
            f"group {name!r} must be an Agent, a Population, or a non-empty sequence of "
            f"Agents of one type; got {_describe(agents)}"
        )
    addresses = [Address(name, i) for i in range(len(members))]
    return AgentList(name, types.pop(), len(members), context(addresses[0]), members, addresses)


def _describe(x: object) -> str:
    return (
        type(x).__qualname__ if not isinstance(x, Iterable) else f"{type(x).__qualname__} of items"
    )
