"""How defaults and cheating spread in a ROSCA circle: a Monte Carlo over the ``rosca`` world.

Three questions, each over many seeded runs of a 10-member circle paying 300 a month (an
``npolitics.Experiment`` for the first two, which need only the world's metrics):

1. With every member broke (10 % monthly defaults, independently), how often is a month's
   pot collected in full? Theory: 0.9^10 ≈ 0.349.
2. One member who often defaults, the others influenced (they pay while the failures they
   have seen stay below θ): how do defaults spread, for θ = 0.1, 0.2, 0.3?
3. Cheaters who stop paying once they have the pot: how many cheat, and what does it cost
   the honest members, as the reward per rating point β grows?

    python examples/rosca.py          # NPOLITICS_QUICK=1: 50 circles per question
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

import npolitics as npl

RUNS = 50 if os.environ.get("NPOLITICS_QUICK") else 200
"""Circles per question (50 in the test suite's quick mode)."""


def monte_carlo(params: dict[str, object]) -> pd.DataFrame:
    """Every run's monthly metrics (columns ``run``, swept parameters, ``t``, metrics)."""
    experiment = npl.Experiment("rosca", params=params, runs=RUNS, steps=10, seed=1)
    return experiment.run(backend="serial", quiet=True).frame()


def pots_in_full() -> None:
    frame = monte_carlo({"broke": 10, "default_probability": 0.1})
    full = (frame["defaults"] == 0).mean()
    se = np.sqrt(full * (1 - full) / len(frame))
    print(f"1. all broke, p = 0.1: pot collected in full in {full:.3f} ± {se:.3f} of months")
    print(f"   (theory 0.9^10 = {0.9**10:.3f}; {len(frame)} months)")


def contagion() -> None:
    print("2. one member defaulting half the time, nine influenced members:")
    sweep = {"broke": 1, "default_probability": 0.5, "influenced": 9, "theta": [0.1, 0.2, 0.3]}
    frame = monte_carlo(sweep)
    for theta, runs in frame.groupby("theta"):
        by_month = runs.groupby("t")["defaults"].mean()
        final = runs[runs["t"] == 9]["paid_in_full"].mean()
        print(
            f"   θ = {theta}: mean defaults in months 0, 1, 5, 9: "
            + ", ".join(f"{by_month[m]:.2f}" for m in (0, 1, 5, 9))
            + f"; members paid in full at the end: {final:.2f}"
        )


def cheating() -> None:
    print("3. five cheaters who may stop paying after their payout (rotation):")
    for beta in (0.2, 0.4, 0.8):
        spec = npl.load_world("rosca")
        stopped, honest_w = [], []
        for seed in range(RUNS):
            world = spec(seed=seed, cheaters=5, cheat="stop", beta=beta)
            world.run(steps=10, check=True)
            members = world["members"]
            stopped.append(sum(m.out for m in members))
            honest_w.append(np.mean([m.wellbeing() for m in members if m.strategy == "honest"]))
        print(
            f"   β = {beta}: cheaters who stop: {np.mean(stopped):.2f} of 5; "
            f"mean W of an honest member: {np.mean(honest_w):.0f} (all honest: {beta * 3000:.0f})"
        )


if __name__ == "__main__":
    pots_in_full()
    contagion()
    cheating()
