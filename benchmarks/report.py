"""Write docs/benchmarks.md (tables, goals, one figure) from the JSON of benchmark runs.

    python benchmarks/report.py benchmarks/out/full/*.json [--out docs/benchmarks.md]

Each JSON file is one ``benchmarks/run.py --json`` report; the cases of several files (for
example one file per case, when the cases were run one by one) are put together in the order
given. The page says where and when the figures were measured, with which versions, and
checks the project's goals (speed-ups of npolitics over each peer, and absolute throughputs)
against the figures. The figure (``docs/figures/benchmarks.png``) shows each case's
throughputs relative to its reference row.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._harness import statistic_text

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCS = REPO_ROOT / "docs"
FIGURE = DOCS / "figures" / "benchmarks.png"


@dataclass(frozen=True)
class Goal:
    """A goal: ``ours`` at least ``target`` times the throughput of ``peer`` in ``case``.

    Without ``peer``, ``target`` is an absolute throughput in the case's unit.
    """

    case: str
    ours: str
    peer: str | None
    target: float
    claim: str


GOALS = (
    Goal("ring", "npolitics scalar", "SimPy", 1.5, "per-agent scalar ≥ 1.5× SimPy"),
    Goal(
        "knowledge_office",
        "npolitics",
        "Mesa 3",
        15.0,
        "≥ 15× Mesa, the world written once, default run (compiled rules)",
    ),
    Goal("rosca_cadcad", "npolitics.cadcad", "cadCAD 0.5.3", 10.0, "≥ 10× cadCAD"),
    Goal("rosca_cadcad", "npolitics.cadcad", "radCAD 0.14", 3.0, "≥ 3× radCAD"),
    Goal(
        "rosca_cadcad",
        "npolitics.cadcad",
        "radCAD 0.14 deepcopy=False",
        1.0,
        "≥ 1× radCAD without copying",
    ),
    Goal(
        "rosca_cadcad",
        "npolitics.cadcad legacy_random=False",
        "cadCAD 0.5.3",
        10.0,
        "≥ 10× cadCAD (runs advancing together)",
    ),
    Goal(
        "rosca_cadcad",
        "npolitics.cadcad legacy_random=False",
        "radCAD 0.14",
        3.0,
        "≥ 3× radCAD (runs advancing together)",
    ),
    Goal(
        "rosca_cadcad",
        "npolitics.cadcad legacy_random=False",
        "radCAD 0.14 deepcopy=False",
        1.0,
        "≥ 1× radCAD without copying (runs advancing together)",
    ),
    Goal(
        "random_cadcad",
        "npolitics.cadcad",
        "cadCAD 0.5.3",
        8.0,
        "≥ 8× cadCAD, a model drawing from random and np.random, each run seeded as if alone",
    ),
    Goal(
        "knowledge_office_grand",
        "npolitics, 2 processes",
        "reference script",
        40.0,
        "≥ 40× the reference script (an Experiment on two processes, both at `steps`)",
    ),
    Goal(
        "knowledge_office_grand",
        "npolitics, full size",
        None,
        3 * 1000 * 10_000 / 11.5,
        "full run ≤ 11.5 s, as the hand-written compiled form (3 × 1000 workers × 10 000 steps)",
    ),
    Goal(
        "ring", "npolitics population, saturated", None, 20e6, "population ring ≥ 20 M messages/s"
    ),
    Goal("scaling", "npolitics processes ×2", "npolitics serial", 1.7, "2 processes ≥ 1.7× serial"),
    Goal(
        "scaling",
        "npolitics Dask LocalCluster ×2",
        "npolitics processes ×2",
        1 / 1.2,
        "Dask within 20 % of 2 processes (≥ 0.833×)",
    ),
)


def load(paths: Sequence[Path]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The machine records and the cases of several JSON reports, in order."""
    machines, cases = [], []
    for path in paths:
        report = json.loads(path.read_text())
        machines.append(report["machine"] | {"repeats": report["repeats"], "mode": report["mode"]})
        cases.extend(report["cases"])
    return machines, cases


def _rows(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in case["results"]}


