"""Run the ROSCA model under radCAD; executed by rosca_cadcad.py inside the radCAD virtualenv.

    python _rosca_radcad.py '{"members": 10, "runs": 5, "timesteps": 12, "seed": 1,
                              "deepcopy": true}'

Prints one JSON line: seconds from model set-up to the output DataFrame, this process' peak
RSS in MB, and the frame digest of ``rosca_cadcad_model.checksum``.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pandas as pd
from radcad import Experiment, Model, Simulation
from radcad.engine import Backend, Engine

from benchmarks._harness import peak_rss_mb
from benchmarks.models import rosca_cadcad_model as model


def main() -> None:
    arguments = json.loads(sys.argv[1])
    random.seed(arguments["seed"])
    start = time.perf_counter()
    rosca = Model(
        initial_state=model.genesis_state(arguments["members"]),
        state_update_blocks=model.PARTIAL_STATE_UPDATE_BLOCKS,
        params=model.sweep_params(arguments["members"], deterministic=True),
    )
    simulation = Simulation(model=rosca, timesteps=arguments["timesteps"], runs=arguments["runs"])
    experiment = Experiment([simulation])
    experiment.engine = Engine(backend=Backend.SINGLE_PROCESS, deepcopy=arguments["deepcopy"])
    records = experiment.run()
    pd.DataFrame(records)
    seconds = time.perf_counter() - start
    report = {"seconds": seconds, "peak_mb": peak_rss_mb(), "statistic": model.checksum(records)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
