"""Figures and numbers of docs/worlds/info-decay.md, made by the code.

    python docs/figures/info_decay.py   # info_decay*.png here, tables in info_decay/ (≈ 3 min CPU)
    python docs/figures/build.py --pages   # then writes the numbers into the page

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
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))  # _numbers, next to this file
DATA = HERE / "info_decay"
OUT = HERE
RUNS = 20
UNTIL = 300.0
THETAS = (3.0, 10.0, 30.0, 100.0, 300.0)
STOP_SEEDS = range(10)


def mode_sweep(runs: int = RUNS, until: float = UNTIL) -> None:
    """The mode × learning sweep: ``modes.csv`` (final scores) and ``static.csv`` (the time
    at which each static social run first knows everything), and ``info_decay.png``."""
    from worlds.info_decay import plot_sweep, summarise, sweep_modes

    frame = sweep_modes(runs=runs, until=until, seed=1)
    plot_sweep(frame, OUT / "info_decay.png")
    summarise(frame).to_csv(DATA / "modes.csv", index=False, float_format="%.6g")
    static = frame[(frame["mode"] == "static") & (frame["learning"] == "social")]
    mean = static.groupby("t")["score"].mean()
    rows = [
        {
            "run": run,
            "t_all_known": part.loc[part["score"] >= 1.0, "t"].min(),
            "t_mean_0.999": mean[mean >= 0.999].index.min(),
            "until": until,
            "self_final": frame[
                (frame["mode"] == "static")
                & (frame["learning"] == "self")
                & (frame["run"] == run)
                & (frame["t"] == frame["t"].max())
            ]["score"].iloc[0],
        }
        for run, part in static.groupby("run")
    ]
    pd.DataFrame(rows).to_csv(DATA / "static.csv", index=False, float_format="%.6g")


def churn_sweep(runs: int = RUNS // 2, until: float = UNTIL) -> None:
    """Final scores against the mean lifetime θ: ``churn.csv`` and ``info_decay_churn.png``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from worlds.info_decay import summarise, sweep_modes

    rows = []
    for theta in THETAS:
        frame = sweep_modes(
            modes=("decay", "dynamic_pool"),
            runs=runs,
            until=until,
            seed=1,
            lifetime_mean_time=theta,
            appearance_mean_time=theta / 20,
        )
        table = summarise(frame)
        table.insert(1, "theta", theta)
        rows.append(table)
    table = pd.concat(rows, ignore_index=True)
    table.to_csv(DATA / "churn.csv", index=False, float_format="%.6g")
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
    axes[0].set_ylabel(f"score at t = {until:.0f} s")
    axes[0].legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    fig.savefig(OUT / "info_decay_churn.png", dpi=120)
    plt.close(fig)


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


def make(quick: bool = False) -> None:
    """Every output of the page (≈ 3 min of CPU; ``quick``: a few seconds)."""
    global OUT
    DATA.mkdir(exist_ok=True)
    if quick:
        OUT = DATA
    stops = [seed_pool_stops(12, 5, 1.0, 0.1, 500.0, 0.1, seed) for seed in STOP_SEEDS]
    pd.DataFrame({"seed": list(STOP_SEEDS), "stop": stops}).to_csv(
        DATA / "seed_pool_stops.csv", index=False, float_format="%.6g"
    )
    mode_sweep(runs=2 if quick else RUNS, until=30.0 if quick else UNTIL)
    churn_sweep(runs=2 if quick else RUNS // 2, until=30.0 if quick else UNTIL)


def numbers() -> dict[str, str]:
    """The page's numbers, from ``info_decay/*.csv``."""

    from _numbers import pct

    def pm(mean: float, se: float) -> str:
        return f"{mean:.3f} ± {se:.3f}"

    out: dict[str, str] = {}
    modes = pd.read_csv(DATA / "modes.csv").set_index("mode")
    churn = pd.read_csv(DATA / "churn.csv")
    static = pd.read_csv(DATA / "static.csv")
    stops = pd.read_csv(DATA / "seed_pool_stops.csv")
    runs = int(modes["runs"].iloc[0])
    out["modes-runs"] = (
        f"{runs} runs per cell (seed 1: run r of every cell is `SeedSequence(1).spawn({runs})[r]`)"
    )
    out["modes-table"] = "\n".join(
        ["| mode | self | social | gain |", "|---|---|---|---|"]
        + [
            f"| {mode} | {pm(r.self, r.self_se)} | {pm(r.social, r.social_se)} "
            f"| {pm(r.gain, r.gain_se)} |"
            for mode, r in modes.iterrows()
        ]
    )
    out["churn-runs"] = f"{int(churn['runs'].iloc[0])} runs per cell (seed 1, as above)"
    wide = churn.set_index(["theta", "mode"])
    rows = [
        "| θ (s) | decay self | decay social | dynamic_pool self | dynamic_pool social |",
        "|---|---|---|---|---|",
    ]
    for theta in dict.fromkeys(churn["theta"]):
        cells = [
            pm(wide.loc[(theta, mode), how], wide.loc[(theta, mode), f"{how}_se"])
            for mode in ("decay", "dynamic_pool")
            for how in ("self", "social")
        ]
        rows.append(f"| {theta:g} | " + " | ".join(cells) + " |")
    out["churn-table"] = "\n".join(rows)
    out["static"] = (
        "the social agents' mean score passes 0.999 at t = "
        f"{static['t_mean_0.999'].iloc[0]:.0f} s (every one of the {len(static)} runs reaches 1 "
        f"by t = {static['t_all_known'].max():.0f} s), "
        f"while self agents know {pct(modes.loc['static', 'self'])} at t = "
        f"{static['until'].iloc[0]:.0f} s"
    )
    decay = churn[churn["mode"] == "decay"].set_index("theta")
    pool = churn[churn["mode"] == "dynamic_pool"].set_index("theta")
    lo, hi = min(THETAS), max(THETAS)
    best = decay["gain"].idxmax()
    out["decay"] = (
        f"a self agent keeps only what it happened to walk past before the subjects vanished "
        f"({pct(decay.loc[30.0, 'self'])} at θ = 30 s), while the group pools its sightings "
        f"({pct(decay.loc[30.0, 'social'])}).\n"
        f"  The faster the decay, the larger the ratio social/self "
        f"({decay.loc[lo, 'social'] / decay.loc[lo, 'self']:.0f}× at θ = {lo:g} s, "
        f"{decay.loc[hi, 'social'] / decay.loc[hi, 'self']:.1f}× at θ = {hi:g} s); the absolute "
        "gain is largest at intermediate lifetimes "
        f"({pm(decay.loc[best, 'gain'], decay.loc[best, 'gain_se'])} at θ = {best:g} s)"
    )
    out["pool"] = (
        f"the gain falls from {pm(pool.loc[10.0, 'gain'], pool.loc[10.0, 'gain_se'])} "
        f"(θ = 10 s) to {pm(pool.loc[hi, 'gain'], pool.loc[hi, 'gain_se'])} "
        f"(θ = {hi:g} s).\n"
        f"  At θ = {lo:g} s social agents know {pool.loc[lo, 'social']:.3f} of the snippets"
    )
    stopped = stops["stop"].dropna()
    which = (
        "each of" if len(stopped) == len(stops) else f"{len(stopped)} of the {len(stops)} runs with"
    )
    out["seed-stops"] = (
        f"stopped arriving for good at t = {stopped.min():.0f}–{stopped.max():.0f} s in "
        f"{which} seeds {stops['seed'].min()}–{stops['seed'].max()}"
    )
    return out


if __name__ == "__main__":
    make()
