"""Where the time of a stochastic cadCAD model goes, against its floor and against cadCAD.

    python benchmarks/scripts/cadcad_random_floor.py [--runs 100] [--timesteps 120]
        [--repeats 5] [--no-cadcad]

The model is ``benchmarks/models/random_cadcad_model.py`` (module-level ``random`` and
``np.random`` draws). In one warm process, the lines are measured round-robin ``--repeats``
times, and each shows its least and median CPU time (``time.process_time``): on a shared
machine the wall time of a process waiting for a core says little about the work done, and
the least time is the best estimate of the work itself:

- the model's functions alone, called in cadCAD's order with the same arguments on one
  state dict (the floor: no engine can call them for less);
- the same plus one dict copy per substep and the history list (what any engine keeping
  cadCAD's rows must add);
- ``npolitics.cadcad.simulate`` (the rows, each run seeded as if alone), then with
  ``legacy_random=False`` (the runs advance together; other draws, same work);
- the frame built from the rows, and ``npolitics.cadcad.run`` whole;
- cadCAD 0.5.3, single-process mode, ``pd.DataFrame(raw_result)``.

Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.models import random_cadcad_model as model
from npolitics import cadcad


def cpu_time(f: Callable[[], Any]) -> float:
    start = time.process_time()
    f()
    return time.process_time() - start


def floor(runs: int, timesteps: int, *, copies: bool) -> None:
    """Call every model function in cadCAD's order; with ``copies``, a row per substep."""
    params = {name: values[0] for name, values in model.sweep_params().items()}
    blocks = [
        (tuple(block["policies"].values()), tuple(block["variables"].values()))
        for block in model.PARTIAL_STATE_UPDATE_BLOCKS
    ]
    for run in range(1, runs + 1):
        state: dict[str, Any] = model.genesis_state()
        state.update(simulation=0, subset=0, run=run, substep=0, timestep=0)
        history: list[Any] = [[state]]
        for _ in range(timesteps):
            rows = []
            for substep, (policies, updates) in enumerate(blocks, 1):
                signals: dict[str, Any] = {}
                for policy in policies:
                    signals.update(policy(params, substep, history, state))
                results = [f(params, substep, history, state, signals) for f in updates]
                if copies:
                    state = dict(state)
                    rows.append(state)
                state.update(results)
            if copies:
                history.append(rows)


def cadcad_time(runs: int, timesteps: int) -> None:
    import pandas as pd
    from cadCAD.configuration import Experiment
    from cadCAD.configuration.utils import config_sim
    from cadCAD.engine import ExecutionContext, ExecutionMode, Executor

    experiment = Experiment()
    experiment.append_model(
        initial_state=model.genesis_state(),
        partial_state_update_blocks=model.PARTIAL_STATE_UPDATE_BLOCKS,
        sim_configs=config_sim({"N": runs, "T": range(timesteps), "M": model.sweep_params()}),
    )
    context = ExecutionContext(ExecutionMode.single_mode)
    records, _, _ = Executor(context, experiment.configs, supress_print=True).execute()
    pd.DataFrame(records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--timesteps", type=int, default=120)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-cadcad", action="store_true")
    args = parser.parse_args()
    n, t, k = args.runs, args.timesteps, args.repeats
    random.seed(1)
    np.random.seed(1)  # noqa: NPY002 - the model draws from the global generators
    config = cadcad.config_sim({"N": n, "T": range(t), "M": model.sweep_params()})
    compiled = cadcad.compile_model(model.genesis_state(), model.PARTIAL_STATE_UPDATE_BLOCKS)
    jobs = cadcad.jobs(config)
    rows = [row for run in cadcad.simulate(compiled, jobs, seed=1) for row in run]
    lines = [
        ("model functions alone (floor)", lambda: floor(n, t, copies=False)),
        ("+ a dict copy per substep, history", lambda: floor(n, t, copies=True)),
        ("npolitics simulate, seeded runs", lambda: cadcad.simulate(compiled, jobs, seed=1)),
        (
            "npolitics simulate, legacy_random=False",
            lambda: cadcad.simulate(compiled, jobs, seed=1, legacy_random=False),
        ),
        ("npolitics frame from the rows", lambda: cadcad.frame(rows)),
        (
            "npolitics.cadcad.run whole",
            lambda: cadcad.run(
                model.genesis_state(), model.PARTIAL_STATE_UPDATE_BLOCKS, config, seed=1
            ),
        ),
    ]
    if not args.no_cadcad:
        lines.append(("cadCAD 0.5.3", lambda: cadcad_time(n, t)))
    times: list[list[float]] = [[] for _ in lines]
    for _ in range(k):
        for (_, f), measured in zip(lines, times, strict=True):
            measured.append(cpu_time(f))
    base = min(times[0])
    print(f"N = {n} runs × T = {t} timesteps × 3 blocks; CPU ms, least and median of {k}")
    for (name, _), measured in zip(lines, times, strict=True):
        least, median = min(measured), statistics.median(measured)
        print(f"  {name:42} {least * 1000:8.1f} {median * 1000:8.1f}  {least / base:5.2f} × floor")


if __name__ == "__main__":
    main()
