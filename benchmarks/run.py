"""Run the benchmark cases and print one table per case.

    python benchmarks/run.py [--quick] [--json FILE] [--case NAME ...] [--repeats R] [--seed S]

A full run of every case (no --quick, no --case) also writes docs/benchmarks.md and its figure
through benchmarks/report.py, unless --no-docs.

Every repeat of every implementation runs in a fresh spawned process, and the repeats of a
case's implementations are interleaved (round r runs each once); the table shows the median
wall time over the repeats, the throughput at that median, the peak RSS and the key
statistic of the first repeat, and the time per unit of work relative to the reference
implementation: the fastest (per unit of work) of those whose name starts with "npolitics"
and that do the case's own amount of work, else of all npolitics ones, else the first one
that ran. For rows doing the case's own work, that ratio is simply their time ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._harness import (
    MEMORY_METHOD,
    REPO_ROOT,
    Case,
    Run,
    case_names,
    jsonable,
    load_case,
    machine_info,
    measure,
    statistic_text,
)

DEFAULT_JSON = REPO_ROOT / "benchmarks" / "out" / "full.json"
"""Where a full run of every case keeps its JSON when no --json is given (git-ignored)."""


@dataclass
class Row:
    """Summary of one implementation over its repeats."""

    name: str
    status: str
    detail: str = ""
    seconds: list[float] = field(default_factory=list)
    median_seconds: float | None = None
    work: float | None = None
    own_work: bool = True
    throughput: float | None = None
    peak_mb: float | None = None
    rss_before_mb: float | None = None
    statistic: Any = None
    ratio: float | None = None


def summarise(name: str, runs: list[Run], standard_work: float) -> Row:
    """Fold the repeats of one implementation into a Row (the first failure wins).

    ``standard_work`` is the case's ``work(sizes)``: a row whose implementation reported
    another amount (through ``Outcome.work``) is marked ``own_work=False``.
    """
    failed = next((run for run in runs if run.status != "ok"), None)
    if failed is not None:
        return Row(name=name, status=failed.status, detail=failed.detail)
    seconds = [run.seconds for run in runs if run.seconds is not None]
    median = statistics.median(seconds)
    work = runs[0].work
    return Row(
        name=name,
        status="ok",
        seconds=seconds,
        median_seconds=median,
        work=work,
        own_work=work == standard_work,
        throughput=work / median if work is not None and median > 0 else None,
        peak_mb=max(run.peak_mb for run in runs if run.peak_mb is not None),
        rss_before_mb=runs[0].rss_before_mb,
        statistic=jsonable(runs[0].statistic),
    )


def _seconds_per_work(row: Row) -> float:
    assert row.median_seconds is not None
    return row.median_seconds / row.work if row.work else row.median_seconds


def set_ratios(rows: list[Row]) -> str | None:
    """Set each row's ratio of time per unit of work to the reference row's; return its name.

    The reference is the fastest npolitics row doing the case's own work, else the fastest
    npolitics row, else the first row that ran.
    """
    timed = [row for row in rows if row.median_seconds]
    if not timed:
        return None
    ours = [row for row in timed if row.name.startswith("npolitics")]
    candidates = [row for row in ours if row.own_work] or ours
    reference = min(candidates, key=_seconds_per_work) if candidates else timed[0]
    for row in timed:
        row.ratio = _seconds_per_work(row) / _seconds_per_work(reference)
    return reference.name


def run_case(case: Case, mode: str, repeats: int, seed: int) -> list[Row]:
    """Measure every implementation of a case, printing progress to stderr.

    The repeats are interleaved: round r runs every implementation once, in order. The
    machine's speed drifts by tens of percent over minutes (a shared virtual machine), and
    running all repeats of one implementation before the next put that drift into the
    ratios; interleaved, it touches every implementation alike.
    """
    sizes = case.sizes[mode]
    runs: dict[str, list[Run]] = {name: [] for name, _ in case.implementations}
    for repeat in range(repeats):
        for name, done in runs.items():
            if done and done[-1].status != "ok":
                continue
            print(f"  {case.name}: {name} ({repeat + 1}/{repeats})", file=sys.stderr)
            done.append(measure(case.name, name, sizes, seed))
    return [summarise(name, done, case.work(sizes)) for name, done in runs.items()]


def _figure(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def format_table(case: Case, mode: str, rows: list[Row], reference: str | None) -> str:
    """The human-readable table of one case."""
    lines = [
        f"== {case.name} ({mode}): {case.description}",
        f"   sizes {dict(case.sizes[mode])}; ratio = time per {case.unit.removesuffix('/s')}"
        f" / that of {reference or 'nothing'!r}; * = its own amount of work",
        f"   {'implementation':<40} {'median s':>10} {case.unit:>20} {'peak MB':>8} {'ratio':>7}"
        "  key statistic",
    ]
    for row in rows:
        if row.status != "ok":
            reason = row.detail.strip().splitlines()[-1] if row.detail.strip() else ""
            lines.append(f"   {row.name:<40} {row.status}: {reason}")
            continue
        name = row.name if row.own_work else row.name + " *"
        lines.append(
            f"   {name:<40} {_figure(row.median_seconds, '10.3f')} "
            f"{_figure(row.throughput, '20,.0f' if (row.throughput or 0) >= 100 else '20.3g')} "
            f"{_figure(row.peak_mb, '8.1f')} "
            f"{_figure(row.ratio, '7.3g')}  {statistic_text(row.statistic)}"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and 1 repeat")
    parser.add_argument("--json", type=Path, help="write all figures and machine info here")
    parser.add_argument("--case", nargs="+", choices=case_names(), help="cases to run (all)")
    parser.add_argument("--repeats", type=int, help="repeats per implementation (full: 3)")
    parser.add_argument("--seed", type=int, default=1, help="seed handed to every run")
    parser.add_argument(
        "--no-docs",
        action="store_true",
        help="a full run of every case writes docs/benchmarks.md (and its JSON to "
        f"{DEFAULT_JSON.relative_to(REPO_ROOT)} unless --json); this skips that",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    mode = "quick" if args.quick else "full"
    repeats = args.repeats or (1 if args.quick else 3)
    report: dict[str, Any] = {"machine": machine_info(), "mode": mode, "repeats": repeats}
    report["cases"] = []
    print(f"memory: {MEMORY_METHOD}")
    print(f"time: median wall time (time.perf_counter) over {repeats} repeat(s)\n")
    for name in args.case or case_names():
        case = load_case(name)
        rows = run_case(case, mode, repeats, args.seed)
        reference = set_ratios(rows)
        load = os.getloadavg()  # other work on the machine during the case skews its times
        print(format_table(case, mode, rows, reference), flush=True)
        print(f"   load average after the case: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min)\n")
        report["cases"].append(
            {
                "name": name,
                "description": case.description,
                "unit": case.unit,
                "sizes": dict(case.sizes[mode]),
                "reference": reference,
                "load_average": list(load),
                "results": [asdict(row) for row in rows],
            }
        )
    complete = mode == "full" and not args.case and not args.no_docs
    path = args.json or (DEFAULT_JSON if complete else None)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {path}")
    if complete:
        from benchmarks import report as page

        page.write([path], page.DOCS / "benchmarks.md")
        print(f"wrote {page.DOCS / 'benchmarks.md'} and {page.FIGURE}")


if __name__ == "__main__":
    main()
