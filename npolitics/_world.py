"""The World: agents and populations composed, wired, observed, and driven through the kernel.

A world composes groups (one agent, a list of agents, or a population), clocks, metrics and
invariants, and drives the kernel's delivery plan instant by instant: ``run`` inline,
``run_async`` under anyio. It samples Ω and the metrics between instants, checks invariants,
and keeps the world consistent when a handler raises (it rolls back to the last complete
instant by replaying from a checkpoint).
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar, get_args, get_origin, overload

import anyio
import anyio.lowlevel
import attrs
import numpy as np

from ._agent import Agent, Population
from ._channel import channels
from ._columns import Over, compiled_wellbeing
from ._columns import over as over_columns
from ._engine import INVARIANT, Engine, Sampling, Stretch
from ._errors import (
    ArgumentError,
    DefinitionError,
    DelayError,
    HandlerError,
    InvariantError,
    StalledError,
    StopConditionError,
    WorldStateError,
)
from ._kernel import Activation, DeliveryFailedError, Kernel, Order
from ._limits import Limits, format_count, results_bytes
from ._message import Address, Tick
from ._random import Seed, child, python_random, seed_sequence, stream
from ._results import Recorder, Results
from ._runtime import Observation, instant_async, observe
from ._scheduler import Time, is_time
from ._state import dump
from ._view import BarsView, MatrixView, PointsView, View
from ._wellbeing import Omega, aggregate

Metric = Callable[["World"], float]
Invariant = Callable[["World"], object]
Stop = Callable[["World"], bool]
G = TypeVar("G", bound=Agent | Population | Sequence[Agent])
T = TypeVar("T")

#: A rollback checkpoint is renewed at the start of a run once this many deliveries per agent
#: have happened since it was taken: replaying them after a failure costs about as much as a
#: few snapshots, and stepping a world one tick at a time does not pickle it at every step.
REPLAY_PER_AGENT = 1024

#: A run checks its progress every this many instants: whether, at the rate its time has
#: moved over the last window, it would reach its horizon within ``NPOLITICS_MAX_INSTANTS``.
PROGRESS_WINDOW = 2**16

#: Consecutive windows at a rate too slow to reach the horizon before a run is stopped (one
#: window may be a burst of close events in a run whose events then spread out).
STRIKES = 2

#: The most sample rows a run allocates up front; the recorder doubles as the run goes, so a
#: long horizon costs memory only as its samples are taken.
INITIAL_SAMPLES = 1024

#: The most samples one compiled stretch takes before it returns them to the recorder.
STRETCH_SAMPLES = 4096


@attrs.frozen
class Snapshot:
    """A world's whole mutable state at one time, picklable; restore it into a world composed
    alike (the same groups, agent types, sizes and clocks)."""

    world: str
    time: Any
    groups: tuple[str, ...]
    data: bytes = attrs.field(repr=False)
    layout: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())


@attrs.frozen
class WorldStatistics:
    """Counters of a world's kernel, for inspection and benchmarks."""

    now: Any
    instants: int
    messages_delivered: int
    batches_delivered: int
    pending_chunks: int


