"""``run``: a cadCAD model and sim config in, cadCAD 0.5's output frame out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._config import SimConfig, jobs
from ._engine import collector_paused, simulate
from ._frame import frame
from ._model import compile_model


def run(
    initial_state: Mapping[str, Any],
    partial_state_update_blocks: Sequence[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]],
    sim_config: SimConfig,
    *,
    seed: int | np.random.SeedSequence | None = 0,
    deepcopy: bool = False,
    legacy_random: bool = True,
    policy_ops: Sequence[Callable[..., Any]] | None = None,
) -> pd.DataFrame:
    """Simulate a cadCAD model; return the frame cadCAD 0.5 gives as ``pd.DataFrame(raw_result)``.

    Columns: the state variables in the initial state's order, then ``simulation``,
    ``subset``, ``run``, ``substep``, ``timestep``. Rows: per subset, per run, the genesis
    row (substep 0, timestep 0), then one row per block per timestep.

    ``seed`` makes the run reproducible: each run draws from its own stream, reached with
    :func:`npolitics.cadcad.rng`; with ``legacy_random`` (the default) the global ``random``
    and ``numpy.random`` generators are also seeded per run (and restored afterwards), so
    models written for cadCAD are reproducible unchanged. Turn it off for speed when the
    model does not draw from them: runs then advance together in one world.
    ``deepcopy`` copies the state before each substep as cadCAD does (for models that
    mutate state values in place; slower). ``policy_ops`` replaces cadCAD's policy
    aggregation (default: signals of the same name are added).
    """
    model = compile_model(initial_state, partial_state_update_blocks, policy_ops)
    with collector_paused():
        results = simulate(
            model, jobs(sim_config), seed=seed, deepcopy=deepcopy, legacy_random=legacy_random
        )
        return frame([row for rows in results for row in rows])
