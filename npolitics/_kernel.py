"""The kernel: the queue, the routes to every channel, the clocks, and each instant's plan.

Everything that decides *what is delivered when* lives here, once. ``plan(t)`` yields the
rounds of instant ``t`` in delivery order; ``World.run`` and ``World.run_async`` only drive
that plan (run each delivery, inline or awaited) and observe the world between instants.

An instant is delivered in rounds. A round hands each channel, in canonical order (clocks
first, in declaration order; then groups in the order they were added, each group's channels
in declaration order), every chunk due when the round began; what is sent with delay 0 during
a round is due in the next round of the same instant. That is *simultaneous* activation.
A clock with *sequential* activation instead activates its agents one at a time, and delivers
everything an activated agent sends with delay 0 — and what that causes, depth first — before
it activates the next: Mesa's ``shuffle_do``, NetLogo's ``ask``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from random import Random
from typing import Any, Literal, TypeAlias

import attrs
import numpy as np

from ._agent import Agent, Population
from ._channel import Channel, channels
from ._compiled import Runner, compiled_mode, message_layout, resolve_outboxes, state_names
from ._context import Context
from ._engine import Engine, Sampling
from ._errors import (
    ArgumentError,
    DefinitionError,
    DelayError,
    MessageTypeError,
    StalledError,
    UnknownAgentError,
    UnknownChannelError,
)
from ._groups import AgentList, DeliveryError, Group, make_group
from ._message import Address, Batch, Tick
from ._scheduler import Chunk, Outbox, Queue, Slot, Sweep, Time, is_time

Order = Literal["fixed", "shuffled"]
Activation = Literal["simultaneous", "sequential"]
ORDERS: tuple[Order, ...] = ("fixed", "shuffled")
ACTIVATIONS: tuple[Activation, ...] = ("simultaneous", "sequential")

_CLOCK_KEY = -(2**40)  # clock subscriptions sort before every channel, in declaration order

#: Rounds (of delay-0 deliveries) one instant may take before the run is stopped as stalled:
#: an instant that never ends is a model whose time cannot move, not a long computation.
MAX_ROUNDS = 2**20


@attrs.frozen(eq=False)
class Route:
    """Where a channel's messages go: its canonical key, its group and its channel."""

    key: int
    group: Group
    channel: Channel
    accepts: type = attrs.field(init=False)
    size: int = attrs.field(init=False)
    handler: Callable[..., Any] = attrs.field(init=False)
    #: A scalar group's agents and addresses (None for a population): one message at a time.
    agents: list[Agent] | None = attrs.field(init=False)
    addresses: list[Address] = attrs.field(init=False)
    context: Context = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        # Read on every send and every delivery of a cascade: kept flat for the fast paths.
        scalar = self.group if isinstance(self.group, AgentList) else None
        object.__setattr__(self, "accepts", self.channel.accepts)
        object.__setattr__(self, "size", self.group.size)
        object.__setattr__(self, "handler", self.channel.handler)
        object.__setattr__(self, "agents", None if scalar is None else scalar.agents)
        object.__setattr__(self, "addresses", [] if scalar is None else scalar.addresses)
        object.__setattr__(self, "context", self.group.context)


@attrs.frozen(eq=False)
class Clock:
    """A clock: ``Tick(t)`` to ``route`` every ``every``, in ``order``, under ``activation``."""

    key: int
    route: Route
    every: Time
    order: Order
    activation: Activation


#: One delivery of a plan: the route, and the chunks it hands to the route's channel.
Delivery: TypeAlias = tuple[Route, Sequence[Chunk]]

#: Deliveries that act on the state at the start of the round: they may run in any order
#: (the sync driver runs them in canonical order; the async driver runs async ones at once).
Round: TypeAlias = list[Delivery]

#: A sequential activation: one (route, chunk) at a time, each delivered before the next is
#: asked for (what it sends with delay 0 decides what comes next).
Cascade: TypeAlias = Iterator[tuple[Route, Chunk]]

#: One step of an instant's plan.
Step: TypeAlias = Round | Cascade


