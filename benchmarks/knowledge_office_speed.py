"""The knowledge office's grand experiment: the reference script against npolitics, one process.

    python benchmarks/knowledge_office_speed.py [--steps 200 500] [--workers 1000]
        [--facts-per-worker 1000] [--implementations compiled population]

For each number of steps, runs the reference script's three variants (its ``run_v2``, with the
settings of its ``__main__`` block, ``random.seed(0)``) and then each npolitics implementation
(``npl.load_world("knowledge-office")``, fidelity seed, world built and run, seed 0), and
prints CPU time (``time.process_time``: the machine is shared, so wall time is inflated by
other jobs) and wall time per variant, the totals, the ratio, and each tail-mean work rate
(last 20% of the ticks). The compiled implementation is warmed up first (numba's compile, or
loading its on-disk cache); that one-off cost is printed separately and not counted.
Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path
from typing import Any

import npolitics as npl

# The seed code lives in shared/, beside the repository.
REFERENCE = Path(__file__).parents[2] / "shared" / "reference" / "knowledge_office_seed.py"
VARIANTS = {"Forgetful": "forgetful", "Sociable": "sociable", "Databaser": "database"}


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


def time_reference(workers: int, fpw: int, steps: int) -> dict[str, tuple[float, float, float]]:
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
        c, t = time.process_time(), time.perf_counter()
        rates = ref.run_v2(ws, steps)
        out[name] = (time.process_time() - c, time.perf_counter() - t, tail(rates))
    return out


def time_npolitics(
    implementation: str, workers: int, fpw: int, steps: int
) -> dict[str, tuple[float, float, float]]:
    out = {}
    for name, variant in VARIANTS.items():
        c, t = time.process_time(), time.perf_counter()
        world = npl.load_world("knowledge-office")(
            seed=0,
            variant=variant,
            workers=workers,
            facts_per_worker=fpw,
            implementation=implementation,
        )
        rates = world.run(steps=steps, rollback=False).frame()["work_rate"].tolist()
        out[name] = (time.process_time() - c, time.perf_counter() - t, tail(rates))
    return out


def warm_up() -> tuple[float, float]:
    """Run every variant and fidelity of the compiled implementation briefly; (cpu, wall)."""
    c, t = time.process_time(), time.perf_counter()
    for variant in ("researcher", "forgetful", "sociable_v1", "sociable", "database"):
        for fidelity in ("seed", "corrected"):
            npl.load_world("knowledge-office")(
                seed=0, variant=variant, workers=5, implementation="compiled", fidelity=fidelity
            ).run(steps=3)
    return time.process_time() - c, time.perf_counter() - t


def show(label: str, rows: dict[str, tuple[float, float, float]]) -> tuple[float, float]:
    cpu = sum(r[0] for r in rows.values())
    wall = sum(r[1] for r in rows.values())
    parts = "  ".join(
        f"{k} {r[0]:.3f}s cpu {r[1]:.3f}s wall rate {r[2]:.4f}" for k, r in rows.items()
    )
    print(f"  {label:<22} total {cpu:8.3f}s cpu {wall:8.3f}s wall | {parts}")
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--steps", type=int, nargs="+", default=[200, 500])
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--facts-per-worker", type=int, default=1000)
    parser.add_argument("--implementations", nargs="+", default=["compiled"])
    a = parser.parse_args()
    if "compiled" in a.implementations:
        cpu, wall = warm_up()
        print(f"compiled warm-up (numba compile or cache load): {cpu:.2f}s cpu, {wall:.2f}s wall")
    for steps in a.steps:
        print(f"{a.workers} workers × {a.facts_per_worker} facts per worker, {steps} steps:")
        ref_cpu, ref_wall = show(
            "reference script", time_reference(a.workers, a.facts_per_worker, steps)
        )
        for impl in a.implementations:
            cpu, wall = show(
                f"npolitics {impl}", time_npolitics(impl, a.workers, a.facts_per_worker, steps)
            )
            print(
                f"  ratio reference / {impl}: {ref_cpu / cpu:.1f}× cpu, {ref_wall / wall:.1f}× wall"
            )


if __name__ == "__main__":
    main()
