"""How fast can the grand experiment's forgetful office be at all? A floor, against the reference.

    python benchmarks/scripts/knowledge_office_floor.py [--workers 1000] [--steps 300]
        [--facts-per-worker 1000] [--repeats 3]

The goal of 100× the reference script leaves ≈ 1/100 of the reference's time per worker-step.
This script measures what the forgetful variant's tick cannot do without, with no framework
around it: one numba function runs every tick of the office (the target check, forgetting
with CPython's ``set.pop()``, one exact Beta(0.8, 2) research draw, the research fact added to
the worker's CPython set table) with the world's own set helpers (``_sets``) and numba's
``Generator.beta`` (the same numbers as numpy's). It also times the two unavoidable parts
alone: 1000 Beta draws (numpy, vectorised) and 1000 set additions (tight numba loop). Then it
runs the reference's forgetful variant at the same size and prints nanoseconds per
worker-step for each, and the best ratio any implementation of these semantics could reach
on this machine, single-threaded. Not a test: nothing is asserted. Wall time, median of
``--repeats``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numba
import numpy as np

import npolitics as npl
from benchmarks.cases.knowledge_office import reference_module
from worlds.knowledge_office import _sets as ks

TARGETS = 100
"""The reference draws targets from its module-level 100 facts (fidelity seed)."""
FORGET_RATE = 0.01


@numba.njit(cache=True)
def forgetful_office(rng, workers, facts, steps, table, mask, fill, finger, count, target):  # type: ignore[no-untyped-def]
    """Every tick of the forgetful office, nothing else; returns the work done in all."""
    work = 0
    for _ in range(steps):
        for w in range(workers):  # act: forget, then research
            if count[w] > 0 and rng.random() < FORGET_RATE:
                ks.pop(table, mask, finger, count, w)
            f = min(int(facts * rng.beta(0.8, 2.0)), facts - 1)
            ks.add(table, mask, fill, count, w, f)
        for w in range(workers):  # update: work done if the target is known, then a new one
            if target[w] >= 0 and ks.knows(table, mask, w, target[w]):
                work += 1
                target[w] = -1
            if target[w] < 0:
                target[w] = rng.integers(0, TARGETS)
    return work


@numba.njit(cache=True)
def add_all(table, mask, fill, count, facts):  # type: ignore[no-untyped-def]
    for w in range(facts.size):
        ks.add(table, mask, fill, count, w, facts[w])


def tables(workers: int, steps: int) -> tuple[Any, ...]:
    """Empty set tables wide enough for ``steps`` additions per worker."""
    width = int(ks.size_for(steps + 1))
    return (
        np.full((workers, width), ks.EMPTY, np.int32),
        np.full(workers, ks.MIN_SIZE - 1, np.int64),
        np.zeros(workers, np.int64),
        np.zeros(workers, np.int64),
        np.zeros(workers, np.int64),
    )


def floor(workers: int, facts: int, steps: int) -> float:
    """Seconds for ``steps`` ticks of the one-function office."""
    table, mask, fill, finger, count = tables(workers, steps)
    target = np.full(workers, -1, np.int64)
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    forgetful_office(rng, workers, facts, steps, table, mask, fill, finger, count, target)
    return time.perf_counter() - start


def parts(workers: int, facts: int, steps: int) -> tuple[float, float]:
    """Seconds for ``steps`` rounds of (``workers`` Beta draws) and of (``workers`` additions)."""
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    draws = [rng.beta(0.8, 2.0, workers) for _ in range(steps)]
    betas = time.perf_counter() - start
    table, mask, fill, _, count = tables(workers, steps)
    start = time.perf_counter()
    for d in draws:
        add_all(table, mask, fill, count, np.minimum((facts * d).astype(np.int64), facts - 1))
    return betas, time.perf_counter() - start


def reference(workers: int, facts: int, steps: int) -> float:
    """Seconds for the reference's forgetful variant (its ``run_v2``)."""
    ref = reference_module()
    ref.random.seed(0)
    office = [ref.ForgetfulResearcher_v2(facts, set(), FORGET_RATE) for _ in range(workers)]
    start = time.perf_counter()
    ref.run_v2(office, steps)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--facts-per-worker", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    a = parser.parse_args()
    n, facts, steps = a.workers, a.workers * a.facts_per_worker, a.steps
    # A compiled run of the world makes its npl.jit helpers callable from numba code.
    npl.load_world("knowledge-office")(workers=2).run(steps=2, compiled=True)
    floor(n, facts, 2)  # compile, or load numba's cache
    parts(n, facts, 2)
    per_step = 1e9 / (n * steps)
    runs = [floor(n, facts, steps) for _ in range(a.repeats)]
    split = [parts(n, facts, steps) for _ in range(a.repeats)]
    refs = [reference(n, facts, steps) for _ in range(a.repeats)]
    one = statistics.median(runs) * per_step
    beta = statistics.median(s[0] for s in split) * per_step
    add = statistics.median(s[1] for s in split) * per_step
    ref = statistics.median(refs) * per_step
    print(f"forgetful office, {n} workers, {facts:,} facts, {steps} steps; ns per worker-step:")
    print(f"  reference script (run_v2)              {ref:9.1f}")
    print(f"  100x the reference leaves              {ref / 100:9.1f}")
    print(f"  floor: whole tick in one numba call    {one:9.1f}   -> at most {ref / one:.0f}x")
    print(f"  of which, alone: Beta draws (numpy)    {beta:9.1f}")
    print(f"                   set additions (numba) {add:9.1f}")
    print(f"  numba {numba.__version__}, numpy {np.__version__}; one thread")


if __name__ == "__main__":
    main()
