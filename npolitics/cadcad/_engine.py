"""Running a cadCAD model on the npolitics kernel.

Each (subset, run) is one agent, :class:`CadcadRun`, whose state ψ is the run's latest state
row and its history. A clock ticks once per timestep; on each tick the agent runs every
partial state update block in order, exactly as cadCAD 0.5 does:

- the model functions get ``(params, substep, state_history, previous_state[, signals])``;
  ``previous_state`` holds the state variables and cadCAD's five index columns, its
  ``timestep`` still the previous one in the first substep (and its ``substep`` 0 when the
  model has a single block, a cadCAD quirk kept for fidelity);
- the policies' signals are summed per name, in cadCAD's policy order;
- every update of a block sees the same ``previous_state``; the new row is that state with
  the updates applied and ``substep``, ``timestep``, ``run`` set.

State history and memory. cadCAD deep-copies the previous state before every substep, so
every row holds its own copy of every value, and passes as ``state_history`` the list of
those rows, one list per timestep. Here ``state_history`` has the same shape and holds the
very rows that make up the output, but a row is a *shallow* copy of the one before: a value
no update replaced is shared, not copied. That is correct for models that treat state
values as immutable (return a new value rather than mutate the old one), which cadCAD's
documentation asks for anyway; ``deepcopy=True`` restores cadCAD's copying, for models that
mutate their state in place.

Runs that share their timesteps advance together in one world when ``legacy_random`` is
off; with it on, each run has a world of its own, so that seeding the global ``random``
module per run makes sense (runs are independent either way, so the rows are the same).
"""

from __future__ import annotations

import copy
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

import numpy as np

import npolitics as npl

from .._random import seed_sequence
from ._config import Job
from ._errors import ModelError
from ._model import (
    IDENTITY_SIGNAL,
    Block,
    Model,
    function_name,
    identity_policy,
    unknown_variable,
)
from ._random import global_generators_kept, run_stream, seed_global_generators, set_current

Rows = list[dict[str, Any]]


class CadcadRun(npl.Agent):
    """One Monte Carlo run of a cadCAD model; ψ is the latest state row and the history.

    ``history`` is cadCAD's ``state_history``: ``[[genesis row], [rows of timestep 1],
    …]``; its rows are the run's output rows.
    """

    model: Model
    job: Job
    rng: np.random.Generator
    copy_state: Callable[[dict[str, Any]], dict[str, Any]]
    state: dict[str, Any]
    history: list[Rows]

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        """Timestep ``job.timesteps[t]`` has come: run every block once."""
        set_current(self.rng)
        self.state = advance(self, self.job.timesteps[int(m.t)])

    def rows(self) -> Rows:
        """Every row so far, in cadCAD's order: genesis, then each timestep's substeps."""
        return [row for rows in self.history for row in rows]


def start(model: Model, job: Job, root: np.random.SeedSequence, deepcopy: bool) -> CadcadRun:
    """A run at its genesis row (a deep copy of the initial state, as cadCAD makes per run)."""
    genesis = copy.deepcopy(model.initial_state)
    genesis["simulation"], genesis["subset"], genesis["run"] = job.simulation, job.subset, job.run
    genesis["substep"], genesis["timestep"] = 0, 0
    return CadcadRun(
        model=model,
        job=job,
        rng=run_stream(root, job.simulation, job.subset, job.run),
        copy_state=copy.deepcopy if deepcopy else dict.copy,
        state=genesis,
        history=[[genesis]],
    )


def advance(run: CadcadRun, timestep: int) -> dict[str, Any]:
    """Run every block of ``run``'s model for ``timestep``; return the last row.

    The hot loop of the layer: locals only, one dict copy per substep.
    """
    model = run.model
    params = run.job.params
    history = run.history
    copy_state = run.copy_state
    ops = model.policy_ops
    single = len(model.blocks) == 1
    run_number = run.job.run
    previous = run.state
    rows: Rows = []
    substep, block = 0, model.blocks[0]
    try:
        for substep, block, policies, updates in model.plan:
            s = copy_state(previous)
            if single:
                s["substep"] = 0
            signals: dict[str, Any] = {}
            for fn in policies:
                # cadCAD's identity policy returns a constant: skip the call.
                out = IDENTITY_SIGNAL if fn is identity_policy else fn(params, substep, history, s)
                if type(out) is not dict:
                    out = _signal(block, fn, out)
                if signals.keys().isdisjoint(out):  # no signal to combine: just gather
                    signals.update(out)
                else:
                    _combine(signals, out, ops)
            if ops is not None and len(ops) > 1:
                signals = {label: _tail(ops, value) for label, value in signals.items()}
            pending = [f(params, substep, history, s, signals) for f in updates]
            width = len(s)
            try:
                s.update(pending)
            except (TypeError, ValueError):
                width = -1
            if len(s) != width:  # a result that is no pair, or names an unknown variable
                _check_updates(block, pending, model.initial_state)
            s["substep"], s["timestep"], s["run"] = substep, timestep, run_number
            rows.append(s)
            previous = s
    except Exception as exc:
        culprit = _culprit(exc, block)
        where = f" in {function_name(culprit)}" if culprit is not None else ""
        exc.add_note(
            f"npolitics.cadcad: {block.label}{where}, subset {run.job.subset}, "
            f"run {run_number}, timestep {timestep}, substep {substep}"
        )
        raise
    history.append(rows)
    return previous