def _number(value: float | None, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def _throughput(value: float | None) -> str:
    """Throughput with an SI suffix: 12.6 M, 98 k."""
    if value is None:
        return "–"
    for scale, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if value >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


def speedup(case: dict[str, Any], ours: str, peer: str) -> float | None:
    """How many times the throughput of ``peer`` the row ``ours`` reaches (None: not both ran)."""
    rows = _rows(case)
    a, b = rows.get(ours), rows.get(peer)
    if not a or not b or a["throughput"] is None or b["throughput"] is None:
        return None
    return float(a["throughput"] / b["throughput"])


def goal_rows(cases: list[dict[str, Any]]) -> list[str]:
    """The goals table: each claim, its measured figure and whether it is met."""
    by_name = {case["name"]: case for case in cases}
    lines = [
        "| case | goal | npolitics row | compared with | measured | met |",
        "|---|---|---|---|---|---|",
    ]
    for goal in GOALS:
        case = by_name.get(goal.case)
        if case is None:
            continue
        if goal.peer is None:
            row = _rows(case).get(goal.ours)
            value = None if row is None else row["throughput"]
            shown = f"{_throughput(value)} {case['unit']}"
        else:
            value = speedup(case, goal.ours, goal.peer)
            shown = "–" if value is None else f"{value:.3g}×"
        met = "–" if value is None else ("yes" if value >= goal.target else "**no**")
        peer = goal.peer or "absolute"
        lines.append(f"| {goal.case} | {goal.claim} | {goal.ours} | {peer} | {shown} | {met} |")
    lines += [
        "",
        "Ahead of every peer, case by case (best npolitics row against the best peer):",
        "",
    ]
    lines += ["| case | best npolitics row | best peer | speed-up |", "|---|---|---|---|"]
    for case in cases:
        ok = [r for r in case["results"] if r["throughput"] and r.get("own_work", True)]
        ours = [r for r in ok if r["name"].startswith("npolitics")]
        peers = [r for r in ok if not r["name"].startswith("npolitics")]
        if not ours or not peers:
            continue
        best = max(ours, key=lambda r: r["throughput"])
        rival = max(peers, key=lambda r: r["throughput"])
        lines.append(
            f"| {case['name']} | {best['name']} | {rival['name']} | "
            f"{best['throughput'] / rival['throughput']:.3g}× |"
        )
    return lines


def _load(case: dict[str, Any]) -> str:
    """The machine's load average after the case, when recorded (2 means 2 busy cores)."""
    load = case.get("load_average")
    if not load:
        return ""
    return f" Load average after the case: {load[0]:.1f} (1 min), {load[1]:.1f} (5 min)."


def case_table(case: dict[str, Any]) -> list[str]:
    """One case's section: description, sizes and the table of rows."""
    sizes = ", ".join(f"{key}={value:,}" for key, value in case["sizes"].items())
    lines = [
        f"### {case['name']}",
        "",
        f"{case['description']}. Sizes: {sizes}. Ratio: time per unit of work relative to "
        f"**{case['reference']}**; rows marked * do their own amount of work." + _load(case),
        "",
        f"| implementation | median s | {case['unit']} | peak MB | ratio | key statistic |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in case["results"]:
        name = row["name"] + ("" if row.get("own_work", True) else " *")
        if row["status"] != "ok":
            reason = row["detail"].strip().splitlines()[-1] if row["detail"].strip() else ""
            lines.append(f"| {name} | {row['status']}: {reason} | | | | |")
            continue
        lines.append(
            f"| {name} | {_number(row['median_seconds'], '.3f')} | "
            f"{_throughput(row['throughput'])} | {_number(row['peak_mb'], '.0f')} | "
            f"{_number(row['ratio'], '.3g')} | {statistic_text(row['statistic'])} |"
        )
    return [*lines, ""]


def machine_lines(machines: list[dict[str, Any]]) -> list[str]:
    """Where, when and with what the figures were measured."""
    first = machines[0]
    dates = sorted(m["date"] for m in machines)
    packages = ", ".join(f"{name} {version}" for name, version in first["packages"].items())
    python = first["python"].split()[0]
    return [
        f"- Measured {dates[0]}" + (f" to {dates[-1]}" if dates[-1] != dates[0] else "") + ".",
        f"- Machine: {first['platform']}, {first['processor']}, {first['cpu_count']} CPUs.",
        f"- Python {python}; {packages}; radCAD 0.14 in its own virtualenv.",
        f"- {first['repeats']} repeat(s) per implementation ({first['mode']} sizes), each in a "
        "fresh spawned process; time is the median wall time (`time.perf_counter`).",
        f"- Memory: {first['memory_method']}.",
    ]


def figure(cases: list[dict[str, Any]], path: Path) -> None:
    """One panel per case: each row's throughput relative to the case's reference (log x)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    shown = [c for c in cases if any(r["throughput"] for r in c["results"])]
    heights = [max(1, sum(1 for r in c["results"] if r["throughput"])) for c in shown]
    fig, axes = plt.subplots(
        len(shown),
        1,
        figsize=(7.5, 0.32 * sum(heights) + 0.55 * len(shown)),
        gridspec_kw={"height_ratios": heights},
        squeeze=False,
    )
    for ax, case in zip(axes[:, 0], shown, strict=True):
        rows = [r for r in case["results"] if r["throughput"]]
        names = [r["name"] + ("" if r.get("own_work", True) else " *") for r in rows]
        speed = [1.0 / r["ratio"] for r in rows]
        colours = ["#1f77b4" if n.startswith("npolitics") else "#aaaaaa" for n in names]
        # Bars grow from 1 (the reference) to the row's value, left when it is slower.
        ax.set_xscale("log")
        left = [min(v, 1.0) for v in speed]
        ax.barh(range(len(rows)), [abs(v - 1.0) for v in speed], left=left, color=colours)
        ax.scatter(speed, range(len(rows)), c=colours, s=12, zorder=3)
        ax.set_xlim(min([*speed, 1.0]) / 1.6, max([*speed, 1.0]) * 1.6)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_yticks(range(len(rows)), names, fontsize=7)
        ax.invert_yaxis()
        ax.axvline(1.0, color="black", linewidth=0.6)
        ax.set_title(
            f"{case['name']} ({case['unit']}, relative to {case['reference']})", fontsize=8
        )
        ax.tick_params(axis="x", labelsize=7)
    fig.supxlabel("throughput relative to the reference row (log scale; > 1 is faster)", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)


def render(machines: list[dict[str, Any]], cases: list[dict[str, Any]], figure_name: str) -> str:
    """The whole page."""
    lines = [
        "# Benchmarks",
        "",
        "npolitics beside the seed code, Mesa, SimPy, cadCAD and radCAD on the same models, "
        "the same sizes and seeds, measured in one invocation per case on one machine, so that "
        "the ratios hold even where the absolute times do not. This page is generated by "
        "`benchmarks/report.py` from the JSON of `benchmarks/run.py`; see "
        "`benchmarks/README.md` for what each case does and how it is measured.",
        "",
        *machine_lines(machines),
        "",
        "## Goals",
        "",
        "Speed-ups are ratios of throughput (work per second), so rows doing different amounts "
        "of work compare fairly.",
        "",
        *goal_rows(cases),
        "",
        "## Results",
        "",
        f"![Throughput of each implementation relative to its case's reference]({figure_name})",
        "",
    ]
    for case in cases:
        lines += case_table(case)
    return "\n".join(lines).rstrip() + "\n"


def write(paths: Sequence[Path], out: Path, figure_path: Path = FIGURE) -> None:
    """Write the page ``out`` and its figure from the JSON reports ``paths``."""
    machines, cases = load(paths)
    figure(cases, figure_path)
    relative = (
        figure_path.relative_to(out.parent)
        if figure_path.is_relative_to(out.parent)
        else figure_path
    )
    out.write_text(render(machines, cases, relative.as_posix()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", type=Path, nargs="+", help="reports of benchmarks/run.py --json")
    parser.add_argument("--out", type=Path, default=DOCS / "benchmarks.md")
    parser.add_argument("--figure", type=Path, default=FIGURE)
    args = parser.parse_args(argv)
    write(args.json, args.out, args.figure)
    print(f"wrote {args.out} and {args.figure}", file=sys.stderr)


if __name__ == "__main__":
    main()
