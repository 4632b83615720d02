"""Machinery shared by the benchmark runner and the case modules.

A case module (``benchmarks/cases/<name>.py``) exposes:

- ``DESCRIPTION``: one line saying what the case measures;
- ``UNIT``: the throughput unit, e.g. ``"agent-steps/s"``;
- ``SIZES = {"quick": {...}, "full": {...}}``: the sizes handed to every implementation;
- ``work(sizes) -> float``: how many units of ``UNIT`` one run does at these sizes;
- ``IMPLEMENTATIONS``: a list of ``(name, run)`` pairs, where ``run(sizes, seed)`` returns the
  model's key statistic, or an :class:`Outcome` when it needs to say more, and raises
  :class:`Skip` when it cannot run here. Decorate ``run`` with :func:`needs` to name the
  packages it imports: they are imported before the clock starts (or the run is skipped).

Each repeat of each implementation runs in a fresh process started with multiprocessing's
``spawn`` method, so that imports, caches and memory of one run never leak into another.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import multiprocessing as mp
import platform
import resource
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
"""The project's shared folder (seed documents and the reference script), beside the repo."""

PACKAGES = ("numpy", "pandas", "scipy", "mesa", "simpy", "cadCAD", "dask", "npolitics")

MEMORY_METHOD = (
    "peak RSS (VmHWM) of the fresh process that ran the implementation, or of its largest"
    " child process if larger; includes the interpreter and imports"
)

Sizes = Mapping[str, Any]
Implementation = Callable[[Sizes, int], Any]


class Skip(Exception):  # noqa: N818 - it is a signal, not an error
    """Raised by an implementation that cannot run here; the message says why."""


@dataclass(frozen=True)
class Outcome:
    """What an implementation returns when its key statistic alone is not enough.

    ``work`` overrides the case's ``work(sizes)`` when this implementation does a different
    amount of work (e.g. one society where another runs 128). ``seconds`` replaces the
    harness' wall time when the implementation timed itself (e.g. inside a subprocess, so
    that a foreign interpreter's start-up is not charged to it); ``peak_mb`` likewise
    replaces the harness' peak RSS with one measured by that subprocess itself.
    """

    statistic: Any
    work: float | None = None
    seconds: float | None = None
    peak_mb: float | None = None


@dataclass(frozen=True)
class Case:
    """A benchmark case as loaded from its module."""

    name: str
    description: str
    unit: str
    sizes: Mapping[str, Sizes]
    work: Callable[[Sizes], float]
    implementations: list[tuple[str, Implementation]]


@dataclass(frozen=True)
class Run:
    """One repeat of one implementation, as measured in its own process."""

    status: str  # "ok", "skipped" or "error"
    detail: str = ""  # the skip reason or the traceback
    statistic: Any = None
    work: float | None = None
    seconds: float | None = None
    rss_before_mb: float | None = None
    peak_mb: float | None = None


def case_names() -> list[str]:
    """Names of all case modules, in alphabetical order."""
    folder = Path(__file__).parent / "cases"
    return sorted(p.stem for p in folder.glob("*.py") if not p.stem.startswith("_"))


def load_case(name: str) -> Case:
    """Import ``benchmarks.cases.<name>`` and read its interface (AttributeError if incomplete)."""
    module = importlib.import_module(f"benchmarks.cases.{name}")
    return Case(
        name=name,
        description=module.DESCRIPTION,
        unit=module.UNIT,
        sizes=module.SIZES,
        work=module.work,
        implementations=list(module.IMPLEMENTATIONS),
    )


def load_script(path: Path, module_name: str) -> ModuleType:
    """Import a stand-alone script (such as the shared reference or an example) as the module
    ``module_name``, once, or Skip. It is registered in ``sys.modules`` before it runs, so
    attrs and pickle find the classes it defines."""
    if module_name in sys.modules:
        return sys.modules[module_name]
    if not path.exists():
        raise Skip(f"{path} not found")
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def require(package: str) -> ModuleType:
    """Import an optional package, or Skip saying it is missing."""
    try:
        return importlib.import_module(package)
    except ImportError as exc:
        raise Skip(f"{package} not installed ({exc})") from exc


