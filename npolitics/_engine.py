"""Compiled cascades and instants: the kernel's delivery rules, generated for one world.

Where a sequential clock drives a compiled channel, and every channel that what it sends can
reach is compiled too, the whole sweep runs in one compiled call: every agent's turn in the
clock's order, each followed by the depth-first cascade of its delay-0 sends, exactly as
:meth:`Kernel._sequential` delivers them. Where a world's clocks drive only such channels,
many instants run in one compiled call: the clocks' ticks in declaration order (each
shuffled order drawn from the world's stream), then rounds of delay-0 messages in canonical
channel order, until a sample, the horizon, or a progress check is due. Every rule, batch
and random draw is the one the interpreted kernel would make, in the same order.

Where every group is a population whose wellbeing is written over its columns, and every
metric too (``_columns``), the instants take the samples themselves: before each instant,
every sample due before it, into a buffer of rows (the time, Ω of each group, each metric),
Ω summed as numpy sums; and, when the run checks invariants written over columns, they are
checked after every instant. Such a stretch runs to the horizon, a progress check, or a
clock the kernel must deliver.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from ._columns import no_wellbeing
from ._compiled import (
    Jit,
    Runner,
    fingerprint,
    load_module,
    loop_module,
    source_digest,
    state_names,
)
from ._errors import StalledError, UnknownAgentError

if TYPE_CHECKING:
    from ._columns import Over
    from ._kernel import Clock, Kernel, Route

_OK, _RANGE, _TURN, _ROUNDS = 0, 1, 2, 3
#: A stretch stopped for the world to handle: a sample that is not a finite W of the right
#: shape (the world takes it as Python, which names the agent), or a broken invariant.
SAMPLE, INVARIANT = 4, 5


@attrs.frozen
class Sampling:
    """What compiled instants sample: the wellbeing of every group (in the world's order),
    the metrics, and the invariants they check after every instant when asked."""

    wellbeing: tuple[Jit, ...]
    metrics: tuple[Over, ...]
    invariants: tuple[Over, ...]

    def functions(self) -> list[Any]:
        return [*self.wellbeing, *(o.fn for o in (*self.metrics, *self.invariants))]


@attrs.define
class Stretch:
    """The samples of one compiled stretch: the sampling grid (``start``, ``every``), the
    index of the next sample, and rows (time, Ω of each group, each metric) to fill."""

    start: float
    every: float
    next: int
    rows: npt.NDArray[np.float64]
    filled: int = 0


class _Node:
    """One compiled channel of the world: its route, runner and loop, and where its
    outboxes go (node indices; -1 for a channel that is not a compiled one)."""

    def __init__(self, index: int, route: Route, runner: Runner, group: int) -> None:
        self.index, self.route, self.runner, self.group = index, route, runner, group
        self.module = loop_module(runner)
        layout = runner.layout
        self.tick = layout.names == ("t",) and layout.dtypes == (np.dtype(np.float64),)
        self.targets: list[int] = []


class Engine:
    """The generated cascades and instants of one world's compiled channels."""

    def __init__(self, kernel: Kernel, sampling: Sampling | None = None) -> None:
        from ._groups import PopulationGroup

        self.kernel = kernel
        self.sampling = sampling
        self.nodes: list[_Node] = []
        # Every group when the instants sample (all are populations then), else those with
        # compiled channels; each with the names of its state.
        self.groups: list[str] = list(kernel.groups) if sampling is not None else []
        by_route: dict[tuple[str, str], int] = {}
        for route in kernel.by_key:
            group = route.group
            if route.channel.rule is None or not isinstance(group, PopulationGroup):
                continue
            if group.name not in self.groups:
                self.groups.append(group.name)
            runner = kernel.runner(group.name, route.channel.name)
            node = _Node(len(self.nodes), route, runner, self.groups.index(group.name))
            by_route[group.name, route.channel.name] = node.index
            self.nodes.append(node)
        for node in self.nodes:
            node.targets = [by_route.get((o.group, o.channel), -1) for o in node.runner.outboxes]
        self.state_names = [state_names(kernel.groups[g].members) for g in self.groups]
        self._pointers: dict[str, tuple[Any, tuple[int, ...]]] = {}
        #: How the last stretch stopped when the world must act: SAMPLE or INVARIANT, and
        #: which invariant (by its index in ``sampling.invariants``).
        self.status = _OK
        self.culprit = -1
        self.clocks: list[Clock] = list(kernel.clocks.values())
        self.clock_nodes = [
            by_route.get((c.route.group.name, c.route.channel.name), -1) for c in self.clocks
        ]
        self.sweeps = {n.route.key: n for n in self.nodes if n.tick and self._closed([n.index])}
        # Clocks whose ticks and cascades run compiled ("inner"); the others' instants are
        # delivered by the kernel, and compiled stretches stop before them.
        self.inner = [
            k
            for k, x in enumerate(self.clock_nodes)
            if x >= 0 and self.nodes[x].tick and self._closed([x])
        ]
        self.instants_ok = bool(self.inner)
        self._module: Any = None
        self.failure: Exception | None = None
        self._int_times = all(isinstance(c.every, int | np.integer) for c in self.clocks)

    def _closed(self, start: Sequence[int]) -> bool:
        """Whether every channel reachable from nodes ``start`` is a compiled node."""
        seen: set[int] = set()
        todo = list(start)
        while todo:
            k = todo.pop()
            if k < 0:
                return False
            if k in seen:
                continue
            seen.add(k)
            todo.extend(self.nodes[k].targets)
        return True

    # -- running -------------------------------------------------------------------------

    def module(self) -> Any:
        """The generated module (compiled when first needed)."""
        if self._module is None:
            self._module = _generate(self)
        return self._module

    def ready(self) -> bool:
        """Whether the generated code compiles for this world; if it does not (a world
        shape the generator did not foresee), the kernel runs the interpreted plan with the
        compiled per-batch loops instead: the same results, one batch at a time."""
        if self.failure is None and self._module is None:
            try:  # compile now, on no agents and no instants: nothing happens
                module = self.module()
                args = self._args()
                stats = np.zeros(8, np.int64)
                for node in self.sweeps.values():
                    getattr(module, f"sweep{node.index}")(np.empty(0, np.int64), 0.0, stats, *args)
                if self.instants_ok:
                    k = len(self.inner)
                    nt, tout = np.zeros(k), np.zeros(2)
                    wp = self.kernel.rng_pointers()
                    samp, sk, rows = np.array([np.inf, 1.0]), np.zeros(2, np.int64), self._rows(0)
                    module.instants(
                        nt,
                        nt.copy(),
                        -np.inf,
                        0.0,
                        0,
                        wp,
                        stats,
                        tout,
                        samp,
                        sk,
                        rows,
                        False,
                        *args,
                    )
                if self.sampling is not None:
                    module.sample(self._rows(1)[0], *args)
            except Exception as exc:  # kept for inspection: engine.failure
                self.failure = exc
        return self.failure is None

    def _args(self) -> list[Any]:
        kernel = self.kernel
        out: list[Any] = []
        for name, names in zip(self.groups, self.state_names, strict=True):
            group = kernel.groups[name]
            population = group.members
            out += [getattr(population, s) for s in names]
            out += [len(population), self._rng(name, group.context.rng)]
        return out

    def _rng(self, group: str, rng: Any) -> tuple[int, ...]:
        """Group ``group``'s stream as compiled code reaches it (read again after a restore)."""
        held = self._pointers.get(group)
        if held is None or held[0] is not rng:
            from ._numba_glue import rng_pointers

            held = self._pointers[group] = (rng, rng_pointers(rng))
        return held[1]

    def _rows(self, n: int) -> npt.NDArray[np.float64]:
        """``n`` empty sample rows: the time, Ω of each group, each metric."""
        sampling = self.sampling
        width = 1 + (len(self.groups) + len(sampling.metrics) if sampling is not None else 0)
        return np.empty((n, width))

    def stretch(self, start: float, every: float, next: int, n: int) -> Stretch:
        """Room for ``n`` samples of the grid ``start + k·every``, from ``k = next``."""
        return Stretch(float(start), float(every), next, self._rows(n))

    def sample(self) -> npt.NDArray[np.float64] | None:
        """One sample row of the state now (its time left unset), computed compiled; None
        when a wellbeing is not a finite array of one W per agent (the world then takes the
        sample as Python, which names what is wrong)."""
        row = self._rows(1)[0]
        return row if self.module().sample(row, *self._args()) else None

    def sweep(self, route: Route, order: Any, t: Any) -> None:
        """Agent after agent of ``route``'s group in ``order`` (None: index order), each
        turn with its whole cascade, at instant ``t``."""
        kernel = self.kernel
        node = self.sweeps[route.key]
        n = route.group.size
        order = np.arange(n) if order is None else np.ascontiguousarray(order, np.int64)
        stats = np.zeros(8, np.int64)
        for group in kernel.groups.values():
            group.context.now = t
        fn = getattr(self.module(), f"sweep{node.index}")
        fn(order, float(t), stats, *self._args())
        kernel.delivered += int(stats[0])
        kernel.batches += int(stats[1])
        self._raise(stats, t)

    def instants(
        self, limit: Any, most: int, stretch: Stretch | None = None, check: bool = False
    ) -> int:
        """Run every instant up to ``limit`` (at most ``most`` of them) in compiled code when
        nothing but the clocks is pending; how many ran (0: not possible now).

        With a ``stretch`` (an engine that samples), the samples due before each instant are
        taken into it, until its rows are full; ``check``: the invariants are checked after
        every instant. A stretch that stops for a sample that is not a finite W or for a
        broken invariant says so in :attr:`status`."""
        kernel = self.kernel
        self.status, self.culprit = _OK, -1
        queue = kernel.queue
        if len(queue.slots) != len(self.clocks):
            return 0
        times: dict[int, Any] = {}
        sweeps: dict[int, Any] = {}
        for (time, key), chunks in queue.slots.items():
            if key >= 0 or len(chunks) != 1:
                return 0
            times[key], sweeps[key] = time, chunks[0]
        inner = [self.clocks[k] for k in self.inner]
        outer = [c for k, c in enumerate(self.clocks) if k not in self.inner]
        nt = np.array([float(times[c.key]) for c in inner])
        every = np.array([float(c.every) for c in inner])
        stop = min((float(times[c.key]) for c in outer), default=np.inf)
        stats = np.zeros(8, np.int64)
        tout = np.full(2, np.nan)  # the instant being run, and the last one complete
        fn = self.module().instants
        pointers = kernel.rng_pointers()
        if stretch is None:
            samp, sk, rows = np.array([np.inf, 1.0]), np.zeros(2, np.int64), self._rows(0)
        else:
            samp = np.array([stretch.start, stretch.every])
            sk = np.array([stretch.next, stretch.filled], np.int64)
            rows = stretch.rows
        args = self._args()
        fn(
            nt,
            every,
            float(limit),
            stop,
            int(most),
            pointers,
            stats,
            tout,
            samp,
            sk,
            rows,
            check,
            *args,
        )
        if stretch is not None:
            stretch.next, stretch.filled = int(sk[0]), int(sk[1])
        done = int(stats[2])
        kernel.delivered += int(stats[0])
        kernel.batches += int(stats[1])
        if done or stats[3]:
            # The clocks' next ticks, as the interpreted kernel would have queued them.
            from ._message import Tick
            from ._scheduler import Queue, Sweep

            fresh = Queue()
            for k, c in enumerate(inner):
                when = self._time(nt[k].item(), times[c.key])
                fresh.put(when, c.key, Sweep(Tick(when)))
            for c in outer:
                fresh.put(times[c.key], c.key, sweeps[c.key])
            kernel.queue = fresh
            kernel._redirect(fresh)
            now, last = (self._time(x, times[inner[0].key]) for x in tout.tolist())
            if done:
                kernel.now = last
                kernel.instants += done
            if not np.isnan(tout[0]):  # an instant began (a stretch may stop before any)
                for group in kernel.groups.values():
                    group.context.now = now
            status = int(stats[3])
            if status in (SAMPLE, INVARIANT):
                self.status, self.culprit = status, int(stats[4])
            else:
                self._raise(stats, now)
        return done

    def _time(self, value: float, like: Any) -> Any:
        """A time computed in compiled code (a float) as the kernel would hold it: an int
        where the clocks' times are ints."""
        if self._int_times and _int_start(like) and float(value).is_integer():
            return int(value)
        return value

    def _raise(self, stats: Any, t: Any) -> None:
        from ._kernel import MAX_ROUNDS, DeliveryFailedError

        status = int(stats[3])
        if status == _OK:
            return
        node = self.nodes[int(stats[4])]
        group, channel = node.route.group.name, node.route.channel.name
        if status == _RANGE:
            outbox = node.runner.outboxes[int(stats[7])]
            target = self.kernel.groups[outbox.group]
            exc: Exception = UnknownAgentError(
                f"group {target.name!r} has agents 0…{target.size - 1}; the batch targets "
                f"{int(stats[5])}"
            )
            failure = DeliveryFailedError(node.route, -1, f"a batch for channel {channel!r}", t)
            failure.__cause__ = exc
            raise failure
        if status == _TURN:
            raise StalledError(
                f"world {self.kernel.world!r}: at t={t}, the turn of agent {int(stats[6])} of "
                f"group {group!r} has caused {MAX_ROUNDS} deliveries without ending (messages "
                "sent with delay 0 in a sequential activation keep causing more)"
            )
        raise StalledError(
            f"world {self.kernel.world!r}: instant t={t} has run {MAX_ROUNDS} rounds without "
            "ending (messages sent with delay 0, or with delays too small to move a time "
            f"of {t}, keep arriving at the same instant)"
        )


def _int_start(time: Any) -> bool:
    return isinstance(time, int | np.integer)


# -- code generation ---------------------------------------------------------------------


def _generate(engine: Engine) -> Any:
    from ._kernel import MAX_ROUNDS

    nodes = engine.nodes
    groups = engine.groups
    gargs: list[str] = []
    setup: list[str] = []
    for j in range(len(groups)):
        names = [f"g{j}_{k}" for k in range(len(engine.state_names[j]))]
        gargs += [*names, f"N{j}", f"P{j}"]
        setup.append(f"R{j} = generator_from(P{j})")
    for n in nodes:
        runner = n.runner
        names = [f"g{n.group}_{k}" for k in range(len(runner.state_names))]
        setup.append(f"S{n.index} = State{n.index}({', '.join(f'borrowed({a})' for a in names)})")
        setup += [f"T{n.index}_{b} = mkT{n.index}_{b}(16)" for b in range(len(runner.outboxes))]
        setup += [f"{arena}{n.index} = new{n.index}(16)" for arena in ("CUR", "NXT", "SEQ")]
    maxb = max([len(n.targets) for n in nodes] + [1])
    setup += [
        "stack = np.empty((64, 3), np.int64)",
        f"fresh = np.empty(({maxb}, 3), np.int64)",
        "one = np.empty(1, np.int64)",
        "sp = 0",
    ]
    gsig = ", ".join(gargs)

    def cols(arena: str, y: int) -> list[str]:
        return [f"{arena}{y}"]

    def deliver(
        x: int, to_cols: list[str], lo: str, hi: str, mode: str, core: str = "core"
    ) -> list[str]:
        """Node ``x``'s rule over rows ``lo`` to ``hi`` of ``to_cols`` (the target and
        field arrays, or an arena whose columns are read borrowed; none: already in ``q0``,
        ``q1``, …), through ``core`` (``icore``: its body written in place)."""
        n = nodes[x]
        temps = "".join(f", T{x}_{b}" for b in range(len(n.targets)))
        width = 1 + len(n.runner.layout.names)
        if len(to_cols) == 1:
            out = [f"{', '.join(f'q{v}' for v in range(width))}, = columns({to_cols[0]})"]
        elif not to_cols:
            out = []
        else:
            out = [f"q{v} = {c}" for v, c in enumerate(to_cols)]
        cs = ", ".join(f"q{v}" for v in range(width))
        out += [
            f"{core}{x}(S{x}, {cs}, {lo}, {hi}, now, N{n.group}, R{n.group}{temps})",
            f"stats[0] += {hi} - {lo}",
            "stats[1] += 1",
        ]
        if mode == "seq":
            out.append("nf = 0")
        for b, y in enumerate(n.targets):
            dest = "SEQ" if mode == "seq" else "NXT"
            out += [
                f"c = T{x}_{b}.count",
                "if c > 0:",
                f"    mn, mx = bounds(columns(T{x}_{b})[0], c)",
                f"    if mn < 0 or mx >= N{nodes[y].group}:",
                f"        stats[3] = {_RANGE}",
                f"        stats[4] = {x}",
                "        stats[5] = mn if mn < 0 else mx",
                f"        stats[7] = {b}",
                "        return",
                f"    a, z = app{y}({dest}{y}, T{x}_{b}, c)",
                f"    T{x}_{b}.count = 0",
            ]
            if mode == "seq":
                out += [
                    f"    fresh[nf, 0] = {y}",
                    "    fresh[nf, 1] = a",
                    "    fresh[nf, 2] = z",
                    "    nf += 1",
                ]
        if mode == "seq":
            out += [
                "for q in range(nf - 1, -1, -1):",
                "    if sp == stack.shape[0]:",
                "        stack = grow2(stack)",
                "    stack[sp, 0] = fresh[q, 0]",
                "    stack[sp, 1] = fresh[q, 1]",
                "    stack[sp, 2] = fresh[q, 2]",
                "    sp += 1",
            ]
        return out

    def reach(x: int) -> list[int]:
        seen: list[int] = []
        todo = [x]
        while todo:
            k = todo.pop()
            if k not in seen:
                seen.append(k)
                todo.extend(nodes[k].targets)
        return sorted(seen)

    def sweep_body(x: int) -> list[str]:
        # Each turn is the clock's message to agent order[idx] (stack entry lo = -1: the
        # message is in ``one`` and ``TC``), then its cascade, depth first. Every rule is
        # called from one place, where its body is written in place (``icore``): a call
        # would pass the whole state, column by column, at every message.
        out = [
            "for idx in range(order.size):",
            "    one[0] = order[idx]",
            "    chain = 0",
            f"    stack[0, 0] = {x}",
            "    stack[0, 1] = -1",
            "    stack[0, 2] = 0",
            "    sp = 1",
            "    while sp > 0:",
            "        sp -= 1",
            "        y = stack[sp, 0]",
            "        lo = stack[sp, 1]",
            "        hi = stack[sp, 2]",
            "        chain += 1",
            f"        if chain > {MAX_ROUNDS}:",
            f"            stats[3] = {_TURN}",
            f"            stats[4] = {x}",
            "            stats[6] = order[idx]",
            "            return",
        ]
        for k, y in enumerate(reach(x)):
            out.append(f"        {'if' if k == 0 else 'elif'} y == {y}:")
            if y == x:
                out += _indent(
                    [
                        "if lo < 0:",
                        "    q0 = one",
                        "    q1 = TC",
                        "    lo = 0",
                        "    hi = 1",
                        "else:",
                        f"    q0, q1, = columns(SEQ{y})",
                    ],
                    3,
                )
                out += _indent(deliver(y, [], "lo", "hi", "seq", "icore"), 3)
            else:
                out += _indent(deliver(y, cols("SEQ", y), "lo", "hi", "seq", "icore"), 3)
        out += [f"    SEQ{y}.count = 0" for y in reach(x)]
        return out

    sampling = engine.sampling
    states: list[str] = []  # each group's state as functions over columns see it
    sample: list[str] = []  # fills row ``row`` (after its time); ``ok`` False: a bad W
    checks: list[str] = []  # the invariants, after an instant
    if sampling is not None:
        for j in range(len(groups)):
            names = [f"g{j}_{k}" for k in range(len(engine.state_names[j]))]
            states.append(f"GS{j} = GState{j}({', '.join(names)})")
        index = {g: j for j, g in enumerate(groups)}

        def call(name: str, over: Over) -> str:
            return f"{name}({', '.join(f'GS{index[g]}' for g in over.groups)})"

        sample.append("ok = True")
        for j in range(len(groups)):
            if sampling.wellbeing[j] is no_wellbeing:  # W = 0 for all: Ω's part is 0.0
                sample.append(f"row[{1 + j}] = 0.0")
                continue
            sample += [
                f"w = W{j}(GS{j})",
                f"if w.ndim != 1 or w.shape[0] != N{j}:",
                "    ok = False",
                "else:",
                "    v, bad = total(w)",
                "    if bad >= 0:",
                "        ok = False",
                f"    row[{1 + j}] = v",
            ]
        for k, metric in enumerate(sampling.metrics):
            sample.append(f"row[{1 + len(groups) + k}] = {call(f'M{k}', metric)}")
        for k, invariant in enumerate(sampling.invariants):
            checks += [
                f"if not {call(f'I{k}', invariant)}:",
                f"    stats[3] = {INVARIANT}",
                f"    stats[4] = {k}",
                "    return",
            ]

    lines = [
        '"""Generated by npolitics: the compiled cascades and instants of one world."""',
        "from collections import namedtuple",
        "import numpy as np",
        "from numba.experimental.structref import new as _new",
        "from npolitics._numba_glue import borrowed, box_type, capacity, columns, copy_rows",
        "from npolitics._numba_glue import generator_from",
        "from npolitics._engine_support import app_rows, bounds, grow2, total",
        "",
        *(
            f"GState{j} = namedtuple('State', {tuple(engine.state_names[j])!r})"
            for j in range(len(states))
        ),
    ]
    for n in nodes:
        lay = n.runner.layout
        x = n.index
        lines += [
            f"A{x} = box_type({lay.names!r}, {tuple(str(d) for d in lay.dtypes)!r})",
            f"def new{x}(cap):",
            f"    b = _new(A{x})",
            "    b.count = 0",
            "    b.to = np.empty(cap, np.int64)",
            *(
                f"    b.m_{f} = np.empty(cap, np.{d.name})"
                for f, d in zip(lay.names, lay.dtypes, strict=True)
            ),
            "    return b",
            f"def app{x}(dst, src, c):",
            "    k = dst.count",
            "    z = k + c",
            "    if z <= capacity(dst):",
            "        copy_rows(dst, src, k, c)",
            "    else:",
            "        dst.to = app_rows(dst.to, src.to, k, c)",
            *(f"        dst.m_{f} = app_rows(dst.m_{f}, src.m_{f}, k, c)" for f in lay.names),
            "    dst.count = z",
            "    return k, z",
            "",
        ]
    for n in nodes:
        if n.index not in [s.index for s in engine.sweeps.values()]:
            continue
        lines += [
            f"def sweep{n.index}(order, now, stats, {gsig}):",
            *_indent(setup, 1),
            "    TC = np.full(max(order.size, 1), now)",
            *_indent(sweep_body(n.index), 1),
            "",
        ]
    if engine.instants_ok:
        maxn = " , ".join(f"N{j}" for j in range(len(groups)))
        body = [
            *setup,
            "wrng = generator_from(wp)",
            f"ar = np.arange(max({maxn}, 1))",
            "TC = np.empty(ar.size)",
            "while stats[2] < most:",
            "    t = nt[0]",
            "    for q in range(1, nt.size):",
            "        if nt[q] < t:",
            "            t = nt[q]",
            "    if t > limit or t >= stop:",
            "        break",
        ]
        if sampling is not None:  # the samples due before instant t, while there is room
            body += [
                "    s = samp[0] + sk[0] * samp[1]",
                "    full = False",
                "    while s < t:",
                "        if sk[1] == rows.shape[0]:",
                "            full = True",
                "            break",
                "        row = rows[sk[1]]",
                *_indent(sample, 2),
                "        if not ok:",
                f"            stats[3] = {SAMPLE}",
                "            return",
                "        row[0] = s",
                "        sk[0] += 1",
                "        sk[1] += 1",
                "        s = samp[0] + sk[0] * samp[1]",
                "    if full:",
                "        break",
            ]
        body += [
            "    now = t",
            "    tout[0] = t",
            "    TC[:] = now",
        ]
        for c, k in enumerate(engine.inner):
            clock, x = engine.clocks[k], engine.clock_nodes[k]
            g = nodes[x].group
            order = f"wrng.permutation(N{g})" if clock.order == "shuffled" else f"ar[:N{g}]"
            body += [
                f"    if nt[{c}] == t:",
                f"        nt[{c}] = t + every[{c}]",
                f"        order = {order}",
            ]
            if clock.activation == "sequential":
                body += _indent(sweep_body(x), 2)
            else:
                body += _indent(deliver(x, ["order", "TC"], "0", "order.size", "round"), 2)
        body += [
            "    rounds = 1",
            "    while " + " or ".join(f"NXT{n.index}.count > 0" for n in nodes) + ":",
            "        rounds += 1",
            f"        if rounds > {MAX_ROUNDS}:",
            f"            stats[3] = {_ROUNDS}",
            "            return",
        ]
        for n in nodes:
            x = n.index
            body.append(f"        CUR{x}, NXT{x} = NXT{x}, CUR{x}")
        for n in nodes:
            x = n.index
            body += [f"        if CUR{x}.count > 0:"]
            body += _indent(deliver(x, cols("CUR", x), "0", f"CUR{x}.count", "round"), 3)
            body += [f"            CUR{x}.count = 0"]
        body += ["    stats[2] += 1", "    tout[1] = t"]
        if checks:
            body += ["    if check:", *_indent(checks, 2)]
        lines += [
            f"def instants(nt, every, limit, stop, most, wp, stats, tout, samp, sk, rows, check, "
            f"{gsig}):",
            *_indent([*states, *body], 1),
            "",
        ]
    if sampling is not None:
        lines += [
            f"def sample(row, {gsig}):",
            *_indent([*states, *sample, "return ok"], 1),
            "",
        ]
    source = "\n".join(lines)
    extra = b"".join(fingerprint(n.runner.rule.fn) + n.module.__name__.encode() for n in nodes)
    if sampling is not None:
        from ._engine_support import total

        extra += b"".join(fingerprint(fn) for fn in (*sampling.functions(), total))
    digest = source_digest(source, extra)
    module = load_module(f"_npl_engine_{digest}", source)
    if getattr(module, "ready", False):
        return module
    import numba

    from . import _engine_support  # noqa: F401 - compiled helpers the module imports

    cache = module.__file__ is not None
    for n in nodes:
        x = n.index
        setattr(module, f"core{x}", n.module.core)
        setattr(module, f"icore{x}", numba.njit(inline="always")(n.module.core.py_func))
        setattr(module, f"State{x}", n.module.State)
        for b in range(len(n.targets)):
            setattr(module, f"mkT{x}_{b}", getattr(n.module, f"box{b}"))
    names = [f"new{n.index}" for n in nodes] + [f"app{n.index}" for n in nodes]
    names += [f"sweep{n.index}" for n in engine.sweeps.values()]
    if engine.instants_ok:
        names.append("instants")
    if sampling is not None:
        for prefix, fns in (
            ("W", sampling.wellbeing),
            ("M", [o.fn for o in sampling.metrics]),
            ("I", [o.fn for o in sampling.invariants]),
        ):
            for k, fn in enumerate(fns):
                setattr(module, f"{prefix}{k}", fn.dispatcher)
        names.append("sample")
    for name in names:
        setattr(module, name, numba.njit(cache=cache)(getattr(module, name)))
    module.ready = True  # type: ignore[attr-defined]
    return module


def _indent(lines: list[str], levels: int) -> list[str]:
    pad = "    " * levels
    return [pad + line for line in lines]
