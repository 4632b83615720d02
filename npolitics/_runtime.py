"""The async runtime: rounds of the kernel's plan run under anyio (trio, or asyncio in notebooks).

``World.run_async`` drives the same plan as ``World.run``; for an instant that may hold async
handlers it calls :func:`instant_async`, which runs each round of the plan so that results do
not depend on the order in which awaits finish:

- every handler's sends are held back and committed in canonical order once the round is done;
- synchronous handlers of the round run first, inline, in canonical order;
- handlers of different agents run concurrently in a task group; the handlers of one agent
  run one after another, in canonical order;
- each async handler draws from its own random stream, derived from (group, instant, round,
  position), never from a stream shared with concurrent handlers.

A handler that raises or exceeds its timeout cancels the rest of its instant, and nothing of
that instant is committed: the kernel goes back to its state when the instant began.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import attrs
import numpy as np
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from ._context import Context
from ._errors import ArgumentError
from ._kernel import DeliveryFailedError, Kernel, Round, Route
from ._message import Address
from ._random import python_random
from ._scheduler import Buffer, Time
from ._state import dump


@attrs.frozen
class Observation:
    """One sample streamed by ``World.observe()``: time (an int in a world that ticks, as in
    its Results), Ω and every metric."""

    world: str
    t: float
    omega: float
    metrics: dict[str, float]


@attrs.define(eq=False)
class _Call:
    """One handler invocation of an async round, in canonical order."""

    route: Route
    index: int  # agent index, or -1 for a population's batch
    message: Any
    context: Context
    sends: Buffer


async def instant_async(
    kernel: Kernel, t: Time, seed: np.random.SeedSequence, timeout: float | None
) -> None:
    """Every round of instant ``t``; on any failure or cancellation the kernel goes back to
    how it was when the instant began, and the error propagates."""
    before = dump(kernel.get_state(), kernel.world)
    number = 0
    try:
        for step in kernel.plan(t):
            # A sequential cascade is a round per chunk: each acts on what the last one did.
            rounds: Iterable[Round] = (
                [step] if isinstance(step, list) else ([(r, [c])] for r, c in step)
            )
            for round_ in rounds:
                await _round_async(kernel, t, number, round_, seed, timeout)
                number += 1
    except BaseException:
        with anyio.CancelScope(shield=True):
            kernel.set_state(pickle.loads(before))
        raise


async def _round_async(
    kernel: Kernel,
    t: Time,
    number: int,
    round_: Round,
    seed: np.random.SeedSequence,
    timeout: float | None,
) -> None:
    calls: list[_Call] = []
    for route, chunks in round_:
        group = route.group
        for index, message in group.calls(route.channel, chunks):
            if route.channel.is_async:
                own = _call_key(seed, group.name, kernel.instants, number, len(calls))
                rng = np.random.Generator(np.random.PCG64(own))
                random = python_random(own)
            else:
                rng, random = group.context.rng, group.context.random
            sends = Buffer()
            ctx = Context(kernel, Address(group.name, index), rng, random, sends)
            ctx.now = t
            calls.append(_Call(route, index, message, ctx, sends))
    kernel.batches += len(round_)
    for call in calls:
        if not call.route.channel.is_async:
            _call_sync(call, t)
    lanes: dict[tuple[str, int], list[_Call]] = {}
    for call in calls:
        if call.route.channel.is_async:
            lanes.setdefault((call.route.group.name, call.index), []).append(call)
    if lanes:
        await _run_lanes(lanes, {id(c): i for i, c in enumerate(calls)}, t, timeout)
    for call in calls:
        for time, key, chunk in call.sends.sends:
            kernel.out.put(time, key, chunk)
        kernel.delivered += len(call.message) if call.index < 0 else 1


async def _run_lanes(
    lanes: dict[tuple[str, int], list[_Call]],
    position: dict[int, int],
    t: Time,
    timeout: float | None,
) -> None:
    """Each agent's async calls in order, the agents concurrently; the first failure in
    canonical order is the one raised."""
    failures: list[tuple[int, DeliveryFailedError]] = []

    async def lane(queue: list[_Call]) -> None:
        for call in queue:
            try:
                if timeout is None:
                    await _call_async(call)
                else:
                    with anyio.fail_after(timeout):
                        await _call_async(call)
            except Exception as exc:
                failure = DeliveryFailedError(call.route, call.index, call.message, t)
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


def _call_key(
    seed: np.random.SeedSequence, group: str, instant: int, number: int, position: int
) -> np.random.SeedSequence:
    """The seed of one async call's own streams: (group, instant, round, position)."""
    key = (*seed.spawn_key, zlib.crc32(f"async:{group}".encode()), instant, number, position)
    return np.random.SeedSequence(seed.entropy, spawn_key=key)


def _call_sync(call: _Call, t: Time) -> None:
    try:
        call.route.channel.handler(call.route.group.member(call.index), call.message, call.context)
    except Exception as exc:
        raise DeliveryFailedError(call.route, call.index, call.message, t) from exc


async def _call_async(call: _Call) -> None:
    member = call.route.group.member(call.index)
    await call.route.channel.handler(member, call.message, call.context)


@asynccontextmanager
async def observe(
    observers: list[Any], buffer: int = 64
) -> AsyncIterator[MemoryObjectReceiveStream[Observation]]:
    """A stream of the samples of the world's next ``run_async``, closed when it ends.

    ``observers`` is the world's list of open streams. At most ``buffer`` samples wait in the
    stream; when it is full the run waits for the reader (back-pressure): none is dropped.
    """
    if buffer < 0:
        raise ArgumentError(f"buffer must be ≥ 0, got {buffer}")
    send: MemoryObjectSendStream[Observation]
    send, receive = anyio.create_memory_object_stream[Observation](buffer)
    observers.append(send)
    try:
        async with receive:
            yield receive
    finally:
        if send in observers:
            observers.remove(send)
        send.close()
