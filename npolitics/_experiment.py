"""Experiments: a grid of parameter points × Monte Carlo runs of one world, on any backend.

Each (point, run) has its own seed: the child of ``SeedSequence(seed)`` whose spawn key is a
hash of the point's complete parameter values and the run number. The seed therefore does
not depend on the backend, the number of workers, the order in which runs finish, or on which
other points are in the grid: re-running one point alone gives its runs bit for bit. With
common random numbers, run r of every point has the same seed, the child ``(r,)``, so points
can be compared run by run (paired).
A stop condition (see ``_stop``) travels with every task; each run's record says at which
instant it stopped.
Workers receive small task descriptions (world name, parameters, seed, horizon) and build
the world themselves; only Ω and the kept metrics at the sample times come back.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import itertools
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from ._backends import (
    BackendError,
    check_backend,
    default_backend,
    free_cores,
    imap_unordered,
)
from ._compiled import compiled_mode
from ._errors import ArgumentError, DefinitionError
from ._limits import Limits, format_count, results_bytes
from ._progress import progress
from ._registry import UnknownWorldError, WorldSpec, load_world
from ._results import TimeArray
from ._stop import (
    Stop,
    Threshold,
    Watch,
    check_travels,
    stop_condition,
    stop_name,
    stop_reference,
)
from ._sweep_results import ExperimentResults

if TYPE_CHECKING:
    from ._world import World

FloatArray = npt.NDArray[np.float64]
WorldLike = str | WorldSpec[Any]


class ExperimentInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped an experiment; ``results`` holds the runs that had finished."""

    def __init__(self, results: ExperimentResults) -> None:
        super().__init__(f"interrupted after {results.done} of {results.expected} runs")
        self.results = results


def resolve_world(world: WorldLike) -> WorldSpec[Any]:
    """The WorldSpec for a registered name, a ``"module:attribute"`` reference, or a spec."""
    if isinstance(world, WorldSpec):
        return world
    if not isinstance(world, str):
        raise DefinitionError(f"a world is a name or a WorldSpec, got {world!r}")
    if ":" not in world:
        return load_world(world)
    module_name, _, attribute = world.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UnknownWorldError(
            f"cannot import {module_name!r} for world {world!r}: {exc}"
        ) from None
    spec = getattr(module, attribute, None)
    if not isinstance(spec, WorldSpec):
        raise UnknownWorldError(f"{world!r} does not name a WorldSpec (found {spec!r})")
    return spec


def world_reference(spec: WorldSpec[Any]) -> str | None:
    """A string that :func:`resolve_world` turns back into ``spec``, or None if there is none."""
    try:
        if load_world(spec.name) is spec:
            return spec.name
    except Exception:  # an unregistered or broken entry point: try the module
        pass
    module, attribute = spec.build.__module__, spec.build.__name__
    try:
        if getattr(importlib.import_module(module), attribute, None) is spec:
            return f"{module}:{attribute}"
    except ImportError:
        pass
    return None


@functools.lru_cache(maxsize=16)
def _cached_world(reference: str) -> WorldSpec[Any]:
    return resolve_world(reference)


@attrs.frozen
class Task:
    """One run of one point, as sent to a worker: everything needed to build and run it."""

    world: WorldLike
    params: Mapping[str, Any]
    point: int
    run: int
    seed: np.random.SeedSequence
    steps: int | None
    until: float | None
    keep: tuple[str, ...] | None
    sample_every: float | None
    stop: Stop | None = None
    compiled: bool | None = None  # how compiled channels run: not part of the seed

    def __str__(self) -> str:
        """One line naming the run, for errors: point, run, parameters and seed."""
        world = self.world if isinstance(self.world, str) else self.world.name
        params = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        seed = f"SeedSequence({self.seed.entropy}, spawn_key={self.seed.spawn_key})"
        return " ".join(
            f"run {self.run} of point {self.point} of world {world!r} ({params or 'defaults'}), "
            f"seed {seed}".split()
        )


@attrs.frozen(eq=False)
class RunRecord:
    """What one run sends back: sample times, Ω and the kept metrics, and the instant at
    which its stop condition held (``stopped``; None for a run that reached its horizon)."""

    point: int
    run: int
    t: TimeArray
    omega: FloatArray
    metrics: Mapping[str, FloatArray]
    stopped: Any = None


