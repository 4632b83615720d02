"""A stochastic cadCAD model drawing from ``random`` and ``np.random``: N runs × T timesteps.

The model of ``benchmarks/models/random_cadcad_model.py`` calls the module-level random
functions, as cadCAD users write them. cadCAD has no seed, so its frames differ from run to
run; the key statistic is the frame's shape, and for npolitics.cadcad (seeded: each run sees
the global generators seeded from its identity, as if it ran alone) also a digest, the same
at every repeat. The floor row calls the model's functions alone, in cadCAD's order, with one
dict copy per substep and no engine: what no cadCAD-compatible engine can go below.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from benchmarks._harness import Outcome, Sizes, needs
from benchmarks.models import random_cadcad_model as model
from benchmarks.models.rosca_cadcad_model import checksum

DESCRIPTION = "stochastic cadCAD model (random, np.random), N runs × T timesteps, 3 substeps"
UNIT = "timesteps/s"
SIZES = {
    "quick": {"runs": 5, "timesteps": 12},
    "full": {"runs": 100, "timesteps": 120},
}


def work(sizes: Sizes) -> float:
    return sizes["runs"] * sizes["timesteps"]


def _shape(records: list[dict[str, Any]]) -> str:
    return f"rows={len(records)}, columns={len(records[0])}"


@needs("npolitics", "pandas", "numpy")
def run_npolitics(sizes: Sizes, seed: int) -> Outcome:
    """npolitics.cadcad.run with its defaults: each run seeded as if it ran alone."""
    from npolitics import cadcad

    start = time.perf_counter()
    frame = cadcad.run(
        model.genesis_state(),
        model.PARTIAL_STATE_UPDATE_BLOCKS,
        cadcad.config_sim(
            {"N": sizes["runs"], "T": range(sizes["timesteps"]), "M": model.sweep_params()}
        ),
        seed=seed,
    )
    seconds = time.perf_counter() - start
    records = frame.to_dict("records")
    return Outcome(f"{_shape(records)}, sha256={checksum(records)['sha256']}", seconds=seconds)


@needs("cadCAD", "pandas", "numpy")
def run_cadcad(sizes: Sizes, seed: int) -> Outcome:
    """cadCAD 0.5.3's Experiment and Executor, in single-process execution mode."""
    import numpy as np
    import pandas as pd
    from cadCAD.configuration import Experiment
    from cadCAD.configuration.utils import config_sim
    from cadCAD.engine import ExecutionContext, ExecutionMode, Executor

    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - cadCAD has no seed of its own
    start = time.perf_counter()
    experiment = Experiment()
    experiment.append_model(
        initial_state=model.genesis_state(),
        partial_state_update_blocks=model.PARTIAL_STATE_UPDATE_BLOCKS,
        sim_configs=config_sim(
            {"N": sizes["runs"], "T": range(sizes["timesteps"]), "M": model.sweep_params()}
        ),
    )
    context = ExecutionContext(ExecutionMode.single_mode)
    records, _, _ = Executor(context, experiment.configs, supress_print=True).execute()
    pd.DataFrame(records)
    seconds = time.perf_counter() - start
    return Outcome(_shape(records), seconds=seconds)


@needs("numpy")
def run_floor(sizes: Sizes, seed: int) -> Outcome:
    """The model's functions alone, in cadCAD's order, one dict copy per substep, no frame."""
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - the model draws from the global generators
    params = {name: values[0] for name, values in model.sweep_params().items()}
    blocks = [
        (tuple(block["policies"].values()), tuple(block["variables"].values()))
        for block in model.PARTIAL_STATE_UPDATE_BLOCKS
    ]
    start = time.perf_counter()
    rows = 0
    for run in range(1, sizes["runs"] + 1):
        state: dict[str, Any] = model.genesis_state()
        state.update(simulation=0, subset=0, run=run, substep=0, timestep=0)
        history: list[Any] = [[state]]
        for timestep in range(1, sizes["timesteps"] + 1):
            for substep, (policies, updates) in enumerate(blocks, 1):
                signals: dict[str, Any] = {}
                for policy in policies:
                    signals.update(policy(params, substep, history, state))
                results = [f(params, substep, history, state, signals) for f in updates]
                state = dict(state)
                state.update(results)
                state["substep"], state["timestep"] = substep, timestep
                rows += 1
        rows += 1
    seconds = time.perf_counter() - start
    return Outcome(f"rows={rows}, columns={len(state)}", seconds=seconds)


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    ("npolitics.cadcad", run_npolitics),
    ("cadCAD 0.5.3", run_cadcad),
    ("floor: the model's functions alone", run_floor),
]
