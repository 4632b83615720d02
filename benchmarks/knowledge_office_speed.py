"""The knowledge office's grand experiment: the reference script against npolitics, one run.

    python benchmarks/knowledge_office_speed.py [--steps 300 10000] [--workers 1000]
        [--facts-per-worker 1000] [--no-reference] [--old CHECKOUT]

For each number of steps, runs the reference script's three variants (its ``run_v2``, with the
settings of its ``__main__`` block, ``random.seed(0)``; only for steps ≤ 1000 unless asked:
it is slow) and then npolitics' (fidelity seed, seed 0): "serial" builds and runs the three
worlds one after the other in this process; "2 processes" runs them as one
``npl.Experiment`` over the variants on the processes backend (both cores). Prints wall time
per variant (serial) or for the whole, the ratio to the reference, the tail-mean work rates
(last 20% of the ticks) and peak memory (this process, or the largest worker process).
The compiled rules are warmed up first (numba's compile, or loading its on-disk cache); that
one-off cost is printed separately and not counted for "serial" (the worker processes of
"2 processes" pay theirs inside the measured time).

``--old CHECKOUT`` also times the hand-written compiled form of an older checkout (e.g.
``git worktree add /tmp/ko-old 087aa2a``) in a subprocess, with ``implementation=compiled``,
so that old and new are compared in one run. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import npolitics as npl

# The seed code lives in shared/, beside the repository.
REFERENCE = Path(__file__).parents[2] / "shared" / "reference" / "knowledge_office_seed.py"
VARIANTS = {"Forgetful": "forgetful", "Sociable": "sociable", "Databaser": "database"}

# Run by ``--old`` in the old checkout: argv = workers, facts per worker, steps.
OLD = """
import json, resource, sys, time
import npolitics as npl
workers, fpw, steps = map(int, sys.argv[1:4])
for v in ("forgetful", "sociable", "database"):
    world = npl.load_world("knowledge-office")
    world(seed=0, variant=v, workers=5, implementation="compiled").run(steps=3)
out = {}
for name, v in (("Forgetful", "forgetful"), ("Sociable", "sociable"), ("Databaser", "database")):
    t = time.perf_counter()
    w = npl.load_world("knowledge-office")(
        seed=0, variant=v, workers=workers, facts_per_worker=fpw, implementation="compiled"
    )
    r = w.run(steps=steps, rollback=False).frame()["work_rate"].tolist()
    k = max(1, len(r) // 5)
    out[name] = (time.perf_counter() - t, sum(r[-k:]) / k)
out["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def reference() -> Any:
    spec = importlib.util.spec_from_file_location("knowledge_office_seed", REFERENCE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tail(rates: list[float]) -> float:
    k = max(1, len(rates) // 5)
    return sum(rates[-k:]) / k


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def time_reference(workers: int, fpw: int, steps: int) -> dict[str, tuple[float, float]]:
    ref = reference()
    ref.random.seed(0)
    s = ref.Settings(0.01, 0.1, 0.05, 0.1, 0.1)
    facts = workers * fpw
    fw = [ref.ForgetfulResearcher_v2(facts, set(), s.forget_rate) for _ in range(workers)]
    so = [
        ref.SociableResearcer_v2(facts, set(), s.forget_rate, s.socialise_rate)
        for _ in range(workers)
    ]
    for w in so:
        w.set_colleagues(so)
    db: set[int] = set()
    da = [ref.DatabaseResearcher(facts, set(), s, db) for _ in range(workers)]
    for w in da:
        w.set_colleagues(da)
    out = {}
    for name, ws in (("Forgetful", fw), ("Sociable", so), ("Databaser", da)):
        t = time.perf_counter()
        rates = ref.run_v2(ws, steps)
        out[name] = (time.perf_counter() - t, tail(rates))
    return out


def time_serial(workers: int, fpw: int, steps: int) -> dict[str, tuple[float, float]]:
    out = {}
    for name, variant in VARIANTS.items():
        t = time.perf_counter()
        world = npl.load_world("knowledge-office")(
            seed=0, variant=variant, workers=workers, facts_per_worker=fpw
        )
        rates = world.run(steps=steps, rollback=False).frame()["work_rate"].tolist()
        out[name] = (time.perf_counter() - t, tail(rates))
    return out


def time_processes(workers: int, fpw: int, steps: int) -> tuple[float, dict[str, float]]:
    t = time.perf_counter()
    experiment = npl.Experiment(
        "knowledge-office",
        params={"variant": list(VARIANTS.values()), "workers": workers, "facts_per_worker": fpw},
        runs=1,
        steps=steps,
        seed=0,
    )
    frame = experiment.run("processes", workers=2, quiet=True).frame()
    seconds = time.perf_counter() - t
    return seconds, {
        name: tail(frame.loc[frame["variant"] == v, "work_rate"].tolist())
        for name, v in VARIANTS.items()
    }


def time_old(checkout: Path, workers: int, fpw: int, steps: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(
        [sys.executable, "-c", OLD, str(workers), str(fpw), str(steps)],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def warm_up() -> float:
    """Run every variant and fidelity briefly (numba's compile or cache load); wall time."""
    t = time.perf_counter()
    for variant in ("researcher", "forgetful", "sociable_v1", "sociable", "database"):
        for fidelity in ("seed", "corrected"):
            npl.load_world("knowledge-office")(
                seed=0, variant=variant, workers=5, fidelity=fidelity
            ).run(steps=3)
    return time.perf_counter() - t


def show(label: str, rows: dict[str, tuple[float, float]]) -> float:
    total = sum(r[0] for r in rows.values())
    parts = "  ".join(f"{k} {r[0]:.3f}s rate {r[1]:.4f}" for k, r in rows.items())
    print(f"  {label:<26} {total:8.3f}s | {parts}", flush=True)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--steps", type=int, nargs="+", default=[300])
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--facts-per-worker", type=int, default=1000)
    parser.add_argument("--reference-up-to", type=int, default=1000, metavar="STEPS")
    parser.add_argument("--old", type=Path, help="an older checkout with implementation=")
    parser.add_argument("--no-processes", action="store_true")
    a = parser.parse_args()
    print(f"warm-up (numba compile or cache load): {warm_up():.2f}s wall")
    for steps in a.steps:
        print(f"{a.workers} workers × {a.facts_per_worker} facts per worker, {steps} steps:")
        ref = None
        if steps <= a.reference_up_to:
            ref = show("reference script", time_reference(a.workers, a.facts_per_worker, steps))
        if a.old:
            old = time_old(a.old, a.workers, a.facts_per_worker, steps)
            peak = old.pop("peak")
            seconds = show("old hand-written compiled", old)
            print(
                f"    peak memory {peak:.0f} MB"
                + (f", {ref / seconds:.1f}× reference" if ref else "")
            )
        serial = show("npolitics serial", time_serial(a.workers, a.facts_per_worker, steps))
        print(
            f"    peak memory {peak_mb():.0f} MB"
            + (f", {ref / serial:.1f}× reference" if ref else "")
        )
        if not a.no_processes:
            seconds, rates = time_processes(a.workers, a.facts_per_worker, steps)
            parts = "  ".join(f"{k} rate {r:.4f}" for k, r in rates.items())
            print(f"  {'npolitics 2 processes':<26} {seconds:8.3f}s | {parts}")
            print(
                f"    peak memory of a worker process {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB"
                + (f", {ref / seconds:.1f}× reference" if ref else "")
            )


if __name__ == "__main__":
    main()
