"""The World: agents and populations composed, wired, and run by the scheduler.

A world owns its groups (one agent, a list of agents, or a population), the queue of
pending message batches, its clocks, its metrics and invariants, and one random stream tree.
``run`` delivers instants in time order; a handler that raises leaves the world at its last
complete instant (the kernel replays from the state it had when the run began).
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

import attrs
import numpy as np

from ._agent import Agent, Population
from ._channel import Channel, channels
from ._context import Context
from ._errors import (
    DelayError,
    HandlerError,
    InvariantError,
    MessageTypeError,
    UnknownAgentError,
    UnknownChannelError,
)
from ._message import Address, Batch, Tick, concat
from ._random import Seed, seed_sequence, stream
from ._results import Recorder, Results
from ._scheduler import Buffer, Chunk, Queue, Sweep, Time
from ._view import BarsView, MatrixView, PointsView, View
from ._wellbeing import Omega, aggregate, wellbeing_of

Metric = Callable[["World"], float]
Invariant = Callable[["World"], object]

_CLOCK_KEY = -(2**40)  # clock subscriptions sort before every channel, in subscription order


@attrs.define(eq=False)
class _Group:
    name: str
    kind: str  # "agent", "agents" or "population"
    agent_type: type[Agent] | type[Population]
    members: Any  # list of agents, or the Population
    size: int
    context: Context
    addresses: list[Address]


@attrs.frozen(eq=False)
class _Route:
    key: int
    group: _Group
    channel: Channel


@attrs.define(eq=False)
class _Clock:
    route: _Route
    every: Time
    shuffled: bool


@attrs.frozen
class Snapshot:
    """A world's whole mutable state at one time, picklable; restore it into the same world."""

    world: str
    time: Any
    groups: tuple[str, ...]
    data: bytes = attrs.field(repr=False)


@attrs.frozen
class WorldStatistics:
    """Counters of a world's kernel, for inspection and benchmarks."""

    now: Any
    instants: int
    messages_delivered: int
    batches_delivered: int
    pending_chunks: int


class _FailureError(Exception):
    def __init__(self, route: _Route, index: int, message: Any, time: Time) -> None:
        self.route, self.index, self.message, self.time = route, index, message, time


