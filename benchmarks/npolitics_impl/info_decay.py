"""Information decay, ``decay`` mode, event-driven with npolitics (the info-decay world).

Each subject's lifetime is one scheduled ``Expire`` message, so a run costs O(events), not
O(subjects × ticks) as the seed's per-tick polling does. ``IMPLEMENTATIONS`` lists
``(name, run)`` with ``run(subjects, until, theta, seed) -> float``, the number of subjects
still visible at ``until`` (expectation subjects·e^(−until/θ)); the harness case
``info_decay`` wraps it beside its polling baselines.

Run this file to time the seed's approach (a loop over subjects every 0.1 s tick) and this
one in the same process, on 10 000 subjects over 1 000 s::

    python -m benchmarks.npolitics_impl.info_decay
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import npolitics as npl


def run_event_driven(subjects: int, until: float, theta: float, seed: int) -> float:
    """Decay of ``subjects`` subjects with mean lifetime ``theta``, run to ``until``."""
    world = npl.load_world("info-decay")(
        seed=seed,
        mode="decay",
        snippets=subjects,
        subjects=subjects,
        lifetime_mean_time=float(theta),
        knowledge_agents=0,
        sample_every=float(until),
    )
    return float(world.run(until=until).final()["visible"])


IMPLEMENTATIONS: list[tuple[str, Callable[[int, float, float, int], float]]] = [
    ("npolitics event-driven", run_event_driven),
]


def _time(fn: Callable[[], float], repeats: int) -> tuple[float, float]:
    """Median wall time of ``repeats`` calls, and the last result."""
    times, result = [], math.nan
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2], result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument("--until", type=float, default=1_000.0)
    parser.add_argument("--theta", type=float, default=500.0)
    parser.add_argument("--dt", type=float, default=0.1, help="the seed's tick (s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3, help="runs of the fast one")
    args = parser.parse_args()

    from benchmarks.cases.info_decay import run_polling

    sizes = {"subjects": args.subjects, "duration": args.until, "dt": args.dt, "theta": args.theta}
    slow, polled = _time(lambda: run_polling(sizes, args.seed)["active"], 1)
    fast, active = _time(
        lambda: run_event_driven(args.subjects, args.until, args.theta, args.seed), args.repeats
    )
    expected = args.subjects * math.exp(-args.until / args.theta)
    print(f"{args.subjects} subjects, θ = {args.theta} s, {args.until} s simulated")
    print(f"  seed's polling, tick {args.dt} s: {slow:8.3f} s   active at end {polled:.0f}")
    print(f"  npolitics event-driven:      {fast:8.3f} s   active at end {active:.0f}")
    print(f"  expected N0·e^(-T/θ) = {expected:.1f};  speed-up {slow / fast:.0f}×")


if __name__ == "__main__":
    main()
