"""Running a cadCAD model on the npolitics kernel.

Each (subset, run) is a :class:`CadcadRun`, whose state is the run's latest state row and
its history. Runs sharing their timesteps are one agent, :class:`CadcadRuns`: a clock ticks
once per timestep, and on each tick every run runs every partial state update block in
order, exactly as cadCAD 0.5 does (the model's compiled ``step``, see ``_step.py``).

State history and memory. cadCAD deep-copies the previous state before every substep, so
every row holds its own copy of every value, and passes as ``state_history`` the list of
those rows, one list per timestep. Here ``state_history`` has the same shape and holds the
very rows that make up the output, but a row is a *shallow* copy of the one before: a value
no update replaced is shared, not copied. That is correct for models that treat state
values as immutable (return a new value rather than mutate the old one), which cadCAD's
documentation asks for anyway; ``deepcopy=True`` restores cadCAD's copying, for models that
mutate their state in place.

Global random generators. With ``legacy_random`` each run must see Python's ``random`` and
numpy's global generator seeded from its identity, as if it ran alone. Runs that never draw
from them cannot tell, so they still advance together; see :func:`_legacy`.
"""

from __future__ import annotations

import copy
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import attrs
import numpy as np

import npolitics as npl

from .._random import seed_sequence
from ._config import Job
from ._model import Model
from ._random import (
    current,
    global_generators_kept,
    global_generators_state,
    run_stream,
    seed_global_generators,
    set_current,
)
from ._step import Rows, Step, compile_step


@attrs.define(eq=False)
class CadcadRun:
    """One Monte Carlo run of a cadCAD model: its job, random stream, latest row and history.

    ``history`` is cadCAD's ``state_history``: ``[[genesis row], [rows of timestep 1],
    …]``; its rows are the run's output rows.
    """

    job: Job
    root: np.random.SeedSequence
    state: dict[str, Any]
    history: list[Rows]
    _rng: np.random.Generator | None = attrs.field(default=None, init=False)

    @property
    def rng(self) -> np.random.Generator:
        """The run's own random stream, made on first use (most models never draw from it)."""
        if self._rng is None:
            job = self.job
            self._rng = run_stream(self.root, job.simulation, job.subset, job.run)
        return self._rng

    def rows(self) -> Rows:
        """Every row so far, in cadCAD's order: genesis, then each timestep's substeps."""
        return [row for rows in self.history for row in rows]


class CadcadRuns(npl.Agent):
    """Runs of one cadCAD model sharing their timesteps; ψ is every run's latest row and history.

    On each clock tick every run, in turn, runs every block once (its model's ``step``).
    """

    runs: list[CadcadRun]
    timesteps: tuple[int, ...]
    step: Step

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        """Timestep ``timesteps[t]`` has come: every run runs every block once."""
        timestep = self.timesteps[int(m.t)]
        step = self.step
        for run in self.runs:
            current.run = run  # (what set_current(run) does, without the call)
            job = run.job
            run.state = step(job.params, run.history, run.state, timestep, job.subset, job.run)


class SeededRuns(npl.Agent):
    """Runs of one cadCAD model that draw from the global generators, one after another.

    Each must see ``random`` and ``numpy.random`` seeded from its identity, as if it ran
    alone, so a run cannot interleave with others. On clock tick ``t``, run ``t`` seeds
    the generators and runs all its timesteps: the kernel's work is one instant per run,
    not one per timestep of every run (which cost more than the model on small models).
    """

    runs: list[CadcadRun]
    step: Step

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        """Run ``runs[t]`` through every timestep, the global generators seeded for it."""
        run = self.runs[int(m.t)]
        current.run = run
        job = run.job
        seed_global_generators(run.root, job.simulation, job.subset, job.run)
        step, params, history, state = self.step, job.params, run.history, run.state
        subset, number = job.subset, job.run
        for timestep in job.timesteps:
            state = step(params, history, state, timestep, subset, number)
        run.state = state


def start(model: Model, job: Job, root: np.random.SeedSequence, layout: type) -> CadcadRun:
    """A run at its genesis row (a deep copy of the initial state, as cadCAD makes per run).

    ``layout`` is a class of the simulation's own (see :func:`_with_shared_keys`).
    """
    state = copy.deepcopy(model.initial_state)
    state["simulation"], state["subset"], state["run"] = job.simulation, job.subset, job.run
    state["substep"], state["timestep"] = 0, 0
    genesis = _with_shared_keys(state, layout)
    return CadcadRun(
        job=job,
        root=root,
        state=genesis,
        history=[[genesis]],
    )


