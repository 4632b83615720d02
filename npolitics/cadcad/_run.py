"""``run``: a cadCAD model and sim config in, cadCAD 0.5's output frame out.

With a ``backend`` other than ``"serial"`` the jobs are cut into chunks and handed to the
same backends as :class:`npolitics.Experiment` (processes, Dask); each job's rows depend only
on the seed and the job's identity, so the frame is the same on every backend.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from .._backends import check_backend, free_cores, imap_unordered
from ._config import Job, SimConfig, check_rows, jobs
from ._engine import collector_paused, simulate, simulate_runs
from ._errors import ConfigError
from ._frame import frame
from ._model import Model, compile_model
from ._step import Rows

_CHUNKS_PER_WORKER = 4
"""Jobs are sent in about this many chunks per worker: few enough to keep pickling cheap,
enough to keep every worker busy until the end."""


@attrs.frozen(eq=False)
class Chunk:
    """Consecutive jobs of one model, run by one worker (picklable)."""

    index: int
    model: Model
    jobs: tuple[Job, ...]
    seed: int | np.random.SeedSequence | None
    deepcopy: bool
    legacy_random: bool


def run_chunk(chunk: Chunk) -> tuple[int, list[Rows]]:
    """The rows of every job of ``chunk``, tagged with the chunk's index."""
    rows = simulate(
        chunk.model,
        chunk.jobs,
        seed=chunk.seed,
        deepcopy=chunk.deepcopy,
        legacy_random=chunk.legacy_random,
    )
    return chunk.index, rows


def run(
    initial_state: Mapping[str, Any],
    partial_state_update_blocks: Sequence[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]],
    sim_config: SimConfig,
    *,
    seed: int | np.random.SeedSequence | None = 0,
    deepcopy: bool = False,
    legacy_random: bool = True,
    policy_ops: Sequence[Callable[..., Any]] | None = None,
    env_processes: Mapping[str, Any] | None = None,
    exogenous_states: Mapping[str, Any] | None = None,
    additional_objs: Any = None,
    backend: Any = "serial",
    workers: int | None = None,
    **unsupported: Any,
) -> pd.DataFrame:
    """Simulate a cadCAD model; return the frame cadCAD 0.5 gives as ``pd.DataFrame(raw_result)``.

    Columns: the state variables in the initial state's order, then ``simulation``,
    ``subset``, ``run``, ``substep``, ``timestep``. Rows: per subset, per run, the genesis
    row (substep 0, timestep 0), then one row per block per timestep.

    ``seed`` makes the run reproducible: each run draws from its own stream, reached with
    :func:`npolitics.cadcad.rng`; with ``legacy_random`` (the default) the global ``random``
    and ``numpy.random`` generators are also seeded per run (and restored afterwards), so
    models written for cadCAD are reproducible unchanged (runs that leave those generators
    untouched still advance together: see ``_engine._legacy``). Turn it off when the model
    does not draw from them, to skip the seeding and the check.
    ``deepcopy`` copies the state before each substep as cadCAD does (for models that
    mutate state values in place; slower). ``policy_ops`` replaces cadCAD's policy
    aggregation (default: signals of the same name are added). ``env_processes``,
    ``exogenous_states`` and ``additional_objs`` are cadCAD's (see :func:`compile_model`);
    ``additional_objs={"deepcopy_off": True}`` turns deep copies off, as in cadCAD.
    Other cadCAD arguments raise a :class:`ConfigError` naming them. ``backend`` and ``workers``
    are those of :meth:`npolitics.Experiment.run` (``"serial"``, ``"processes"``,
    ``"dask"``, a scheduler address or a ``distributed.Client``); the model's functions
    must then be importable by the workers (defined in a module, not in ``__main__``).
    """
    refuse_unsupported(unsupported)
    todo = jobs(sim_config)
    deepcopy, additional_objs = deepcopy_option(deepcopy, additional_objs)
    model = compile_model(
        initial_state,
        partial_state_update_blocks,
        policy_ops,
        env_processes=env_processes,
        exogenous_states=exogenous_states,
        additional_objs=additional_objs,
    )
    check_rows(len(todo), max(len(job.timesteps) for job in todo), len(model.blocks))
    check_backend(backend)
    return run_jobs(model, todo, seed, deepcopy, legacy_random, backend=backend, workers=workers)