class DeliveryFailedError(Exception):
    """A handler raised during instant ``time``: where, and what it was handling."""

    def __init__(self, route: Route, index: int, message: Any, time: Time) -> None:
        super().__init__(route.group.name, route.channel.name, index, time)
        self.route, self.index, self.message, self.time = route, index, message, time


class _Now:
    """A cascade's slot for one channel now: appends keep the order of all its sends."""

    __slots__ = ("_fresh", "_key")

    def __init__(self, fresh: list[tuple[int, Chunk]], key: int) -> None:
        self._fresh, self._key = fresh, key

    def append(self, chunk: Chunk) -> None:
        self._fresh.append((self._key, chunk))


class _Cascade:
    """The outbox of a sequential activation: what is due now waits in ``fresh`` to be
    delivered before the next agent acts; what is due later goes to the queue."""

    __slots__ = ("fresh", "now", "queue", "slots")

    def __init__(self, queue: Queue, now: Time) -> None:
        self.queue, self.now = queue, now
        self.fresh: list[tuple[int, Chunk]] = []  # (key, chunk), in the order they were sent
        self.slots: dict[tuple[Time, int], Slot] = {}

    def put(self, time: Time, key: int, chunk: Chunk) -> None:
        if time == self.now:
            self.slots[time, key] = _Now(self.fresh, key)
            self.fresh.append((key, chunk))
        else:
            self.queue.put(time, key, chunk)
            # Slots due later stay in the queue for the whole instant: safe to append to.
            self.slots[time, key] = self.queue.slots[time, key]


