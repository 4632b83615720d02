"""Every bad input the public API accepts, with the error it gets: the rows of the table in
``docs/reliability.md``. ``test_bad_inputs.py`` runs one test per row and checks the docs
list every row."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pandas as pd

import npolitics as npl


@attrs.frozen
class Row:
    """One bad input: where it goes, what it is, the error type and a fragment of its message."""

    id: str
    surface: str
    input: str
    error: type[BaseException]
    message: str
    call: Callable[[], Any]


# -- a tiny world to misuse -----------------------------------------------------------------


@attrs.frozen
class Ping:
    n: int = 0


@attrs.frozen
class Other:
    x: int = 0


class Node(npl.Agent):
    pings: int = 0

    @npl.channel
    def ping(self, m: Ping, ctx: npl.Context) -> None:
        self.pings += 1

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        pass


class Crowd(npl.Population):
    pings: Any = npl.column(np.int64, 0)

    @npl.channel
    def ping(self, batch: npl.Batch[Ping], ctx: npl.Context) -> None:
        np.add.at(self.pings, batch.to, 1)


def world(**kwargs: Any) -> npl.World:
    w = npl.World("misuse", **kwargs)
    w.add("nodes", [Node(), Node(), Node()])
    w.add("solo", Node())
    w.add("crowd", Crowd(n=4))
    return w


ACTIONS: dict[str, Callable[[npl.Context], Any]] = {}


class Actor(npl.Agent):
    """Runs ``ACTIONS[key](ctx)`` when pinged (module level, so the world can be snapshotted)."""

    key: str = ""

    @npl.channel
    def go(self, m: Ping, ctx: npl.Context) -> None:
        ACTIONS[self.key](ctx)


def in_handler(action: Callable[[npl.Context], Any]) -> Callable[[], Any]:
    """Run ``action(ctx)`` inside a handler: the error arrives as a HandlerError's cause."""
    key = f"action-{len(ACTIONS)}"
    ACTIONS[key] = action

    def call() -> Any:
        w = world()
        w.add("actor", Actor(key=key))
        w.send("actor", "go", Ping())
        try:
            w.run()
        except npl.HandlerError as exc:
            raise exc.__cause__ from None  # type: ignore[misc]

    return call


class Bad(npl.Agent):
    value: Any = math.nan

    def wellbeing(self) -> float:
        return self.value  # type: ignore[no-any-return]


def bad_wellbeing(value: Any) -> Callable[[], Any]:
    def call() -> Any:
        w = npl.World("misuse")
        w.add("bad", Bad(value=value))
        return w.omega()

    return call


def broken_invariant() -> Any:
    w = world()
    w.clock("solo", "tick")
    w.invariant("never", lambda w: False)
    w.run(2, check=True)


class Boom(npl.Agent):
    @npl.channel
    def go(self, m: Ping, ctx: npl.Context) -> None:
        raise RuntimeError("boom")


def raising_handler() -> Any:
    w = npl.World("misuse")
    w.add("boom", Boom())
    w.send("boom", "go", Ping())
    w.run()


class Holder(npl.Agent):
    """An agent whose state may hold anything."""

    thing: Any = None


def unpicklable_state() -> Any:
    w = npl.World("misuse")
    w.add("holder", Holder(lambda: 0))
    w.run(1)


def async_handler() -> Any:
    class Waiter(npl.Agent):
        @npl.channel
        async def go(self, m: Ping, ctx: npl.Context) -> None:
            pass

    w = npl.World("misuse")
    w.add("w", Waiter())
    w.run()


def agent_type(body: Callable[..., Any]) -> Callable[[], Any]:
    def call() -> Any:
        cls = type("Broken", (npl.Agent,), {"go": npl.channel(body), "__module__": __name__})
        npl.World().add("broken", cls())

    return call


def no_annotation(self: Any, m, ctx: npl.Context) -> None:  # type: ignore[no-untyped-def]
    pass


def not_a_message(self: Any, m: int, ctx: npl.Context) -> None:
    pass


def two_arguments(self: Any, m: Ping) -> None:
    pass


@attrs.frozen
class Params:
    workers: int = npl.param(10, ge=1)
    rate: float = npl.param(0.5, ge=0, le=1)
    mode: str = npl.param("a", choices=("a", "b"))

    def __attrs_post_init__(self) -> None:
        if self.mode == "b" and self.workers < 2:
            raise npl.ParameterError("mode 'b' needs workers ≥ 2")


@npl.world("misuse", params=Params, memory=lambda p: p.workers * 1024)
def spec(p: Params, w: npl.World) -> None:
    """A world spec to give bad parameters to."""
    w.add("solo", Node())


def restore_foreign() -> Any:
    other = npl.World("other")
    other.add("solo", Node())
    world().restore(other.snapshot())


def restore_other_groups() -> Any:
    other = npl.World("misuse")
    other.add("nodes", [Node(), Node(), Node(), Node()])
    world().restore(other.snapshot())


def mutable_default() -> Any:
    class A(npl.Agent):
        items: list[int] = []  # noqa: RUF012 - the mistake this row is about

    return A


def sampling_after_run() -> Any:
    w = world()
    w.run(1)
    w.sampling(every=2)


def until_before_now() -> Any:
    w = world()
    w.run(5)
    w.run(until=2)


def send_into_the_past() -> Any:
    w = world()
    w.run(5)
    w.send("solo", "ping", Ping(), at=1)


def empty_results_final() -> Any:
    res = npl.World("misuse").run(0)
    return res.final()


def experiment(**kwargs: Any) -> Callable[[], Any]:
    def call() -> Any:
        args = {"world": spec, "steps": 1, **kwargs}
        return npl.Experiment(**args)

    return call


def run_experiment(**kwargs: Any) -> Callable[[], Any]:
    def call() -> Any:
        backend = kwargs.pop("backend", "serial")
        workers = kwargs.pop("workers", None)
        timeout = kwargs.pop("timeout", 10.0)
        exp = experiment(**kwargs)()
        return exp.run(backend=backend, workers=workers, quiet=True, timeout=timeout)

    return call


def policy_table_missing_key() -> Any:
    table = npl.PolicyTable({0: npl.Bernoulli(0.5)}, key=lambda m, psi: m)
    return table.given(1, None)


class UsageError(Exception):
    """The CLI exited with status 2; the message is its one line on stderr."""