def _combine(
    signals: dict[str, Any], out: Mapping[str, Any], ops: Sequence[Callable[..., Any]] | None
) -> None:
    """Fold one policy's signals into ``signals``: added (cadCAD's default) or by ``ops[0]``."""
    if ops is None:
        for label, value in out.items():
            signals[label] = signals[label] + value if label in signals else value
    else:
        for label, value in out.items():
            signals[label] = ops[0](signals[label], value) if label in signals else value


def _culprit(exc: BaseException, block: Block) -> Any:
    """The block's model function in whose frame ``exc`` was raised, if any."""
    functions = [f for _, f in block.policies if f is not None]
    functions += [f for _, f, _ in block.updates]
    codes = {getattr(f, "__code__", None): f for f in functions}
    tb = exc.__traceback__
    found = None
    while tb is not None:
        found = codes.get(tb.tb_frame.f_code, found)
        tb = tb.tb_next
    return found


def _tail(ops: Sequence[Callable[..., Any]], value: Any) -> Any:
    for op in ops[1:]:
        value = op(value)
    return value


def _signal(block: Block, fn: Any, out: Any) -> Any:
    if isinstance(out, Mapping):
        return out
    raise ModelError(
        f"{block.label}: policy {function_name(fn)} returned {out!r} ({type(out).__qualname__}); "
        "a policy must return a dict of signals, e.g. {'contribute': True}"
    )


def _check_updates(block: Block, results: list[Any], known: Mapping[str, Any]) -> None:
    """Raise for the first result that is not a (known variable, value) pair.

    Called only when applying the results failed or added a key; if every result is fine,
    the new key came from a function writing into ``previous_state``, which cadCAD keeps too.
    """
    for (_, fn, _), result in zip(block.updates, results, strict=True):
        if not (isinstance(result, tuple | list) and len(result) == 2):
            raise ModelError(
                f"{block.label}: state update {function_name(fn)} returned {result!r} "
                f"({type(result).__qualname__}); a state update must return a "
                "(variable, value) pair"
            )
        if not isinstance(result[0], str) or result[0] not in known:
            raise ModelError(unknown_variable(block.label, fn, result[0], known))


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
    root = seed_sequence(seed)
    out: list[Rows | None] = [None] * len(jobs)
    if legacy_random:
        groups = [[i] for i in range(len(jobs))]
    else:
        by_steps: dict[tuple[int, ...], list[int]] = {}
        for i, job in enumerate(jobs):
            by_steps.setdefault(job.timesteps, []).append(i)
        groups = list(by_steps.values())
    kept = global_generators_kept() if legacy_random else nullcontext()
    with collector_paused(), kept:
        try:
            for group in groups:
                runs = [start(model, jobs[i], root, deepcopy) for i in group]
                if legacy_random:
                    job = runs[0].job
                    seed_global_generators(root, job.simulation, job.subset, job.run)
                _world_of(runs)
                for i, agent in zip(group, runs, strict=True):
                    out[i] = agent.rows()
        finally:
            set_current(None)
    return [rows for rows in out if rows is not None]


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


def _world_of(runs: list[CadcadRun]) -> None:
    steps = len(runs[0].job.timesteps)
    world = npl.World("cadcad", seed=0, sample_every=steps + 1)
    world.add("runs", runs)
    world.clock("runs", "tick")
    try:
        world.run(steps=steps, rollback=False)
    except npl.HandlerError as exc:
        cause = exc.__cause__
        if cause is None:
            raise
        raise cause.with_traceback(cause.__traceback__) from None
