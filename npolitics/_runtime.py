"""The async runtime: the same kernel under anyio (trio by default, asyncio in notebooks).

``run_async`` delivers instants exactly as ``run`` does. Synchronous handlers run inline, so a
world without async handlers gives the same results at nearly the same speed. In a round
that holds async handlers, every handler's sends are held back and committed in canonical
order once the round is done, so results do not depend on the order in which awaits finish:

- handlers of different agents run concurrently in a task group the world owns; the handlers
  of one agent run one after another, in canonical order;
- synchronous handlers of such a round run first, inline, in canonical order;
- each async handler draws from its own random stream, derived from (group, instant, round,
  position), never from a stream shared with concurrent handlers.

A handler that raises or exceeds ``handler_timeout`` cancels the rest of its instant and
nothing of that instant is committed; cancelling the run (a cancel scope, a timeout, Ctrl-C)
stops between instants, leaving the world consistent and resumable.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio
import anyio.lowlevel
import attrs
import numpy as np
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from ._context import Context
from ._message import Address
from ._results import Recorder, Results
from ._scheduler import Buffer, Chunk, Sweep, Time

if TYPE_CHECKING:
    from ._world import World, _Route


@attrs.frozen
class Observation:
    """One sample streamed by ``World.observe()``: time, Ω and every metric."""

    world: str
    t: float
    omega: float
    metrics: dict[str, float]


@attrs.define(eq=False)
class _Call:
    """One handler invocation of an async round, in canonical order."""

    route: _Route
    index: int  # agent index, or -1 for a population's batch
    message: Any
    context: Context


async def run_async(
    world: World,
    steps: int | None = None,
    *,
    until: Time | None = None,
    check: bool = False,
    realtime: float | None = None,
    handler_timeout: float | None = None,
) -> Results:
    """Run ``world`` as ``world.run`` does, under the running anyio event loop.

    ``realtime=speed`` paces the run at ``speed`` simulated time units per second of the
    event loop's clock; ``handler_timeout`` (seconds) bounds each async handler.
    """
    from ._world import _FailureError

    if realtime is not None and not (realtime > 0 and math.isfinite(realtime)):
        raise ValueError(f"realtime must be a finite speed > 0, got {realtime!r}")
    if handler_timeout is not None and not handler_timeout > 0:
        raise ValueError(f"handler_timeout must be > 0 seconds, got {handler_timeout!r}")
    horizon = world._horizon(steps, until)
    has_async = any(r.channel.is_async for r in world._routes.values())
    checkpoint = None if has_async else world.snapshot()
    world._started = True
    recorder = Recorder(world.metrics, world._type_names(), capacity=world._expected(horizon))
    queue = world._queue
    origin = (anyio.current_time(), world._now if world._now is not None else 0)
    try:
        while True:
            t = queue.next_time()
            if t is None or t > horizon:
                break
            await _record(world, t, recorder, inclusive=False)
            if realtime is not None:
                await anyio.sleep_until(origin[0] + (t - origin[1]) / realtime)
            try:
                if has_async:
                    await _instant_async(world, t, handler_timeout)
                else:
                    world._instant(t)
            except _FailureError as failure:
                # An async instant has already put itself back; a sync one is replayed.
                raise world._handler_error(failure, recorder, checkpoint) from failure.__cause__
            world._now = t
            world._instants += 1
            if check:
                world._check_invariants(t)
            await anyio.lowlevel.checkpoint()
        end = horizon
        if math.isinf(end):
            end = world._now if world._now is not None else world._sample_start
        await _record(world, end, recorder, inclusive=True)
        world._now = end
    finally:
        for stream in world._observers:
            stream.close()
        world._observers.clear()
    return world._results(recorder)


async def _record(world: World, t: Time, recorder: Recorder, *, inclusive: bool) -> None:
    """Take the samples due through ``t`` and stream them to every observer."""
    before = recorder.size
    world._record_through(t, recorder, inclusive=inclusive)
    if not world._observers:
        return
    for i in range(before, recorder.size):
        s, omega, metrics = recorder.row(i)
        obs = Observation(world.name, s, omega, metrics)
        for stream in list(world._observers):
            try:
                await stream.send(obs)  # waits while the buffer is full: back-pressure
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                world._observers.remove(stream)


async def _instant_async(world: World, t: Time, timeout: float | None) -> None:
    """All rounds of instant ``t``; on any failure or cancellation the world goes back to
    how it was when the instant began, and the error propagates."""
    before = world.snapshot()
    try:
        queue = world._queue
        rounds = 0
        while queue.next_time() == t:
            _, round_ = queue.pop_round()
            await _round_async(world, t, rounds, round_, timeout)
            rounds += 1
    except BaseException:
        with anyio.CancelScope(shield=True):
            world.restore(before)
        raise


async def _round_async(
    world: World,
    t: Time,
    round_no: int,
    round_: list[tuple[int, list[Chunk]]],
    timeout: float | None,
) -> None:
    from ._world import _FailureError

    calls: list[_Call] = []
    for key, chunks in round_:
        if key < 0:
            route, sweep = world._tick(key, t)
            calls.extend(_expand(world, route, [sweep], t, round_no, len(calls)))
        else:
            calls.extend(_expand(world, world._by_key[key], chunks, t, round_no, len(calls)))
    world._batches += len(round_)
    # Synchronous handlers act first, inline and in canonical order.
    for call in calls:
        if not call.route.channel.is_async:
            _call_sync(call, t)
    lanes: dict[tuple[str, int], list[_Call]] = {}
    for call in calls:
        if call.route.channel.is_async:
            lanes.setdefault((call.route.group.name, call.index), []).append(call)
    if lanes:
        failures: list[tuple[int, _FailureError]] = []
        position = {id(c): i for i, c in enumerate(calls)}

        async def lane(queue: list[_Call]) -> None:
            for call in queue:
                try:
                    if timeout is None:
                        await _call_async(call)
                    else:
                        with anyio.fail_after(timeout):
                            await _call_async(call)
                except Exception as exc:
                    failure = _FailureError(call.route, call.index, call.message, t)
                    failure.__cause__ = exc
                    failures.append((position[id(call)], failure))
                    raise

        try:
            async with anyio.create_task_group() as tg:
                for queue in lanes.values():
                    tg.start_soon(lane, queue)
        except BaseExceptionGroup:
            if not failures:
                raise
        if failures:
            raise min(failures, key=lambda f: f[0])[1]
    for call in calls:
        sink = call.context._sink
        assert sink is not None
        for time, key, chunk in sink:
            world._queue.put(time, key, chunk)
        world._delivered += len(call.message) if call.index < 0 else 1


def _expand(
    world: World, route: _Route, chunks: list[Chunk], t: Time, round_no: int, start: int
) -> list[_Call]:
    """One call per message (a scalar group) or per batch (a population)."""
    group = route.group
    pairs: list[tuple[int, Any]] = []
    if group.kind == "population":
        pairs = [(-1, world._as_batch(route, chunks))]
    else:
        for chunk in chunks:
            if type(chunk) is tuple:
                pairs.append(chunk)
            elif type(chunk) is Sweep:
                order = range(group.size) if chunk.order is None else chunk.order.tolist()
                pairs.extend((i, chunk.message) for i in order)
            else:
                pairs.extend(chunk.messages())
    calls = []
    for offset, (i, message) in enumerate(pairs):
        me = Address(group.name, i)
        if route.channel.is_async:
            rng = _call_stream(world, group.name, round_no, start + offset)
        else:
            rng = group.context.rng
        ctx = Context(world, me, rng, Buffer())
        ctx.now = t
        calls.append(_Call(route, i, message, ctx))
    return calls


def _call_stream(world: World, group: str, round_no: int, position: int) -> np.random.Generator:
    root = world._seed
    key = (
        *root.spawn_key,
        zlib.crc32(f"async:{group}".encode()),
        world._instants,
        round_no,
        position,
    )
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(root.entropy, spawn_key=key)))


def _call_sync(call: _Call, t: Time) -> None:
    from ._world import _FailureError

    group = call.route.group
    member = group.members if call.index < 0 else group.members[call.index]
    try:
        call.route.channel.handler(member, call.message, call.context)
    except Exception as exc:
        raise _FailureError(call.route, call.index, call.message, t) from exc


async def _call_async(call: _Call) -> None:
    group = call.route.group
    member = group.members if call.index < 0 else group.members[call.index]
    await call.route.channel.handler(member, call.message, call.context)


@asynccontextmanager
async def observe(
    world: World, buffer: int = 64
) -> AsyncIterator[MemoryObjectReceiveStream[Observation]]:
    """A stream of the samples of the world's next ``run_async``, closed when it ends.

    At most ``buffer`` samples wait in the stream; when it is full the run waits for the
    reader (back-pressure): no sample is ever dropped.
    """
    if buffer < 0:
        raise ValueError(f"buffer must be ≥ 0, got {buffer}")
    send: MemoryObjectSendStream[Observation]
    send, receive = anyio.create_memory_object_stream[Observation](buffer)
    world._observers.append(send)
    try:
        async with receive:
            yield receive
    finally:
        if send in world._observers:
            world._observers.remove(send)
        send.close()
