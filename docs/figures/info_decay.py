"""Figures and tables of docs/worlds/info-decay.md, made by the code.

    python docs/figures/info_decay.py   # writes info_decay*.png and info_decay.txt here

1. The mode × learning sweep at the world's defaults: score against time.
2. How the gain of social learning changes with the churn: final score against the mean
   lifetime θ, in decay and in dynamic_pool (α = θ/20, so on average 20 subjects are on show
   in the stationary pool whatever θ).
3. Evidence for a disagreement with the seed: a replica of the seed's excerpted
   ``dynamic_pool_update`` (per-tick polling), whose arrivals stop for good once the pool
   empties.
"""

from __future__ import annotations

import random
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from worlds.info_decay import plot_sweep, summarise, sweep_modes

HERE = Path(__file__).parent
RUNS = 20
UNTIL = 300.0
THETAS = (3.0, 10.0, 30.0, 100.0, 300.0)


def mode_sweep() -> pd.DataFrame:
    frame = sweep_modes(runs=RUNS, until=UNTIL, seed=1)
    plot_sweep(frame, HERE / "info_decay.png")
    return summarise(frame)


def churn_sweep() -> pd.DataFrame:
    rows = []
    for theta in THETAS:
        frame = sweep_modes(
            modes=("decay", "dynamic_pool"),
            runs=RUNS // 2,
            until=UNTIL,
            seed=1,
            lifetime_mean_time=theta,
            appearance_mean_time=theta / 20,
        )
        table = summarise(frame)
        table.insert(1, "theta", theta)
        rows.append(table)
    table = pd.concat(rows, ignore_index=True)
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.6), sharey=True)
    for ax, (mode, part) in zip(axes, table.groupby("mode", sort=False), strict=True):
        for how, colour in (("self", "tab:blue"), ("social", "tab:orange")):
            ax.errorbar(
                part["theta"],
                part[how],
                yerr=2 * part[f"{how}_se"],
                marker="o",
                color=colour,
                label=f"{how} learning",
                capsize=3,
            )
        ax.set_xscale("log")
        ax.set_title(f"{mode} (α = θ/20)" if mode == "dynamic_pool" else mode)
        ax.set_xlabel("mean lifetime θ (s)")
        ax.set_ylim(0, 1.05)
    axes[0].set_ylabel(f"score at t = {UNTIL:.0f} s")
    axes[0].legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    fig.savefig(HERE / "info_decay_churn.png", dpi=120)
    plt.close(fig)
    return table


def seed_pool_stops(
    snippets: int, initial: int, theta: float, alpha: float, until: float, dt: float, seed: int
) -> float | None:
    """The seed's dynamic pool as excerpted (seeds/003 §2.4), polled every ``dt``: the time at
    which arrivals stopped for good (the pool emptied), or None if they never did."""
    rnd = random.Random(seed)
    pool = list(range(snippets))
    expiry: dict[int, float] = {}
    for _ in range(initial):
        snippet = pool.pop(rnd.randrange(len(pool)))
        expiry[snippet] = rnd.expovariate(1 / theta)
    # _schedule_next_appearance: no pool, no next appearance (None), and nothing reschedules.
    next_at = rnd.expovariate(1 / alpha) if pool else None
    for k in range(round(until / dt) + 1):
        t = k * dt
        for s, e in list(expiry.items()):
            if t >= e:
                del expiry[s]
                pool.append(s)
        if next_at is not None and t >= next_at:
            snippet = pool.pop(rnd.randrange(len(pool)))  # _spawn_subject_from_pool
            expiry[snippet] = t + rnd.expovariate(1 / theta)
            next_at = t + rnd.expovariate(1 / alpha) if pool else None
            if next_at is None:
                return t
    return None


if __name__ == "__main__":
    stops = [seed_pool_stops(12, 5, 1.0, 0.1, 500.0, 0.1, seed) for seed in range(10)]
    print("seed's dynamic pool, S=12, A0=5, θ=1, α=0.1: arrivals stop for good at", stops)
    modes = mode_sweep()
    churn = churn_sweep()
    text = (
        "Seed's dynamic pool as excerpted, S = 12, A0 = 5, θ = 1 s, α = 0.1 s, tick 0.1 s, "
        f"seeds 0-9: arrivals stop for good at t = {stops}\n\n"
        f"Mode × learning, defaults, {RUNS} runs, score at t = {UNTIL:.0f} s\n\n"
        + modes.round(3).to_string(index=False)
        + f"\n\nChurn sweep, {RUNS // 2} runs per cell\n\n"
        + churn.round(3).to_string(index=False)
        + "\n"
    )
    (HERE / "info_decay.txt").write_text(text)
    print(text)
