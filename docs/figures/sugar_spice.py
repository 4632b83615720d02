"""Data, figures and numbers of docs/worlds/sugar-spice.md.

    python docs/figures/sugar_spice.py STAGE ...   # re-run stages: tables in sugar_spice/
    python docs/figures/sugar_spice.py plots       # figures from the saved tables
    python docs/figures/build.py --pages           # the numbers into the page

Stages and their CPU time on the shared 2-core project machine, rules compiled (numba's
cache warm; the first compile of a world adds ≈ 15–40 s): attractors 21 s,
attractors_fast 18 s, tit_for_tat_fast 5 s, initial 5 s, memory0 3 s, memory0_fast < 1 s,
exploration 26 s, zero_memory_q 1 s, growth_seeds 2.5 min, growth_fast_seeds 9 min,
census 2.5 min (about 16 min in all). Interpreted runs (no numba) give
the same tables, about 100 times slower. Every run has a fixed seed, so the tables are
reproducible bit for bit.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from worlds.sugar_spice import (
    evaluate,
    find_attractors,
    fixed_points,
    long_run_payoff,
    moves_of,
    sugar_spice,
)

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))  # _numbers, next to this file
DATA = HERE / "sugar_spice"
SCALE = 1
"""Every run length and count is divided by SCALE (100 in ``make(quick=True)``)."""
CHECK = 10_000
"""Encounters between two looks at the societies' pairs (100 in ``make(quick=True)``)."""


def _n(x: int, least: int = 2) -> int:
    return max(least, x // SCALE)


def _save(df: pd.DataFrame, name: str) -> None:
    DATA.mkdir(exist_ok=True)
    df.to_csv(DATA / f"{name}.csv", index=False)
    print(f"--- {name}\n{df.to_string(index=False)}", flush=True)


def attractors(runs: int = 128, encounters: int = 2_000_000) -> None:
    """Experiment 1 from scratch: the pairs reached, and how long pairs stay unchanged."""
    runs, encounters = _n(runs), _n(encounters, 2 * CHECK)
    df = find_attractors(
        memory=1,
        runs=runs,
        seed=1,
        window=_n(1_000_000, CHECK),
        max_encounters=encounters,
        min_encounters=encounters,
        trace=True,
        check_every=CHECK,
    )
    _save(df, "attractors")
    _save(df.attrs["runs"], "attractors_runs")
    trace = df.attrs["trace"]  # (checks + 1, runs), one check per 10⁴ encounters
    np.save(DATA / "attractors_trace.npy", trace)
    _save(_stability(trace, CHECK), "stability")


def attractors_fast(initial: tuple[int, int] | None = None) -> None:
    """Experiment 1 from scratch with learning 10× faster (α = 0.1): 128 runs × 2·10⁶."""
    name = "attractors_fast" if initial is None else "tit_for_tat_fast"
    df = find_attractors(
        memory=1,
        runs=_n(128 if initial is None else 32),
        seed=7,
        initial=initial,
        window=_n(1_000_000, CHECK),
        max_encounters=_n(2_000_000, 2 * CHECK),
        min_encounters=_n(2_000_000, 2 * CHECK),
        learning_rate=0.1,
        trace=True,
        check_every=CHECK,
    )
    _save(df, name)
    np.save(DATA / f"{name}_trace.npy", df.attrs["trace"])


def tit_for_tat_fast() -> None:
    """Mutual tit-for-tat with α = 0.1: 32 runs × 2·10⁶ encounters."""
    attractors_fast((0xA, 0xA))


def _stability(trace: np.ndarray, step: int) -> pd.DataFrame:
    """For each window W: of the runs whose pair was once unchanged for W, the share whose
    pair changed again before the end."""
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
        encounters = _n(encounters, CHECK)
        df = find_attractors(
            memory=1,
            runs=_n(runs),
            seed=2,
            initial=pair,
            window=encounters,
            max_encounters=encounters,
            check_every=CHECK,
        )
        rows += [
            {
                "initial": f"0x{pair[0]:X}/0x{pair[1]:X}",
                "policy_a": f"0x{r.policy_a:X}",
                "policy_b": f"0x{r.policy_b:X}",
                "count": r.count,
                "mean_wellbeing": r.mean_wellbeing,
                "encounters": encounters,
            }
            for r in df.itertuples()
        ]
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
            runs=_n(16),
            seed=3,
            window=_n(100_000, CHECK),
            max_encounters=_n(300_000, CHECK),
            min_encounters=_n(300_000, CHECK),
            check_every=CHECK,
            **params,
        )
        rows += [
            {
                "setting": label,
                "policy_a": r.policy_a,
                "policy_b": r.policy_b,
                "count": r.count,
                "mean_wellbeing": r.mean_wellbeing,
            }
            for r in df.itertuples()
        ]
    _save(pd.DataFrame(rows), "memory0")