def needs(*packages: str) -> Callable[[Implementation], Implementation]:
    """Mark an implementation as importing ``packages``, so their import time is not timed."""

    def mark(implementation: Implementation) -> Implementation:
        implementation.needs = packages  # type: ignore[attr-defined]
        return implementation

    return mark


def warmed_by(warm_up: Callable[[], None]) -> Callable[[Implementation], Implementation]:
    """Mark an implementation as needing ``warm_up()`` before the clock starts.

    For one-off costs a user pays once per process, like an import: loading (or, the first
    time, compiling) numba kernels. The warm-up runs after the ``needs`` imports.
    """

    def mark(implementation: Implementation) -> Implementation:
        implementation.warm_up = warm_up  # type: ignore[attr-defined]
        return implementation

    return mark


def peak_rss_mb() -> float:
    """Peak RSS of this process, in MB.

    On Linux this is VmHWM from /proc: ``ru_maxrss`` would do, but a process started by fork
    and exec inherits its parent's RSS at the fork as its ``ru_maxrss``.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    scale = 1 / 1024**2 if sys.platform == "darwin" else 1 / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _peak_mb_with_children() -> float:
    """Peak RSS of this process or of its largest finished child (an upper bound for those)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return max(peak_rss_mb(), children)


def _run_in_child(case_name: str, name: str, sizes: Sizes, seed: int, conn: Any) -> None:
    """Body of the spawned process: run one implementation once and send back a Run.

    The implementation is found by name in the freshly imported case, so that a case module
    edited while the benchmark runs cannot make a row measure another implementation.
    """
    try:
        case = load_case(case_name)
        found = dict(case.implementations)
        if name not in found:
            raise LookupError(f"case {case_name!r} no longer lists {name!r}: edited mid-run?")
        implementation = found[name]
        for package in getattr(implementation, "needs", ()):
            require(package)
        warm_up = getattr(implementation, "warm_up", None)
        if warm_up is not None:
            warm_up()
        rss_before = peak_rss_mb()
        start = time.perf_counter()
        result = implementation(sizes, seed)
        seconds = time.perf_counter() - start
        outcome = result if isinstance(result, Outcome) else Outcome(result)
        run = Run(
            status="ok",
            statistic=outcome.statistic,
            work=outcome.work if outcome.work is not None else case.work(sizes),
            seconds=outcome.seconds if outcome.seconds is not None else seconds,
            rss_before_mb=rss_before,
            peak_mb=outcome.peak_mb if outcome.peak_mb is not None else _peak_mb_with_children(),
        )
    except Skip as exc:
        run = Run(status="skipped", detail=str(exc))
    except Exception:
        run = Run(status="error", detail=traceback.format_exc())
    conn.send(run)
    conn.close()


def measure(case_name: str, name: str, sizes: Sizes, seed: int) -> Run:
    """Run the implementation called ``name`` of a case once, in a fresh spawned process."""
    context = mp.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_run_in_child, args=(case_name, name, sizes, seed, sender))
    process.start()
    sender.close()
    try:
        run: Run = receiver.recv()
    except EOFError:
        run = Run(status="error", detail="the worker process died without reporting")
    process.join()
    return run


def machine_info() -> dict[str, Any]:
    """Where and when the figures were measured, for the JSON report."""
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": mp.cpu_count(),
        "python": sys.version,
        "packages": versions,
        "memory_method": MEMORY_METHOD,
    }


def jsonable(value: Any) -> Any:
    """``value`` if JSON can hold it, else its repr (statistics may be any object)."""
    try:
        json.dumps(value)
    except TypeError:
        return repr(value)
    return value


def statistic_text(value: Any) -> str:
    """A key statistic for a table: floats to 6 significant digits, dicts as key=value lists."""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dict):
        return ", ".join(f"{key}={statistic_text(item)}" for key, item in value.items())
    return str(value)
