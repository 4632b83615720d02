"""The async runtime: the same kernel under anyio, deterministic whatever awaits do."""

from __future__ import annotations

import math

import anyio
import async_agents
import attrs
import pytest
import rumours
import trio
import trio.testing
from hypothesis import given
from hypothesis import strategies as st

import npolitics as npl


@pytest.fixture(params=["trio", "asyncio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def run_trio(fn, *args):  # type: ignore[no-untyped-def]
    """Run ``fn(*args)`` under trio on a virtual clock that jumps over every sleep."""
    return trio.run(fn, *args, clock=trio.testing.MockClock(autojump_threshold=0))


@pytest.mark.anyio
async def test_sync_world_gives_the_results_of_run() -> None:
    """A world of synchronous handlers runs under trio and asyncio exactly as run() does."""
    expected = rumours.population_world(people=500).run(steps=20)
    got = await rumours.population_world(people=500).run_async(steps=20)
    assert got.equals(expected)
    scalar = await rumours.scalar_world(people=500).run_async(steps=20)
    assert scalar.frame().equals(expected.frame())


@pytest.mark.anyio
async def test_async_handlers_run_under_both_backends() -> None:
    """Async handlers (here with real, tiny latencies) give the instant-answer results."""
    instant = await async_agents.market_world(traders=5).run_async(steps=5)
    slow = await async_agents.market_world(traders=5, mean_latency=0.001).run_async(steps=5)
    assert slow.equals(instant)


@given(latency_seed=st.integers(0, 2**32 - 1), mean=st.sampled_from([0.01, 1.0, 50.0]))
def test_results_do_not_depend_on_the_order_awaits_complete(latency_seed: int, mean: float) -> None:
    """Whatever latencies the service draws, results equal those of instant answers."""
    instant = run_trio(async_agents.market_world(traders=6).run_async, 8)

    def world() -> npl.World:
        w = async_agents.market_world(traders=6, mean_latency=mean)
        for trader in w["traders"]:
            trader.service.seed = latency_seed
            trader.service.__attrs_post_init__()
        return w

    assert run_trio(world().run_async, 8).equals(instant)


def test_run_refuses_async_handlers_with_a_pointer_to_run_async() -> None:
    """The synchronous run() cannot await: it says what to use instead."""
    with pytest.raises(TypeError, match=r"await world\.run_async"):
        async_agents.market_world().run(steps=1)


@given(stop_after=st.integers(1, 15))
def test_cancelled_run_resumes_to_the_uninterrupted_results(stop_after: int) -> None:
    """Cancelling between samples leaves a consistent world; finishing it matches a clean run."""
    full = run_trio(async_agents.market_world(traders=4, mean_latency=0.5).run_async, 20)
    world = async_agents.market_world(traders=4, mean_latency=0.5)
    seen: list[float] = []

    async def interrupted() -> None:
        async with trio.open_nursery() as nursery, world.observe(buffer=0) as samples:
            nursery.start_soon(lambda: world.run_async(steps=20))
            async for obs in samples:
                seen.append(obs.t)
                if len(seen) == stop_after:
                    nursery.cancel_scope.cancel()

    run_trio(interrupted)
    assert world.now is not None
    assert world.now < 19
    rest = run_trio(lambda: world.run_async(until=19))
    tail = full.frame().iloc[-len(rest) :].reset_index(drop=True)
    assert rest.frame().equals(tail)
    assert seen == list(full.t[: len(seen)])


def test_a_slow_reader_gets_every_sample() -> None:
    """Back-pressure: with no buffer and a reader slower than the run, nothing is dropped."""
    world = rumours.population_world(people=300)
    got: list[npl.Observation] = []

    async def main() -> None:
        async with trio.open_nursery() as nursery, world.observe(buffer=0) as samples:
            nursery.start_soon(lambda: world.run_async(steps=25))
            async for obs in samples:
                await trio.sleep(1.0)
                got.append(obs)

    run_trio(main)
    assert [o.t for o in got] == list(range(25))
    assert (
        got[-1].metrics["informed"]
        == rumours.population_world(people=300).run(steps=25).final()["informed"]
    )


@attrs.frozen
class Job:
    n: int


class Flaky(npl.Agent):
    """Fails on job ``fail_on``, sleeps too long on ``hang_on``; records the jobs it did."""

    fail_on: int = 3
    hang_on: int = 4
    done: list[int] = attrs.field(factory=list)

    @npl.channel
    async def work(self, m: Job, ctx: npl.Context) -> None:
        await anyio.sleep(0.1)
        if m.n == self.fail_on:
            raise RuntimeError("service unavailable")
        if m.n == self.hang_on:
            await anyio.sleep(100)
        self.done.append(m.n)
        ctx.send("log", "note", Job(m.n))


class Log(npl.Agent):
    seen: list[int] = attrs.field(factory=list)

    @npl.channel
    def note(self, m: Job, ctx: npl.Context) -> None:
        self.seen.append(m.n)


def flaky_world(failing: int, fail_on: int = 3) -> npl.World:
    world = npl.World("flaky", seed=0)
    world.add("workers", [Flaky(fail_on=fail_on), Flaky(fail_on=fail_on)])
    world.add("log", Log())
    for t in range(failing + 1):
        world.send(npl.Address("workers", 0), "work", Job(t), at=t)
        world.send(npl.Address("workers", 1), "work", Job(100 + t), at=t)
    return world


def test_a_failing_async_handler_names_where_and_commits_nothing_of_its_instant() -> None:
    """The error names world, agent, channel, time and message; the instant is undone."""
    world = flaky_world(3)
    with pytest.raises(npl.HandlerError) as info:
        run_trio(lambda: world.run_async(until=10))
    err = info.value
    assert (err.world, err.channel, err.time, err.message) == ("flaky", "work", 3, Job(3))
    assert "workers[0]" in err.agent
    assert isinstance(err.__cause__, RuntimeError)
    assert world.now == 2
    assert world["workers"][0].done == [0, 1, 2]
    assert world["workers"][1].done == [100, 101, 102]  # its job at t=3 was undone too
    assert world["log"].seen == [0, 100, 1, 101, 2, 102]


def test_a_handler_over_its_timeout_fails_the_instant() -> None:
    """handler_timeout bounds each async handler; the overrun is an error like any other."""
    world = flaky_world(4, fail_on=-1)
    with pytest.raises(npl.HandlerError) as info:
        run_trio(lambda: world.run_async(until=10, handler_timeout=5))
    assert info.value.time == 4
    assert isinstance(info.value.__cause__, TimeoutError)


def test_realtime_pacing_follows_the_event_loop_clock() -> None:
    """At speed 2, ten ticks (t = 0 … 9) take 4.5 s of the (virtual) clock."""
    world = rumours.population_world(people=100)
    elapsed: list[float] = []

    async def main() -> None:
        start = trio.current_time()
        await world.run_async(steps=10, realtime=2.0)
        elapsed.append(trio.current_time() - start)

    run_trio(main)
    assert math.isclose(elapsed[0], 4.5)


def test_bad_runtime_settings_are_refused() -> None:
    world = rumours.population_world(people=10)
    with pytest.raises(ValueError, match="realtime"):
        run_trio(lambda: world.run_async(steps=1, realtime=0))
    with pytest.raises(ValueError, match="handler_timeout"):
        run_trio(lambda: world.run_async(steps=1, handler_timeout=-1))


@attrs.frozen
class Gift:
    amount: int


class Giver(npl.Agent):
    """Hands all it holds to ``next`` on each tick; ``take`` may await (a slow bank)."""

    next: int
    coins: int = 1
    log: list[tuple[int, float]] = attrs.field(factory=list)

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        if self.coins:
            ctx.send(npl.Address(ctx.me.group, self.next), "take", Gift(self.coins))
            self.coins = 0

    @npl.channel
    def take(self, m: Gift, ctx: npl.Context) -> None:
        self.coins += m.amount
        self.log.append((m.amount, ctx.rng.random()))


class SlowGiver(Giver):
    @npl.channel
    async def take(self, m: Gift, ctx: npl.Context) -> None:  # type: ignore[override]
        await anyio.sleep(0.001 * (1 + ctx.me.index % 3))
        self.coins += m.amount
        self.log.append((m.amount, ctx.rng.random()))


def givers(kind: type[Giver], n: int = 6) -> npl.World:
    world = npl.World("givers", seed=8)
    world.add("g", [kind((i + 1) % n) for i in range(n)])
    world.clock("g", order="shuffled", activation="sequential")
    return world


@pytest.mark.parametrize("kind", [Giver, SlowGiver])
def test_a_sequential_cascade_through_async_handlers_is_the_sync_cascade(
    kind: type[Giver],
) -> None:
    """Each chunk of a cascade is a round of its own under run_async: coins still travel
    depth first within a tick, whatever the latencies."""
    expected_world = givers(Giver)
    expected = expected_world.run(steps=5)
    world = givers(kind)
    got = run_trio(lambda: world.run_async(steps=5))
    assert [a.coins for a in world["g"]] == [a.coins for a in expected_world["g"]]
    assert [len(a.log) for a in world["g"]] == [len(a.log) for a in expected_world["g"]]
    assert got.frame()["omega"].tolist() == expected.frame()["omega"].tolist()