class World:
    """A society: groups of agents, the messages between them, and how it is observed.

    ``seed`` roots the one random stream tree of the world (same seed, same results).
    Samples of Ω and the metrics are taken at ``sample_start + k·sample_every``; a sample
    at time s sees every delivery due at or before s.
    """

    def __init__(
        self,
        name: str = "world",
        *,
        seed: Seed | None = 0,
        sample_every: Time = 1,
        sample_start: Time = 0,
        params: Any = None,
    ) -> None:
        self.name = name
        self.params = params
        self._seed = seed_sequence(seed)
        self.rng = stream(self._seed, "world")
        self._groups: dict[str, _Group] = {}
        self._routes: dict[tuple[str, str], _Route] = {}
        self._by_key: dict[int, _Route] = {}
        self._clocks: dict[int, _Clock] = {}
        self._metrics: dict[str, Metric] = {}
        self._invariants: dict[str, Invariant] = {}
        self._queue = Queue()
        self._now: Time | None = None
        self._started = False
        self._instants = 0
        self._delivered = 0
        self._batches = 0
        self._omega_cache: tuple[int, Omega] | None = None
        self._observers: list[Any] = []  # send ends of open observe() streams
        self._view: Callable[[World], View] | None = None
        self.sampling(every=sample_every, start=sample_start)

    # -- composition -------------------------------------------------------------------

    def sampling(self, *, every: Time = 1, start: Time = 0) -> None:
        """Sample Ω and the metrics at ``start``, ``start + every``, … (``every`` > 0)."""
        if self._started:
            raise RuntimeError("sampling can be set only before the world first runs")
        if not (isinstance(every, int | float) and every > 0 and math.isfinite(every)):
            raise ValueError(f"sample_every must be a finite number > 0, got {every!r}")
        self._sample_every = every
        self._sample_start = start
        self._next_sample = 0

    def add(self, name: str, agents: Agent | Population | Sequence[Agent]) -> Any:
        """Add a group named ``name``: one agent, a sequence of agents of one type, or a population.

        Returns what was added. Agents are then addressed as ``Address(name, index)``.
        """
        if not isinstance(name, str) or not name:
            raise ValueError(f"a group name must be a non-empty string, got {name!r}")
        if name in self._groups:
            raise ValueError(f"world {self.name!r} already has a group named {name!r}")
        kind: str
        agent_type: type[Agent] | type[Population]
        members: Any
        if isinstance(agents, Population):
            kind, agent_type, members, size = "population", type(agents), agents, len(agents)
        elif isinstance(agents, Agent):
            kind, agent_type, members, size = "agent", type(agents), [agents], 1
        else:
            members = list(agents) if isinstance(agents, Iterable) else []
            types = {type(a) for a in members}
            if not members or not all(isinstance(a, Agent) for a in members) or len(types) > 1:
                raise TypeError(
                    f"group {name!r} must be an Agent, a Population, or a non-empty sequence of "
                    f"Agents of one type; got {_describe(agents)}"
                )
            kind, agent_type, size = "agents", types.pop(), len(members)
        rng = stream(self._seed, f"group:{name}")
        index = -1 if kind == "population" else 0
        group = _Group(
            name=name,
            kind=kind,
            agent_type=agent_type,
            members=members,
            size=size,
            context=Context(self, Address(name, index), rng),
            addresses=[Address(name, i) for i in range(size)] if kind != "population" else [],
        )
        self._groups[name] = group
        for cname, ch in channels(agent_type).items():
            route = _Route(key=len(self._by_key), group=group, channel=ch)
            self._routes[name, cname] = route
            self._by_key[route.key] = route
        self._omega_cache = None
        return agents

    def clock(
        self,
        group: str,
        channel: str = "tick",
        *,
        order: str = "fixed",
        every: Time = 1,
        start: Time = 0,
    ) -> None:
        """Send ``Tick(t)`` to ``channel`` of every agent of ``group`` at ``start + k·every``.

        ``order`` is the activation order within a tick: ``"fixed"`` (index order) or
        ``"shuffled"`` (a fresh permutation from the world's stream each tick). Several clocks
        ticking at one time deliver in the order they were declared, before any other message.
        """
        route = self._route(group, channel)
        if not issubclass(Tick, route.channel.accepts):
            raise MessageTypeError(
                f"channel {channel!r} of group {group!r} accepts "
                f"{route.channel.accepts.__qualname__}; a clock sends Tick"
            )
        if order not in ("fixed", "shuffled"):
            raise ValueError(f"order must be 'fixed' or 'shuffled', got {order!r}")
        if not (isinstance(every, int | float) and every > 0 and math.isfinite(every)):
            raise ValueError(f"a clock's period must be a finite number > 0, got {every!r}")
        key = _CLOCK_KEY + len(self._clocks)
        self._clocks[key] = _Clock(route, every, order == "shuffled")
        self._queue.put(start, key, None)

    def metric(self, name: str, fn: Metric) -> None:
        """Record ``fn(world)`` (a float) at every sample time, as column ``name``."""
        if name in ("t", "omega", "run") or name in self._metrics:
            raise ValueError(f"metric name {name!r} is taken")
        self._metrics[name] = fn

    def view(self, fn: Callable[[World], View]) -> None:
        """Declare how the society looks: ``fn(world)`` returns a PointsView, MatrixView or
        BarsView of the state now (the dashboard shows it as the run goes)."""
        self._view = fn

    def render_view(self) -> dict[str, Any] | None:
        """The declared view of the state now, as JSON values (None if no view is declared)."""
        if self._view is None:
            return None
        view = self._view(self)
        if not isinstance(view, PointsView | MatrixView | BarsView):
            raise TypeError(
                f"world {self.name!r}: a view function must return a PointsView, MatrixView or "
                f"BarsView, got {type(view).__qualname__}"
            )
        return view.to_json()

    def invariant(self, name: str, fn: Invariant) -> None:
        """Declare that ``fn(world)`` holds after every instant (checked by ``run(check=True)``).

        ``fn`` returns False, or raises AssertionError, when the invariant is broken.
        """
        self._invariants[name] = fn

    def send(
        self, to: Address | str, channel: str, message: Any, *, at: Time | None = None
    ) -> None:
        """Send a message from outside the society, due at time ``at``.

        Before the first run ``at`` defaults to the start of sampling; once the world has run
        through ``now``, the instant at ``now`` is over and sampled, so ``at`` must be later.
        """
        if at is None and self._now is not None:
            raise DelayError(
                f"the world has run through t={self._now}: say when the message is due, "
                f"with at= a time after {self._now}"
            )
        base = self._sample_start
        if at is not None and (
            isinstance(at, bool)
            or not isinstance(at, int | float | np.number)
            or not math.isfinite(at)
        ):
            raise DelayError(f"at must be a finite time, got {at!r}")
        when = base if at is None else at
        if self._now is not None and when <= self._now:
            raise DelayError(
                f"cannot send into the past: the world has run through t={self._now}, "
                f"so at={when} must be later"
            )
        self._send(when, to, channel, message, 0)

    # -- introspection -----------------------------------------------------------------

    def __getitem__(self, name: str) -> Any:
        """The group ``name``: the agent, the list of agents, or the population."""
        group = self._group(name)
        return group.members[0] if group.kind == "agent" else group.members

    def __iter__(self) -> Iterator[str]:
        """The group names, in the order they were added."""
        return iter(self._groups)

    @property
    def now(self) -> Any:
        """The time up to which the world has run (None before it first runs)."""
        return self._now

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metric names, in column order."""
        return tuple(self._metrics)

    @property
    def invariants(self) -> Mapping[str, Invariant]:
        """The declared invariants, by name."""
        return dict(self._invariants)

    def describe(self) -> dict[str, Any]:
        """Each group's agent type, size, state fields and channels (with message fields)."""
        return {
            name: {
                "type": g.agent_type.__qualname__,
                "kind": g.kind,
                "size": g.size,
                "state": g.agent_type.state_fields(),
                "channels": {
                    c.name: {"accepts": c.accepts.__qualname__, "fields": list(c.fields)}
                    for c in channels(g.agent_type).values()
                },
            }
            for name, g in self._groups.items()
        }

    def statistics(self) -> WorldStatistics:
        """Counters: instants run, messages and batches delivered, chunks pending."""
        return WorldStatistics(
            now=self._now,
            instants=self._instants,
            messages_delivered=self._delivered,
            batches_delivered=self._batches,
            pending_chunks=len(self._queue),
        )

    def pending(self) -> list[tuple[Any, str, str, Any]]:
        """Every pending delivery as (time, group, channel, message or batch), in order."""
        out = []
        for time, key, chunk in self._queue.pending():
            route = self._clocks[key].route if key in self._clocks else self._by_key[key]
            what = Tick(time) if chunk is None else chunk
            out.append((time, route.group.name, route.channel.name, what))
        return out

    def omega(self) -> Omega:
        """Ω now: the total, the total per agent type and mean W (cached within a sample)."""
        cached = self._omega_cache
        if cached is not None and cached[0] == self._instants:
            return cached[1]
        time = self._now if self._now is not None else self._sample_start
        parts = [
            (
                g.agent_type.__qualname__,
                wellbeing_of(g.name, g.members, g.kind, world=self.name, time=time),
            )
            for g in self._groups.values()
        ]
        value = aggregate(parts)
        self._omega_cache = (self._instants, value)
        return value

    # -- running -----------------------------------------------------------------------

    def run(
        self,
        steps: int | None = None,
        *,
        until: Time | None = None,
        check: bool = False,
        rollback: bool = True,
    ) -> Results:
        """Deliver every message due up to the horizon, sampling as declared; return the samples.

        ``steps=N`` runs N integer time units (N ticks of a unit clock); ``until=T`` runs to
        time T inclusive; with neither, the world runs until its queue is empty.
        ``check`` tests every invariant after every instant. ``rollback`` keeps the world at
        its last complete instant when a handler raises (it costs one snapshot per call).
        """
        horizon = self._horizon(steps, until)
        self._refuse_async()
        checkpoint = self.snapshot() if rollback else None
        self._started = True
        recorder = Recorder(self.metrics, self._type_names(), capacity=self._expected(horizon))
        try:
            self._advance(horizon, recorder, check)
        except _FailureError as failure:
            raise self._handler_error(failure, recorder, checkpoint) from failure.__cause__
        return self._results(recorder)

    def _results(self, recorder: Recorder) -> Results:
        return recorder.results(self.name, self._params_dict(), self._seed.entropy)

    def _handler_error(
        self, failure: _FailureError, recorder: Recorder, checkpoint: Snapshot | None
    ) -> HandlerError:
        """The error for a failed handler, after putting the world back at the last complete
        instant: ``checkpoint`` (taken when the run began) replayed up to the failed instant."""
        partial = self._results(recorder)
        if checkpoint is not None:
            self.restore(checkpoint)
            scratch = Recorder(self.metrics, self._type_names())
            self._advance(failure.time, scratch, check=False, before=True)
            # The interrupted run had recorded every sample before the failed instant, and
            # ``partial`` returns them: move past them too, so a continued run does not
            # record them again (partial + continuation = an uninterrupted run).
            self._record_through(failure.time, scratch, inclusive=False)
        route = failure.route
        agent = (
            f"{route.group.name}[{failure.index}]"
            if failure.index >= 0
            else f"{route.group.name} (population)"
        )
        return HandlerError(
            world=self.name,
            agent=f"{agent} of type {route.group.agent_type.__qualname__}",
            channel=route.channel.name,
            time=failure.time,
            message=failure.message,
            results=partial,
            reason=_reason(failure.__cause__),
        )

    async def run_async(
        self,
        steps: int | None = None,
        *,
        until: Time | None = None,
        check: bool = False,
        realtime: float | None = None,
        handler_timeout: float | None = None,
    ) -> Results:
        """``run`` under anyio (trio or asyncio): handlers may be ``async def``.

        Results equal those of a run where every await returned at once. ``realtime=speed``
        paces simulated time at ``speed`` units per second; ``handler_timeout`` (seconds)
        bounds each async handler. Cancelling stops between instants.
        """
        from ._runtime import run_async

        return await run_async(
            self,
            steps,
            until=until,
            check=check,
            realtime=realtime,
            handler_timeout=handler_timeout,
        )

    def observe(self, buffer: int = 64) -> AbstractAsyncContextManager[Any]:
        """``async with world.observe() as receive:`` streams the samples of ``run_async``.

        A full buffer makes the run wait for the reader; no sample is dropped.
        """
        from ._runtime import observe

        return observe(self, buffer)

    def _horizon(self, steps: int | None, until: Time | None) -> Time:
        if steps is not None and until is not None:
            raise ValueError("give steps= or until=, not both")
        if steps is not None:
            if not isinstance(steps, int | np.integer) or isinstance(steps, bool) or steps < 0:
                raise ValueError(f"steps must be an integer ≥ 0, got {steps!r}")
            base = self._now if self._now is not None else self._sample_start - 1
            return base + int(steps)
        if until is not None:
            if not isinstance(until, int | float | np.number) or math.isnan(until):
                raise ValueError(f"until must be a number, got {until!r}")
            if self._now is not None and until < self._now:
                raise ValueError(f"until={until} is before the world's time now={self._now}")
            return until
        if self._clocks:
            raise ValueError("a world with a clock never runs dry: give steps= or until=")
        return math.inf

    def _expected(self, horizon: Time) -> int:
        if math.isinf(horizon):
            return 16
        first = self._sample_start + self._next_sample * self._sample_every
        return max(1, math.floor((horizon - first) / self._sample_every) + 1)

    def _refuse_async(self) -> None:
        for route in self._routes.values():
            if route.channel.is_async:
                raise TypeError(
                    f"channel {route.channel.name!r} of {route.group.agent_type.__qualname__} is "
                    "async: run this world with `await world.run_async(...)`"
                )

    def _advance(
        self, horizon: Time, recorder: Recorder, check: bool, before: bool = False
    ) -> None:
        queue = self._queue
        while True:
            t = queue.next_time()
            if t is None or t > horizon or (before and t >= horizon):
                break
            self._record_through(t, recorder, inclusive=False)
            self._instant(t)
            self._now = t
            self._instants += 1
            if check:
                self._check_invariants(t)
        if before:
            return
        if math.isinf(horizon):
            horizon = self._now if self._now is not None else self._sample_start
        self._record_through(horizon, recorder, inclusive=True)
        self._now = horizon

    def _record_through(self, t: Time, recorder: Recorder, *, inclusive: bool) -> None:
        every, start = self._sample_every, self._sample_start
        while True:
            s = start + self._next_sample * every
            if s > t or (s == t and not inclusive):
                return
            omega = self.omega()
            values = [float(fn(self)) for fn in self._metrics.values()]
            recorder.add(s, omega.total, omega.mean, values, omega.by_type)
            self._next_sample += 1

    def _check_invariants(self, t: Time) -> None:
        for name, fn in self._invariants.items():
            try:
                ok = fn(self)
            except AssertionError as exc:
                raise InvariantError(
                    f"in world {self.name!r} at t={t}: invariant {name!r} broken: {exc}",
                    world=self.name,
                    invariant=name,
                    time=t,
                ) from exc
            if ok is False or (ok is not None and not ok):
                raise InvariantError(
                    f"in world {self.name!r} at t={t}: invariant {name!r} broken",
                    world=self.name,
                    invariant=name,
                    time=t,
                )

    def _instant(self, t: Time) -> None:
        queue = self._queue
        while queue.next_time() == t:
            _, round_ = queue.pop_round()
            for key, chunks in round_:
                if key < 0:
                    route, sweep = self._tick(key, t)
                    self._deliver(route, [sweep], t)
                else:
                    self._deliver(self._by_key[key], chunks, t)

    def _tick(self, key: int, t: Time) -> tuple[_Route, Sweep]:
        """Clock ``key``'s delivery at ``t`` (in its activation order); the next is queued."""
        clock = self._clocks[key]
        self._queue.put(t + clock.every, key, None)
        order = self.rng.permutation(clock.route.group.size) if clock.shuffled else None
        return clock.route, Sweep(Tick(t), order)

    def _deliver(self, route: _Route, chunks: list[Chunk], t: Time) -> None:
        group = route.group
        ctx = group.context
        ctx.now = t
        handler = route.channel.handler
        self._batches += 1
        if group.kind == "population":
            batch = self._as_batch(route, chunks)
            self._delivered += len(batch)
            try:
                handler(group.members, batch, ctx)
            except Exception as exc:
                raise _FailureError(route, -1, batch, t) from exc
            return
        members, addresses = group.members, group.addresses
        i, m = -1, None
        try:
            for chunk in chunks:
                if type(chunk) is tuple:
                    i, m = chunk
                    ctx.me = addresses[i]
                    handler(members[i], m, ctx)
                    self._delivered += 1
                elif type(chunk) is Sweep:
                    m = chunk.message
                    order = range(group.size) if chunk.order is None else chunk.order.tolist()
                    for i in order:
                        ctx.me = addresses[i]
                        handler(members[i], m, ctx)
                    self._delivered += group.size
                else:
                    for i, m in chunk.messages():
                        ctx.me = addresses[i]
                        handler(members[i], m, ctx)
                        self._delivered += 1
        except Exception as exc:
            raise _FailureError(route, i, m, t) from exc

    @staticmethod
    def _as_batch(route: _Route, chunks: list[Chunk]) -> Batch[Any]:
        parts: list[Batch[Any]] = []
        singles: list[tuple[int, Any]] = []
        accepts = route.channel.accepts
        for chunk in chunks:
            if type(chunk) is tuple:
                singles.append(chunk)
                continue
            if singles:
                parts.append(Batch.of(singles, accepts))
                singles = []
            if type(chunk) is Sweep:
                order = np.arange(route.group.size) if chunk.order is None else chunk.order
                fields = attrs.asdict(chunk.message, recurse=False)
                parts.append(Batch(accepts, order, **fields))
            else:
                parts.append(chunk)
        if singles:
            parts.append(Batch.of(singles, accepts))
        return concat(parts)

    # -- sending -----------------------------------------------------------------------

    def _route(self, group: str, channel: str) -> _Route:
        route = self._routes.get((group, channel))
        if route is None:
            g = self._group(group)
            known = ", ".join(repr(c) for c in channels(g.agent_type)) or "none"
            raise UnknownChannelError(
                f"group {group!r} ({g.agent_type.__qualname__}) has no channel {channel!r}; "
                f"its channels are {known}"
            )
        return route

    def _group(self, name: str) -> _Group:
        group = self._groups.get(name)
        if group is None:
            known = ", ".join(repr(g) for g in self._groups) or "none"
            raise UnknownAgentError(
                f"world {self.name!r} has no group {name!r}; its groups are {known}"
            )
        return group

    def _send(
        self,
        now: Time,
        to: Address | str,
        channel: str,
        message: Any,
        delay: Any,
        sink: Buffer | None = None,
    ) -> None:
        if type(to) is Address:
            group_name, index = to.group, to.index
        elif isinstance(to, str):
            group_name, index = to, None
        else:
            raise TypeError(f"send to an Address or a group name, not {to!r}")
        route = self._routes.get((group_name, channel)) or self._route(group_name, channel)
        if type(delay) is int and delay >= 0:
            time: Any = now + delay
        else:
            time = _due(now, delay)
        out = self._queue if sink is None else sink
        if type(message) is Batch:
            self._send_batch(route, index, message, time, out)
            return
        if not isinstance(message, route.channel.accepts):
            raise _wrong_type(route, type(message).__qualname__)
        size = route.group.size
        if index is None:
            if size != 1:
                raise UnknownAgentError(
                    f"group {group_name!r} has {size} agents: address one as "
                    f"Address({group_name!r}, i), or send a Batch"
                )
            index = 0
        elif type(index) is not int or not 0 <= index < size:
            index = _agent_index(group_name, index, size)
        if isinstance(time, np.ndarray):
            raise DelayError("one message takes one delay, not an array")
        out.put(time, route.key, (index, message))

    def _send_batch(
        self, route: _Route, index: int | None, batch: Batch[Any], time: Any, out: Queue | Buffer
    ) -> None:
        group = route.group
        if index is not None:
            raise TypeError(
                f"a Batch names its targets in .to: address it to the group {group.name!r}, "
                "not to one agent"
            )
        if not issubclass(batch.type, route.channel.accepts):
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

    def _broadcast(
        self,
        now: Time,
        group: str,
        channel: str,
        message: Any,
        delay: Any,
        sink: Buffer | None = None,
    ) -> None:
        route = self._route(group, channel)
        if not isinstance(message, route.channel.accepts):
            raise _wrong_type(route, type(message).__qualname__)
        time = _due(now, delay)
        if isinstance(time, np.ndarray):
            raise DelayError("a broadcast takes one delay, not an array")
        (self._queue if sink is None else sink).put(time, route.key, Sweep(message))

    # -- snapshots ---------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The world's whole mutable state now (agents, queue, random streams, time)."""
        state = {
            "members": {name: g.members for name, g in self._groups.items()},
            "rngs": {name: g.context.rng for name, g in self._groups.items()},
            "rng": self.rng,
            "queue": self._queue,
            "now": self._now,
            "started": self._started,
            "next_sample": self._next_sample,
            "counters": (self._instants, self._delivered, self._batches),
        }
        try:
            data = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            # Typically a class or lambda defined inside a function: pickle cannot find it.
            raise TypeError(
                f"world {self.name!r} cannot be snapshotted (run() snapshots it to roll back "
                f"a failed instant): {exc}. Define agent and message classes at module level "
                "and keep lambdas out of agent state, or run with rollback=False"
            ) from exc
        return Snapshot(world=self.name, time=self._now, groups=tuple(self._groups), data=data)

    def restore(self, snapshot: Snapshot) -> None:
        """Put the world back in the state of ``snapshot``, taken from a world composed alike."""
        if snapshot.world != self.name or snapshot.groups != tuple(self._groups):
            raise ValueError(
                f"snapshot of world {snapshot.world!r} with groups {list(snapshot.groups)} does "
                f"not fit world {self.name!r} with groups {list(self._groups)}"
            )
        state = pickle.loads(snapshot.data)
        for name, group in self._groups.items():
            # State goes back into the same objects, so references held by metrics stay valid.
            olds = [group.members] if group.kind == "population" else group.members
            news = (
                [state["members"][name]] if group.kind == "population" else state["members"][name]
            )
            for old, new in zip(olds, news, strict=True):
                vars(old).clear()
                vars(old).update(vars(new))
            group.context.rng = state["rngs"][name]
        self.rng = state["rng"]
        self._queue = state["queue"]
        self._now = state["now"]
        self._started = state["started"]
        self._next_sample = state["next_sample"]
        self._instants, self._delivered, self._batches = state["counters"]
        self._omega_cache = None

    # -- helpers -----------------------------------------------------------------------

    def _type_names(self) -> list[str]:
        return list(dict.fromkeys(g.agent_type.__qualname__ for g in self._groups.values()))

    def _params_dict(self) -> dict[str, Any]:
        if self.params is None:
            return {}
        if attrs.has(type(self.params)):
            return attrs.asdict(self.params, recurse=False)
        return dict(self.params)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}: {g.size}" for n, g in self._groups.items())
        return f"<World {self.name!r} t={self._now} ({sizes})>"


