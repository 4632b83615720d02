"""Data and figures for docs/worlds/sugar-spice.md.

    python docs/figures/sugar_spice.py attractors   # experiment 1 from scratch (long)
    python docs/figures/sugar_spice.py initial|memory0|exploration|growth
    python docs/figures/sugar_spice.py plots        # figures from the saved tables

Tables go to docs/figures/sugar_spice/*.csv, figures to docs/figures/sugar_spice/*.png.
Every run has a fixed seed, so the tables are reproducible bit for bit.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from worlds.sugar_spice import find_attractors, long_run_payoff, moves_of, sugar_spice

OUT = Path(__file__).parent / "sugar_spice"


def _save(df: pd.DataFrame, name: str) -> None:
    OUT.mkdir(exist_ok=True)
    df.to_csv(OUT / f"{name}.csv", index=False)
    print(f"--- {name}\n{df.to_string(index=False)}", flush=True)


def attractors(runs: int = 128, encounters: int = 2_000_000) -> None:
    """Experiment 1 from scratch: the pairs reached, and how long pairs stay unchanged."""
    start = time.perf_counter()
    df = find_attractors(
        memory=1,
        runs=runs,
        seed=1,
        window=1_000_000,
        max_encounters=encounters,
        min_encounters=encounters,
        trace=True,
    )
    print(f"{runs} runs × {encounters} encounters in {time.perf_counter() - start:.0f} s")
    _save(df.drop(columns=[]), "attractors")
    _save(df.attrs["runs"], "attractors_runs")
    trace = df.attrs["trace"]  # (checks + 1, runs), one check per 10⁴ encounters
    np.save(OUT / "attractors_trace.npy", trace)
    _save(_stability(trace, 10_000), "stability")


def attractors_fast(initial: tuple[int, int] | None = None) -> None:
    """Experiment 1 from scratch with learning 10× faster (α = 0.1): 128 runs × 2·10⁶."""
    name = "attractors_fast" if initial is None else "tit_for_tat_fast"
    df = find_attractors(
        memory=1,
        runs=128 if initial is None else 32,
        seed=7,
        initial=initial,
        window=1_000_000,
        max_encounters=2_000_000,
        min_encounters=2_000_000,
        learning_rate=0.1,
        trace=True,
    )
    _save(df, name)
    np.save(OUT / f"{name}_trace.npy", df.attrs["trace"])


def tit_for_tat_fast() -> None:
    """Mutual tit-for-tat with α = 0.1: 32 runs × 2·10⁶ encounters."""
    attractors_fast((0xA, 0xA))


def _stability(trace: np.ndarray, step: int) -> pd.DataFrame:
    """For each window W: of the (run, time) points where a pair had been unchanged for W,
    the share at which it changed again before the end."""
    checks, runs = trace.shape
    rows = []
    for window in (30_000, 100_000, 300_000, 1_000_000):
        lag = window // step
        seen = changed = 0
        for r in range(runs):
            series = trace[:, r]
            change_at = np.flatnonzero(series[1:] != series[:-1]) + 1
            # first time the pair has been unchanged for `lag` checks
            starts = np.concatenate(([0], change_at))
            ends = np.concatenate((change_at, [checks]))
            long = np.flatnonzero(ends - starts > lag)
            if long.size == 0:
                continue
            seen += 1
            changed += bool(ends[long[0]] < checks)
        rows.append(
            {
                "window": window,
                "runs_settled": seen,
                "changed_later": changed,
                "share_changed_later": changed / seen if seen else np.nan,
            }
        )
    return pd.DataFrame(rows)


def initial() -> None:
    """Runs started at the evaluated Q-values of given pairs."""
    rows = []
    for pair, runs, encounters in (
        ((0xF, 0xF), 16, 200_000),
        ((0x6, 0x6), 16, 200_000),
        ((0xE, 0xE), 16, 200_000),
        ((0xF, 0x6), 16, 200_000),
        ((0x0, 0x0), 16, 200_000),
        ((0xA, 0xA), 32, 1_000_000),
    ):
        df = find_attractors(
            memory=1, runs=runs, seed=2, initial=pair, window=encounters, max_encounters=encounters
        )
        for r in df.itertuples():
            rows.append(  # noqa: PERF401 (one row per pair, built readably)
                {
                    "initial": f"0x{pair[0]:X}/0x{pair[1]:X}",
                    "policy_a": f"0x{r.policy_a:X}",
                    "policy_b": f"0x{r.policy_b:X}",
                    "count": r.count,
                    "mean_wellbeing": r.mean_wellbeing,
                    "encounters": encounters,
                }
            )
    _save(pd.DataFrame(rows), "from_initial")


def memory0() -> None:
    """Zero-memory learners under several exploration schedules and initial Q-values."""
    rows = []
    for label, params in (
        ("defaults (ε=0.01, Q₀=1)", {}),
        ("Q₀=0", {"initial_q": 0.0}),
        ("Q₀=400 (optimistic)", {"initial_q": 400.0}),
        ("ε=0.1", {"exploration": 0.1}),
        (
            "ε: 1 → 0, half-life 10⁵",
            {"exploration": 1.0, "schedule": "exponential", "half_life": 1e5},
        ),
    ):
        df = find_attractors(
            memory=0,
            runs=16,
            seed=3,
            window=100_000,
            max_encounters=300_000,
            min_encounters=300_000,
            **params,
        )
        for r in df.itertuples():
            rows.append(  # noqa: PERF401 (one row per pair, built readably)
                {
                    "setting": label,
                    "policy_a": r.policy_a,
                    "policy_b": r.policy_b,
                    "count": r.count,
                    "mean_wellbeing": r.mean_wellbeing,
                }
            )
    _save(pd.DataFrame(rows), "memory0")


def memory0_fast() -> None:
    """Zero-memory couples with learning 10× faster (α = 0.1), as in the growth runs."""
    df = find_attractors(
        memory=0,
        runs=16,
        seed=3,
        window=50_000,
        max_encounters=200_000,
        min_encounters=200_000,
        learning_rate=0.1,
    )
    _save(df, "memory0_fast")


def exploration() -> None:
    """0x6/0x6 and 0xF/0x6: exact and simulated payoffs as exploration shrinks."""
    rows = []
    for eps in (0.1, 0.03, 0.01, 0.003, 0.001):
        exact66 = long_run_payoff(0x6, 0x6, exploration=eps)[0]
        exact_f6 = long_run_payoff(0xF, 0x6, exploration=eps)
        # The pair's codes written into the Q-values with a margin of 1000 and learning all
        # but off (α = 10⁻⁹): the payoff of the fixed pair, simulated.
        sim = {}
        for pair in ((0x6, 0x6), (0xF, 0x6)):
            w = sugar_spice(
                seed=4, societies=64, exploration=eps, learning_rate=1e-9, sample_every=50_000
            )
            q = w["traders"].q
            q[:] = 0.0
            for agent, code in enumerate(pair):
                q[agent::2, np.arange(5), moves_of(code)] = 1000.0
            w.run(steps=50_000, rollback=False)
            t = w["traders"]
            sim[pair] = (
                t.payoff_total[0::2].mean() / t.encounters[0],
                t.payoff_total[1::2].mean() / t.encounters[0],
            )
        rows.append(
            {
                "exploration": eps,
                "exact_6_6": exact66,
                "simulated_6_6": sim[6, 6][0],
                "exact_stealer_vs_6": exact_f6[0],
                "simulated_stealer_vs_6": sim[15, 6][0],
                "exact_6_vs_stealer": exact_f6[1],
                "simulated_6_vs_stealer": sim[15, 6][1],
            }
        )
    _save(pd.DataFrame(rows), "exploration")


def growth() -> None:
    """Experiment 2: a society growing from 2 to 1000 agents, one joining every 50 ticks."""
    frames = []
    for label, params in (
        ("memory 1, 3 partners", {"known_partners": 3}),
        ("memory 1, 1 partner", {"known_partners": 1}),
        ("memory 0", {"memory": 0}),
    ):
        w = sugar_spice(
            seed=5, experiment="growth", agents=1000, join_every=50, sample_every=1000, **params
        )
        df = w.run(steps=60_000, rollback=False).frame()
        df["setting"] = label
        frames.append(df)
    _save(pd.concat(frames).iloc[::10], "growth_every_10k")
    pd.concat(frames).to_csv(OUT / "growth.csv", index=False)


def growth_fast() -> None:
    """Experiment 2 with learning 10× faster (α = 0.1), one agent joining every 200 ticks."""
    frames = []
    for label, params in (
        ("memory 1, 3 partners, α=0.1", {"known_partners": 3}),
        ("memory 0, α=0.1", {"memory": 0}),
    ):
        w = sugar_spice(
            seed=6,
            experiment="growth",
            agents=1000,
            join_every=200,
            sample_every=2000,
            learning_rate=0.1,
            **params,
        )
        df = w.run(steps=220_000, rollback=False).frame()
        df["setting"] = label
        frames.append(df)
    _save(pd.concat(frames).iloc[::10], "growth_fast_every_20k")
    pd.concat(frames).to_csv(OUT / "growth_fast.csv", index=False)


def plots() -> None:
    """The figures, from the saved tables."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(10, 7), sharex=True)
    for row, (name, title) in enumerate(
        (
            ("growth", "α = 0.01, one agent joins every 50 ticks"),
            ("growth_fast", "α = 0.1, one agent joins every 200 ticks"),
        )
    ):
        data = pd.read_csv(OUT / f"{name}.csv")
        ax1, ax2 = axes[row]
        for label, df in data.groupby("setting"):
            ax1.plot(df["agents"], df["mean_payoff"], label=label)
            ax2.plot(df["agents"], df["trade_share"], label=label)
        ax1.set(ylabel="Ω / n (mean payoff per encounter)", title=title, ylim=(0.8, 3.2))
        ax2.set(ylabel="share of trades", title=title, ylim=(0, 1.05))
        ax1.legend(fontsize=8)
    for ax in axes[1]:
        ax.set(xlabel="society size n")
    fig.tight_layout()
    fig.savefig(OUT / "growth.png", dpi=100)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, (name, title) in zip(
        axes,
        (("attractors", "defaults (α = 0.01)"), ("attractors_fast", "α = 0.1")),
        strict=True,
    ):
        trace = np.load(OUT / f"{name}_trace.npy")
        t = np.arange(trace.shape[0]) * 10_000
        for pair, label in (
            (0xFF, "0xF/0xF always-steal"),
            (0x66, "0x6/0x6 seed table"),
            (0xEE, "0xE/0xE steal unless both traded"),
            (0x00, "0x0/0x0 always-trade"),
        ):
            ax.plot(t, (trace == pair).mean(axis=1), label=label)
        ax.set(xlabel="encounters", title=f"Experiment 1, 128 runs, {title}")
    axes[0].set(ylabel="share of societies")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(OUT / "attractors.png", dpi=100)


if __name__ == "__main__":
    stages = {
        "attractors": attractors,
        "initial": initial,
        "memory0": memory0,
        "exploration": exploration,
        "growth": growth,
        "growth_fast": growth_fast,
        "attractors_fast": attractors_fast,
        "tit_for_tat_fast": tit_for_tat_fast,
        "memory0_fast": memory0_fast,
        "plots": plots,
    }
    stages[sys.argv[1]]()
