"""What rollback costs a world stepped one tick at a time: 200 × run(steps=1), on and off.

A world that can roll a failed instant back needs a checkpoint to replay from. This script
times the stepping loop of a dashboard or a notebook (the knowledge office, 1000 workers,
sociable; every worker holds a set table in the office's columns)
with ``rollback=True`` (the default) and
``rollback=False``, alternating the two so that the machine's drift touches both alike, and
prints the medians and their ratio (goal: ≤ 1.2).

    python benchmarks/scripts/rollback_steps.py [--repeats 5] [--workers 1000] [--steps 200]
        [--interpreted]
"""

from __future__ import annotations

import argparse
import statistics
import time

import npolitics as npl


def stepping(workers: int, steps: int, rollback: bool, interpreted: bool) -> float:
    """Seconds for ``steps`` calls of run(steps=1) on a fresh office, after a warm-up run."""
    world = npl.load_world("knowledge-office")(variant="sociable", workers=workers, seed=1)
    how = {"compiled": False} if interpreted else {}
    world.run(steps=1, rollback=rollback, **how)
    start = time.perf_counter()
    for _ in range(steps):
        world.run(steps=1, rollback=rollback, **how)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--interpreted", action="store_true", help="run with compiled=False")
    args = parser.parse_args()
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.repeats):
        for rollback in (True, False):
            times[rollback].append(stepping(args.workers, args.steps, rollback, args.interpreted))
    on, off = statistics.median(times[True]), statistics.median(times[False])
    print(
        f"{args.steps} × run(steps=1), knowledge office (sociable"
        f"{', interpreted' if args.interpreted else ''}), "
        f"{args.workers} workers"
    )
    print(f"  rollback on : {on:.3f} s (median of {args.repeats}: {times[True]})")
    print(f"  rollback off: {off:.3f} s (median of {args.repeats}: {times[False]})")
    print(f"  ratio on/off: {on / off:.2f} (goal ≤ 1.2)")


if __name__ == "__main__":
    main()