def run_jobs(
    model: Model,
    todo: list[Job],
    seed: int | np.random.SeedSequence | None,
    deepcopy: bool,
    legacy_random: bool,
    *,
    backend: Any,
    workers: int | None,
) -> pd.DataFrame:
    """The frame of ``todo``'s jobs of ``model``, in job order, on ``backend``."""
    with collector_paused():
        results, together = rows_of(
            model, todo, seed, deepcopy, legacy_random, backend=backend, workers=workers
        )
        rows, order = _as_made(results, together)
        out = frame(rows, order)
        # Free the rows while the collector still sleeps (when it wakes, only the frame is
        # left for it to walk), in the order they were made: one sweep through memory.
        results.clear()
        del rows
    return out


def rows_of(
    model: Model,
    todo: list[Job],
    seed: int | np.random.SeedSequence | None,
    deepcopy: bool,
    legacy_random: bool,
    *,
    backend: Any,
    workers: int | None,
) -> tuple[list[Rows], bool]:
    """Each job's rows (genesis first), in job order, simulated on ``backend``, and whether
    they were made together, timestep by timestep (rather than run by run, or elsewhere)."""
    if backend == "serial":
        return simulate_runs(model, todo, seed=seed, deepcopy=deepcopy, legacy_random=legacy_random)
    rows = _distributed(
        model, todo, seed, deepcopy, legacy_random, backend=backend, workers=workers
    )
    return rows, False


UNSUPPORTED = {
    "seeds": "cadCAD 0.5 stores its 'seeds' but never uses them; give seed= (an integer) "
    "for reproducible runs",
    "raw_exogenous_states": "cadCAD 0.5.3 raises a TypeError for raw_exogenous_states "
    "unless _exo_update_per_ts=False; pass them as exogenous_states= (appended to every "
    "block, as cadCAD does then)",
    "_exo_update_per_ts": "see raw_exogenous_states",
    "sim_configs": "the sim config is run's third argument",
    "user_id": "user_id and model_id only label cadCAD's sessions: use run_experiment",
    "model_id": "user_id and model_id only label cadCAD's sessions: use run_experiment",
}


def refuse_unsupported(arguments: Mapping[str, Any]) -> None:
    """Refuse keyword arguments ``run`` does not take, saying what to do instead."""
    for name in arguments:
        reason = UNSUPPORTED.get(
            name, "it is not one of cadCAD 0.5's configuration arguments either"
        )
        raise ConfigError(f"npolitics.cadcad.run does not take {name!r}: {reason}")


def deepcopy_option(deepcopy: bool, additional_objs: Any) -> tuple[bool, Any]:
    """cadCAD's ``{"deepcopy_off": True}`` in ``additional_objs``: shallow copies, and when it
    is the only entry, no additional objects at all (what cadCAD 0.5 does)."""
    if isinstance(additional_objs, dict) and additional_objs.get("deepcopy_off", False) is True:
        return False, None if len(additional_objs) == 1 else additional_objs
    return deepcopy, additional_objs


def _as_made(results: list[Rows], together: bool) -> tuple[Rows, npt.NDArray[np.intp] | None]:
    """The rows of all runs in about the order they were made, and the frame's order of them.

    Runs advancing ``together`` make their rows timestep by timestep, run by run: when the
    runs have equally many rows, that is the order returned (see :func:`frame`). Otherwise
    the rows in the frame's order, and None.
    """
    lengths = set(map(len, results))
    if not together or len(lengths) != 1:
        return [row for rows in results for row in rows], None
    (length,) = lengths
    made = [rows[i] for i in range(length) for rows in results]
    return made, np.arange(len(made)).reshape(length, len(results)).T.ravel()


def _distributed(
    model: Model,
    todo: list[Job],
    seed: int | np.random.SeedSequence | None,
    deepcopy: bool,
    legacy_random: bool,
    *,
    backend: Any,
    workers: int | None,
) -> list[Rows]:
    count = _CHUNKS_PER_WORKER * (workers or free_cores())
    size = max(1, -(-len(todo) // count))
    chunks = [
        Chunk(i, model, tuple(todo[start : start + size]), seed, deepcopy, legacy_random)
        for i, start in enumerate(range(0, len(todo), size))
    ]
    done: dict[int, list[Rows]] = dict(
        imap_unordered(run_chunk, chunks, backend=backend, workers=workers)
    )
    return [rows for i in range(len(chunks)) for rows in done[i]]
