"""Reproduce results exactly: from an experiment, one run alone, a saved file, any backend.

Every run of an experiment has its own seed, a child of the experiment's root seed keyed by
the run's parameter values and run number. So one run can be rebuilt alone, a saved results
file can be repeated, and every backend gives the same numbers, bit for bit.

    python examples/reproduce.py [--quick]    (or NPOLITICS_QUICK=1: small sizes)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# --8<-- [start:experiment]
import npolitics as npl


def experiment(runs: int = 4, until: float = 60.0) -> npl.Experiment:
    """Information decay, learning alone or socially, ``runs`` runs each."""
    return npl.Experiment(
        "info-decay",
        params={"learning": ["self", "social"], "knowledge_agents": 10},
        runs=runs,
        until=until,
        seed=2024,
    )


# --8<-- [end:experiment]


def main(quick: bool) -> None:
    # --8<-- [start:backends]
    exp = experiment(runs=2 if quick else 4, until=20.0 if quick else 60.0)
    serial = exp.run(backend="serial", quiet=True)
    processes = exp.run(backend="processes", workers=2, quiet=True)
    print("serial and processes identical:", serial.frame().equals(processes.frame()))
    # --8<-- [end:backends]

    # --8<-- [start:one-run]
    point = exp.points().index({"learning": "social", "knowledge_agents": 10})
    seed = exp.seed_sequence(point, run=1)  # the SeedSequence of that run
    print("seed of run 1 of the social point:", seed)
    world = npl.load_world("info-decay")(seed=seed, learning="social", knowledge_agents=10)
    alone = world.run(until=exp.until)
    table = serial.frame()
    row = table[(table["learning"] == "social") & (table["run"] == 1)]
    print("one run rebuilt alone identical:", (row["omega"].to_numpy() == alone.omega).all())
    # --8<-- [end:one-run]

    # --8<-- [start:file]
    with tempfile.TemporaryDirectory() as tmp:
        path = serial.save(Path(tmp) / "decay.parquet")
        loaded = npl.load_results(path)
        again = loaded.experiment().run(backend="serial", quiet=True)
    print("saved, loaded and repeated identical:", again.frame().equals(serial.frame()))
    # --8<-- [end:file]


if __name__ == "__main__":  # needed: the processes backend starts fresh interpreters
    main(quick="--quick" in sys.argv or os.environ.get("NPOLITICS_QUICK") == "1")
