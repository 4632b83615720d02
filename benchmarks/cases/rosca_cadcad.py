"""The ROSCA Monte Carlo of seeds/002 in cadCAD style: N runs × T monthly timesteps.

Every implementation is fed the same genesis state, partial state update blocks and
parameters from ``benchmarks/models/rosca_cadcad_model.py``, in its deterministic form, so
that all frames must be identical: the key statistic is the frame's shape and a digest of its
rows. Each implementation times itself from model set-up to the output DataFrame, excluding
the digest; radCAD runs in its own virtualenv (it pins numpy < 1.26.4), created on first use
(unless the environment variable NPOLITICS_BENCH_NO_INSTALL is set: then a missing virtualenv
skips the radCAD rows, as the CI smoke test wants). npolitics.cadcad's implementations live in
``benchmarks/npolitics_impl/rosca.py``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks._harness import Outcome, Sizes, Skip, needs
from benchmarks.models import rosca_cadcad_model as model
from benchmarks.npolitics_impl import rosca as npolitics_impl

DESCRIPTION = "ROSCA cadCAD model (deterministic), N runs × T timesteps, 2 substeps"
UNIT = "timesteps/s"
SIZES = {
    "quick": {"members": 10, "runs": 5, "timesteps": 12},
    "full": {"members": 10, "runs": 100, "timesteps": 120},
}

RADCAD_ENV = Path(__file__).resolve().parent.parent / ".envs" / "radcad"
RADCAD_REQUIREMENTS = ("radcad==0.14", "typing_extensions", "pandas<3")
"""radCAD 0.14 imports typing_extensions without declaring it; pandas 3 needs a newer numpy."""
RADCAD_SCRIPT = Path(__file__).with_name("_rosca_radcad.py")


def work(sizes: Sizes) -> float:
    return sizes["runs"] * sizes["timesteps"]


@needs("cadCAD", "pandas")
def run_cadcad(sizes: Sizes, seed: int) -> Outcome:
    """cadCAD 0.5.3's Experiment and Executor, in single-process execution mode."""
    import pandas as pd
    from cadCAD.configuration import Experiment
    from cadCAD.configuration.utils import config_sim
    from cadCAD.engine import ExecutionContext, ExecutionMode, Executor

    random.seed(seed)
    start = time.perf_counter()
    experiment = Experiment()
    experiment.append_model(
        initial_state=model.genesis_state(sizes["members"]),
        partial_state_update_blocks=model.PARTIAL_STATE_UPDATE_BLOCKS,
        sim_configs=config_sim(
            {
                "N": sizes["runs"],
                "T": range(sizes["timesteps"]),
                "M": model.sweep_params(sizes["members"], deterministic=True),
            }
        ),
    )
    context = ExecutionContext(ExecutionMode.single_mode)
    records, _, _ = Executor(context, experiment.configs, supress_print=True).execute()
    pd.DataFrame(records)
    seconds = time.perf_counter() - start
    return Outcome(model.checksum(records), seconds=seconds)


def radcad_python() -> Path:
    """The radCAD virtualenv's interpreter, creating the virtualenv if it is missing."""
    python = RADCAD_ENV / "bin" / "python"
    if python.exists():
        return python
    if os.environ.get("NPOLITICS_BENCH_NO_INSTALL"):
        raise Skip(f"no radCAD virtualenv at {RADCAD_ENV} and NPOLITICS_BENCH_NO_INSTALL is set")
    subprocess.run([sys.executable, "-m", "venv", str(RADCAD_ENV)], check=True)
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *RADCAD_REQUIREMENTS],
        capture_output=True,
        text=True,
    )
    if install.returncode != 0:
        shutil.rmtree(RADCAD_ENV)
        errors = install.stderr.strip().splitlines() or ["no output"]
        raise Skip(f"pip install {' '.join(RADCAD_REQUIREMENTS)} failed: {errors[-1]}")
    return python


def run_radcad(sizes: Sizes, seed: int, deepcopy: bool) -> Outcome:
    """Run ``_rosca_radcad.py`` in the radCAD virtualenv; it reports time, memory and digest."""
    arguments = {**sizes, "seed": seed, "deepcopy": deepcopy}
    result = subprocess.run(
        [str(radcad_python()), str(RADCAD_SCRIPT), json.dumps(arguments)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"radCAD script failed:\n{result.stderr}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return Outcome(report["statistic"], seconds=report["seconds"], peak_mb=report["peak_mb"])


def run_radcad_deepcopy(sizes: Sizes, seed: int) -> Outcome:
    """radCAD 0.14, single-process backend, deep-copying the state between substeps."""
    return run_radcad(sizes, seed, deepcopy=True)


def run_radcad_no_deepcopy(sizes: Sizes, seed: int) -> Outcome:
    """radCAD 0.14, single-process backend, without deep copies (safe: updates never mutate)."""
    return run_radcad(sizes, seed, deepcopy=False)


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    *npolitics_impl.IMPLEMENTATIONS,
    ("cadCAD 0.5.3", run_cadcad),
    ("radCAD 0.14", run_radcad_deepcopy),
    ("radCAD 0.14 deepcopy=False", run_radcad_no_deepcopy),
]
