"""Sugar and spice: do Q-learners who meet again learn to trade rather than steal?

Runs 64 two-agent societies of one-step-memory Q-learners for 200 000 encounters and prints
where their greedy policies ended up, next to the exact answer for the pairs the seed names:
which pairs are fixed points of the expected learning dynamics, and what they pay.

    python examples/sugar_spice.py     # NPOLITICS_QUICK=1: 8 societies, 40 000 encounters
"""

from __future__ import annotations

import os

from worlds.sugar_spice import describe, find_attractors, fixed_points, long_run_payoff

if __name__ == "__main__":
    print("Fixed points of the expected Q-learning dynamics (ε = 0.01):")
    for a, b in fixed_points(memory=1, exploration=0.01):
        pay = long_run_payoff(a, b, exploration=0.01)[0]
        print(f"  {describe(a)}  with itself: long-run payoff {pay:.3f}")

    quick = bool(os.environ.get("NPOLITICS_QUICK"))
    runs, encounters = (8, 40_000) if quick else (64, 200_000)
    df = find_attractors(
        memory=1, runs=runs, seed=1, window=encounters // 2, max_encounters=encounters
    )
    df["policy_a"] = df["policy_a"].map("0x{:X}".format)
    df["policy_b"] = df["policy_b"].map("0x{:X}".format)
    print(f"\nGreedy policy pairs after {encounters:,} encounters ({runs} runs):".replace(",", " "))
    print(df.to_string(index=False))