def cli(*argv: str) -> Callable[[], Any]:
    """Run ``npolitics ARGV`` in-process; raise UsageError(stderr) on status 2."""

    def call() -> Any:
        from npolitics import _cli

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = _cli.main(list(argv))
        if status == 2:
            raise UsageError(err.getvalue().strip())
        raise AssertionError(f"exit status {status}, stderr {err.getvalue()!r}")

    return call


def _p(params: Any, substep: int, history: Any, s: Any) -> Any:
    return {"go": 1}


def _x(params: Any, substep: int, history: Any, s: Any, p: Any) -> Any:
    return "x", s["x"] + p["go"]


def _returns_five(params: Any, substep: int, history: Any, s: Any) -> Any:
    return 5


def _bare(params: Any, substep: int, history: Any, s: Any, p: Any) -> Any:
    return 1


BLOCKS = [{"policies": {"go": _p}, "variables": {"x": _x}}]


def cadcad_run(state: Any = None, blocks: Any = None, config: Any = None, **kw: Any) -> Any:
    def call() -> Any:
        from npolitics import cadcad

        sim = cadcad.config_sim({"N": 1, "T": range(2)}) if config is None else config
        return cadcad.run(
            {"x": 0} if state is None else state, BLOCKS if blocks is None else blocks, sim, **kw
        )

    return call


def config_sim(config: Any) -> Callable[[], Any]:
    def call() -> Any:
        from npolitics import cadcad

        return cadcad.config_sim(config)

    return call


def build(name: str, **params: Any) -> Callable[[], Any]:
    return lambda: npl.load_world(name)(seed=0, **params)


def _cadcad_error(name: str) -> type[BaseException]:
    from npolitics import cadcad

    error: type[BaseException] = getattr(cadcad, name)
    return error


def _taken() -> npl.Grid:
    """A 3 × 3 grid for 4 agents, with agents 0 and 1 on cells 0 and 1."""
    grid = npl.Grid(3, 3, agents=4)
    grid.place([0, 1], [0, 1])
    return grid


# -- costs, and runs that cannot advance ----------------------------------------------------


class Hurry(npl.Agent):
    """Sends itself a ping ``gap`` later, for ever: with a tiny gap, its time crawls."""

    gap: float = 1e-300

    @npl.channel
    def ping(self, m: Ping, ctx: npl.Context) -> None:
        ctx.send(ctx.me, "ping", m, delay=self.gap)


@contextlib.contextmanager
def patched(module: Any, name: str, value: Any) -> Iterator[None]:
    """``module.name = value`` for a while (to make a limit small enough to reach fast)."""
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, old)


def hurrying(gap: float) -> Callable[[], Any]:
    """Run a Hurry world until t=3, checking progress every 256 instants and allowing 256
    rounds per instant (the defaults, 2**16 and 2**20, take seconds to reach)."""

    def call() -> Any:
        from npolitics import _kernel, _world

        w = npl.World("misuse")
        w.add("hurry", Hurry(gap=gap))
        w.send("hurry", "ping", Ping())
        with patched(_world, "PROGRESS_WINDOW", 256), patched(_kernel, "MAX_ROUNDS", 256):
            w.run(until=3)

    return call


class Echo(npl.Agent):
    """On its turn, sends itself a ping with delay 0, and answers each ping with another."""

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        ctx.send(ctx.me, "ping", Ping(), delay=0)

    @npl.channel
    def ping(self, m: Ping, ctx: npl.Context) -> None:
        ctx.send(ctx.me, "ping", m, delay=0)


def endless_turn() -> Any:
    """A sequential clock whose agent's turn never ends (256 deliveries allowed, not 2**20)."""
    from npolitics import _kernel

    w = npl.World("misuse")
    w.add("echo", [Echo(), Echo()])
    w.clock("echo", activation="sequential")
    with patched(_kernel, "MAX_ROUNDS", 256):
        w.run(2)


def with_env(name: str, value: str, call: Callable[[], Any]) -> Callable[[], Any]:
    """``call()`` with environment variable ``name`` set to ``value`` meanwhile."""

    def wrapped() -> Any:
        old = os.environ.get(name)
        os.environ[name] = value
        try:
            return call()
        finally:
            if old is None:
                del os.environ[name]
            else:
                os.environ[name] = old

    return wrapped


def clock_run(every: float, until: float) -> Callable[[], Any]:
    def call() -> Any:
        w = world()
        w.clock("solo", every=every)
        return w.run(until=until)

    return call


def _drop_key(key: str) -> Callable[[str], str]:
    """Breaks a saved CSV: its description line without ``key``."""

    def breaking(text: str) -> str:
        first, rest = text.split("\n", 1)
        meta = json.loads(first.removeprefix("# npolitics: "))
        del meta[key]
        return "# npolitics: " + json.dumps(meta) + "\n" + rest

    return breaking


def _drop_column(column: str) -> Callable[[str], str]:
    """Breaks a saved CSV: its table without ``column``."""

    def breaking(text: str) -> str:
        first, *table, end = text.rstrip("\n").split("\n")
        frame = pd.read_csv(io.StringIO("\n".join(table))).drop(columns=column)
        return f"{first}\n{frame.to_csv(index=False)}{end}\n"

    return breaking


def saved_results(
    breaking: Callable[[str], str], show: tuple[str, ...] | None = None
) -> Callable[[], Any]:
    """Save small results as CSV, break the file, then load it (or ``npolitics show`` it with
    the options ``show``, when given)."""

    def call() -> Any:
        with tempfile.TemporaryDirectory() as folder:
            exp = npl.Experiment(COINS, {"n": [2, 3]}, runs=1, steps=2)
            path = exp.run("serial", quiet=True).save(Path(folder) / "r.csv")
            path.write_text(breaking(path.read_text()))
            if show is not None:
                return cli("show", str(path), *show)()
            return npl.load_results(path)

    return call


def _keep_text(text: str) -> str:
    return text


COINS = "experiment_worlds:coins"
K = "kernel"
P = "parameters"
POL = "policies"
SP = "spaces"
E = "experiment"
C = "CLI"
W = "worlds"
CAD = "cadcad"