def memory0_fast() -> None:
    """Zero-memory couples with learning 10× faster (α = 0.1), as in the growth runs."""
    df = find_attractors(
        memory=0,
        runs=_n(16),
        seed=3,
        window=_n(50_000, CHECK),
        max_encounters=_n(200_000, CHECK),
        min_encounters=_n(200_000, CHECK),
        check_every=CHECK,
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
            steps = _n(50_000, 100)
            w = sugar_spice(
                seed=4, societies=_n(64), exploration=eps, learning_rate=1e-9, sample_every=steps
            )
            q = w["traders"].q
            q[:] = 0.0
            for agent, code in enumerate(pair):
                q[agent::2, np.arange(5), moves_of(code)] = 1000.0
            w.run(steps=steps, rollback=False)
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


def zero_memory_q() -> None:
    """The Q-values of a zero-memory world of 4 couples at 2.5·10⁴ and 1.5·10⁵ encounters."""
    world = sugar_spice(seed=3, societies=4, memory=0, sample_every=10**6)
    rows = []
    done = 0
    for t in (_n(25_000, 100), _n(150_000, 200)):
        world.run(steps=t - done, rollback=False)
        done = t
        q = world["traders"].q[:, 4, :]  # a zero-memory agent's one state: state 4 (stranger)
        rows += [
            {"t": t, "agent": a, "q_trade": q[a, 0], "q_steal": q[a, 1]} for a in range(len(q))
        ]
    _save(pd.DataFrame(rows), "zero_memory_q")


def census() -> None:
    """Experiment 1 at every learning default over 2·10⁷ encounters: 100 societies."""
    start = time.process_time()
    df = find_attractors(
        memory=1,
        runs=_n(100),
        seed=1,
        max_encounters=_n(20_000_000, 2 * CHECK),
        min_encounters=_n(20_000_000, 2 * CHECK),
        check_every=CHECK,
    )
    print(f"census: {time.process_time() - start:.0f} s CPU", flush=True)
    _save(df, "census")
    _save(df.attrs["runs"], "census_runs")


GROWTH_SEEDS = tuple(range(1, 11))


def _growth_seeds(
    name: str,
    settings: tuple[tuple[str, dict[str, Any], tuple[int, ...]], ...],
    steps: int,
    **params: Any,
) -> None:
    """One growing society per setting and seed; every run's frame in ``name.csv``."""
    frames = []
    for label, extra, seeds in settings:
        for seed in seeds[: _n(len(seeds), 1)]:
            start = time.process_time()
            world = sugar_spice(seed=seed, experiment="growth", **params, **extra)
            frame = world.run(steps=steps, rollback=False).frame()
            frame["setting"] = label
            frame["seed"] = seed
            frames.append(frame)
            print(
                f"{name} {label} seed {seed}: {time.process_time() - start:.0f} s CPU", flush=True
            )
            DATA.mkdir(exist_ok=True)
            pd.concat(frames).to_csv(DATA / f"{name}.csv", index=False, float_format="%.6g")


def growth_seeds() -> None:
    """Experiment 2 at the defaults (α = 0.01, one agent per 50 ticks, 6·10⁴ ticks)."""
    _growth_seeds(
        "growth_seeds",
        (
            ("memory 1, 3 partners", {"known_partners": 3}, GROWTH_SEEDS[:3]),
            ("memory 1, 1 partner", {"known_partners": 1}, GROWTH_SEEDS[:3]),
            ("memory 0", {"memory": 0}, GROWTH_SEEDS[:3]),
        ),
        steps=_n(60_000, 600),
        agents=_n(1000, 10),
        join_every=50,
        sample_every=_n(1000, 100),
    )


def growth_fast_seeds() -> None:
    """Experiment 2 with α = 0.1, one agent per 200 ticks (2.2·10⁵ ticks): ten seeds with
    memory, three without."""
    _growth_seeds(
        "growth_fast_seeds",
        (
            ("memory 1, 3 partners, α=0.1", {"known_partners": 3}, GROWTH_SEEDS),
            ("memory 0, α=0.1", {"memory": 0}, GROWTH_SEEDS[:3]),
        ),
        steps=_n(220_000, 2200),
        agents=_n(1000, 10),
        join_every=200,
        sample_every=_n(2000, 200),
        learning_rate=0.1,
    )


def plots() -> None:
    """The figures, from the saved tables: every run thin, the mean over seeds bold."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(10, 7), sharex=True)
    for row, (name, title) in enumerate(
        (
            ("growth_seeds", "α = 0.01, one agent joins every 50 ticks"),
            ("growth_fast_seeds", "α = 0.1, one agent joins every 200 ticks"),
        )
    ):
        data = pd.read_csv(DATA / f"{name}.csv")
        ax1, ax2 = axes[row]
        for k, (label, df) in enumerate(data.groupby("setting", sort=False)):
            colour = f"C{k}"
            for _, run in df.groupby("seed"):
                ax1.plot(run["agents"], run["mean_payoff"], color=colour, lw=0.5, alpha=0.4)
                ax2.plot(run["agents"], run["trade_share"], color=colour, lw=0.5, alpha=0.4)
            mean = df.groupby("t")[["agents", "mean_payoff", "trade_share"]].mean()
            runs = df["seed"].nunique()
            ax1.plot(
                mean["agents"], mean["mean_payoff"], color=colour, label=f"{label} ({runs} runs)"
            )
            ax2.plot(mean["agents"], mean["trade_share"], color=colour)
        ax1.set(ylabel="Ω / n (mean payoff per encounter)", title=title, ylim=(0.8, 3.2))
        ax2.set(ylabel="share of trades", title=title, ylim=(0, 1.05))
        ax1.legend(fontsize=8)
    for ax in axes[1]:
        ax.set(xlabel="society size n")
    fig.tight_layout()
    fig.savefig(DATA / "growth.png", dpi=100)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, (name, title) in zip(
        axes,
        (("attractors", "defaults (α = 0.01)"), ("attractors_fast", "α = 0.1")),
        strict=True,
    ):
        trace = np.load(DATA / f"{name}_trace.npy")
        t = np.arange(trace.shape[0]) * CHECK
        for pair, label in (
            (0xFF, "0xF/0xF always-steal"),
            (0x66, "0x6/0x6 seed table"),
            (0xEE, "0xE/0xE steal unless both traded"),
            (0x00, "0x0/0x0 always-trade"),
        ):
            ax.plot(t, (trace == pair).mean(axis=1), label=label)
        ax.set(xlabel="encounters", title=f"Experiment 1, {trace.shape[1]} runs, {title}")
    axes[0].set(ylabel="share of societies")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(DATA / "attractors.png", dpi=100)
    plt.close(fig)


STAGES = {
    "attractors": attractors,
    "attractors_fast": attractors_fast,
    "tit_for_tat_fast": tit_for_tat_fast,
    "initial": initial,
    "memory0": memory0,
    "memory0_fast": memory0_fast,
    "exploration": exploration,
    "zero_memory_q": zero_memory_q,
    "growth_seeds": growth_seeds,
    "growth_fast_seeds": growth_fast_seeds,
    "census": census,
    "plots": plots,
}


def make(quick: bool = False) -> None:
    """Every stage, then the figures (≈ 16 min of CPU; ``quick``: ≈ 15 s)."""
    global SCALE, CHECK
    SCALE, CHECK = (100, 100) if quick else (1, 10_000)
    for stage in STAGES.values():
        stage()


EPSILONS = (0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.001)
LONG_RUN = (0xF, 0xE, 0x6, 0xA, 0x0)


def _pair(a: int, b: int) -> str:
    return f"0x{a:X}/0x{b:X}"


def _share(k: int, n: int) -> str:
    """``k of n (p ± s.e. %)``: a count and its binomial standard error."""
    p = k / n
    return f"{k} of {n} ({100 * p:.0f} ± {100 * np.sqrt(p * (1 - p) / n):.0f} %)"


def _sci(x: float) -> str:
    """2·10⁶, 1.6·10⁶: encounters as the page writes them."""
    if not x > 0:
        return f"{x:g}"
    exp = int(np.floor(np.log10(x)))
    mant = x / 10**exp
    sup = str(exp).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))
    return f"10{sup}" if round(mant, 1) == 1 else f"{mant:.2g}·10{sup}"


def _weighted(rows: pd.DataFrame) -> float:
    """The mean payoff of the runs counted by ``rows`` (NaN for none)."""
    runs = rows["count"].sum()
    return float((rows["mean_wellbeing"] * rows["count"]).sum() / runs) if runs else np.nan


def _census_rows(df: pd.DataFrame) -> list[str]:
    rows = [
        "| policy a | policy b | settled | runs | mean payoff (window) | last change (mean) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    rows += [
        f"| 0x{r.policy_a:X} | 0x{r.policy_b:X} | {'yes' if r.settled else 'no'} | {r.count} "
        f"| {r.mean_wellbeing:.3f} | {_sci(r.mean_last_change) if r.mean_last_change else 0} |"
        for r in df.itertuples()
    ]
    return rows


def numbers() -> dict[str, str]:
    """The page's numbers: exact ones computed now, simulated ones from ``sugar_spice/``."""
    from _numbers import mean_se, pct, seeds

    out: dict[str, str] = {}
    # Exact analysis.
    by_eps: dict[tuple[tuple[int, int], ...], list[float]] = {}
    for eps in EPSILONS:
        by_eps.setdefault(tuple(fixed_points(exploration=eps)), []).append(eps)
    out["fixed-points"] = "\n".join(
        ["| ε | fixed points |", "| --- | --- |"]
        + [
            f"| {', '.join(f'{e:g}' for e in eps)} | {', '.join(_pair(*f) for f in fps)} |"
            for fps, eps in by_eps.items()
        ]
    )
    half, third = (" and ".join(_pair(*f) for f in fixed_points(discount=d)) for d in (0.5, 0.3))
    out["discount"] = f"with γ = 0.5 only {half} are fixed points, with γ = 0.3 only {third}"
    out["long-run"] = ", ".join(
        f"{_pair(c, c)} {long_run_payoff(c, c, exploration=0.01)[0]:.3f}" for c in LONG_RUN
    )
    qa, _ = evaluate(0xE, 0xE)
    steals = moves_of(0xE).astype(bool)[:4]
    out["margin-e"] = f"{(qa[:4, 1] - qa[:4, 0])[steals].mean():.2f}"
    qa, _ = evaluate(0xA, 0xA)
    steals = moves_of(0xA).astype(bool)[:4]
    out["margin-tft"] = f"{(qa[:4, 0] - qa[:4, 1])[steals].mean():.0f}"
    q = pd.read_csv(DATA / "zero_memory_q.csv")
    q["gap"] = q["q_trade"] - q["q_steal"]
    early, late = (q[q["t"] == t].set_index("agent") for t in sorted(q["t"].unique()))
    trading = late.index[late["gap"] > 0]
    stealing = late.index[late["gap"] <= 0]
    out["zero-memory-q"] = (
        f"{len(trading)} of its {len(late)} agents trading at {_sci(late['t'].iloc[0])} "
        f"encounters) Q(trade) − Q(steal) of the trading agents shrank from "
        f"{early.loc[trading, 'gap'].min():.0f}–{early.loc[trading, 'gap'].max():.0f} at "
        f"{_sci(early['t'].iloc[0])} encounters to {late.loc[trading, 'gap'].min():.2f}–"
        f"{late.loc[trading, 'gap'].max():.2f} at {_sci(late['t'].iloc[0])}, "
        + (
            f"while the stealing agents had Q ≈ ({late.loc[stealing, 'q_trade'].mean():.0f}, "
            f"{late.loc[stealing, 'q_steal'].mean():.0f}), the true fixed point"
            if len(stealing)
            else "and no agent had reached the true fixed point"
        )
    )
    # Experiment 1 from scratch, α = 0.01.
    df = pd.read_csv(DATA / "attractors.csv")
    trace = np.load(DATA / "attractors_trace.npy")
    runs = trace.shape[1]
    encounters = (trace.shape[0] - 1) * CHECK
    out["exp1-table"] = "\n".join(_census_rows(df))
    at00 = int((trace[-1] == 0).sum())
    out["exp1-summary"] = (
        f"{_share(at00, runs)} societies are at always-trade/always-trade (0x0/0x0) after "
        f"{_sci(encounters)} encounters, and {int((trace == 0).all(axis=0).sum())} of them never "
        f"left it ({int(((trace[:-1] == 0) & (trace[1:] != 0)).any(axis=0).sum())} of {runs} "
        "left 0x0/0x0 at some check)"
    )
    # α = 0.1.
    fast = pd.read_csv(DATA / "attractors_fast.csv")
    fast_trace = np.load(DATA / "attractors_fast_trace.npy")
    n_fast = fast_trace.shape[1]
    fast["pair"] = [_pair(a, b) for a, b in zip(fast["policy_a"], fast["policy_b"], strict=True)]
    grouped = fast.groupby("pair", sort=False).agg(
        runs=("count", "sum"),
        settled=("count", lambda c: c[fast.loc[c.index, "settled"]].sum()),
        low=("mean_wellbeing", "min"),
        high=("mean_wellbeing", "max"),
    )
    grouped = grouped.astype({"runs": int, "settled": int})
    grouped = grouped.sort_values("runs", ascending=False, kind="stable")
    main_rows = grouped[grouped["runs"] >= 2]
    rest = grouped[grouped["runs"] < 2]
    rows = [
        "| pair at 2·10⁶ encounters | runs | of which unchanged for the last 10⁶ "
        "| mean payoff (last 10⁶) |",
        "| --- | --- | --- | --- |",
    ]
    rows += [
        f"| {r.Index} | {r.runs} | {r.settled} | {r.low:.3f}–{r.high:.3f} |"
        if r.low != r.high
        else f"| {r.Index} | {r.runs} | {r.settled} | {r.low:.3f} |"
        for r in main_rows.itertuples()
    ]
    if len(rest):
        rows.append(
            f"| {len(rest)} other pairs ({', '.join(rest.index)}), one run each | {len(rest)} "
            f"| {int(rest['settled'].sum())} | {rest['low'].min():.3f}–{rest['high'].max():.3f} |"
        )
    out["fast-table"] = "\n".join(rows)
    six = fast[(fast["policy_a"] == 6) & (fast["policy_b"] == 6)]
    n66 = int(six["count"].sum())
    moving = six[~six["settled"]]
    out["fast-summary"] = (
        f"{_share(n66, n_fast)} of the societies arrive at the seed's table, 0x6/0x6; "
        f"{'none' if 0xFF not in set(fast_trace[-1]) else int((fast_trace[-1] == 0xFF).sum())} "
        "at always-steal"
    )
    out["fast-moving"] = (
        "a 0x6/0x6 society that had moved within the last 10⁶ encounters last changed at "
        f"{_sci(float(moving['mean_last_change'].mean()))} encounters on average"
        if len(moving)
        else "no 0x6/0x6 society had moved within the last 10⁶ encounters"
    )
    out["fast-count"] = f"{n66} of {n_fast}"
    out["fast-percent"] = f"{100 * n66 / n_fast:.0f} %"
    share00 = (fast_trace == 0).mean(axis=1)
    below = [int(np.argmax(share00 < x)) for x in (0.5, 0.1)]
    out["fast-transient"] = (
        f"the share of societies at always-trade (0x0/0x0), {pct(share00[0])} at the start, falls "
        f"below half after {_sci(below[0] * CHECK)} and below 10 % after "
        f"{_sci(below[1] * CHECK)} encounters"
    )
    st = pd.read_csv(DATA / "stability.csv")
    out["stability"] = "\n".join(
        [
            "| W | runs that reached W unchanged | changed later (within 2·10⁶) |",
            "| --- | --- | --- |",
        ]
        + [
            f"| {_sci(r.window)} | {r.runs_settled} | {r.changed_later} "
            f"({100 * r.share_changed_later:.1f} %) |"
            for r in st.itertuples()
        ]
    )
    out["stability-last"] = f"{100 * st['share_changed_later'].iloc[-1]:.1f} %"
    # Zero memory.
    m0 = pd.read_csv(DATA / "memory0.csv")
    m0_fast = pd.read_csv(DATA / "memory0_fast.csv")
    m0_fast["setting"] = "α = 0.1 (`memory0_fast`, 2·10⁵ encounters)"
    rows = [
        "| setting | trade/trade | mixed | steal/steal | mean payoff |",
        "| --- | --- | --- | --- | --- |",
    ]
    for setting, part in pd.concat([m0, m0_fast]).groupby("setting", sort=False):
        kind = part["policy_a"] + part["policy_b"]  # 0 trade/trade, 1 mixed, 2 steal/steal
        counts = [int(part.loc[kind == k, "count"].sum()) for k in (0, 1, 2)]
        pay = []
        for k, name in ((0, "trade/trade"), (2, "steal/steal")):
            x = part.loc[kind == k, "mean_wellbeing"]
            if len(x):
                value = (
                    f"{x.min():.2f}"
                    if round(x.min(), 2) == round(x.max(), 2)
                    else (f"{x.min():.2f}–{x.max():.2f}")
                )
                pay.append(f"{value} ({name})")
        label = setting.replace(
            "ε: 1 → 0, half-life 10⁵", "**ε from 1, halving every 10⁵ encounters**"
        )
        cells = " | ".join(str(c) for c in counts)
        rows.append(f"| {label} | {cells} | {', '.join(pay)} |")
    out["memory0-table"] = "\n".join(rows)
    decaying = m0[m0["setting"].str.startswith("ε: 1")]
    steal16 = int(decaying.loc[decaying["policy_a"] + decaying["policy_b"] == 2, "count"].sum())
    out["memory0-decay"] = f"{steal16} of {int(decaying['count'].sum())}"
    trade_fast = int(m0_fast.loc[m0_fast["policy_a"] + m0_fast["policy_b"] == 0, "count"].sum())
    out["memory0-fast"] = f"{trade_fast} of {int(m0_fast['count'].sum())}"
    # From given pairs.
    init = pd.read_csv(DATA / "from_initial.csv")
    init["pair"] = init["policy_a"] + "/" + init["policy_b"]
    init["total"] = init["mean_wellbeing"] * init["count"]

    def start(pair: str) -> tuple[pd.Series, pd.Series, int]:
        """Runs started at ``pair``: the count per final pair (most first), the mean payoff
        per final pair, and the number of runs."""
        part = init[init["initial"] == pair].groupby("pair", sort=False)[["count", "total"]].sum()
        part = part.sort_values("count", ascending=False, kind="stable")
        return part["count"], part["total"] / part["count"], int(part["count"].sum())

    def rest(counts: pd.Series, but: str, word: str) -> str:
        others = counts.drop(but, errors="ignore")
        return ", ".join(f"{k} {word} {p}" for p, k in others.items()) or "none elsewhere"

    def mean_pay(pair: str) -> float:
        part = init[init["initial"] == pair]
        return float(part["total"].sum() / part["count"].sum())

    counts, pay, n = start("0xF/0xF")
    out["init-ff"] = (
        f"{counts.get('0xF/0xF', 0)} of {n} runs stayed at 0xF/0xF for 2·10⁵ encounters "
        f"(mean payoff {pay.get('0xF/0xF', np.nan):.3f}; exact "
        f"{long_run_payoff(15, 15, exploration=0.01)[0]:.3f} at ε = 0.01)"
    )
    counts, pay, n = start("0x6/0x6")
    out["init-66"] = (
        f"{counts.get('0x6/0x6', 0)} of {n} runs stayed for 2·10⁵ encounters "
        f"(payoff {pay.get('0x6/0x6', np.nan):.3f})"
    )
    counts, pay, n = start("0xE/0xE")
    out["init-ee"] = (
        f"{counts.get('0x6/0x6', 0)} of {n} runs moved to 0x6/0x6 within 2·10⁵ encounters "
        f"(payoff over the window {pay.get('0x6/0x6', np.nan):.2f}, rising towards "
        f"{long_run_payoff(6, 6, exploration=0.01)[0]:.2f}), {rest(counts, '0x6/0x6', 'at')}"
    )
    out["init-ee-short"] = f"{counts.get('0x6/0x6', 0)} of {n}"
    counts, pay, n = start("0xF/0x6")
    out["init-f6"] = (
        f"{counts.get('0xF/0xF', 0)} of {n} runs were at 0xF/0xF and the rest were scattered "
        f"over {len(counts.drop('0xF/0xF', errors='ignore'))} other pairs (mean payoff of all "
        f"{n} ≈ {mean_pay('0xF/0x6'):.2f})"
    )
    counts, pay, n = start("0xA/0xA")
    out["init-aa"] = (
        f"**{counts.get('0x0/0x0', 0)} of {n} runs were at always-trade/always-trade "
        f"(0x0/0x0)** and {rest(counts, '0x0/0x0', 'at')}; payoff over the window "
        f"{mean_pay('0xA/0xA'):.2f}"
    )
    tft = pd.read_csv(DATA / "tit_for_tat_fast.csv")
    tft["pair"] = [_pair(a, b) for a, b in zip(tft["policy_a"], tft["policy_b"], strict=True)]
    by = tft.groupby("pair", sort=False)["count"].sum()
    n = int(by.sum())
    six = tft[tft["pair"] == "0x6/0x6"]
    out["tft-fast"] = (
        f"**{int(by.get('0x6/0x6', 0))} of {n} mutual tit-for-tat societies end at 0x6/0x6** "
        f"(payoff {_weighted(six):.2f}); "
        "the rest at " + (", ".join(by.drop("0x6/0x6", errors="ignore").index) or "none")
    )
    ex = pd.read_csv(DATA / "exploration.csv")
    out["exploration"] = "\n".join(
        [
            "| ε | 0x6/0x6 exact | simulated | 0xF vs 0x6: stealer exact | simulated "
            "| 0x6 agent exact | simulated |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        + [
            f"| {r.exploration:g} | {r.exact_6_6:.4f} | {r.simulated_6_6:.4f} "
            f"| {r.exact_stealer_vs_6:.4f} | {r.simulated_stealer_vs_6:.4f} "
            f"| {r.exact_6_vs_stealer:.4f} | {r.simulated_6_vs_stealer:.4f} |"
            for r in ex.itertuples()
        ]
    )
    # Experiment 2.
    out.update(_growth_numbers(mean_se, seeds))
    out.update(_census_numbers())
    return out


def _growth_numbers(mean_se: Any, seeds: Any) -> dict[str, str]:
    out = {}
    g = pd.read_csv(DATA / "growth_seeds.csv")
    end = g[g["t"] == g["t"].max()]
    parts = []
    for setting, part in end.groupby("setting", sort=False):
        parts.append(
            f"{setting}: Ω/n {mean_se(part['mean_payoff'], 2)}, trades "
            f"{mean_se(100 * part['trade_share'], 0)} %"
        )
    runs = end.groupby("setting")["seed"].nunique()
    out["growth-default"] = (
        f"at n = {int(end['agents'].max())} ({'; '.join(parts)}; {runs.iloc[0]} runs each, "
        f"{seeds(end['seed'].unique())})"
    )
    g = pd.read_csv(DATA / "growth_fast_seeds.csv")
    mem1 = g[g["setting"].str.startswith("memory 1")]
    mem0 = g[g["setting"].str.startswith("memory 0")]

    def at(frame: pd.DataFrame, n: int) -> pd.DataFrame:
        """Each run's first sample with at least n agents (the last for n = the maximum)."""
        if n >= frame["agents"].max():
            return frame[frame["t"] == frame["t"].max()]
        return frame[frame["agents"] >= n].groupby("seed").head(1)

    end0 = at(mem0, 10**6)
    out["growth-mem0"] = (
        f"trade share at n = {int(end0['agents'].max())}: "
        f"{mean_se(100 * end0['trade_share'], 2)} % ({len(end0)} runs)"
    )
    collapse = [
        part.loc[part["trade_share"] < 0.1, "agents"].min() for _, part in mem0.groupby("seed")
    ]
    top = int(mem1["agents"].max())
    sizes = (top // 10, top // 2, top)
    share = {n: at(mem1, n)["trade_share"] for n in sizes}
    pay = {n: at(mem1, n)["mean_payoff"] for n in sizes}
    last = share[top]
    out["growth-fast"] = (
        f"the zero-memory society collapses to stealing by the time it has "
        f"{mean_se(collapse, 0)} members (first sample with a trade share below 10 %; at "
        f"n = {top} Ω/n = {mean_se(end0['mean_payoff'], 3)}, trades "
        f"{mean_se(100 * end0['trade_share'], 2)} %; {len(end0)} runs, "
        f"{seeds(end0['seed'])}), while the memory-1 society with 3 remembered partners keeps "
        "trading but less and less as it grows: trade share "
        + ", ".join(f"{mean_se(share[n], 2)} at n = {n}" for n in sizes)
        + f" (Ω/n {mean_se(pay[sizes[0]], 2)} → {mean_se(pay[top], 2)}; {len(last)} runs, "
        f"{seeds(at(mem1, top)['seed'])}).\n"
        f"  The runs differ: at n = {top} the trade share ranges from {last.min():.2f} to "
        f"{last.max():.2f}, and "
        + (
            f"{int((last < 0.5).sum())} of {len(last)} societies trade in fewer than half of "
            "their encounters"
            if (last < 0.5).any()
            else "every one of them still trades in more than half of its encounters"
        )
    )
    return out


if __name__ == "__main__":
    for stage in sys.argv[1:] or ["--help"]:
        if stage not in STAGES:
            sys.exit(__doc__)
        start = time.process_time()
        STAGES[stage]()
        print(f"=== {stage}: {time.process_time() - start:.0f} s CPU", flush=True)


def _census_numbers() -> dict[str, str]:
    """The census at the defaults (stage ``census``)."""
    df = pd.read_csv(DATA / "census.csv")
    runs = int(df["count"].sum())
    six = df[(df["policy_a"] == 6) & (df["policy_b"] == 6)]
    n66 = int(six["count"].sum())
    steal = int(df.loc[(df["policy_a"] == 15) & (df["policy_b"] == 15), "count"].sum())
    return {
        "census-table": "\n".join(_census_rows(df)),
        "census-summary": (
            f"**At the defaults, {_share(n66, runs)} societies reach the seed's table 0x6/0x6** "
            f"({int(six.loc[six['settled'], 'count'].sum())} settled by the 5·10⁶ window), "
            f"{steal or 'none'} always-steal; the mean payoff of the 0x6/0x6 societies "
            f"{_weighted(six):.3f} against the exact stationary value "
            f"{long_run_payoff(6, 6, exploration=0.01)[0]:.4f} at ε = 0.01"
        ),
        "census-percent": f"{100 * n66 / runs:.0f} %",
        "census-count": f"{n66} of {runs}",
    }
