"""Numbers of docs/worlds/rosca.md, made by the code: the three questions of ``examples/rosca.py``
with a standard error on every mean.

    python docs/figures/rosca.py          # writes rosca/*.csv here (≈ 5 s of CPU)
    python docs/figures/build.py --pages  # then writes the numbers into the page

Each question is run over 200 seeded circles of 10 members paying 300 a month: an
``npolitics.Experiment`` with seed 1 for the first two, seeds 0 … 199 for the third (which
reads the members' state after the run), as in ``examples/rosca.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))  # _numbers, next to this file
DATA = HERE / "rosca"
RUNS = 200
THETAS = (0.1, 0.2, 0.3)
BETAS = (0.2, 0.4, 0.8)
MONTHS = (0, 1, 5, 9)


def monte_carlo(params: dict[str, object], runs: int) -> pd.DataFrame:
    """Every run's monthly metrics (columns ``run``, swept parameters, ``t``, metrics)."""
    import npolitics as npl

    experiment = npl.Experiment("rosca", params=params, runs=runs, steps=10, seed=1)
    return experiment.run(backend="serial", quiet=True).frame()


def make(quick: bool = False) -> None:
    """``pots.csv``, ``contagion.csv`` and ``cheating.csv`` (one row per circle)."""
    runs = 20 if quick else RUNS
    DATA.mkdir(exist_ok=True)
    frame = monte_carlo({"broke": 10, "default_probability": 0.1}, runs)
    frame[["run", "t", "defaults"]].to_csv(DATA / "pots.csv", index=False)
    sweep = {"broke": 1, "default_probability": 0.5, "influenced": 9, "theta": list(THETAS)}
    frame = monte_carlo(sweep, runs)
    frame[["theta", "run", "t", "defaults", "paid_in_full"]].to_csv(
        DATA / "contagion.csv", index=False
    )
    import npolitics as npl

    rosca = npl.load_world("rosca")
    rows = []
    for beta in BETAS:
        for seed in range(runs):
            world = rosca(seed=seed, cheaters=5, cheat="stop", beta=beta)
            world.run(steps=10, check=True)
            members = world["members"]
            rows.append(
                {
                    "beta": beta,
                    "seed": seed,
                    "stopped": sum(m.out for m in members),
                    "honest_w": np.mean([m.wellbeing() for m in members if m.strategy == "honest"]),
                }
            )
        honest = rosca(seed=0, beta=beta)
        honest.run(steps=10, check=True)
        rows.append(
            {
                "beta": beta,
                "seed": -1,  # the all-honest circle (deterministic)
                "stopped": 0,
                "honest_w": np.mean([m.wellbeing() for m in honest["members"]]),
            }
        )
    pd.DataFrame(rows).to_csv(DATA / "cheating.csv", index=False, float_format="%.6g")


def numbers() -> dict[str, str]:
    """The page's numbers, from ``rosca/*.csv``."""
    from _numbers import mean_se, num

    pots = pd.read_csv(DATA / "pots.csv")
    contagion = pd.read_csv(DATA / "contagion.csv")
    cheating = pd.read_csv(DATA / "cheating.csv")
    circles = pots["run"].nunique()
    full = (pots["defaults"] == 0).to_numpy()
    p, se = full.mean(), full.std(ddof=1) / np.sqrt(full.size)
    lines = [
        f"1. all broke, p = 0.1: pot collected in full in {p:.3f} ± {se:.3f} of months",
        f"   (theory 0.9^10 = {0.9**10:.3f}; {num(full.size)} months of {circles} circles)",
        "2. one member defaulting half the time, nine influenced members:",
    ]
    for theta, runs in contagion.groupby("theta"):
        months = ", ".join(
            mean_se(runs.loc[runs["t"] == m, "defaults"], 2).replace(" ± ", "±") for m in MONTHS
        )
        final = mean_se(runs.loc[runs["t"] == runs["t"].max(), "paid_in_full"], 2)
        lines += [
            f"   θ = {theta}: mean defaults in months {', '.join(map(str, MONTHS))}: {months}",
            f"            members paid in full at the end: {final}",
        ]
    lines.append("3. five cheaters who may stop paying after their payout (rotation):")
    loss = {}
    for beta, runs in cheating.groupby("beta"):
        circle = runs[runs["seed"] >= 0]
        honest = float(runs.loc[runs["seed"] < 0, "honest_w"].iloc[0])
        loss[beta] = 1 - circle["honest_w"].mean() / honest
        lines += [
            f"   β = {beta}: cheaters who stop: {mean_se(circle['stopped'], 2)} of 5",
            f"            mean W of an honest member: {mean_se(circle['honest_w'], 0)} "
            f"(all honest: {honest:.0f})",
        ]
    cheat_runs = cheating.loc[cheating["seed"] >= 0, "seed"].nunique()
    circles_04 = cheating[(cheating["seed"] >= 0) & (cheating["beta"] == 0.4)]
    honest_04 = float(
        cheating.loc[(cheating["seed"] < 0) & (cheating["beta"] == 0.4), "honest_w"].iloc[0]
    )
    loss_se = circles_04["honest_w"].std(ddof=1) / np.sqrt(len(circles_04)) / honest_04
    stop = cheating[cheating["seed"] >= 0].groupby("beta")["stopped"].mean()
    return {
        "runs": f"{circles} seeded circles",
        "output": "```text\n" + "\n".join(lines) + "\n```",
        "theory": f"{0.9**10:.3f}",
        "cheat-cost": (
            f"at β = {BETAS[-1]} {'none stops' if stop[BETAS[-1]] == 0 else 'a few stop'}, "
            f"at the notebook's β = 0.4 {mean_se(circles_04['stopped'], 2)} of five do, costing "
            f"each honest member {100 * loss[0.4]:.0f} ± {100 * loss_se:.0f} % of its wellbeing "
            f"({cheat_runs} circles per β)"
        ),
    }


if __name__ == "__main__":
    make()
