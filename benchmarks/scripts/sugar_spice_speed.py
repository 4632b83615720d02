"""Sugar-spice's speed: encounters per second of CPU, one encounter per tick or in blocks.

Experiment 1's world (``societies`` couples, the seed's learning parameters) run with
``rounds`` encounters per tick, compiled (numba) and, for small sizes, interpreted (the same
rules as Python). CPU time of this process (``time.process_time``: other jobs on a shared
machine slow the wall clock, not this), best of ``--repeats``, after a warm-up run that also
loads the compiled rules from numba's cache. Prints one Markdown row per setting.

    python benchmarks/scripts/sugar_spice_speed.py [--repeats 3] [--quick]
"""

from __future__ import annotations

import argparse
import time

from worlds.sugar_spice import sugar_spice

LEARNING = {"learning_rate": 0.01, "discount": 0.99, "exploration": 0.01, "initial_q": 1.0}


def rate(societies: int, rounds: int, encounters: int, compiled: bool) -> tuple[float, float]:
    """Encounters per CPU second summed over societies, and CPU µs per tick."""
    world = sugar_spice(
        seed=1,
        societies=societies,
        rounds=rounds,
        check_every=rounds,
        sample_every=10**9,
        **LEARNING,
    )
    world.run(steps=2, rollback=False, compiled=compiled)
    ticks = max(encounters // rounds, 1)
    start = time.process_time()
    world.run(steps=ticks, rollback=False, compiled=compiled)
    cpu = time.process_time() - start
    return societies * rounds * ticks / cpu, cpu / ticks * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a tenth of the encounters")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    settings = [
        # (how, societies, rounds, encounters per society)
        ("compiled", 128, 1, 5_000),
        ("compiled", 1024, 1, 2_000),
        ("compiled", 4096, 1, 500),
        ("compiled", 128, 1000, 100_000),
        ("compiled", 1024, 1000, 20_000),
        ("compiled", 4096, 1000, 5_000),
        ("compiled", 100, 10_000, 200_000),
        ("interpreted", 128, 1, 200),
        ("interpreted", 128, 1000, 2_000),
    ]
    print("| run | societies | encounters per tick | encounters/s (CPU) | µs per tick |")
    print("| --- | --- | --- | --- | --- |")
    for how, societies, rounds, encounters in settings:
        best = max(
            (
                rate(societies, rounds, max(encounters // scale, rounds), how == "compiled")
                for _ in range(args.repeats)
            ),
            key=lambda r: r[0],
        )
        print(
            f"| {how} | {societies} | {rounds} | {best[0] / 1e6:.3g} M | {best[1]:,.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