def run_task(task: Task) -> RunRecord:
    """Build the task's world from its seed, run it, and keep what was asked (in a worker)."""
    spec = _cached_world(task.world) if isinstance(task.world, str) else task.world
    # Not readied at build: the run, which starts next, compiles the rules it runs.
    world = spec._assemble(task.seed, task.params)
    if task.sample_every is not None:
        world.sampling(every=task.sample_every)
    # The experiment's stop condition, else the world's own: watched, to say where it held.
    stop = task.stop if task.stop is not None else world._stop
    watch = None if stop is None else Watch(stop)
    # No rollback: a failed run's world is thrown away, so its snapshot would be wasted
    # work (and a world sent by value cannot be pickled by reference for one).
    res = world.run(
        task.steps, until=task.until, stop=watch, rollback=False, compiled=task.compiled
    )
    names = world.metrics if task.keep is None else task.keep
    metrics = {k: res.metrics[k] for k in names}
    stopped = None if watch is None else watch.at
    return RunRecord(task.point, task.run, res.t, res.omega, metrics, stopped)


def point_key(values: Mapping[str, Any]) -> int:
    """A 64-bit key for a complete set of parameter values (order of names irrelevant)."""
    text = json.dumps(dict(values), sort_keys=True, default=repr)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def _is_sweep(value: Any) -> bool:
    # A tuple is one value (a parameter may be a tuple, e.g. a payoff matrix), a list a sweep.
    return isinstance(value, list | range | np.ndarray)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _tuple(value: Any) -> Any:
    return tuple(_tuple(v) for v in value) if isinstance(value, list) else value