ROWS: list[Row] = [
    # World construction and composition
    Row("seed-negative", K, "World(seed=-1)", ValueError, "seed must be an integer ≥ 0",
        lambda: npl.World(seed=-1)),
    Row("seed-text", K, 'World(seed="1")', ValueError, "seed must be an integer ≥ 0",
        lambda: npl.World(seed="1")),  # type: ignore[arg-type]
    Row("sample-every-zero", K, "World(sample_every=0)", ValueError,
        "sample_every must be a finite number > 0", lambda: npl.World(sample_every=0)),
    Row("sample-every-nan", K, "World(sample_every=nan)", ValueError,
        "sample_every must be a finite number > 0", lambda: npl.World(sample_every=math.nan)),
    Row("sampling-after-run", K, "world.sampling(...) after run()", RuntimeError,
        "only before the world first runs", sampling_after_run),
    Row("group-empty-name", K, 'world.add("", agent)', ValueError,
        "a group name must be a non-empty string", lambda: world().add("", Node())),
    Row("group-duplicate", K, "world.add(name, …) twice", ValueError,
        "already has a group named 'solo'", lambda: world().add("solo", Node())),
    Row("group-empty-list", K, 'world.add("g", [])', TypeError,
        "non-empty sequence of Agents of one type", lambda: world().add("g", [])),
    Row("group-mixed-types", K, "world.add(g, [Node(), Bad()])", TypeError,
        "non-empty sequence of Agents of one type", lambda: world().add("g", [Node(), Bad()])),
    Row("group-not-agents", K, 'world.add("g", 3)', TypeError,
        "must be an Agent, a Population, or a non-empty sequence",
        lambda: world().add("g", 3)),  # type: ignore[arg-type]
    Row("population-negative-n", K, "Crowd(n=-1)", ValueError, "n must be an integer ≥ 0",
        lambda: Crowd(n=-1)),
    Row("population-column-shape", K, "Crowd(n=3, pings=[1, 2])", ValueError,
        "must have shape (3,), got (2,)", lambda: Crowd(n=3, pings=[1, 2])),
    Row("handler-unannotated", K, "@channel def go(self, m, ctx)", TypeError,
        "needs an annotated message parameter", agent_type(no_annotation)),
    Row("handler-not-attrs", K, "@channel def go(self, m: int, ctx)", TypeError,
        "is not a message type", agent_type(not_a_message)),
    Row("handler-arity", K, "@channel def go(self, m)", TypeError,
        "must take (self, message, ctx)", agent_type(two_arguments)),
    Row("clock-unknown-group", K, 'world.clock("nobody")', npl.UnknownAgentError,
        "has no group 'nobody'; its groups are", lambda: world().clock("nobody")),
    Row("clock-unknown-channel", K, 'world.clock("solo", "tock")', npl.UnknownChannelError,
        "has no channel 'tock'; its channels are", lambda: world().clock("solo", "tock")),
    Row("clock-not-tick", K, 'world.clock("solo", "ping")', npl.MessageTypeError,
        "accepts Ping; a clock sends Tick", lambda: world().clock("solo", "ping")),
    Row("clock-order", K, 'world.clock(…, order="random")', ValueError,
        "order must be 'fixed' or 'shuffled'",
        lambda: world().clock("solo", order="random")),
    Row("clock-activation", K, 'world.clock(…, activation="random")', ValueError,
        "activation must be 'simultaneous' or 'sequential'",
        lambda: world().clock("solo", activation="random")),
    Row("clock-sequential-not-tick", K, 'world.clock("solo", "ping", activation="sequential")',
        npl.MessageTypeError, "a sequential clock drives only channels accepting Tick",
        lambda: world().clock("solo", "ping", activation="sequential")),
    Row("clock-every-zero", K, "world.clock(…, every=0)", ValueError,
        "a clock's period must be a finite number > 0",
        lambda: world().clock("solo", every=0)),
    Row("metric-reserved", K, 'world.metric("omega", f)', ValueError,
        "metric name 'omega' is taken", lambda: world().metric("omega", lambda w: 0.0)),
    # Sending
    Row("send-unknown-group", K, 'world.send("nobody", …)', npl.UnknownAgentError,
        "has no group 'nobody'", lambda: world().send("nobody", "ping", Ping())),
    Row("send-unknown-channel", K, 'world.send("solo", "pong", …)', npl.UnknownChannelError,
        "has no channel 'pong'", lambda: world().send("solo", "pong", Ping())),
    Row("send-wrong-type", K, 'world.send("solo", "ping", Other())', npl.MessageTypeError,
        "expects Ping, got Other", lambda: world().send("solo", "ping", Other())),
    Row("send-index-out-of-range", K, 'world.send(Address("nodes", 3), …)',
        npl.UnknownAgentError, "has agents 0…2; there is no agent 3",
        lambda: world().send(npl.Address("nodes", 3), "ping", Ping())),
    Row("send-group-of-many", K, 'world.send("nodes", "ping", Ping())', npl.UnknownAgentError,
        "has 3 agents: address one", lambda: world().send("nodes", "ping", Ping())),
    Row("send-bad-target", K, "world.send(42, …)", TypeError,
        "send to an Address or a group name",
        lambda: world().send(42, "ping", Ping())),  # type: ignore[arg-type]
    Row("send-into-past", K, "world.send(…, at=t) with t < now", npl.DelayError,
        "cannot send into the past", send_into_the_past),
    Row("delay-negative", K, "ctx.send(…, delay=-1)", npl.DelayError,
        "a delay must be finite and ≥ 0, got -1",
        in_handler(lambda ctx: ctx.send("solo", "ping", Ping(), delay=-1))),
    Row("delay-nan", K, "ctx.send(…, delay=nan)", npl.DelayError,
        "a delay must be finite and ≥ 0",
        in_handler(lambda ctx: ctx.send("solo", "ping", Ping(), delay=math.nan))),
    Row("delay-inf", K, "ctx.send(…, delay=inf)", npl.DelayError,
        "a delay must be finite and ≥ 0",
        in_handler(lambda ctx: ctx.send("solo", "ping", Ping(), delay=math.inf))),
    Row("delay-text", K, 'ctx.send(…, delay="1")', npl.DelayError,
        "a delay must be a number ≥ 0, got '1'",
        in_handler(lambda ctx: ctx.send("solo", "ping", Ping(), delay="1"))),
    Row("broadcast-array-delay", K, "ctx.broadcast(…, delay=array)", npl.DelayError,
        "a broadcast takes one delay",
        in_handler(lambda ctx: ctx.broadcast("nodes", "ping", Ping(), delay=np.ones(3)))),
    # Batches
    Row("batch-unknown-field", K, "Batch(Ping, [0], colour=1)", TypeError,
        "Ping has no field(s) ['colour']", lambda: npl.Batch(Ping, [0], colour=1)),
    Row("batch-not-message", K, "Batch(int, [0])", TypeError, "is not a message type",
        lambda: npl.Batch(int, [0])),
    Row("batch-column-length", K, "Batch(Ping, [0, 1], n=np.array([1]))", ValueError,
        "column 'n' has 1 entries but the batch has 2 targets",
        lambda: npl.Batch(Ping, [0, 1], n=np.array([1]))),
    Row("batch-out-of-range", K, 'world.send("crowd", …, Batch(to=[4]))', npl.UnknownAgentError,
        "has agents 0…3; the batch targets 4",
        lambda: world().send("crowd", "ping", npl.Batch(Ping, [4]))),
    Row("batch-negative-target", K, 'world.send("crowd", …, Batch(to=[-1]))',
        npl.UnknownAgentError, "the batch targets -1",
        lambda: world().send("crowd", "ping", npl.Batch(Ping, [-1]))),
    Row("batch-wrong-type", K, 'world.send("crowd", "ping", Batch(Other, …))',
        npl.MessageTypeError, "expects Ping, got Batch[Other]",
        lambda: world().send("crowd", "ping", npl.Batch(Other, [0]))),
    Row("batch-to-one-agent", K, 'world.send(Address("crowd", 0), …, Batch)', TypeError,
        "a Batch names its targets in .to",
        lambda: world().send(npl.Address("crowd", 0), "ping", npl.Batch(Ping, [0]))),
    Row("batch-delays-shape", K, "ctx.send(…, Batch of 2, delay=array of 3)", npl.DelayError,
        "a batch of 2 messages takes one delay or 2",
        in_handler(lambda ctx: ctx.send("crowd", "ping", npl.Batch(Ping, [0, 1]),
                                        delay=np.ones(3)))),
    # Running
    Row("steps-negative", K, "world.run(steps=-1)", ValueError,
        "steps must be an integer ≥ 0", lambda: world().run(-1)),
    Row("steps-float", K, "world.run(steps=1.5)", ValueError,
        "steps must be an integer ≥ 0", lambda: world().run(1.5)),  # type: ignore[arg-type]
    Row("steps-bool", K, "world.run(steps=True)", ValueError,
        "steps must be an integer ≥ 0", lambda: world().run(True)),
    Row("steps-and-until", K, "world.run(steps=1, until=1)", ValueError,
        "give steps= or until=, not both", lambda: world().run(1, until=1)),
    Row("until-nan", K, "world.run(until=nan)", ValueError, "until must be a number",
        lambda: world().run(until=math.nan)),
    Row("until-before-now", K, "world.run(until=t) with t < now", ValueError,
        "is before the world's time", until_before_now),
    Row("run-forever", K, "world.run() with a clock", ValueError,
        "a world with a clock never runs dry",
        lambda: (w := world(), w.clock("solo"), w.run())),
    Row("run-async-handler", K, "world.run() with an async handler", TypeError,
        "run this world with `await world.run_async(...)`", async_handler),
    Row("handler-raises", K, "a handler raising", npl.HandlerError,
        "agent boom[0] of type Boom, channel 'go' at t=0", raising_handler),
    Row("unpicklable-state", K, "run() of a world whose agent state holds a lambda",
        TypeError, "cannot be snapshotted", unpicklable_state),
    Row("wellbeing-nan", K, "W(ψ) = nan", npl.WellbeingError,
        "W(ψ) must be a finite number", bad_wellbeing(math.nan)),
    Row("wellbeing-text", K, 'W(ψ) = "high"', npl.WellbeingError,
        "must be a number, got 'high'", bad_wellbeing("high")),
    Row("invariant-broken", K, "world.run(check=True), invariant false", npl.InvariantError,
        "invariant 'never' broken", broken_invariant),
    Row("restore-foreign", K, "world.restore(snapshot of another world)", ValueError,
        "does not fit world 'misuse'", restore_foreign),
    Row("restore-other-groups", K, "world.restore(snapshot of a world with 4 nodes, not 3)",
        ValueError, "groups ['nodes: agents of 4 Node'", restore_other_groups),
    Row("restore-not-a-snapshot", K, "world.restore({})", TypeError,
        "restore takes a Snapshot, got dict", lambda: world().restore({})),
    Row("mutable-default", K, "class A(npl.Agent): items: list = []", TypeError,
        "A.items has a mutable default (list)", mutable_default),
    Row("results-empty-final", K, "Results.final() with no samples", ValueError,
        "these results hold no samples", empty_results_final),
    Row("results-concat-empty", K, "Results.concat([])", ValueError, "nothing to concatenate",
        lambda: npl.Results.concat([])),
    # Costs, and runs that cannot advance
    Row("until-inf-clock", K, "world.run(until=inf) with a clock", ValueError,
        "until=inf never comes for a world with a clock", clock_run(1, math.inf)),
    Row("run-samples-memory", K, "world.run(10**12), sampled every 1", npl.CostError,
        "(1e+12 samples) would need about 36.4 TiB of memory, more than the limit",
        lambda: world(sample_every=1).run(10**12)),
    Row("run-clock-instants", K, "world.clock(…, every=1e-300); world.run(until=3)",
        npl.CostError, "would take about 3e+300 instants, more than the limit of 1e+12",
        clock_run(1e-300, 3)),
    Row("run-crawling", K, "world.run(until=3), events 1e-300 apart", npl.StalledError,
        "cannot reach t=3: its time moved only", hurrying(1e-300)),
    Row("run-instant-never-ends", K, "world.run(…), an agent pinging itself with delay 0",
        npl.StalledError, "instant t=0 has run 256 rounds without ending", hurrying(0)),
    Row("run-turn-never-ends", K, "a sequential turn whose delay-0 sends never end",
        npl.StalledError, "the turn of agent 0 of group 'echo' has caused 256 deliveries",
        endless_turn),
    Row("population-memory", K, "Crowd(n=10**12)", npl.CostError,
        "population Crowd of 1000000000000 agents would need about 7.28 TiB",
        lambda: Crowd(n=10**12)),
    Row("limits-env", K, "NPOLITICS_MAX_MEMORY=lots", ValueError,
        "NPOLITICS_MAX_MEMORY must be a size like 512M or 8G (inf: no limit), got 'lots'",
        with_env("NPOLITICS_MAX_MEMORY", "lots", npl.Limits.current)),
    # Parameters and the registry
    Row("param-unknown", P, 'spec(workerz=3)', npl.ParameterError,
        "unknown parameter(s) 'workerz'; valid: mode, rate, workers",
        lambda: spec(workerz=3)),
    Row("param-type", P, 'spec(workers="ten")', npl.ParameterError,
        "'workers' must be an integer (≥ 1), got 'ten'", lambda: spec(workers="ten")),
    Row("param-bool-for-int", P, "spec(workers=True)", npl.ParameterError,
        "'workers' must be an integer", lambda: spec(workers=True)),
    Row("param-range", P, "spec(workers=0)", npl.ParameterError,
        "'workers' must be ≥ 1, got 0", lambda: spec(workers=0)),
    Row("param-none", P, "spec(rate=None)", npl.ParameterError,
        "'rate' must be a number (≥ 0 and ≤ 1), got None", lambda: spec(rate=None)),
    Row("param-nan", P, "spec(rate=nan)", npl.ParameterError,
        "'rate' must be ≥ 0 and ≤ 1, got nan", lambda: spec(rate=math.nan)),
    Row("param-inf", P, "spec(rate=inf)", npl.ParameterError,
        "'rate' must be a finite number (≥ 0 and ≤ 1), got inf", lambda: spec(rate=math.inf)),
    Row("param-memory", P, "spec(workers=10**12), a world declaring memory=", npl.CostError,
        "world 'misuse' with workers=1000000000000 would need about 931 TiB of memory",
        lambda: spec(workers=10**12)),
    Row("param-choice", P, 'spec(mode="c")', npl.ParameterError,
        "'mode' must be one of 'a', 'b', got 'c'", lambda: spec(mode="c")),
    Row("param-cross-field", P, 'spec(mode="b", workers=1)', npl.ParameterError,
        "mode 'b' needs workers ≥ 2", lambda: spec(mode="b", workers=1)),
    Row("world-unknown", P, 'load_world("knowledge-offic")', npl.UnknownWorldError,
        "did you mean 'knowledge-office'?", lambda: npl.load_world("knowledge-offic")),
    # Policies
    Row("categorical-sum", POL, "Categorical((0, 1), (0.5, 0.6))", ValueError,
        "probabilities must sum to 1", lambda: npl.Categorical((0, 1), (0.5, 0.6))),
    Row("categorical-negative", POL, "Categorical((0, 1), (1.5, -0.5))", ValueError,
        "probabilities must be finite and ≥ 0", lambda: npl.Categorical((0, 1), (1.5, -0.5))),
    Row("categorical-lengths", POL, "Categorical((0, 1), (1.0,))", ValueError,
        "2 actions need 2 probabilities, got 1", lambda: npl.Categorical((0, 1), (1.0,))),
    Row("categorical-empty", POL, "Categorical((), ())", ValueError,
        "needs at least one action", lambda: npl.Categorical((), ())),
    Row("bernoulli-range", POL, "Bernoulli(1.5)", ValueError,
        "p must be a probability in [0, 1]", lambda: npl.Bernoulli(1.5)),
    Row("bernoulli-nan", POL, "Bernoulli(nan)", ValueError,
        "p must be a probability in [0, 1]", lambda: npl.Bernoulli(math.nan)),
    Row("policy-table-missing", POL, "PolicyTable.given(m, ψ) with no entry", KeyError,
        "policy table has no entry for key 1", policy_table_missing_key),
    # Spaces
    Row("network-negative-node", SP, "Network.from_edges([(0, -1)], n=3)", ValueError,
        "edges must be node indices ≥ 0, got -1",
        lambda: npl.Network.from_edges([(0, -1)], n=3)),
    Row("network-node-range", SP, "Network.from_edges([(0, 3)], n=3)", ValueError,
        "node 3 is out of range for a network of 3 nodes",
        lambda: npl.Network.from_edges([(0, 3)], n=3)),
    Row("network-self-loop", SP, "Network.from_edges([(1, 1)], n=3)", ValueError,
        "node 1 has a self-loop (edge 1 – 1): pass self_loops=True to allow them",
        lambda: npl.Network.from_edges([(1, 1)], n=3)),
    Row("network-edge-twice", SP, "Network.from_edges([(0, 1), (1, 0)], n=2)", ValueError,
        "edge 1–0 is given twice", lambda: npl.Network.from_edges([(0, 1), (1, 0)], n=2)),
    Row("network-asymmetric", SP, "Network([0, 1, 1], [1])", ValueError,
        "0 → 1 has no 1 → 0: add it, or pass directed=True",
        lambda: npl.Network([0, 1, 1], [1])),
    Row("network-values-size", SP, "Network.from_edges([(0, 1)], n=3).gather([1, 2])",
        ValueError, "values must have one entry per node (3), got 2 entries",
        lambda: npl.Network.from_edges([(0, 1)], n=3).gather([1, 2])),
    Row("grid-width", SP, "Grid(0, 3, agents=1)", ValueError,
        "width must be an integer ≥ 1, got 0", lambda: npl.Grid(0, 3, agents=1)),
    Row("grid-cell-taken", SP, "grid.place(2, 0) (agent 0 on cell 0)", ValueError,
        "cell 0 (x=0, y=0) would hold agents 0 and 2, but the grid holds one agent per cell",
        lambda: _taken().place(2, 0)),
    Row("grid-placed-twice", SP, "grid.place(0, 5) (agent 0 on the grid)", ValueError,
        "agent 0 is already on the grid, at cell 0 (x=0, y=0): move() it, or remove() it first",
        lambda: _taken().place(0, 5)),
    Row("grid-absent", SP, "grid.move(3, 5) (agent 3 not on the grid)", ValueError,
        "agent 3 is not on the grid: place() it first", lambda: _taken().move(3, 5)),
    Row("grid-off-cell", SP, "grid.place(2, 9) (a 3 × 3 grid)", ValueError,
        "cell 9 is not on the 3 × 3 grid", lambda: _taken().place(2, 9)),
    # Experiments
    Row("experiment-runs", E, "Experiment(…, runs=0)", ValueError,
        "runs must be an integer ≥ 1", experiment(runs=0)),
    Row("experiment-no-horizon", E, "Experiment(…) without steps/until", ValueError,
        "give the horizon of every run", experiment(steps=None)),
    Row("experiment-seed", E, "Experiment(…, seed=-1)", ValueError,
        "seed must be an integer ≥ 0", experiment(seed=-1)),
    Row("experiment-empty-sweep", E, 'Experiment(…, {"workers": []})', ValueError,
        "sweeps an empty list of values", experiment(params={"workers": []})),
    Row("experiment-bad-point", E, 'Experiment(…, {"workers": [1, 0]})', npl.ParameterError,
        "'workers' must be ≥ 1, got 0", experiment(params={"workers": [1, 0]})),
    Row("experiment-world", E, "Experiment(42, …)", TypeError,
        "a world is a name or a WorldSpec", experiment(world=42)),
    Row("experiment-module", E, 'Experiment("no_such_module:x", …)', npl.UnknownWorldError,
        "cannot import 'no_such_module'", experiment(world="no_such_module:x")),
    Row("experiment-backend", E, 'exp.run(backend="gpu")', npl.BackendError,
        "unknown backend 'gpu'", run_experiment(backend="gpu")),
    Row("experiment-workers", E, 'exp.run(backend="processes", workers=0)', npl.BackendError,
        "workers must be ≥ 1", run_experiment(backend="processes", workers=0)),
    Row("experiment-until-nan", E, "Experiment(…, until=nan)", ValueError,
        "until must be a number", experiment(steps=None, until=math.nan)),
    Row("experiment-until-inf", E, "Experiment(…, until=inf)", ValueError,
        "until must be a finite time: every run of an experiment needs a horizon",
        experiment(steps=None, until=math.inf)),
    Row("experiment-runs-memory", E, "Experiment(…, runs=10**12)", npl.CostError,
        "an experiment of 1e+12 runs would need about", experiment(runs=10**12)),
    Row("experiment-timeout", E, "exp.run(timeout=nan)", ValueError,
        "timeout must be a finite number of seconds > 0", run_experiment(timeout=math.nan)),
    Row("experiment-workers-limit", E, 'exp.run(backend="dask", workers=10**9)', npl.CostError,
        "would start 1e+09 worker processes, more than the limit",
        run_experiment(backend="dask", workers=10**9)),
    Row("experiment-dask-address", E, 'exp.run(backend="dask://")', npl.BackendError,
        "cannot reach the Dask scheduler", run_experiment(backend="dask://")),
    Row("experiment-stop", E, 'Experiment(…, stop="score")', ValueError,
        "stop must be a function of the world, an npl.Threshold, or a string: 'metric OP number'",
        experiment(stop="score")),
    Row("experiment-stop-value", E, 'Experiment(…, stop="score >= nan")', ValueError,
        "a threshold's value is a finite number, got 'nan' in 'score >= nan'",
        experiment(stop="score >= nan")),
    Row("experiment-stop-metric", E, 'Experiment(…, stop="nope >= 1").run()', ValueError,
        "stop condition 'nope >= 1.0' names metric 'nope', which world 'misuse' does not record",
        run_experiment(stop="nope >= 1")),
    Row("experiment-stop-lambda", E, 'Experiment(…, stop=lambda w: …).run(backend="processes")',
        ValueError, "cannot be sent to the workers of backend 'processes'",
        run_experiment(stop=lambda w: False, backend="processes")),
    Row("experiment-crn", E, 'Experiment(…, common_random_numbers="yes")', ValueError,
        "common_random_numbers must be True or False, got 'yes'",
        experiment(common_random_numbers="yes")),
    Row("threshold-op", E, 'Threshold("score", "==", 1)', ValueError,
        "a threshold compares with one of <=, >=, <, >, got '=='",
        lambda: npl.Threshold("score", "==", 1)),
    # Results files: load_results checks the description, the columns and the marker
    Row("results-not-results", E, "load_results(a CSV without the '# npolitics:' line)",
        npl.ResultsFileError, "holds no npolitics results (no description line)",
        saved_results(lambda text: text.split("\n", 1)[1])),
    Row("results-cut-short", E, "load_results(a CSV with its last 30 bytes cut off)",
        npl.ResultsFileError, "is cut short: it lacks the '# npolitics: end, N rows' line",
        saved_results(lambda text: text[:-30])),
    Row("results-missing-key", E, "load_results(a file whose description lacks 'until')",
        npl.ResultsFileError, "its description lacks 'until'", saved_results(_drop_key("until"))),
    Row("results-missing-column", E, "load_results(a file whose table lacks 'omega')",
        npl.ResultsFileError, "its table lacks column(s) 'omega'",
        saved_results(_drop_column("omega"))),
    Row("results-marker", E, "load_results(a file saying 1 run done whose table holds 2)",
        npl.ResultsFileError, "its table holds 2 runs where its description says 1",
        saved_results(lambda text: text.replace('"done": 2', '"done": 1', 1)
                      .replace('"status": "complete"', '"status": "partial"', 1))),
    # The worlds: their parameter classes check ranges and cross-field rules
    Row("info-decay-pool", W, 'info-decay: initial_active_count=200, snippets=100',
        npl.ParameterError, "more than the pool holds",
        build("info-decay", initial_active_count=200, snippets=100)),
    Row("info-decay-infinite", W, "info-decay: lifetime_mean_time=inf", npl.ParameterError,
        "'lifetime_mean_time' must be a finite number (> 0 and ≤ 1e+12), got inf",
        build("info-decay", lifetime_mean_time=math.inf)),
    Row("info-decay-mode", W, 'info-decay: mode="chaos"', npl.ParameterError,
        "'mode' must be one of 'static', 'decay', 'dynamic_pool'",
        build("info-decay", mode="chaos")),
    Row("knowledge-office-variant", W, 'knowledge-office: variant="lazy"', npl.ParameterError,
        "'variant' must be one of", build("knowledge-office", variant="lazy")),
    Row("knowledge-office-rate", W, "knowledge-office: forget_rate=1.5", npl.ParameterError,
        "'forget_rate' must be ≥ 0 and ≤ 1", build("knowledge-office", forget_rate=1.5)),
    Row("rosca-members", W, "rosca: members=1", npl.ParameterError, "'members' must be ≥ 2",
        build("rosca", members=1)),
    Row("rosca-kinds", W, "rosca: cheaters=20, members=10", npl.ParameterError,
        "is more than the 10 members", build("rosca", cheaters=20, members=10)),
    Row("rosca-contribution", W, "rosca: contribution=0", npl.ParameterError,
        "'contribution' must be > 0", build("rosca", contribution=0)),
    Row("sugar-spice-growth", W, 'sugar-spice: experiment="growth", start_agents=10, agents=5',
        npl.ParameterError, "start_agents (10) must not exceed agents (5)",
        build("sugar-spice", experiment="growth", start_agents=10, agents=5)),
    Row("sugar-spice-discount", W, "sugar-spice: discount=1.0", npl.ParameterError,
        "'discount' must be ≥ 0.0 and < 1.0", build("sugar-spice", discount=1.0)),
    Row("sugar-spice-payoff", W, 'sugar-spice: payoff="abc"', npl.ParameterError,
        "payoff must be a 2×2 table", build("sugar-spice", payoff="abc")),
    Row("sugar-spice-initial", W, "sugar-spice: initial_a=3 (without initial_b)",
        npl.ParameterError, "give initial_a and initial_b together",
        build("sugar-spice", initial_a=3)),
    # The command line: every bad input is one line on stderr, exit status 2
    Row("cli-no-command", C, "npolitics", UsageError,
        "the following arguments are required: command", cli()),
    Row("cli-unknown-command", C, "npolitics frobnicate", UsageError,
        "invalid choice: 'frobnicate'", cli("frobnicate")),
    Row("cli-world-typo", C, "npolitics run knowledge-offic …", UsageError,
        "did you mean 'knowledge-office'?", cli("run", "knowledge-offic", "--steps", "1")),
    Row("cli-world-module", C, "npolitics run no_such_module:x …", UsageError,
        "cannot import 'no_such_module'", cli("run", "no_such_module:x", "--steps", "1")),
    Row("cli-param-unknown", C, "-p bogus=1", UsageError, "has no parameter 'bogus'; valid: n, p",
        cli("run", COINS, "-p", "bogus=1", "--steps", "1")),
    Row("cli-param-type", C, "-p n=abc", UsageError, "parameter 'n' must be an integer, got 'abc'",
        cli("run", COINS, "-p", "n=abc", "--steps", "1")),
    Row("cli-param-range", C, "-p n=0 (or in a sweep: -p n=1,0)", UsageError,
        "parameter 'n' must be ≥ 1, got 0", cli("run", COINS, "-p", "n=1,0", "--steps", "1")),
    Row("cli-param-no-value", C, "-p n", UsageError, "-p wants key=value, got 'n'",
        cli("run", COINS, "-p", "n", "--steps", "1")),
    Row("cli-no-horizon", C, "npolitics run W (no --steps/--until)", UsageError,
        "one of the arguments --steps --until is required", cli("run", COINS)),
    Row("cli-both-horizons", C, "--steps 1 --until 1", UsageError, "not allowed with argument",
        cli("run", COINS, "--steps", "1", "--until", "1")),
    Row("cli-steps-negative", C, "--steps -1", UsageError, "steps must be an integer ≥ 0",
        cli("run", COINS, "--steps", "-1")),
    Row("cli-steps-text", C, "--steps x", UsageError, "argument --steps: invalid int value: 'x'",
        cli("run", COINS, "--steps", "x")),
    Row("cli-runs-zero", C, "--runs 0", UsageError, "runs must be an integer ≥ 1",
        cli("run", COINS, "--steps", "1", "--runs", "0")),
    Row("cli-seed-negative", C, "--seed -1", UsageError, "seed must be an integer ≥ 0",
        cli("run", COINS, "--steps", "1", "--seed", "-1")),
    Row("cli-backend", C, "--backend gpu", UsageError, "unknown backend 'gpu'",
        cli("run", COINS, "--steps", "1", "--backend", "gpu")),
    Row("cli-dask-address", C, "--backend dask://", UsageError, "cannot reach the Dask scheduler",
        cli("run", COINS, "--steps", "1", "--backend", "dask://", "--quiet")),
    Row("cli-workers", C, "--workers 0", UsageError, "--workers must be ≥ 1",
        cli("run", COINS, "--steps", "1", "--workers", "0")),
    Row("cli-out-suffix", C, "--out r.xlsx", UsageError, "must end in .parquet or .csv",
        cli("run", COINS, "--steps", "1", "--out", "r.xlsx")),
    Row("cli-out-folder", C, "--out /no/such/dir/r.csv", UsageError, "does not exist",
        cli("run", COINS, "--steps", "1", "--out", "/no/such/dir/r.csv")),
    Row("cli-plot-suffix", C, "--plot p.txt", UsageError, "--plot 'p.txt' must end in .png",
        cli("run", COINS, "--steps", "1", "--plot", "p.txt")),
    Row("cli-metric", C, "--metric nope", UsageError, "--metric 'nope' is not kept",
        cli("run", COINS, "--steps", "1", "--metric", "nope")),
    Row("cli-by", C, "--by n (n not swept)", UsageError, "--by 'n' is not a swept parameter",
        cli("run", COINS, "--steps", "1", "--by", "n")),
    Row("cli-keep", C, "--keep nope", UsageError, "keep names unknown metric(s) 'nope'",
        cli("run", COINS, "--steps", "1", "--keep", "nope")),
    Row("cli-sample-every", C, "--sample-every 0", UsageError,
        "sample_every must be a finite number > 0",
        cli("run", COINS, "--steps", "1", "--sample-every", "0")),
    Row("cli-stop", C, "--stop 'heads>=nan'", UsageError,
        "a threshold's value is a finite number, got 'nan'",
        cli("run", COINS, "--steps", "1", "--stop", "heads>=nan")),
    Row("cli-stop-metric", C, "--stop 'heads>=3' (coins record max_heads)", UsageError,
        "names metric 'heads', which world 'coins' does not record",
        cli("run", COINS, "--steps", "1", "--stop", "heads>=3")),
    Row("cli-param-inf", C, "-p p=inf", UsageError,
        "parameter 'p' must be a finite number (≥ 0 and ≤ 1), got inf",
        cli("run", COINS, "-p", "p=inf", "--steps", "1")),
    Row("cli-until-nan", C, "--until nan", UsageError, "until must be a number",
        cli("run", COINS, "--until", "nan")),
    Row("cli-until-inf", C, "--until inf", UsageError,
        "until must be a finite time", cli("run", COINS, "--until", "inf")),
    Row("cli-steps-huge", C, "--steps 1000000000000", UsageError,
        "(1e+12 samples) would need about",
        cli("run", COINS, "--steps", "1000000000000")),
    Row("cli-runs-huge", C, "--runs 1000000000000", UsageError,
        "an experiment of 1e+12 runs would need about",
        cli("run", COINS, "--steps", "1", "--runs", "1000000000000")),
    Row("cli-agents-huge", C, "-p n=1000000000000", UsageError,
        "population Flippers of 1000000000000 agents would need about",
        cli("run", COINS, "-p", "n=1000000000000", "--steps", "1")),
    Row("cli-workers-huge", C, "--backend dask --workers 1000000000", UsageError,
        "would start 1e+09 worker processes",
        cli("run", COINS, "--steps", "1", "--backend", "dask", "--workers", "1000000000")),
    Row("cli-timeout", C, "--timeout nan", UsageError,
        "timeout must be a finite number of seconds > 0",
        cli("run", COINS, "--steps", "1", "--timeout", "nan")),
    Row("cli-smooth-huge", C, "--smooth 10**30", UsageError,
        "argument --smooth: must be between 1 and 1000000000",
        cli("run", COINS, "--steps", "1", "--smooth", str(10**30))),
    Row("cli-out-too-long", C, "--out (a 300-character name).csv", UsageError,
        "is not writable: File name too long",
        cli("run", COINS, "--steps", "1", "--out", "a" * 300 + ".csv")),
    Row("cli-show-missing", C, "npolitics show missing.csv", UsageError, "no such file",
        cli("show", "/no/such/file.csv")),
    Row("cli-show-malformed", C, "npolitics show r.csv (its description lacks 'metrics')",
        UsageError, "its description lacks 'metrics' (the file was not written by npolitics",
        saved_results(_drop_key("metrics"), ())),
    Row("cli-show-by", C, "npolitics show r.csv --by nope", UsageError,
        "--by 'nope' is not a swept parameter of these results; swept: n",
        saved_results(_keep_text, ("--by", "nope"))),
    Row("cli-serve-port", C, "npolitics serve --port x", UsageError,
        "argument --port: invalid int value: 'x'", cli("serve", "--port", "x")),
    # The cadCAD layer
    Row("cadcad-config-type", CAD, "config_sim([1])", _cadcad_error("ConfigError"),
        "a sim config is a dict with 'N', 'T'", config_sim([1])),
    Row("cadcad-runs", CAD, 'config_sim({"N": 0, …})', _cadcad_error("ConfigError"),
        "'N' is the number of Monte Carlo runs, an integer ≥ 1; got 0",
        config_sim({"N": 0, "T": range(2)})),
    Row("cadcad-no-T", CAD, 'config_sim({"N": 1})', _cadcad_error("ConfigError"),
        "the sim config needs 'T'", config_sim({"N": 1})),
    Row("cadcad-T-type", CAD, 'config_sim({…, "T": "abc"})', _cadcad_error("ConfigError"),
        "'T' must hold integers", config_sim({"N": 1, "T": "abc"})),
    Row("cadcad-sweep-lengths", CAD, '"M": {"a": [1, 2], "b": [1, 2, 3]}',
        _cadcad_error("ConfigError"), "every list must have one common length",
        config_sim({"N": 1, "T": range(2), "M": {"a": [1, 2], "b": [1, 2, 3]}})),
    Row("cadcad-sweep-empty", CAD, '"M": {"a": []}', _cadcad_error("ConfigError"),
        "'M' sweeps no value for 'a'", config_sim({"N": 1, "T": range(2), "M": {"a": []}})),
    Row("cadcad-sweep-mixed", CAD, '"M": {"a": [1, 2], "b": 3}', _cadcad_error("ConfigError"),
        "'M' mixes swept lists with fixed values",
        config_sim({"N": 1, "T": range(2), "M": {"a": [1, 2], "b": 3}})),
    Row("cadcad-raw-config", CAD, 'run(…, {"N": 1}) (not from config_sim)',
        _cadcad_error("ConfigError"), "has no 'T'", cadcad_run(config={"N": 1})),
    Row("cadcad-genesis", CAD, "run([1], …)", _cadcad_error("ModelError"),
        "the initial state must be a non-empty dict", cadcad_run(state=[1])),
    Row("cadcad-blocks-type", CAD, "run(…, 5, …)", _cadcad_error("ModelError"),
        "partial_state_update_blocks must be a list", cadcad_run(blocks=5)),
    Row("cadcad-block-keys", CAD, '[{"policies": {}}]', _cadcad_error("ModelError"),
        "block 0 has no 'variables'", cadcad_run(blocks=[{"policies": {}}])),
    Row("cadcad-not-callable", CAD, '"policies": {"go": 3}', _cadcad_error("ModelError"),
        "block 0: 'go' maps to 3, which is not a function",
        cadcad_run(blocks=[{"policies": {"go": 3}, "variables": {"x": _x}}])),
    Row("cadcad-policy-not-dict", CAD, "a policy returning 5", _cadcad_error("ModelError"),
        "a policy must return a dict of signals",
        cadcad_run(blocks=[{"policies": {"go": _returns_five}, "variables": {"x": _x}}])),
    Row("cadcad-update-not-pair", CAD, "a state update returning 1", _cadcad_error("ModelError"),
        "returned 1", cadcad_run(blocks=[{"policies": {"go": _p}, "variables": {"x": _bare}}])),
    Row("cadcad-seed", CAD, "run(…, seed=-1)", ValueError, "seed must be an integer ≥ 0",
        cadcad_run(seed=-1)),
]  # fmt: skip


SURFACES = {K: "Kernel", P: "Parameters and the registry", POL: "Policies", SP: "Spaces",
            E: "Experiments", W: "Worlds", C: "Command line", CAD: "cadCAD layer"}  # fmt: skip


def error_name(row: Row) -> str:
    """How the docs name a row's outcome."""
    if row.error is UsageError:
        return "exit status 2"
    module = row.error.__module__
    prefix = "npl." if module.startswith("npolitics") and "cadcad" not in module else ""
    prefix = "cadcad." if "cadcad" in module else prefix
    return prefix + row.error.__name__


def table() -> str:
    """The Markdown tables of docs/reliability.md, one per surface (regenerate with
    ``python tests/reliability/bad_inputs.py``)."""
    out: list[str] = []
    for surface, title in SURFACES.items():
        out += [f"### {title}", "", "| id | input | error | message says |", "|---|---|---|---|"]
        for row in ROWS:
            if row.surface == surface:
                cells = [f"`{row.id}`", f"`{row.input}`", error_name(row), row.message]
                out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(table())