def _with_shared_keys(state: dict[str, Any], layout: type) -> dict[str, Any]:
    """An equal dict whose copies (every row of the run) share one table of keys.

    CPython lays out the ``__dict__`` of instances of one class so (up to about 30 keys): a
    row is then an array of values, a third of the memory of a plain dict, which makes
    copying, reading and freeing the rows markedly faster. The result is an ordinary
    ``dict``; names that could mean something to the class itself keep the plain layout.
    """
    if any(name.startswith("__") for name in state):
        return state
    holder = layout()
    for name, value in state.items():
        setattr(holder, name, value)  # (``__dict__.update`` would not share the keys)
    shared: dict[str, Any] = holder.__dict__
    return shared


def simulate(
    model: Model,
    jobs: Sequence[Job],
    *,
    seed: int | np.random.SeedSequence | None = 0,
    deepcopy: bool = False,
    legacy_random: bool = True,
) -> list[Rows]:
    """Run ``jobs`` of ``model``; return each job's rows (genesis first), in job order.

    This is the unit to distribute: ``simulate(model, [job], seed=s)`` gives the rows of one
    (subset, run), the same whichever other jobs run and wherever. ``seed`` roots every
    run's stream (see :func:`npolitics.cadcad.rng`).
    """
    return simulate_runs(model, jobs, seed=seed, deepcopy=deepcopy, legacy_random=legacy_random)[0]


def simulate_runs(
    model: Model,
    jobs: Sequence[Job],
    *,
    seed: int | np.random.SeedSequence | None = 0,
    deepcopy: bool = False,
    legacy_random: bool = True,
) -> tuple[list[Rows], bool]:
    """:func:`simulate`, and whether the runs advanced together (timestep by timestep, so
    their rows lie in memory interleaved) rather than one after another."""
    root = seed_sequence(seed)
    step = compile_step(model, deepcopy)
    layout = type("Row", (), {})
    with collector_paused():
        try:
            if legacy_random:
                with global_generators_kept():
                    runs, together = _legacy(model, jobs, root, step, layout)
            else:
                runs, together = [start(model, job, root, layout) for job in jobs], True
                _advance(runs, step)
        finally:
            set_current(None)
    rows = [run.rows() for run in runs]
    for run in runs:  # the world lingers until the collector finds it: let the rows go now
        run.history.clear()
    return rows, together


def _legacy(
    model: Model, jobs: Sequence[Job], root: np.random.SeedSequence, step: Step, layout: type
) -> tuple[list[CadcadRun], bool]:
    """Run ``jobs`` as if each ran alone with the global generators seeded from its identity.

    Runs that never draw from the global generators do not care how they are seeded, and
    advance together, which is much faster. So the first run runs alone, seeded; if it left
    the generators as it found them, the others run together and must leave them untouched
    too. Wherever a draw is seen, every run concerned is run again alone, seeded
    (:class:`SeededRuns`). Also says whether the runs advanced together.
    """
    if not jobs:
        return [], True
    first = start(model, jobs[0], root, layout)
    if _untouched(lambda: _advance([first], step), root, jobs[0]):
        rest = [start(model, job, root, layout) for job in jobs[1:]]
        if not rest or _untouched(lambda: _advance(rest, step), root, jobs[1]):
            return [first, *rest], True
    alone = [start(model, job, root, layout) for job in jobs[1:]]
    if alone:
        _world_of(SeededRuns(runs=alone, step=step), len(alone))
    return [first, *alone], False


def _untouched(advance: Callable[[], None], root: np.random.SeedSequence, job: Job) -> bool:
    """Run ``advance`` with the global generators seeded for ``job``; did it leave them be?"""
    seed_global_generators(root, job.simulation, job.subset, job.run)
    before = global_generators_state()
    advance()
    return global_generators_state() == before


def _advance(runs: list[CadcadRun], step: Step) -> None:
    """Advance ``runs`` through their timesteps: one world per set of runs sharing them."""
    groups: dict[tuple[int, ...], list[CadcadRun]] = {}
    for run in runs:
        groups.setdefault(run.job.timesteps, []).append(run)
    for timesteps, group in groups.items():
        _world_of(CadcadRuns(runs=group, timesteps=timesteps, step=step), len(timesteps))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (reference counting still frees garbage).

    A run allocates a dict per substep and keeps them all; each collection would walk every
    row kept so far, which costs a third of a fast run. Cyclic garbage a model makes is
    collected when the run ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _world_of(runs: npl.Agent, steps: int) -> None:
    """Tick ``runs`` ``steps`` times, in a world of their own."""
    world = npl.World("cadcad", seed=0, sample_every=steps + 1)
    world.add("runs", [runs])
    world.clock("runs", "tick")
    try:
        world.run(steps=steps, rollback=False)
    except npl.HandlerError as exc:
        cause = exc.__cause__
        if cause is None:
            raise
        # The model's own exception, as if raised here, with its own cause (``from None``
        # would erase a ModelError's TypeError).
        raise cause.with_traceback(cause.__traceback__) from cause.__cause__