@attrs.frozen(init=False)
class Experiment:
    """Parameter points × ``runs`` Monte Carlo runs of one world, each run with its own seed.

    ``params`` maps parameter names to a value or a list of values; the points are the
    cartesian product of the lists, in the order given. ``steps`` or ``until`` is the
    horizon of every run. ``keep`` names the metrics to keep (default: all; Ω is always
    kept) and ``sample_every`` overrides the world's sampling period (samples at 0,
    ``sample_every``, …), so large experiments hold only what is asked for.

    ``common_random_numbers=True`` gives run r of every point the same seed (see
    :meth:`seed_sequence`), so differences between points are paired run by run.
    ``stop`` ends each run at the first instant where it holds, in place of the world's own
    condition: an :class:`~npolitics.Threshold` (or its text, ``"score >= 0.99"``), a function
    of the world, or a function's reference ``"module:function"``. To reach processes or
    Dask workers it must pickle (a threshold, or a function at the top level of a module);
    :meth:`ExperimentResults.stops` says where each run stopped.

    ``compiled`` says how the world's compiled channels run (see :meth:`World.run`): it
    changes neither seeds nor, for integer and boolean state, results.
    """

    world: WorldLike
    params: Mapping[str, Any]
    runs: int
    steps: int | None
    until: float | None
    seed: int
    keep: tuple[str, ...] | None
    sample_every: float | None
    common_random_numbers: bool
    stop: Stop | None
    compiled: bool | None
    spec: WorldSpec[Any] = attrs.field(repr=False)
    swept: tuple[str, ...] = attrs.field(repr=False)
    _points: tuple[Mapping[str, Any], ...] = attrs.field(repr=False)
    _keys: tuple[int, ...] = attrs.field(repr=False)

    def __init__(
        self,
        world: WorldLike,
        params: Mapping[str, Any] | None = None,
        *,
        runs: int = 1,
        steps: int | None = None,
        until: float | None = None,
        seed: int | None = 0,
        keep: Sequence[str] | None = None,
        sample_every: float | None = None,
        common_random_numbers: bool = False,
        stop: Stop | str | None = None,
        compiled: bool | None = None,
    ) -> None:
        spec = resolve_world(world)
        params = dict(params or {})
        if not isinstance(runs, int | np.integer) or isinstance(runs, bool) or runs < 1:
            raise ArgumentError(f"runs must be an integer ≥ 1, got {runs!r}")
        if (steps is None) == (until is None):
            raise ArgumentError("give the horizon of every run: steps=N or until=T (one of them)")
        if steps is not None and (
            not isinstance(steps, int | np.integer) or isinstance(steps, bool) or steps < 0
        ):
            raise ArgumentError(f"steps must be an integer ≥ 0, got {steps!r}")
        if until is not None and (
            not isinstance(until, int | float | np.number)
            or isinstance(until, bool)
            or math.isnan(until)
        ):
            raise ArgumentError(f"until must be a number, got {until!r}")
        if until is not None and math.isinf(until):
            # A world with a clock or a sampling grid would never end; one that runs dry
            # ends its runs before any finite horizon as well.
            raise ArgumentError(
                f"until must be a finite time: every run of an experiment needs a horizon "
                f"(a world whose queue runs dry ends its runs before it), got {until}"
            )
        if seed is None:
            seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
        if not isinstance(seed, int | np.integer) or isinstance(seed, bool) or seed < 0:
            raise ArgumentError(f"seed must be an integer ≥ 0, got {seed!r}")
        if sample_every is not None and not (
            isinstance(sample_every, int | float | np.number)
            and not isinstance(sample_every, bool)
            and math.isfinite(sample_every)
            and sample_every > 0
        ):
            raise ArgumentError(f"sample_every must be a finite number > 0, got {sample_every!r}")
        if not isinstance(common_random_numbers, bool | np.bool_):
            raise ArgumentError(
                f"common_random_numbers must be True or False, got {common_random_numbers!r}"
            )
        condition = stop_condition(stop)
        if isinstance(keep, str):
            keep = (keep,)
        swept = tuple(k for k, v in params.items() if _is_sweep(v))
        for name in swept:
            params[name] = [_plain(v) for v in params[name]]
            if not params[name]:
                raise ArgumentError(f"parameter {name!r} sweeps an empty list of values")
        # The grid is a product: count it before making it (and every run's record, at two
        # samples of two columns at least, before the runs are counted out).
        size = math.prod(len(params[k]) for k in swept) * int(runs)
        Limits.current().check_memory(
            results_bytes(size, 2, 2), f"an experiment of {format_count(size)} runs"
        )
        fixed = {k: _plain(v) for k, v in params.items() if k not in swept}
        given = [
            {**fixed, **dict(zip(swept, values, strict=True))}
            for values in itertools.product(*(params[k] for k in swept))
        ]
        # Validate every point now (a bad value fails here, not in a worker), keep the values
        # as the world declares them (1 → 1.0 for a float), and key each point's seeds by its
        # complete parameter values, defaults included.
        complete = [attrs.asdict(spec.validate(p), recurse=False) for p in given]
        points = tuple({k: full[k] for k in p} for p, full in zip(given, complete, strict=True))
        keys = tuple(point_key(full) for full in complete)
        self.__attrs_init__(
            world=world,
            params={k: params[k] for k in params},
            runs=int(runs),
            steps=None if steps is None else int(steps),
            until=until,
            seed=int(seed),
            keep=None if keep is None else tuple(keep),
            sample_every=sample_every,
            common_random_numbers=bool(common_random_numbers),
            stop=condition,
            compiled=None if compiled is None else compiled_mode(compiled),
            spec=spec,
            swept=swept,
            points=points,
            keys=keys,
        )

    @property
    def size(self) -> int:
        """How many runs in all: points × runs."""
        return len(self._points) * self.runs

    def points(self) -> list[dict[str, Any]]:
        """The parameter values of every point, in grid order (fixed and swept)."""
        return [dict(p) for p in self._points]

    def seed_sequence(self, point: int, run: int) -> np.random.SeedSequence:
        """The seed of run ``run`` of point ``point``: a child of ``SeedSequence(seed)``.

        Its spawn key is ``(key, run)``, ``key`` a hash of the point's complete parameter
        values; with common random numbers it is ``(run,)`` whatever the point, the same
        seed as ``SeedSequence(seed).spawn(runs)[run]``.
        """
        if self.common_random_numbers:
            return np.random.SeedSequence(self.seed, spawn_key=(run,))
        return np.random.SeedSequence(self.seed, spawn_key=(self._keys[point], run))

    def tasks(self, *, by_value: bool = False) -> Iterator[Task]:
        """Every run's task, point by point.

        A task names its world (registered name or ``module:attribute``) when it can. With
        ``by_value``, a world defined in a script (``__main__``) travels as the spec itself:
        a Dask worker's ``__main__`` is not the script, and cloudpickle sends it by value.
        """
        reference = world_reference(self.spec) if isinstance(self.world, WorldSpec) else self.world
        local = reference is None or (by_value and reference.startswith("__main__:"))
        world: WorldLike = self.spec if local else reference  # type: ignore[assignment]
        for point, values in enumerate(self._points):
            for run in range(self.runs):
                yield Task(
                    world=world,
                    params=values,
                    point=point,
                    run=run,
                    seed=self.seed_sequence(point, run),
                    steps=self.steps,
                    until=self.until,
                    keep=self.keep,
                    sample_every=self.sample_every,
                    stop=self.stop,
                    compiled=self.compiled,
                )

    def check(
        self, backend: Any = None, *, workers: int | None = None, timeout: float = 10.0
    ) -> int | None:
        """Refuse, before anything runs, what cannot work or would cost more than the
        :class:`~npolitics.Limits` allow; return the number of workers to start.

        Checks the backend, ``workers`` (an integer ≥ 1, at most ``NPOLITICS_MAX_WORKERS``),
        ``timeout`` (finite seconds > 0), the kept metrics, the stop condition (a threshold's
        metric; that it pickles for the backend's workers), each run's samples and clock
        instants (from the first point's world, built for it: its memory was estimated
        first), and the memory of every run's record together. A local pool never starts more
        workers than there are runs. :meth:`run` and :meth:`stream` call it.
        """
        backend = default_backend(self.size) if backend is None else backend
        check_backend(backend)
        if workers is not None and (
            not isinstance(workers, int | np.integer) or isinstance(workers, bool) or workers < 1
        ):
            raise BackendError(f"workers must be ≥ 1 (a number of processes), got {workers!r}")
        if (
            not isinstance(timeout, int | float | np.number)
            or isinstance(timeout, bool)
            or not (math.isfinite(timeout) and timeout > 0)
        ):
            raise ArgumentError(f"timeout must be a finite number of seconds > 0, got {timeout!r}")
        limits = Limits.current()
        if workers is not None:
            limits.check_workers(int(workers), f"backend {backend!r} with workers={workers}")
        world = self._first_world()
        kept = self._kept(world)
        if isinstance(self.stop, Threshold):
            self.stop.check(world)
        if self.stop is not None:
            check_travels(self.stop, backend)
        if self.sample_every is not None:
            world.sampling(every=self.sample_every)
        horizon = world._horizon(self.steps, self.until)
        world._check_cost(horizon)
        samples = world._expected(horizon)
        limits.check_memory(
            results_bytes(self.size, samples, 2 + len(kept)),
            f"an experiment of {format_count(self.size)} runs of {format_count(samples)} "
            f"samples each",
        )
        if backend in ("processes", "dask"):
            return min(free_cores() if workers is None else int(workers), self.size)
        return workers

    def stream(
        self, backend: Any = None, *, workers: int | None = None, timeout: float = 10.0
    ) -> Iterator[RunRecord]:
        """Every run's record, as runs finish (in no particular order)."""
        backend = default_backend(self.size) if backend is None else backend
        workers = self.check(backend, workers=workers, timeout=timeout)
        by_value = backend not in ("serial", "processes")
        return imap_unordered(
            run_task,
            self.tasks(by_value=by_value),
            backend=backend,
            workers=workers,
            timeout=timeout,
        )

    def run(
        self,
        backend: Any = None,
        *,
        workers: int | None = None,
        quiet: bool = False,
        timeout: float = 10.0,
    ) -> ExperimentResults:
        """Run every point × run and collect the results.

        ``backend``: ``"serial"``, ``"processes"`` (default when more than one core is free),
        ``"dask"`` (a LocalCluster started and closed here), a Dask scheduler address
        ``"tcp://host:8786"`` or a ``distributed.Client``. ``workers``: processes or Dask
        workers to start (default: one per free core). A progress bar shows on a terminal
        unless ``quiet``. Ctrl-C raises :class:`ExperimentInterrupted` holding the finished runs.
        """
        records: list[RunRecord] = []
        runs = self.stream(backend, workers=workers, timeout=timeout)
        try:
            with progress(self.size, description=self.spec.name, quiet=quiet) as advance:
                for record in runs:
                    records.append(record)
                    advance()
        except KeyboardInterrupt:
            raise ExperimentInterrupted(self.results(records)) from None
        finally:
            close = getattr(runs, "close", None)
            if close is not None:
                close()
        return self.results(records)

    def results(self, records: Sequence[RunRecord]) -> ExperimentResults:
        """Results holding ``records`` (any order, any subset of the runs).

        Besides :meth:`describe`, their description says what the world declares about how
        it is read: its ``headline`` metric (if kept) and its own sampling period
        (``world_sample_every``, None for a world with no clock sampled at each run's first
        and last instants).
        """
        world = self._first_world()
        facts = {
            "headline": self._headline(world),
            "world_sample_every": world.sample_every,
        }
        return ExperimentResults.from_records({**self.describe(), **facts}, self.points(), records)

    def describe(self) -> dict[str, Any]:
        """What is needed to repeat this experiment, as JSON-ready values."""
        reference = self.world if isinstance(self.world, str) else world_reference(self.spec)
        return {
            "world": reference,
            "world_name": self.spec.name,
            "params": self.params,
            "swept": list(self.swept),
            "runs": self.runs,
            "steps": self.steps,
            "until": self.until,
            "seed": self.seed,
            "keep": None if self.keep is None else list(self.keep),
            "sample_every": self.sample_every,
            "common_random_numbers": self.common_random_numbers,
            "stop": stop_reference(self.stop),
            "stop_name": stop_name(self.stop),
            "expected": self.size,
        }

    @classmethod
    def from_description(cls, description: Mapping[str, Any]) -> Experiment:
        """The experiment that :meth:`describe` described (to repeat it exactly)."""
        if description.get("world") is None:
            raise ArgumentError(
                f"these results name world {description.get('world_name')!r} but no importable "
                "reference to it; build the Experiment with the WorldSpec itself"
            )
        if description.get("stop") is None and description.get("stop_name") is not None:
            raise ArgumentError(
                f"these results were stopped by {description['stop_name']}, which has no "
                "importable reference (a lambda or a local function); build the Experiment "
                "with stop= that function itself"
            )
        swept = set(description.get("swept", ()))
        # JSON wrote tuples as lists: only the swept parameters are lists.
        params = {
            k: v if k in swept or not isinstance(v, list) else _tuple(v)
            for k, v in description["params"].items()
        }
        return cls(
            description["world"],
            params,
            runs=description["runs"],
            steps=description["steps"],
            until=description["until"],
            seed=description["seed"],
            keep=description["keep"],
            sample_every=description["sample_every"],
            common_random_numbers=description.get("common_random_numbers", False),
            stop=description.get("stop"),
        )

    def metrics(self) -> tuple[str, ...]:
        """The metrics every run keeps; a name in ``keep`` the world lacks is a ValueError.

        It builds the first point's world once to learn its metrics.
        """
        return self._kept(self._first_world())

    def _kept(self, world: World) -> tuple[str, ...]:
        names = world.metrics
        if self.keep is None:
            return names
        unknown = [k for k in self.keep if k not in names]
        if unknown:
            raise ArgumentError(
                f"keep names unknown metric(s) {', '.join(map(repr, unknown))}; world "
                f"{self.spec.name!r} has {', '.join(map(repr, names)) or 'no metrics'}"
            )
        return self.keep

    def headline(self) -> str:
        """The metric plots and summaries show first: the world's headline if kept, else Ω."""
        return self._headline(self._first_world())

    def _headline(self, world: World) -> str:
        kept = world.metrics if self.keep is None else self.keep
        return world.headline if world.headline in kept else "omega"

    def _first_world(self) -> World:
        """The first point's world, built (not run) to read what it declares."""
        return self.spec._assemble(0, self._points[0])