def _agent_index(group: str, index: Any, size: int) -> int:
    """``index`` as a plain int in 0…size-1, or an error naming the group's agents."""
    if isinstance(index, bool) or not isinstance(index, int | np.integer):
        raise UnknownAgentError(f"an agent index must be an integer, got {index!r}")
    if not 0 <= index < size:
        raise UnknownAgentError(
            f"group {group!r} has agents 0…{size - 1}; there is no agent {index}"
        )
    return int(index)


def _wrong_type(route: _Route, got: str) -> MessageTypeError:
    """``channel 'ask' of group 'clerks' expects Ask, got Answer``."""
    return MessageTypeError(
        f"channel {route.channel.name!r} of group {route.group.name!r} expects "
        f"{route.channel.accepts.__qualname__}, got {got}"
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


def _describe(x: object) -> str:
    return (
        type(x).__qualname__ if not isinstance(x, Iterable) else f"{type(x).__qualname__} of items"
    )


def _item(value: Any) -> Any:
    """A numpy scalar as the Python scalar it holds (for error messages: ``nan``, not
    ``np.float64(nan)``)."""
    return value.item() if isinstance(value, np.generic) else value


def _reason(exc: BaseException | None) -> str:
    """What went wrong, in a few words: ``RuntimeError: tripped``."""
    if exc is None:
        return ""
    if isinstance(exc, TimeoutError) and not str(exc):
        return "TimeoutError: the handler exceeded its timeout"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