class Kernel:
    """The groups, the queue of pending chunks, the clocks and the delivery counters.

    ``rng`` is the world's own stream (shuffled clocks draw from it); each group's context
    holds the group's stream.
    """

    def __init__(self, world: str, rng: np.random.Generator) -> None:
        self.world = world
        self.rng = rng
        self.groups: dict[str, Group] = {}
        self.channels: dict[str, dict[str, Route]] = {}  # the routes by group, then channel
        self.by_key: list[Route] = []
        self.clocks: dict[int, Clock] = {}
        self.queue = Queue()
        self.out: Outbox = self.queue  # where sends made now go (a cascade while sequential)
        self.now: Time | None = None
        self.instants = 0
        self.delivered = 0
        self.batches = 0
        #: Whether compiled channels run through numba (None: not decided by a run yet).
        self.compiled: bool | None = None
        self.runners: dict[tuple[str, str], Runner] = {}
        #: The compiled cascades and instants of this world (None: not made, or interpreted).
        self.engine: Engine | None = None
        self._rng_pointers: tuple[Any, tuple[int, ...]] = (None, ())

    # -- composition -------------------------------------------------------------------

    def add(
        self,
        name: str,
        agents: Agent | Population | Sequence[Agent],
        rng: np.random.Generator,
        random: Random,
    ) -> Group:
        """Add the group ``name`` and a route to each of its channels."""
        group = make_group(name, agents, lambda me: Context(self, me, rng, random, self.queue))
        self.groups[name] = group
        for cname, ch in channels(group.agent_type).items():
            route = Route(key=len(self.by_key), group=group, channel=ch)
            self.channels.setdefault(name, {})[cname] = route
            self.by_key.append(route)
        return group

    def clock(
        self, group: str, channel: str, order: Any, activation: Any, every: Any, start: Any
    ) -> None:
        """Tick ``channel`` of every agent of ``group`` at ``start + k·every``."""
        route = self.route(group, channel)
        if order not in ORDERS:
            raise ArgumentError(f"order must be {_either(ORDERS)}, got {order!r}")
        if activation not in ACTIVATIONS:
            raise ArgumentError(f"activation must be {_either(ACTIVATIONS)}, got {activation!r}")
        if not issubclass(Tick, route.accepts):
            raise MessageTypeError(
                f"channel {channel!r} of group {group!r} accepts {route.accepts.__qualname__}; "
                f"a clock sends Tick (a {activation} clock drives only channels accepting Tick)"
            )
        if not is_time(every) or not every > 0:
            raise ArgumentError(f"a clock's period must be a finite number > 0, got {every!r}")
        if not is_time(start):
            raise ArgumentError(f"a clock's start must be a finite time, got {start!r}")
        key = _CLOCK_KEY + len(self.clocks)
        self.clocks[key] = Clock(key, route, every, order, activation)
        self.queue.put(start, key, Sweep(Tick(start)))

    def route(self, group: str, channel: str) -> Route:
        """The route to ``channel`` of ``group``, or an error naming what exists."""
        route = self.channels.get(group, {}).get(channel)
        if route is None:
            g = self.group(group)
            known = ", ".join(repr(c) for c in channels(g.agent_type)) or "none"
            raise UnknownChannelError(
                f"group {group!r} ({g.agent_type.__qualname__}) has no channel {channel!r}; "
                f"its channels are {known}"
            )
        return route

    def group(self, name: str) -> Group:
        """The group ``name``, or an error naming the world's groups."""
        group = self.groups.get(name)
        if group is None:
            known = ", ".join(repr(g) for g in self.groups) or "none"
            raise UnknownAgentError(
                f"world {self.world!r} has no group {name!r}; its groups are {known}"
            )
        return group

    def route_of(self, key: int) -> Route:
        """The route a queue key delivers to (a clock's, for a clock key)."""
        return self.clocks[key].route if key < 0 else self.by_key[key]

    # -- compiled channels -------------------------------------------------------------

    def prepare(self, compiled: bool | None, sampling: Sampling | None = None) -> None:
        """Make ready every compiled channel for a run (``compiled``: through numba, or as
        Python; None: numba if installed): resolve its outboxes and, compiled, compile it,
        so a rule that cannot compile or sends nowhere is an error before the run starts.
        ``sampling``: what the compiled instants sample, when the world's wellbeing and
        metrics are all written over columns."""
        mode = self.compile_rules(compiled)
        self.engine = None
        if mode and self.runners:
            self.engine = Engine(self, sampling)
            if not (self.engine.sweeps or self.engine.instants_ok):
                self.engine = None

    def compile_rules(self, compiled: bool | None) -> bool:
        """Make ready every compiled channel's rule (``compiled``: through numba, or as
        Python; None: numba if installed), resolving its outboxes: a rule numba cannot
        compile, or a send to nowhere, is an error now. Whether the rules run compiled."""
        mode = compiled_mode(compiled)
        if mode != self.compiled:
            self.runners.clear()
            self.compiled = mode
        for key, runner in list(self.runners.items()):  # a population's fields changed
            if runner.state_names != state_names(self.groups[key[0]].members):
                del self.runners[key]
        for route in self.by_key:
            if route.channel.rule is not None:
                runner = self.runner(route.group.name, route.channel.name)
                if mode and runner.fn is None:
                    group = route.group
                    runner.fn = runner.build(group.members, group.context.rng)
        return mode

    def rng_pointers(self) -> tuple[int, ...]:
        """The world's stream as compiled code reaches it (shuffled clocks draw from it)."""
        rng, pointers = self._rng_pointers
        if rng is not self.rng:
            from ._numba_glue import rng_pointers

            pointers = rng_pointers(self.rng)
            self._rng_pointers = (self.rng, pointers)
        return pointers

    def runner(self, group: str, channel: str) -> Runner:
        """The runner of compiled channel ``channel`` of ``group`` (made when first asked)."""
        runner = self.runners.get((group, channel))
        if runner is not None:
            return runner
        g = self.groups[group]
        if self.compiled is None:
            self.compiled = compiled_mode(None)
        route = self.channels[group][channel]
        rule = route.channel.rule
        assert rule is not None
        runner = Runner(
            self.world,
            group,
            channel,
            rule,
            message_layout(route.accepts),
            resolve_outboxes(self.world, group, channel, rule, self.route),
            state_names(g.members),
            self.compiled,
        )
        self.runners[group, channel] = runner
        return runner

    # -- sending -----------------------------------------------------------------------

    def send(
        self, now: Time, to: Address | str, channel: str, message: Any, delay: Any, out: Outbox
    ) -> None:
        """Check one send and put it in ``out``, due ``delay`` after ``now``."""
        if type(to) is Address:
            group_name, index = to.group, to.index
        elif isinstance(to, str):
            group_name, index = to, None
        else:
            raise DefinitionError(f"send to an Address or a group name, not {to!r}")
        route = self.route(group_name, channel)
        time = _due(now, delay)
        if type(message) is Batch:
            self._send_batch(route, index, message, time, out)
            return
        if not isinstance(message, route.accepts):
            raise _wrong_type(route, type(message).__qualname__)
        size = route.size
        if index is None:
            if size != 1:
                raise UnknownAgentError(
                    f"group {group_name!r} has {size} agents: address one as "
                    f"Address({group_name!r}, i), or send a Batch"
                )
            index = 0
        else:
            index = _agent_index(group_name, index, size)
        if isinstance(time, np.ndarray):
            raise DelayError("one message takes one delay, not an array")
        out.put(time, route.key, (index, message))

    def _send_batch(
        self, route: Route, index: int | None, batch: Batch[Any], time: Any, out: Outbox
    ) -> None:
        group = route.group
        if index is not None:
            raise DefinitionError(
                f"a Batch names its targets in .to: address it to the group {group.name!r}, "
                "not to one agent"
            )
        if not issubclass(batch.type, route.accepts):
            raise _wrong_type(route, f"Batch[{batch.type.__qualname__}]")
        n = len(batch)
        if n == 0:
            return
        to = batch.to
        lo, hi = int(to.min()), int(to.max())
        if lo < 0 or hi >= group.size:
            raise UnknownAgentError(
                f"group {group.name!r} has agents 0…{group.size - 1}; the batch targets "
                f"{lo if lo < 0 else hi}"
            )
        if not isinstance(time, np.ndarray):
            out.put(time, route.key, batch)
            return
        if time.shape != (n,):
            raise DelayError(
                f"a batch of {n} messages takes one delay or {n}, got shape {time.shape}"
            )
        times, inverse = np.unique(time, return_inverse=True)
        if times.size == 1:
            out.put(times[0].item(), route.key, batch)
            return
        rows = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[rows], np.arange(times.size + 1))
        for k, when in enumerate(times.tolist()):
            out.put(when, route.key, batch.select(rows[bounds[k] : bounds[k + 1]]))

    def broadcast(
        self, now: Time, group: str, channel: str, message: Any, delay: Any, out: Outbox
    ) -> None:
        """Check a broadcast (one message to every agent of ``group``) and put it in ``out``."""
        route = self.route(group, channel)
        if not isinstance(message, route.accepts):
            raise _wrong_type(route, type(message).__qualname__)
        time = _due(now, delay)
        if isinstance(time, np.ndarray):
            raise DelayError("a broadcast takes one delay, not an array")
        out.put(time, route.key, Sweep(message))

    # -- the plan ----------------------------------------------------------------------

    def next_time(self) -> Time | None:
        """When the next instant is (None: nothing is pending)."""
        return self.queue.next_time()

    def plan(self, t: Time, *, inline: bool = False) -> Iterator[Step]:
        """The steps of instant ``t``, in delivery order: rounds, and the cascades of
        sequential clocks. Each step must be delivered (its sends put in :attr:`out`) before
        the next is asked for: what it sends with delay 0 decides what comes next.

        ``inline``: a cascade delivers its chunks itself as it goes (it then yields none);
        a driver that awaits handlers delivers them instead."""
        queue = self.queue
        rounds = 0
        while queue.next_time() == t:
            rounds += 1
            if rounds > MAX_ROUNDS:
                raise StalledError(
                    f"world {self.world!r}: instant t={t} has run {MAX_ROUNDS} rounds without "
                    "ending (messages sent with delay 0, or with delays too small to move a time "
                    f"of {t}, keep arriving at the same instant)"
                )
            _, due = queue.pop_round()
            pending: Round = []
            for key, chunks in due:
                if key >= 0:
                    pending.append((self.by_key[key], chunks))
                    continue
                clock = self.clocks[key]
                sweep = self._tick(clock, t)
                if clock.activation == "simultaneous":
                    pending.append((clock.route, [sweep]))
                    continue
                if pending:
                    yield pending
                    pending = []
                yield self._sequential(clock.route, sweep, t, inline)
            if pending:
                yield pending

    def _tick(self, clock: Clock, t: Time) -> Sweep:
        """Clock ``clock``'s delivery at ``t`` (in its activation order); the next is queued."""
        after = t + clock.every
        self.queue.put(after, clock.key, Sweep(Tick(after)))
        order = self.rng.permutation(clock.route.size) if clock.order == "shuffled" else None
        return Sweep(Tick(t), order)

    def _sequential(self, route: Route, sweep: Sweep, t: Time, inline: bool) -> Cascade:
        """One agent at a time, each followed by the depth-first cascade of its delay-0 sends."""
        engine = self.engine
        if inline and engine is not None and route.key in engine.sweeps and engine.ready():
            engine.sweep(route, sweep.order, t)  # the same turns and cascades, compiled
            return
        cascade = _Cascade(self.queue, t)
        fresh = cascade.fresh
        by_key = self.by_key
        message = sweep.message
        order = range(route.size) if sweep.order is None else sweep.order.tolist()
        for group in self.groups.values():
            group.context.now = t
        self._redirect(cascade)
        delivered = 0
        stack: list[tuple[int, Chunk]] = []  # chunks waiting for their elder siblings
        try:
            for i in order:
                r: Route = route
                chunk: Chunk = (i, message)
                chain = 0  # deliveries caused by agent i's turn: a chain without end stalls
                while True:
                    chain += 1
                    if chain > MAX_ROUNDS:
                        raise StalledError(
                            f"world {self.world!r}: at t={t}, the turn of agent {i} of group "
                            f"{route.group.name!r} has caused {MAX_ROUNDS} deliveries without "
                            "ending (messages sent with delay 0 in a sequential activation keep "
                            "causing more)"
                        )
                    agents = r.agents
                    if not inline:
                        yield r, chunk
                    elif agents is not None and type(chunk) is tuple:
                        # The common case, inline: one message to one scalar agent.
                        j, m = chunk
                        ctx = r.context
                        ctx.me = r.addresses[j]
                        try:
                            r.handler(agents[j], m, ctx)
                        except Exception as exc:
                            raise DeliveryFailedError(r, j, m, t) from exc
                        delivered += 1
                    else:
                        self.deliver((r, (chunk,)), t)
                    # Depth first: what this delivery sent comes before what waits.
                    if fresh:
                        if len(fresh) > 1:
                            stack.extend(reversed(fresh))
                            fresh.clear()
                            key, chunk = stack.pop()
                        else:
                            key, chunk = fresh.pop()
                    elif stack:
                        key, chunk = stack.pop()
                    else:
                        break
                    r = by_key[key]
        finally:
            self._redirect(self.queue)
            if inline:
                self.delivered += delivered
                self.batches += delivered

    def _redirect(self, out: Outbox) -> None:
        """Send what handlers send from now on to ``out``."""
        self.out = out
        for group in self.groups.values():
            group.context.out = out

    def deliver(self, delivery: Delivery, t: Time) -> None:
        """Run one delivery of the plan inline; a handler that raises is a DeliveryFailedError."""
        route, chunks = delivery
        group = route.group
        group.context.now = t
        self.batches += 1
        try:
            self.delivered += group.deliver(route.channel, chunks)
        except DeliveryError as exc:
            raise DeliveryFailedError(route, exc.index, exc.message, t) from exc.__cause__

    def close_instant(self, t: Time) -> None:
        """Instant ``t`` is over: the world has run through ``t``."""
        self.now = t
        self.instants += 1

    # -- state -------------------------------------------------------------------------

    def layout(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """What a snapshot must fit: each group (name, kind, type, size) and each clock."""
        groups = tuple(
            f"{g.name}: {g.kind} of {g.size} {g.agent_type.__qualname__}"
            for g in self.groups.values()
        )
        clocks = tuple(
            f"{c.route.group.name}.{c.route.channel.name} every {c.every}, {c.order}, "
            f"{c.activation}"
            for c in self.clocks.values()
        )
        return groups, clocks

    def get_state(self) -> dict[str, Any]:
        """Every mutable part of the kernel and its groups, as the state protocol reads it."""
        return {
            "groups": {name: g.get_state() for name, g in self.groups.items()},
            "streams": {name: g.context.rng for name, g in self.groups.items()},
            "randoms": {name: g.context.random for name, g in self.groups.items()},
            "rng": self.rng,
            # Plain data, not the private Queue and Sweep: a saved snapshot must not depend
            # on where the kernel's private classes live.
            "queue": _encode_sweeps(self.queue.state()),
            "now": self.now,
            "counters": (self.instants, self.delivered, self.batches),
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Put back a state read by :meth:`get_state` of a kernel composed alike."""
        for name, group in self.groups.items():
            group.set_state(state["groups"][name])
            group.context.rng = state["streams"][name]
            group.context.random = state["randoms"][name]
        self.rng = state["rng"]
        self.queue = Queue.from_state(_decode_sweeps(state["queue"]))
        self._redirect(self.queue)
        self.now = state["now"]
        self.instants, self.delivered, self.batches = state["counters"]


def _encode_sweeps(state: Any) -> Any:
    times, keys, slots = state
    return times, keys, [(slot, [_encode(c) for c in chunks]) for slot, chunks in slots]


def _decode_sweeps(state: Any) -> Any:
    times, keys, slots = state
    return times, keys, [(slot, [_decode(c) for c in chunks]) for slot, chunks in slots]


def _encode(chunk: Chunk) -> Any:
    return ("sweep", chunk.message, chunk.order) if type(chunk) is Sweep else chunk


def _decode(chunk: Any) -> Chunk:
    return Sweep(chunk[1], chunk[2]) if type(chunk) is tuple and len(chunk) == 3 else chunk


def _either(options: Sequence[str]) -> str:
    return " or ".join(repr(o) for o in options)


def _agent_index(group: str, index: Any, size: int) -> int:
    """``index`` as a plain int in 0…size-1, or an error naming the group's agents."""
    if isinstance(index, bool) or not isinstance(index, int | np.integer):
        raise UnknownAgentError(f"an agent index must be an integer, got {index!r}")
    if not 0 <= index < size:
        raise UnknownAgentError(
            f"group {group!r} has agents 0…{size - 1}; there is no agent {index}"
        )
    return int(index)


def _wrong_type(route: Route, got: str) -> MessageTypeError:
    """``channel 'ask' of group 'clerks' expects Ask, got Answer``."""
    return MessageTypeError(
        f"channel {route.channel.name!r} of group {route.group.name!r} expects "
        f"{route.accepts.__qualname__}, got {got}"
    )


def _due(now: Time, delay: Any) -> Any:
    """``now + delay``, refusing a delay that is negative, NaN or infinite."""
    if isinstance(delay, np.ndarray):
        if delay.size and not (np.all(np.isfinite(delay)) and delay.min() >= 0):
            raise DelayError("delays must be finite and ≥ 0; the array holds " + _bad(delay))
        return now + delay
    if isinstance(delay, bool) or not isinstance(delay, int | float | np.number):
        raise DelayError(f"a delay must be a number ≥ 0, got {delay!r}")
    if not (delay >= 0 and math.isfinite(delay)):
        raise DelayError(f"a delay must be finite and ≥ 0, got {_item(delay)!r}")
    return now + delay.item() if isinstance(delay, np.number) else now + delay


def _bad(delay: np.ndarray[Any, Any]) -> str:
    bad = delay[~(np.isfinite(delay) & (delay >= 0))]
    return f"{bad.size} bad value(s), e.g. {bad[0].item()!r}"


def _item(value: Any) -> Any:
    """A numpy scalar as the Python scalar it holds (for error messages: ``nan``, not
    ``np.float64(nan)``)."""
    return value.item() if isinstance(value, np.generic) else value