class World:
    """A society: groups of agents, the messages between them, and how it is observed.

    ``seed`` roots the one random stream tree of the world (same seed, same results).
    Samples of Ω and the metrics are taken at ``sample_start + k·sample_every`` and at the
    last instant of every run; a sample at time s sees every delivery due at or before s.
    Without ``sample_every``, a world with a clock samples every time unit; one without
    (whose times are the model's own: seconds, years) samples only the first instant and the
    last instant of each run, until ``sampling(every=...)`` asks for more.
    """

    def __init__(
        self,
        name: str = "world",
        *,
        seed: Seed | None = 0,
        sample_every: Time | None = None,
        sample_start: Time = 0,
        params: Any = None,
    ) -> None:
        self.name = name
        self.params = params
        self._seed = seed_sequence(seed)
        self._kernel = Kernel(name, stream(self._seed, "world"))
        self._metrics: dict[str, Metric] = {}
        self._invariants: dict[str, Invariant] = {}
        self._started = False
        self._running = False
        self._omega_cache: tuple[int, Omega] | None = None
        self._observers: list[Any] = []  # send ends of open observe() streams
        self._view: Callable[[World], View] | None = None
        self._stop: Stop | None = None  # the declared stop condition
        self._stopping: Stop | None = None  # the one the current run checks
        self._checkpoint: tuple[Snapshot, int] | None = None  # and deliveries when taken
        self._last_sample: Time | None = None
        self._headline: str | None = None
        #: The engine that takes this run's samples compiled (None: they are taken as Python).
        self._sampler: Engine | None = None
        self.sampling(every=sample_every, start=sample_start)

    # -- composition -------------------------------------------------------------------

    def sampling(self, *, every: Time | None = 1, start: Time = 0) -> None:
        """Sample Ω and the metrics at ``start``, ``start + every``, … (``every`` > 0), and at
        each run's last instant; ``every=None``: the default (see the class)."""
        if self._started:
            raise WorldStateError("sampling can be set only before the world first runs")
        if every is not None and not (
            isinstance(every, int | float | np.number)
            and not isinstance(every, bool)
            and every > 0
            and math.isfinite(every)
        ):
            raise ArgumentError(f"sample_every must be a finite number > 0, got {every!r}")
        if not is_time(start):
            raise ArgumentError(f"sample_start must be a finite number, got {start!r}")
        self._auto_sampling = every is None and not self._kernel.clocks
        self._sample_every: Time = 1 if every is None else every
        self._sample_start = start
        self._next_sample = 0

    @property
    def sample_every(self) -> Time | None:
        """Time between samples; None for a world with no clock and no declared sampling,
        which samples each run's first and last instants only."""
        return None if self._auto_sampling else self._sample_every

    @property
    def sample_start(self) -> Time:
        """The time of the first sample."""
        return self._sample_start

    def add(self, name: str, agents: G) -> G:
        """Add a group named ``name``: one agent, a sequence of agents of one type, or a population.

        Returns what was added. Agents are then addressed as ``Address(name, index)``.
        """
        if not isinstance(name, str) or not name:
            raise ArgumentError(f"a group name must be a non-empty string, got {name!r}")
        if name in self._kernel.groups:
            raise ArgumentError(f"world {self.name!r} already has a group named {name!r}")
        self._kernel.add(
            name,
            agents,
            stream(self._seed, f"group:{name}"),
            python_random(child(self._seed, f"random:{name}")),
        )
        self._changed()
        return agents

    def clock(
        self,
        group: str,
        channel: str = "tick",
        *,
        order: Order = "fixed",
        activation: Activation = "simultaneous",
        every: Time = 1,
        start: Time = 0,
    ) -> None:
        """Send ``Tick(t)`` to ``channel`` of every agent of ``group`` at ``start + k·every``.

        ``order`` is the activation order within a tick: ``"fixed"`` (index order) or
        ``"shuffled"`` (a fresh permutation from the world's stream each tick).
        ``activation`` says what one agent's action can see of another's in the same tick:
        ``"simultaneous"`` — every agent acts on the state at the start of the tick, and what
        they send with delay 0 is delivered after all of them have acted; ``"sequential"`` —
        agents act one at a time, and what one sends with delay 0 (and what that causes,
        depth first) is delivered before the next acts, as in Mesa's ``shuffle_do``.
        Several clocks ticking at one time deliver in the order they were declared, before
        any other message.
        """
        self._kernel.clock(group, channel, order, activation, every, start)
        self._auto_sampling = False  # a default grid is now every time unit: a tick
        self._changed()

    def metric(
        self,
        name: str,
        fn: Callable[..., Any],
        *,
        over: str | Sequence[str] | None = None,
        headline: bool = False,
    ) -> None:
        """Record ``fn(world)`` (a float) at every sample time, as column ``name``.

        ``over="group"`` (or a sequence of group names) declares the metric over the columns
        of populations instead: ``fn(s)`` (``fn(s1, s2, …)``) of their states as compiled
        rules see them, in the part of Python numba compiles. A compiled run then computes it
        in compiled code, which lets a world whose wellbeing and metrics are all over columns
        sample without returning to Python (see the docs on compiled populations).
        ``headline=True`` makes it the one number that tells how a run went, which plots and
        summaries show first instead of Ω (at most one metric per world).
        """
        if name in ("t", "omega", "run") or name in self._metrics:
            raise ArgumentError(f"metric name {name!r} is taken")
        if over is not None:
            fn = over_columns(name, fn, over, "metric")
        if headline and self._headline is not None:
            raise ArgumentError(
                f"world {self.name!r} already has headline metric {self._headline!r}; "
                f"declare {name!r} without headline=True"
            )
        self._metrics[name] = fn
        if headline:
            self._headline = name

    @property
    def headline(self) -> str:
        """The metric that tells how a run went: the one declared so, else ``"omega"``."""
        return "omega" if self._headline is None else self._headline

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
            raise DefinitionError(
                f"world {self.name!r}: a view function must return a PointsView, MatrixView or "
                f"BarsView, got {type(view).__qualname__}"
            )
        return view.to_json()

    def stop_when(self, fn: Stop | None) -> None:
        """Declare when a run of this world is over: ``fn(world)`` is checked after every
        instant, and the first instant where it returns True ends the run (None: never).

        A ``stop=`` given to one run takes its place for that run; the CLI and Experiment
        runs of a world that declares one stop where it holds.
        """
        if fn is not None and not callable(fn):
            raise DefinitionError(f"a stop condition is a function of the world, got {fn!r}")
        self._stop = fn

    def invariant(
        self, name: str, fn: Callable[..., Any], *, over: str | Sequence[str] | None = None
    ) -> None:
        """Declare that ``fn(world)`` holds after every instant (checked by ``run(check=True)``).

        ``fn`` returns False, or raises AssertionError, when the invariant is broken.
        ``over=`` declares it over the columns of populations, as for :meth:`metric`: ``fn(s)``
        returns False when it is broken; a compiled run checks it in compiled code after every
        instant, so a checked run still runs its instants compiled when every invariant is
        over columns.
        """
        if over is not None:
            fn = over_columns(name, fn, over, "invariant")
        self._invariants[name] = fn

    def send(
        self, to: Address | str, channel: str, message: Any, *, at: Time | None = None
    ) -> None:
        """Send a message from outside the society, due at time ``at``.

        Before the first run ``at`` defaults to the start of sampling; once the world has run
        through ``now``, the instant at ``now`` is over and sampled, so ``at`` must be later.
        """
        now = self._kernel.now
        if at is None and now is not None:
            raise DelayError(
                f"the world has run through t={now}: say when the message is due, "
                f"with at= a time after {now}"
            )
        if at is not None and not is_time(at):
            raise DelayError(f"at must be a finite time, got {at!r}")
        when = self._sample_start if at is None else at
        if now is not None and when <= now:
            raise DelayError(
                f"cannot send into the past: the world has run through t={now}, "
                f"so at={when} must be later"
            )
        self._kernel.send(when, to, channel, message, 0, self._kernel.queue)
        self._changed()

    # -- introspection -----------------------------------------------------------------

    @overload
    def __getitem__(self, key: str) -> Any: ...

    @overload
    def __getitem__(self, key: tuple[str, type[T]]) -> T: ...

    def __getitem__(self, key: str | tuple[str, type[Any]]) -> Any:
        """The group ``name``: the agent, the list of agents, or the population.

        ``world[name, Kind]`` also checks what it is and gives it that static type:
        ``world["desk", Desk]`` for one agent or a population, ``world["clerks", list[Clerk]]``
        for a list of agents.
        """
        name, kind = key if isinstance(key, tuple) else (key, None)
        group = self._kernel.group(name)
        members = group.members
        if kind is not None and not _is_kind(members, kind):
            raise DefinitionError(
                f"group {name!r} is of type {_kind_name(members)}, not {_kind_name(kind)}; "
                f"ask for world[{name!r}, {_kind_name(members)}]"
            )
        if not self._running:
            self._changed()  # the caller may change the agents: a replay would not see it
        return members

    def __iter__(self) -> Iterator[str]:
        """The group names, in the order they were added."""
        return iter(self._kernel.groups)

    @property
    def rng(self) -> np.random.Generator:
        """The world's own random stream (shuffled clocks draw from it)."""
        if not self._running:
            self._changed()
        return self._kernel.rng

    @property
    def now(self) -> Any:
        """The time up to which the world has run (None before it first runs)."""
        return self._kernel.now

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
            for name, g in self._kernel.groups.items()
        }

    def statistics(self) -> WorldStatistics:
        """Counters: instants run, messages and batches delivered, chunks pending."""
        k = self._kernel
        return WorldStatistics(
            now=k.now,
            instants=k.instants,
            messages_delivered=k.delivered,
            batches_delivered=k.batches,
            pending_chunks=k.queue.chunks(),
        )

    def pending(self) -> list[tuple[Any, str, str, Any]]:
        """Every pending delivery as (time, group, channel, message or batch), in order."""
        out = []
        for time, key, chunk in self._kernel.queue.pending():
            route = self._kernel.route_of(key)
            what = Tick(time) if key < 0 else chunk
            out.append((time, route.group.name, route.channel.name, what))
        return out

    def omega(self) -> Omega:
        """Ω now: the total, the total per agent type and mean W (cached within a sample)."""
        k = self._kernel
        cached = self._omega_cache
        if cached is not None and cached[0] == k.instants:
            return cached[1]
        time = k.now if k.now is not None else self._sample_start
        value = aggregate(
            [(g.agent_type.__qualname__, g.wellbeing(self.name, time)) for g in k.groups.values()]
        )
        self._omega_cache = (k.instants, value)
        return value

    # -- running -----------------------------------------------------------------------

    def run(
        self,
        steps: int | None = None,
        *,
        until: Time | None = None,
        stop: Stop | None = None,
        check: bool = False,
        rollback: bool = True,
        compiled: bool | None = None,
    ) -> Results:
        """Deliver every message due up to the horizon, sampling as declared; return the samples.

        ``steps=N`` runs N integer time units (N ticks of a unit clock); ``until=T`` runs to
        time T inclusive; with neither, the world runs until its queue is empty.
        ``stop(world)``, checked after every instant (after the invariants), ends the run at
        the first instant where it returns True: the world has then run through that instant,
        which is sampled (default: the condition declared with :meth:`stop_when`).
        ``check`` tests every invariant after every instant. ``rollback`` keeps the world at
        its last complete instant when a handler raises (by replaying from a checkpoint,
        renewed now and then: see :data:`REPLAY_PER_AGENT`); change agents between runs
        through ``world[name]``, which renews it.
        ``compiled`` says how compiled channels run: through numba (True), as Python (False),
        or through numba when it is installed (None); results are the same (see the docs for
        which are bit-identical), and seeds do not depend on it.
        """
        horizon = self._horizon(steps, until)
        self._refuse_async()
        self._check_cost(horizon)
        self._kernel.prepare(compiled, self._sampling())
        checkpoint = self._rollback_point() if rollback else None
        recorder = self._start(horizon, stop)
        try:
            self._advance(horizon, recorder, check)
        except DeliveryFailedError as failure:
            raise self._handler_error(failure, recorder, checkpoint) from failure.__cause__
        finally:
            self._running = False
            self._stopping = None
            self._sampler = None
        return self._results(recorder)

    async def run_async(
        self,
        steps: int | None = None,
        *,
        until: Time | None = None,
        stop: Stop | None = None,
        check: bool = False,
        realtime: float | None = None,
        handler_timeout: float | None = None,
        compiled: bool | None = None,
    ) -> Results:
        """``run`` under anyio (trio or asyncio): handlers may be ``async def``.

        Results equal those of a run where every await returned at once. ``realtime=speed``
        paces simulated time at ``speed`` units per second of the event loop's clock;
        ``handler_timeout`` (seconds) bounds each async handler; ``compiled`` is as for
        ``run``. Cancelling stops between instants, leaving the world consistent and resumable.
        """
        if realtime is not None and not (realtime > 0 and math.isfinite(realtime)):
            raise ArgumentError(f"realtime must be a finite speed > 0, got {realtime!r}")
        if handler_timeout is not None and not handler_timeout > 0:
            raise ArgumentError(f"handler_timeout must be > 0 seconds, got {handler_timeout!r}")
        horizon = self._horizon(steps, until)
        self._check_cost(horizon)
        kernel = self._kernel
        kernel.prepare(compiled, self._sampling())
        has_async = any(r.channel.is_async for r in kernel.by_key)
        # An async instant puts itself back when it fails; a sync one is replayed.
        checkpoint = None if has_async else self._rollback_point()
        recorder = self._start(horizon, stop)
        origin = (anyio.current_time(), kernel.now if kernel.now is not None else 0)
        progress = _Progress(self, horizon)
        reserving = self._reserving()
        room = 0
        try:
            while True:
                t = kernel.next_time()
                if t is None or t > horizon:
                    break
                progress.instant(t)
                await self._record_async(t, recorder, inclusive=False)
                if reserving and room == 0:
                    room = self._reserve(reserving, PROGRESS_WINDOW)
                room -= 1
                if realtime is not None:
                    await anyio.sleep_until(origin[0] + (t - origin[1]) / realtime)
                try:
                    if has_async:
                        await instant_async(kernel, t, self._seed, handler_timeout)
                    else:
                        self._instant(t)
                except DeliveryFailedError as failure:
                    raise self._handler_error(failure, recorder, checkpoint) from failure.__cause__
                if self._close_instant(t, check):
                    horizon = t
                    break
                await anyio.lowlevel.checkpoint()
            await self._record_async(self._end(horizon), recorder, inclusive=True, last=True)
        finally:
            self._running = False
            self._stopping = None
            self._sampler = None
            for stream_ in self._observers:
                stream_.close()
            self._observers.clear()
            if has_async:
                self._changed()  # async instants are not replayed: no checkpoint spans them
        return self._results(recorder)

    def observe(self, buffer: int = 64) -> AbstractAsyncContextManager[Any]:
        """``async with world.observe() as receive:`` streams the samples of ``run_async``.

        A full buffer makes the run wait for the reader; no sample is dropped.
        """
        return observe(self._observers, buffer)

    def _start(self, horizon: Time, stop: Stop | None) -> Recorder:
        if stop is not None and not callable(stop):
            raise DefinitionError(f"stop must be a function of the world, got {stop!r}")
        self._started = True
        self._running = True
        self._stopping = self._stop if stop is None else stop
        engine = self._kernel.engine
        self._sampler = None
        if engine is not None and engine.sampling is not None and engine.instants_ok:
            if engine.ready():
                self._sampler = engine
            else:
                self._diagnose(engine.sampling)
        expected = self._expected(horizon)
        capacity = INITIAL_SAMPLES if expected > INITIAL_SAMPLES else int(expected)
        return Recorder(self.metrics, self._type_names(), capacity=capacity)

    def _advance(
        self, horizon: Time, recorder: Recorder, check: bool, before: bool = False
    ) -> None:
        """Deliver every instant up to ``horizon`` (``before``: only those earlier than it)."""
        kernel = self._kernel
        progress = _Progress(self, horizon)
        check_at = progress.next_check
        instants = 0
        reserving = self._reserving()
        room = 0  # instants the populations have made room for (see Population.reserve)
        # Many instants in one compiled call where nothing needs Python: samples included
        # when the wellbeing and the metrics are over columns (and the invariants, checked);
        # else between samples.
        engine = kernel.engine
        stretches = (
            engine is not None
            and engine is self._sampler
            and not before
            and self._stopping is None
            and not self._auto_sampling
            and (not check or all(isinstance(f, Over) for f in self._invariants.values()))
        )
        fast = stretches or (
            engine is not None
            and engine.instants_ok
            and not check
            and not before
            and self._stopping is None
            and not self._auto_sampling
            # worth compiling only when samples are further apart than ticks
            and self._sample_every > min(c.every for c in kernel.clocks.values())
            and engine.ready()
        )
        while True:
            t = kernel.next_time()
            if t is None or t > horizon or (before and t >= horizon):
                break
            instants += 1
            if instants == check_at:  # cheap on the hot path: a count and a comparison
                check_at = progress.check(t, instants)
            self._record_through(t, recorder, inclusive=False)
            if reserving and room == 0:
                room = self._reserve(reserving, check_at - instants)
            if fast:
                assert engine is not None
                most = min(check_at - instants, room) if reserving else check_at - instants
                if stretches:
                    done = self._stretch(engine, horizon, most, recorder, check)
                else:
                    sample = self._sample_start + self._next_sample * self._sample_every
                    done = engine.instants(min(horizon, sample), most)
                if done:
                    instants += done - 1
                    room -= done
                    continue
            room -= 1
            self._instant(t)
            if self._close_instant(t, check) and not before:
                horizon = t
                break
        if not before:
            self._record_through(self._end(horizon), recorder, inclusive=True, last=True)

    def _reserving(self) -> list[Population]:
        """The populations that make room in their columns (``Population.reserve``)."""
        return [
            g.members
            for g in self._kernel.groups.values()
            if isinstance(g.members, Population)
            and type(g.members).reserve is not Population.reserve
        ]

    def _reserve(self, populations: list[Population], instants: int) -> int:
        """Room in every population's columns for up to ``instants`` instants: for how many."""
        room = instants
        for p in populations:
            got = p.reserve(instants)
            if (
                isinstance(got, bool)
                or not isinstance(got, int | np.integer)
                or not 1 <= got <= instants
            ):
                raise DefinitionError(
                    f"in world {self.name!r}: {type(p).__qualname__}.reserve({instants}) must "
                    f"return for how many instants its columns have room, an int from 1 to "
                    f"{instants}; got {got!r}"
                )
            room = min(room, int(got))
        return room

    def _stretch(
        self, engine: Engine, horizon: Time, most: int, recorder: Recorder, check: bool
    ) -> int:
        """Run instants up to ``horizon`` (at most ``most``) in compiled code, taking the
        samples due on the way; how many ran (0: the kernel must deliver the next one)."""
        first = self._sample_start + self._next_sample * self._sample_every
        due = (horizon - first) / self._sample_every
        room = int(min(max(due + 1, 1), STRETCH_SAMPLES)) if math.isfinite(due) else 1
        stretch = engine.stretch(self._sample_start, self._sample_every, self._next_sample, room)
        done = engine.instants(horizon, most, stretch, check)
        self._take_samples(stretch, recorder)
        if engine.status == INVARIANT:
            name = list(self._invariants)[engine.culprit]
            raise self._broken(name, self._kernel.now if self._kernel.now is not None else 0)
        return done

    def _take_samples(self, stretch: Stretch, recorder: Recorder) -> None:
        """Record the samples a compiled stretch took."""
        if not stretch.filled:
            return
        self._add_rows(stretch.rows[: stretch.filled], recorder)
        self._next_sample = stretch.next
        self._last_sample = self._sample_start + (stretch.next - 1) * self._sample_every

    def _add_rows(self, rows: np.ndarray[Any, Any], recorder: Recorder) -> None:
        """Record samples taken in compiled code: rows of (time, Ω of each group, each metric),
        Ω of each agent type, Ω and mean W summed as :func:`aggregate` sums them."""
        groups = list(self._kernel.groups.values())
        by_type: dict[str, np.ndarray[Any, Any]] = {}
        agents = 0
        for j, g in enumerate(groups):
            name = g.agent_type.__qualname__
            by_type[name] = by_type.get(name, 0.0) + rows[:, 1 + j]
            agents += g.size
        total = sum(by_type.values(), np.zeros(len(rows)))
        mean = total / agents if agents else np.full(len(rows), np.nan)
        recorder.add_rows(rows[:, 0], total, mean, rows[:, 1 + len(groups) :], by_type)

    def _instant(self, t: Time) -> None:
        """Every delivery of instant ``t``'s plan, inline and in order."""
        kernel = self._kernel
        for step in kernel.plan(t, inline=True):
            if isinstance(step, list):
                for delivery in step:
                    kernel.deliver(delivery, t)
            else:
                for _ in step:  # an inline cascade delivers as it goes
                    pass

    def _close_instant(self, t: Time, check: bool) -> bool:
        """Instant ``t`` is over: check the invariants if asked; whether the run stops here."""
        self._kernel.close_instant(t)
        if check:
            self._check_invariants(t)
        stop = self._stopping
        if stop is None:
            return False
        try:
            done = stop(self)
        except Exception as exc:
            raise StopConditionError(
                f"in world {self.name!r} at t={t}: the stop condition {_name(stop)} raised "
                f"{_reason(exc)}"
            ) from exc
        if not isinstance(done, bool | np.bool_):
            raise StopConditionError(
                f"in world {self.name!r} at t={t}: the stop condition {_name(stop)} must return "
                f"True or False, got {done!r}"
            )
        return bool(done)

    def _end(self, horizon: Time) -> Time:
        """The run is over at ``horizon`` (for a run until the queue is empty: its last
        instant): the world has run through it."""
        kernel = self._kernel
        if math.isinf(horizon):
            horizon = kernel.now if kernel.now is not None else self._sample_start
        kernel.now = horizon
        return horizon

    def _record_through(
        self, t: Time, recorder: Recorder, *, inclusive: bool, last: bool = False
    ) -> None:
        """Take the samples due before ``t`` (``inclusive``: through ``t``); ``last``: ``t``
        ends a run, which is sampled even off the sampling grid."""
        every, start = self._sample_every, self._sample_start
        while not (self._auto_sampling and self._next_sample > 0):  # no clock: start only
            s = start + self._next_sample * every
            if s > t or (s == t and not inclusive):
                break
            self._sample(s, recorder)
            self._next_sample += 1
        if last and t >= start and (self._last_sample is None or t > self._last_sample):
            self._sample(t, recorder)

    def _sample(self, s: Time, recorder: Recorder) -> None:
        if self._sampler is not None:  # a compiled run's samples are all computed compiled
            row = self._sampler.sample()
            if row is not None:
                row[0] = s
                self._add_rows(row[None, :], recorder)
                self._last_sample = s
                return
        omega = self.omega()
        values = [float(fn(self)) for fn in self._metrics.values()]
        recorder.add(s, omega.total, omega.mean, values, omega.by_type)
        self._last_sample = s

    async def _record_async(
        self, t: Time, recorder: Recorder, *, inclusive: bool, last: bool = False
    ) -> None:
        """Take the samples due through ``t`` and stream them to every observer."""
        before = recorder.size
        self._record_through(t, recorder, inclusive=inclusive, last=last)
        ticks = self._ticks()
        for i in range(before, recorder.size):
            s, omega, metrics = recorder.row(i)
            obs = Observation(self.name, int(s) if ticks and s.is_integer() else s, omega, metrics)
            for stream_ in list(self._observers):
                try:
                    await stream_.send(obs)  # waits while the buffer is full: back-pressure
                except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                    self._observers.remove(stream_)

    def _check_invariants(self, t: Time) -> None:
        for name, fn in self._invariants.items():
            try:
                ok = fn(self)
            except AssertionError as exc:
                raise self._broken(name, t, f": {exc}") from exc
            if ok is False or (ok is not None and not ok):
                raise self._broken(name, t)

    def _broken(self, name: str, t: Time, why: str = "") -> InvariantError:
        return InvariantError(
            f"in world {self.name!r} at t={t}: invariant {name!r} broken{why}",
            world=self.name,
            invariant=name,
            time=t,
        )

    def _sampling(self) -> Sampling | None:
        """What compiled instants may sample: every group's wellbeing and every metric, when
        all are over columns (and every invariant, when all are); None otherwise. Functions
        over columns are checked to read populations of this world."""
        groups = self._kernel.groups
        for kind, table in (("metric", self._metrics), ("invariant", self._invariants)):
            for fn in table.values():
                if isinstance(fn, Over):
                    fn.check(groups, self.name, kind)
        wellbeing = [compiled_wellbeing(g.members) for g in groups.values()]
        metrics = list(self._metrics.values())
        if not all(wellbeing) or not all(isinstance(m, Over) for m in metrics):
            return None
        invariants = list(self._invariants.values())
        return Sampling(
            tuple(w for w in wellbeing if w is not None),
            tuple(m for m in metrics if isinstance(m, Over)),
            tuple(i for i in invariants if isinstance(i, Over))
            if all(isinstance(i, Over) for i in invariants)
            else (),
        )

    def _diagnose(self, sampling: Sampling) -> None:
        """The compiled instants of a world that samples over columns did not compile: if a
        wellbeing, metric or invariant is what numba cannot compile, say which; otherwise
        (a world shape the generator did not foresee) the run goes on as before."""
        from ._columns import compile_error

        groups = self._kernel.groups
        for g, fn in zip(groups.values(), sampling.wellbeing, strict=True):
            where = f"the wellbeing of group {g.name!r}"
            compile_error(self.name, where, fn, [g.members])
        for kind, table in (("metric", sampling.metrics), ("invariant", sampling.invariants)):
            for o in table:
                members = [groups[name].members for name in o.groups]
                compile_error(self.name, f"{kind} {o.name!r}", o.fn, members)

    def _results(self, recorder: Recorder) -> Results:
        return recorder.results(
            self.name, self._params_dict(), self._seed.entropy, ticks=self._ticks()
        )

    def _ticks(self) -> bool:
        """Whether the sampling grid is whole, so whole sample times are reported as ints (a
        world with no clock and no grid has times of its own: floats)."""
        return not self._auto_sampling and all(
            isinstance(x, int | np.integer) for x in (self._sample_every, self._sample_start)
        )

    def _horizon(self, steps: int | None, until: Time | None) -> Time:
        now = self._kernel.now
        if steps is not None and until is not None:
            raise ArgumentError("give steps= or until=, not both")
        if steps is not None:
            if not isinstance(steps, int | np.integer) or isinstance(steps, bool) or steps < 0:
                raise ArgumentError(f"steps must be an integer ≥ 0, got {steps!r}")
            base = now if now is not None else self._sample_start - 1
            return base + int(steps)
        if until is not None:
            if (
                not isinstance(until, int | float | np.number)
                or isinstance(until, bool)
                or math.isnan(until)
            ):
                raise ArgumentError(f"until must be a number, got {until!r}")
            if now is not None and until < now:
                raise ArgumentError(f"until={until} is before the world's time now={now}")
            if math.isinf(until) and self._kernel.clocks:
                raise ArgumentError(
                    f"until={until} never comes for a world with a clock (it never runs dry): "
                    "give a finite time, or steps="
                )
            return until
        if self._kernel.clocks:
            raise ArgumentError("a world with a clock never runs dry: give steps= or until=")
        return math.inf

    def _expected(self, horizon: Time) -> float:
        """How many samples a run through ``horizon`` takes (inf: unknown, the run goes on
        until the queue is empty)."""
        if self._auto_sampling:
            return 2
        if math.isinf(horizon):
            return math.inf
        first = self._sample_start + self._next_sample * self._sample_every
        span = (horizon - first) / self._sample_every
        return max(1.0, math.floor(span) + 2.0) if math.isfinite(span) else math.inf

    def _check_cost(self, horizon: Time) -> None:
        """Refuse, before anything is allocated, a run whose samples would not fit in
        ``NPOLITICS_MAX_MEMORY`` or whose clocks would tick more than
        ``NPOLITICS_MAX_INSTANTS`` times before ``horizon``."""
        limits = Limits.current()
        samples = self._expected(horizon)
        if math.isfinite(samples):
            columns = 3 + len(self._metrics) + len(self._type_names())
            limits.check_memory(
                results_bytes(1, samples, columns),
                f"a run of world {self.name!r} through t={horizon} sampled every "
                f"{self._sample_every} ({format_count(samples)} samples)",
            )
        if math.isinf(horizon):
            return
        now = self._kernel.now
        base = now if now is not None else self._sample_start
        for clock in self._kernel.clocks.values():
            ticks = max(0.0, (horizon - base) / clock.every)
            limits.check_instants(
                ticks,
                f"a run of world {self.name!r} through t={horizon}, with group "
                f"{clock.route.group.name!r} ticking every {clock.every},",
            )

    def _refuse_async(self) -> None:
        for route in self._kernel.by_key:
            if route.channel.is_async:
                raise DefinitionError(
                    f"channel {route.channel.name!r} of {route.group.agent_type.__qualname__} is "
                    "async: run this world with `await world.run_async(...)`"
                )

    # -- rollback ----------------------------------------------------------------------

    def _changed(self) -> None:
        """The world was changed from outside a run: a replay from the checkpoint would
        not see it, so the next run takes a new one."""
        self._checkpoint = None

    def _rollback_point(self) -> Snapshot:
        """A checkpoint a failed run can replay from: the last one, while it is recent."""
        kernel = self._kernel
        if self._checkpoint is not None:
            snap, delivered = self._checkpoint
            agents = sum(g.size for g in kernel.groups.values())
            if kernel.delivered - delivered < REPLAY_PER_AGENT * max(agents, 1):
                return snap
        snap = self._take(canonical=False)
        self._checkpoint = (snap, kernel.delivered)
        return snap

    def _handler_error(
        self, failure: DeliveryFailedError, recorder: Recorder, checkpoint: Snapshot | None
    ) -> HandlerError:
        """The error for a failed handler, after putting the world back at the last complete
        instant: ``checkpoint`` replayed up to the failed instant."""
        partial = self._results(recorder)
        note = ""
        if checkpoint is None:
            self._changed()  # the world holds a half-applied instant: nothing to replay onto
        else:
            note = self._replay(checkpoint, failure.time, partial)
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
            reason=_reason(failure.__cause__) + note,
        )

    def _replay(self, checkpoint: Snapshot, until: Time, partial: Results) -> str:
        """Restore ``checkpoint`` and deliver every instant before ``until`` again; say so if
        the replay did not reproduce the samples the failed run had recorded."""
        kernel = self._kernel
        start = kernel.now
        self._stopping = None  # the run had not stopped before it failed: neither does a replay
        self._put(pickle.loads(checkpoint.data))
        scratch = Recorder(self.metrics, self._type_names())
        self._running = True
        self._advance(until, scratch, check=False, before=True)
        # The interrupted run had recorded every sample before the failed instant, and
        # ``partial`` returns them: move past them too, so a continued run does not
        # record them again (partial + continuation = an uninterrupted run).
        self._record_through(until, scratch, inclusive=False)
        if kernel.now is None or (start is not None and kernel.now < start):
            kernel.now = start  # the failed run began where an earlier run ended
        replayed = scratch.results(self.name, {}, None)
        first = np.searchsorted(replayed.t, partial.t[0]) if len(partial) else 0
        again = replayed.omega[first : first + len(partial)]
        if np.array_equal(again, partial.omega[: again.size], equal_nan=True):
            return ""
        return (
            " (the world was put back by replaying from a checkpoint, but the replay gave "
            "other samples than the run: its state depends on more than the checkpoint "
            "holds, such as a set's iteration order; snapshot() before the run to be able to "
            "restore exactly)"
        )

    # -- snapshots ---------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The world's whole mutable state now (agents, queue, random streams, time, samples).

        The world then continues from the snapshot's own copy of its state, so it and any
        world restored from the snapshot go on bit-identically — sets included, whose
        iteration order depends on their history and is rebuilt by the copy.
        """
        snap = self._take(canonical=True)
        self._checkpoint = (snap, self._kernel.delivered)
        return snap

    def _take(self, *, canonical: bool) -> Snapshot:
        state = {
            "kernel": self._kernel.get_state(),
            "sampling": (self._started, self._next_sample, self._last_sample),
        }
        data = dump(state, self.name)
        if canonical:
            self._put(pickle.loads(data))
        return Snapshot(
            world=self.name,
            time=self._kernel.now,
            groups=tuple(self._kernel.groups),
            data=data,
            layout=self._kernel.layout(),
        )

    def restore(self, snapshot: Snapshot) -> None:
        """Put the world back in the state of ``snapshot``, taken from a world composed alike.

        Agents keep their identity (state goes back into the same objects); nothing changes
        if the snapshot does not fit.
        """
        if not isinstance(snapshot, Snapshot):
            raise DefinitionError(f"restore takes a Snapshot, got {type(snapshot).__qualname__}")
        layout = self._kernel.layout()
        if snapshot.world != self.name or snapshot.layout != layout:
            raise ArgumentError(
                f"snapshot of world {snapshot.world!r} with groups {list(snapshot.layout[0])} "
                f"and clocks {list(snapshot.layout[1])} does not fit world {self.name!r} with "
                f"groups {list(layout[0])} and clocks {list(layout[1])}"
            )
        self._put(pickle.loads(snapshot.data))
        self._checkpoint = (snapshot, self._kernel.delivered)

    def _put(self, state: dict[str, Any]) -> None:
        self._kernel.set_state(state["kernel"])
        self._started, self._next_sample, self._last_sample = state["sampling"]
        self._omega_cache = None

    # -- helpers -----------------------------------------------------------------------

    def _type_names(self) -> list[str]:
        return list(dict.fromkeys(g.agent_type.__qualname__ for g in self._kernel.groups.values()))

    def _params_dict(self) -> dict[str, Any]:
        if self.params is None:
            return {}
        if attrs.has(type(self.params)):
            return attrs.asdict(self.params, recurse=False)
        return dict(self.params)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}: {g.size}" for n, g in self._kernel.groups.items())
        return f"<World {self.name!r} t={self._kernel.now} ({sizes})>"


class _Progress:
    """Whether a run is getting anywhere, checked every :data:`PROGRESS_WINDOW` instants.

    A run whose events come closer and closer together (event times 1e-300 apart, a clock
    period far below the horizon's scale) is not stuck in one place but will never arrive;
    it is stopped with a :class:`StalledError` once, at the rate its time moved over the last
    window, it would need more than ``NPOLITICS_MAX_INSTANTS`` instants in all (in
    :data:`STRIKES` consecutive windows). A run with no
    horizon (until the queue is empty) is stopped after that many instants.
    """

    def __init__(self, world: World, horizon: Time) -> None:
        self.world = world
        self.horizon = horizon
        self.limit = Limits.current().instants
        self.next_check = PROGRESS_WINDOW
        now = world.now
        self.last: Time = world.sample_start if now is None else now  # where the run starts
        self.count = 0
        self.strikes = 0  # consecutive windows at a hopeless rate

    def instant(self, t: Time) -> None:
        """Count one instant (for drivers that loop in Python anyway)."""
        self.count += 1
        if self.count == self.next_check:
            self.next_check = self.check(t, self.count)

    def check(self, t: Time, instants: int) -> int:
        """Check progress at instant number ``instants`` (time ``t``); the next check's number."""
        name = self.world.name
        last, self.last = self.last, t
        if math.isinf(self.horizon):
            if instants > self.limit:
                raise StalledError(
                    f"world {name!r} has run {format_count(instants)} instants (t={t}) without "
                    f"its queue running dry; give it a horizon, or set NPOLITICS_MAX_INSTANTS "
                    f"to let it run longer"
                )
            return instants + PROGRESS_WINDOW
        rate = (t - last) / PROGRESS_WINDOW
        left = (self.horizon - t) / rate if rate > 0 else math.inf
        self.strikes = self.strikes + 1 if instants + left > self.limit else 0
        if self.strikes >= STRIKES:  # not one window's burst of close events: a crawl
            raise StalledError(
                f"world {name!r} cannot reach t={self.horizon}: its time moved only "
                f"{t - last:.3g} over the last {PROGRESS_WINDOW} instants (now t={t}), so "
                f"it would need about {format_count(instants + left)} instants, more than "
                f"the limit of {format_count(self.limit)} (NPOLITICS_MAX_INSTANTS); check "
                "the parameters that set its event rates"
            )
        return instants + PROGRESS_WINDOW


def _reason(exc: BaseException | None) -> str:
    """What went wrong, in a few words: ``RuntimeError: tripped``."""
    if exc is None:
        return ""
    if isinstance(exc, TimeoutError) and not str(exc):
        return "TimeoutError: the handler exceeded its timeout"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _is_kind(members: object, kind: object) -> bool:
    """Whether a group's members are of ``kind``: a class, or ``list[Agent type]``."""
    if get_origin(kind) is list:
        (item,) = get_args(kind)
        return (
            isinstance(members, list)
            and isinstance(item, type)
            and all(isinstance(m, item) for m in members)
        )
    return isinstance(kind, type) and isinstance(members, kind)


def _kind_name(what: object) -> str:
    """A group's members, or a kind asked for, as the user would write its type."""
    if isinstance(what, list):
        return f"list[{type(what[0]).__qualname__ if what else 'Agent'}]"
    if get_origin(what) is list:
        return f"list[{', '.join(_kind_name(a) for a in get_args(what))}]"
    if isinstance(what, type):
        return what.__qualname__
    return type(what).__qualname__


def _name(fn: Callable[..., Any]) -> str:
    """A function as the user wrote it: ``done`` or ``<lambda> (model.py:12)``."""
    code = getattr(fn, "__code__", None)
    name = getattr(fn, "__qualname__", repr(fn))
    if code is None or not name.endswith("<lambda>"):
        return repr(name)
    return f"<lambda> ({code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno})"
