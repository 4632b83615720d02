"""Figures and numbers of docs/worlds/knowledge-office.md, made by the code.

    python docs/figures/knowledge_office.py [STAGE ...] [--quick] [--out DIR]
    python docs/figures/build.py --pages     # then the numbers into the page

Stages (default: figures), with their times on the shared 2-core machine:

* ``grand``: the grand experiment (1000 workers × 1000 facts per worker, 10 000 ticks), the
  three variants for seeds 1–5, each run's work rate per 100 ticks in
  ``knowledge_office/grand.csv`` (about 15 s of CPU per run, 4 minutes in all), and its
  figure ``ko_grand_1000x1000.png``; ``grand SEED ...`` re-runs some seeds, keeping the
  other seeds' rows;
* ``forgetting``: forgetful researchers (100 workers, 100 facts), set.pop forgetting
  (fidelity seed) against uniform (corrected), seeds 1–10 × 30 000 ticks: the mean work rate
  from tick 10 000 on, in ``knowledge_office/forgetting.csv`` (about 12 s of CPU per seed);
* ``figures``: the notebook's figures, from ``examples/knowledge_office.py``; the fidelity
  panels (seed against corrected with the notebook's settings: forgetful researchers, the
  pooled variants, a small grand experiment; each curve the mean of several seeds, smoothed)
  and the forgetful office's cycles (one run each, 50 000 ticks). ``--quick`` divides the
  notebook's and the fidelity runs' lengths by 10, as for the committed figures.

``make(quick=True)`` (``build.py --quick``) runs everything at a tiny size.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))  # _numbers, next to this file
EXAMPLE = HERE.parent.parent / "examples" / "knowledge_office.py"
OUT = HERE


def office(**params: Any) -> Any:
    """A knowledge office (npolitics is imported only when a script runs something)."""
    import npolitics as npl

    return npl.load_world("knowledge-office")(**params)


def pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig: Any, name: str) -> None:
    """Write figure ``fig`` to ``docs/figures/<name>`` and close it."""
    fig.tight_layout()
    path = OUT / name
    fig.savefig(path, dpi=100)
    pyplot().close(fig)
    print("wrote", path)


def mean_rate(runs: int, steps: int, **params: object) -> np.ndarray:
    """The work rate per tick, averaged over ``runs`` seeds."""
    return np.mean(
        [
            office(seed=s, **params).run(steps=steps, rollback=False).frame()["work_rate"]
            for s in range(runs)
        ],
        axis=0,
    )


def smooth(y: np.ndarray, window: int) -> np.ndarray:
    window = max(1, min(window, y.size))
    return np.convolve(y, np.ones(window), "valid") / window


def panel(ax: plt.Axes, title: str, curves: dict[str, np.ndarray], window: int) -> None:
    for label, y in curves.items():
        ax.plot(smooth(y, window), label=label, linewidth=1)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("Ticks")
    ax.set_ylabel("Work per worker")
    ax.legend(fontsize=8)


def fidelity(scale: int) -> None:
    """Seed against corrected: three panels."""
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    steps = 50_000 // scale
    panel(
        axes[0],
        "forgetful, 100 workers, 100 facts (4 seeds)",
        {
            fid: mean_rate(4, steps, variant="forgetful", fidelity=fid)
            for fid in ("seed", "corrected")
        },
        max(1, 1001 // scale),
    )
    steps = 10_000 // scale
    panel(
        axes[1],
        "pooled variants, 100 workers, 100 facts (8 seeds)",
        {
            f"{v} {fid}": mean_rate(8, steps, variant=v, fidelity=fid)
            for v in ("sociable", "database")
            for fid in ("seed", "corrected")
        },
        max(1, 201 // scale),
    )
    steps = 5_000 // scale
    panel(
        axes[2],
        "grand, 100 workers × 100 facts per worker (2 seeds)",
        {
            f"{v} {fid}": mean_rate(
                2, steps, variant=v, workers=100, facts_per_worker=100, fidelity=fid
            )
            for v in ("forgetful", "sociable", "database")
            for fid in ("seed", "corrected")
        },
        max(1, 201 // scale),
    )
    save(fig, "ko_fidelity.png")


def cycles(scale: int) -> None:
    """One run each of the forgetful office for 50 000 ticks: seed against corrected."""
    steps = 50_000 // scale
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.2))
    panel(
        ax,
        "forgetful, forget_rate=0.01, one run each, smoothed over 1001 ticks",
        {
            fid: mean_rate(1, steps, variant="forgetful", fidelity=fid)
            for fid in ("seed", "corrected")
        },
        max(1, 1001 // scale),
    )
    save(fig, "ko_forgetful_cycles.png")


DATA = HERE / "knowledge_office"
SPEED = HERE / "knowledge_office" / "speed.json"
"""A benchmark run of the page's two cases (measured by benchmarks/run.py, not by this
script: a quick run of the script reads it from here too)."""
GRAND_SEEDS = (1, 2, 3, 4, 5)
GRAND_STEPS = 10_000
TAIL = 2_000
FORGET_SEEDS = tuple(range(1, 11))
FORGET_STEPS, FORGET_FROM = 30_000, 10_000


def grand(
    seeds: tuple[int, ...] = GRAND_SEEDS,
    steps: int = GRAND_STEPS,
    workers: int = 1000,
    facts_per_worker: int = 1000,
) -> None:
    """The grand experiment (1000 workers × 1000 facts per worker), one run per seed and
    variant: the work rate averaged over every 100 ticks, in ``knowledge_office/grand.csv``."""
    rows = []
    if (DATA / "grand.csv").exists() and set(seeds) != set(GRAND_SEEDS):
        import pandas as pd

        kept = pd.read_csv(DATA / "grand.csv")
        rows = kept[~kept["seed"].isin(seeds)].to_dict("records")
    for seed in seeds:
        for variant in ("forgetful", "sociable", "database"):
            start = time.perf_counter()
            world = office(
                seed=seed, variant=variant, workers=workers, facts_per_worker=facts_per_worker
            )
            rate = world.run(steps=steps, rollback=False).frame()["work_rate"].to_numpy()
            blocks = rate[: rate.size // 100 * 100].reshape(-1, 100).mean(axis=1)
            rows += [
                {"seed": seed, "variant": variant, "t": 100 * (k + 1), "work_rate": r}
                for k, r in enumerate(blocks)
            ]
            print(f"grand seed {seed} {variant}: {time.perf_counter() - start:.0f} s", flush=True)
            _write(rows, "grand.csv")


def grand_figure() -> None:
    """``ko_grand_1000x1000.png`` from ``grand.csv``: every run thin, the mean over seeds bold."""
    import pandas as pd

    g = pd.read_csv(DATA / "grand.csv")
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for k, (variant, runs) in enumerate(g.groupby("variant", sort=False)):
        colour = f"C{k}"
        for _, run in runs.groupby("seed"):
            ax.plot(run["t"], run["work_rate"], color=colour, linewidth=0.5, alpha=0.5)
        mean = runs.groupby("t")["work_rate"].mean()
        ax.plot(mean.index, mean.to_numpy(), color=colour, linewidth=2, label=variant)
    ax.set_title(
        f"grand experiment, 1000 workers × 1000 facts per worker, {seeds_text(g['seed'])}",
        fontsize=10,
    )
    ax.set_xlabel("Ticks (mean over blocks of 100)")
    ax.set_ylabel("Work per worker")
    ax.legend(fontsize=8)
    save(fig, "ko_grand_1000x1000.png")


def seeds_text(values: object) -> str:
    from _numbers import seeds

    return seeds(values)


def forgetting(
    seeds: tuple[int, ...] = FORGET_SEEDS, steps: int = FORGET_STEPS, start: int = FORGET_FROM
) -> None:
    """Forgetful researchers (100 workers, 100 facts): set.pop (seed) against uniform
    (corrected) forgetting, paired by seed: the mean work rate from t = FORGET_FROM on."""
    rows = []
    for seed in seeds:
        row: dict[str, float] = {"seed": seed, "steps": steps, "from": start}
        for fidelity, column in (("seed", "set_pop"), ("corrected", "uniform")):
            world = office(seed=seed, variant="forgetful", fidelity=fidelity)
            frame = world.run(steps=steps, rollback=False).frame()
            row[column] = frame.loc[frame["t"] >= start, "work_rate"].mean()
        rows.append(row)
        print(row, flush=True)
        _write(rows, "forgetting.csv")


def _write(rows: list[dict[str, object]], name: str) -> None:
    import pandas as pd

    DATA.mkdir(exist_ok=True)
    pd.DataFrame(rows).to_csv(DATA / name, index=False, float_format="%.6g")


def notebook(scale: int) -> None:
    """The notebook's figures, drawn by the example script."""
    spec = importlib.util.spec_from_file_location("knowledge_office_example", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    example.main([str(OUT), f"--scale={scale}"])


def pool_last_acts(rate: float, workers: int = 100) -> float:
    """P(the last worker in the order acts in a tick), exactly, under the notebook's
    free-colleague pool (``run_experiment_v2``, index order).

    Going through the order, everyone before position i has acted or been asked, so the free
    colleagues are the free workers after i, and each ask removes one of them uniformly: given
    that k of the n − i workers from i on are free, each of them is free with probability
    k / (n − i). So the number still free is a Markov chain, followed here exactly.
    """
    p = np.zeros(workers + 1)  # p[k] = P(k of the workers from position i on are free)
    p[workers] = 1.0
    for i in range(workers - 1):
        k = np.arange(workers + 1)
        free = k / (workers - i)  # P(position i is free | k)
        ask = np.where(k >= 2, rate, 0.0)  # it asks someone later (there is someone free)
        q = np.zeros_like(p)
        q[:workers] += (p * free * (1 - ask))[1:]  # acts alone: k - 1
        q[: workers - 1] += (p * free * ask)[2:]  # acts and asks: k - 2
        q += p * (1 - free)  # was asked earlier: k
        p = q
    return float(p[1])


def figures(scale: int) -> None:
    """The notebook's figures and the fidelity panels at 1/scale of their lengths; the
    cycles figure at full length unless ``scale`` > 10."""
    cycles(scale if scale > 10 else 1)
    fidelity(scale)
    notebook(scale)


def make(quick: bool = False) -> None:
    """Every output of the page: ``grand.csv``, ``forgetting.csv`` and the figures."""
    global OUT
    if quick:
        OUT = DATA
        grand(seeds=(1, 2), steps=200, workers=100, facts_per_worker=100)
        forgetting(seeds=(1, 2), steps=300, start=100)
    else:
        grand()
        forgetting()
    grand_figure()
    figures(500 if quick else 10)


def numbers() -> dict[str, str]:
    """The page's numbers, from ``knowledge_office/*.csv`` (no simulation but the pool's)."""
    import pandas as pd
    from _numbers import mean_se, num, pct, sci, seeds

    out: dict[str, str] = {}
    g = pd.read_csv(DATA / "grand.csv")
    steps = int(g["t"].max())
    tails: dict[str, list[float]] = {}
    finals: dict[str, list[float]] = {}
    crossings: dict[str, list[float]] = {}
    for (variant, _), run in g.groupby(["variant", "seed"], sort=False):
        tails.setdefault(variant, []).append(run.loc[run["t"] > steps - TAIL, "work_rate"].mean())
        finals.setdefault(variant, []).append(run["work_rate"].iloc[-1])
        above = run.loc[run["work_rate"] >= 0.1, "t"]
        crossings.setdefault(variant, []).append(above.iloc[0] - 100 if len(above) else np.nan)
    n = g["seed"].nunique()
    who = seeds(g["seed"].unique())

    def small(values: list[float]) -> str:
        x = np.asarray(values)
        if x.size < 2 or not x.mean() > 0:
            return f"{x.mean():.2g}"
        return f"{sci(x.mean())} ± {sci(x.std(ddof=1) / np.sqrt(x.size))}"

    def when(variant: str) -> str:
        cross = np.asarray(crossings[variant])
        reached = cross[~np.isnan(cross)]
        if reached.size == 0:
            return "never"
        se = reached.std(ddof=1) / np.sqrt(reached.size) if reached.size > 1 else np.nan
        text = f"{num(reached.mean())} ± {num(se)}" if reached.size > 1 else num(reached[0])
        return text if reached.size == n else f"{text} ({reached.size} of {n} runs)"

    rows = [
        f"| variant | mean work rate, last {num(TAIL)} ticks | last 100 ticks "
        "| the rate first reaches 0.1 in the 100 ticks from | range of the means, last "
        f"{num(TAIL)} ticks |",
        "|---|---|---|---|---|",
    ]

    def ms(values: list[float]) -> str:
        return mean_se(values) if np.mean(values) >= 0.0005 else small(values)

    def value(x: float) -> str:
        return f"{x:.3f}" if x >= 0.0005 or x <= 0 else sci(x)

    rows += [
        f"| {v} | {ms(tails[v])} | {ms(finals[v])} | {when(v)} "
        f"| {value(min(tails[v]))}–{value(max(tails[v]))} |"
        for v in tails
    ]
    rows.append(f"\nMean ± standard error over {n} runs, {who} (`knowledge_office/grand.csv`).")
    out["grand-table"] = "\n".join(rows)
    out["grand-final"] = (
        f"its work rates over the last 100 ticks ({who}, mean ± s.e.): forgetful "
        f"{ms(finals['forgetful'])}, sociable {mean_se(finals['sociable'])}, "
        f"database {mean_se(finals['database'])}"
    )
    out["grand-found"] = (
        f"a forgetful worker alone does essentially no work in {num(steps)} ticks "
        f"(mean work rate over the last {num(TAIL)} ticks {small(tails['forgetful'])}), "
        "while the sociable and database offices gather the few small facts found by anyone and "
        f"take off (mean work rate over the last {num(TAIL)} ticks {mean_se(tails['sociable'])} "
        f"and {mean_se(tails['database'])}; the rate first reaches 0.1 in the 100 ticks from "
        f"{when('sociable')} and {when('database')}; {n} runs each, {who}; table below)"
    )
    f = pd.read_csv(DATA / "forgetting.csv")
    diff = f["set_pop"] - f["uniform"]
    start, end = int(f["from"].iloc[0]), int(f["steps"].iloc[0])
    up = f["set_pop"].mean() / f["uniform"].mean() - 1
    se = diff.std(ddof=1) / np.sqrt(len(diff))
    measured = (
        f"(mean work rate over ticks {num(start)}–{num(end)}: `set.pop` "
        f"{mean_se(f['set_pop'])}, uniform {mean_se(f['uniform'])}, paired difference "
        f"{mean_se(diff)}, {int((diff > 0).sum())} of {len(f)} pairs higher with `set.pop`; "
        f"{len(f)} runs each, {seeds(f['seed'])}; `knowledge_office/forgetting.csv`)"
    )
    if abs(diff.mean()) < 2 * se:
        out["forgetting"] = (
            f"around a mean that differs from `set.pop`'s by less than two standard errors "
            f"{measured}"
        )
    else:
        lower = diff.mean() > 0
        out["forgetting"] = (
            f"around a mean {pct(abs(diff.mean()) / f['set_pop'].mean())} "
            f"{'lower' if lower else 'higher'} than with `set.pop` {measured}.\n"
            "  So `set.pop` does not only make the output wave, it "
            f"{'raises' if lower else 'lowers'} it: the notebook's forgetful office does about "
            f"{pct(abs(up))} {'more' if lower else 'less'} work than one whose workers forget "
            "a fact chosen at random"
        )
    last = {rate: pool_last_acts(rate) for rate in (0.1, 0.9)}
    out["pool-last"] = (
        f"the last worker acts in {100 * last[0.1]:.1f} % of ticks at `socialise_rate=0.1` "
        f"({100 * last[0.9]:.1f} % at 0.9; 100 workers; exact, from the pool's law)"
    )
    facts = 10**6
    p = [_beta_cdf((k + 1) / facts) - _beta_cdf(k / facts) for k in (0, 99)]
    out["rare-any"] = f"{sci(_beta_cdf(100 / facts), 2)}"
    out["rare-facts"] = (
        f"a research turn finds a given fact k < 100 with probability {sci(p[1])} (k = 99) "
        f"to {sci(p[0])} (k = 0)"
    )
    out.update(speed())
    return out


def speed() -> dict[str, str]:
    """The speed table and the researcher's ratio, from the benchmark run kept in
    ``knowledge_office/speed.json`` (``python benchmarks/run.py --case knowledge_office
    knowledge_office_grand --no-docs --json docs/figures/knowledge_office/speed.json``)."""
    report = json.loads(SPEED.read_text())
    cases = {c["name"]: c for c in report["cases"]}
    when = f"{report['machine']['date'][:16].replace('T', ' ')} UTC"
    grand = cases["knowledge_office_grand"]
    rows = {r["name"]: r for r in grand["results"]}
    ref = rows["reference script"]
    full = rows["npolitics, full size"]
    load = grand["load_average"][0]

    def ratio(row: dict[str, object]) -> str:
        return f"{float(ref['median_seconds']) / float(row['median_seconds']):.1f}×"  # type: ignore[arg-type]

    table = [
        "| implementation | 300 steps | ratio to the reference | full size, 10 000 steps "
        "| peak memory |",
        "|---|---|---|---|---|",
        f"| reference script (`run_v2`) | {ref['median_seconds']:.2f} s | 1 | not run (stopped "
        f"unfinished after 360 s CPU, holding 2.3 GB, in an earlier session) "
        f"| {ref['peak_mb']:.0f} MB |",
        f"| npolitics (one process, three worlds one after the other) "
        f"| {rows['npolitics']['median_seconds']:.3f} s | {ratio(rows['npolitics'])} | "
        f"| {rows['npolitics']['peak_mb']:.0f} MB |",
        f"| npolitics, 2 processes (an `Experiment` over the variants) "
        f"| {rows['npolitics, 2 processes']['median_seconds']:.3f} s "
        f"| **{ratio(rows['npolitics, 2 processes'])}** | {full['median_seconds']:.2f} s "
        f"| {rows['npolitics, 2 processes']['peak_mb']:.0f} MB (full size: "
        f"{full['peak_mb']:.0f} MB) |",
        "",
        f"Measured {when}, median of {report['repeats']} (each in a fresh process), load "
        f"average {load:.1f} after the case; `knowledge_office/speed.json`.",
    ]
    office = cases["knowledge_office"]
    r = {row["name"]: row for row in office["results"]}
    ours, mesa = r["npolitics"]["median_seconds"], r["Mesa 3"]["median_seconds"]
    return {
        "speed-grand": "\n".join(table),
        "speed-researcher": (
            f"{mesa / ours:.1f}× Mesa 3 ({ours:.3f} s against {mesa:.3f} s, median of "
            f"{report['repeats']}, {when}; interpreted, the same rules take "
            f"{r['npolitics interpreted']['median_seconds']:.1f} s)"
        ),
    }


def _beta_cdf(x: float) -> float:
    """Beta(0.8, 2)'s CDF, (a + 1)·x^a − a·x^(a + 1)."""
    return float(1.8 * x**0.8 - 0.8 * x**1.8)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--out" in sys.argv:
        OUT = Path(args.pop(args.index(sys.argv[sys.argv.index("--out") + 1])))
        OUT.mkdir(parents=True, exist_ok=True)
    seeds = tuple(int(a) for a in args if a.isdigit())
    for stage in [a for a in args if not a.isdigit()] or ["figures"]:
        if stage == "grand":
            grand(seeds or GRAND_SEEDS)
            grand_figure()
        elif stage == "forgetting":
            forgetting()
        elif stage == "figures":
            figures(10 if "--quick" in sys.argv else 1)
        else:
            sys.exit(__doc__)
