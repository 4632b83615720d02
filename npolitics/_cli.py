"""The ``npolitics`` command: list worlds, run experiments, show saved results.

    npolitics worlds [WORLD ...]
    npolitics run WORLD -p key=value ... --steps N | --until T --seed S --runs R
                  [--backend B] [--workers K] [--out FILE.parquet|.csv] [--plot FILE.png]
    npolitics show FILE [--plot FILE.png]
    npolitics serve [WORLD ...] [--port 8765] [--host 127.0.0.1]

A WORLD is a registered name (``knowledge-office``) or ``module:attribute`` naming a
WorldSpec. A comma list (``-p workers=10,100``) sweeps a parameter. Bad input prints one line
on stderr and exits with status 2 (a run that would cost more than ``NPOLITICS_MAX_MEMORY``,
``NPOLITICS_MAX_INSTANTS`` or ``NPOLITICS_MAX_WORKERS`` allow is bad input, refused before it
starts); a world that fails while it runs prints one line and exits with status 1; Ctrl-C
keeps the finished runs in the output file (marked partial) and exits with status 130, SIGTERM
likewise with status 143. No traceback is shown unless ``NPOLITICS_TRACEBACK=1``.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import ipaddress
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from ._backends import BackendError, WorkerLostError, check_backend
from ._errors import (
    HandlerError,
    InvariantError,
    NpoliticsError,
    StalledError,
    StopConditionError,
    WellbeingError,
)
from ._experiment import Experiment, ExperimentInterrupted, resolve_world
from ._limits import MEMORY
from ._registry import WorldSpec, world_names
from ._results_file import ResultsFileError
from ._signals import terminate_as_interrupt
from ._sweep_results import ExperimentResults

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
_RESULT_SUFFIXES = (".parquet", ".csv")
_PLOT_SUFFIXES = (".png", ".pdf", ".svg", ".jpg", ".jpeg")


class UsageError(Exception):
    """Bad command-line input: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _parser() -> argparse.ArgumentParser:
    top = _Parser(prog="npolitics", description="A laboratory for numerical politics.")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)

    worlds = sub.add_parser("worlds", help="list worlds, their parameters and channels")
    worlds.add_argument("names", nargs="*", metavar="WORLD", help="only these (or module:attr)")

    run = sub.add_parser("run", help=_RUN_HELP, description=_RUN_HELP)
    _run_arguments(run)

    show = sub.add_parser("show", help="summary (and plot) of saved results")
    show.add_argument("file", metavar="FILE", help="a .parquet or .csv file written by run")
    _output_options(show, out=False)

    serve = sub.add_parser("serve", help="the live dashboard in your browser")
    serve.add_argument("names", nargs="*", metavar="WORLD", help="only these (default: all)")
    serve.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    serve.add_argument(
        "--host",
        default=LOOPBACK,
        help=f"address to listen on (default {LOOPBACK}, this machine only; another address "
        "lets other machines drive it, with a warning)",
    )
    return top


_RUN_HELP = "run an experiment: parameter sweep × Monte Carlo runs"


def _run_arguments(run: argparse.ArgumentParser) -> None:
    """The options of ``npolitics run`` (``run WORLD --help`` adds the world's parameters)."""
    run.add_argument("world", metavar="WORLD", help="a world name, or module:attribute")
    run.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter value; a comma list sweeps it (repeatable)",
    )
    horizon = run.add_mutually_exclusive_group(required=True)
    horizon.add_argument(
        "--steps",
        type=int,
        metavar="N",
        help="N ticks per run: t = 0 … N-1 (the same as --until N-1); the last is sampled",
    )
    horizon.add_argument(
        "--until",
        type=float,
        metavar="T",
        help="run each run through time T inclusive, which is sampled",
    )
    run.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    run.add_argument("--runs", type=int, default=1, help="Monte Carlo runs per point")
    run.add_argument(
        "--backend",
        default=None,
        help="serial, processes, dask, or a Dask scheduler address tcp://host:port",
    )
    run.add_argument("--workers", type=int, default=None, help="processes or Dask workers")
    run.add_argument(
        "--timeout", type=float, default=10.0, help="seconds to reach a Dask scheduler"
    )
    run.add_argument("--keep", default=None, help="comma list of metrics to keep (default all)")
    run.add_argument(
        "--sample-every",
        type=float,
        default=None,
        metavar="T",
        help="time between samples (default: the world's; every tick for a world with a "
        "clock, each run's first and last instants for one without)",
    )
    run.add_argument(
        "--stop",
        default=None,
        metavar="COND",
        help="end each run at the first instant where COND holds: 'metric OP number' "
        "(OP one of <, <=, >, >=; e.g. 'score>=0.99', or 'omega>100') or module:function "
        "(default: the world's own condition, if any)",
    )
    run.add_argument(
        "--common-random-numbers",
        action="store_true",
        help="run r of every parameter point gets the same seed (paired comparisons)",
    )
    strategy = run.add_mutually_exclusive_group()
    strategy.add_argument(
        "--compiled",
        dest="compiled",
        action="store_true",
        default=None,
        help="run compiled channels through numba (default when numba is installed)",
    )
    strategy.add_argument(
        "--interpreted",
        dest="compiled",
        action="store_false",
        help="run compiled channels as plain Python (same seeds, same results; slower)",
    )
    _output_options(run)
    run.add_argument("--quiet", action="store_true", help="no progress bar")


def _output_options(parser: argparse.ArgumentParser, *, out: bool = True) -> None:
    if out:
        parser.add_argument("--out", default=None, help="write results to .parquet or .csv")
    parser.add_argument("--plot", default=None, help="draw the metric to this image file")
    parser.add_argument(
        "--metric", default=None, help="metric to plot (default: the world's headline, or Ω)"
    )
    parser.add_argument("--by", default=None, help="swept parameter: one line per value")
    parser.add_argument(
        "--smooth", type=_window, default=None, help="rolling-mean window (samples, ≥ 1)"
    )


#: The longest rolling-mean window: more samples than any run records (pandas needs a C long).
MAX_WINDOW = 10**9


def _window(text: str) -> int:
    """A ``--smooth`` window: an integer from 1 to :data:`MAX_WINDOW`."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if not 1 <= value <= MAX_WINDOW:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_WINDOW}, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0; 1 when a world fails while it runs;
    2 for bad input; 130 for Ctrl-C; 143 for SIGTERM)."""
    # ``module:attribute`` worlds are found from the current directory, as with ``python -m``
    # (a console script's sys.path starts at its own folder instead).
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        argv = list(sys.argv[1:] if argv is None else argv)
        if _asks_world_help(argv):
            return _world_help(argv[1])
        args = _parser().parse_args(argv)
        command = {"worlds": _worlds, "run": _run, "show": _show, "serve": _serve}[args.command]
        return command(args)
    except UsageError as exc:
        print(f"npolitics: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except _WORLD_FAILED as exc:
        print(f"npolitics: the world failed: {_line(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except WorkerLostError as exc:
        print(f"npolitics: a run failed: {_line(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except NpoliticsError as exc:  # raised once the run started, e.g. a point's cost
        print(f"npolitics: error: {_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("npolitics: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `npolitics worlds | head`: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except MemoryError as exc:  # numpy's _ArrayMemoryError too: an estimate fell short
        print(
            f"npolitics: the world failed: out of memory ({_line(exc) or 'MemoryError'}); "
            f"{MEMORY} limits what runs may take",
            file=sys.stderr,
        )
        return EXIT_FAILED
    except Exception as exc:  # a bug (ours or a world's): one line, unless asked for more
        if os.environ.get("NPOLITICS_TRACEBACK"):
            raise
        print(
            f"npolitics: the world failed: {type(exc).__name__}: {_line(exc)} "
            "(set NPOLITICS_TRACEBACK=1 to see where)",
            file=sys.stderr,
        )
        return EXIT_FAILED


#: Errors of a world while it runs (not of the input): exit status 1.
_WORLD_FAILED = (HandlerError, InvariantError, WellbeingError, StopConditionError, StalledError)


def _line(exc: BaseException) -> str:
    """An error's message on one line (a multi-line message is joined with " / ")."""
    return " / ".join(part.strip() for part in str(exc).splitlines() if part.strip())


# -- worlds ------------------------------------------------------------------------------


def _asks_world_help(argv: list[str]) -> bool:
    """``npolitics run WORLD --help``: the help of ``run`` for that world."""
    return (
        len(argv) >= 3
        and argv[0] == "run"
        and not argv[1].startswith("-")
        and bool({"-h", "--help"} & set(argv[2:]))
    )


def _world_help(name: str) -> int:
    """The ``run`` options, then what ``-p`` takes for world ``name``: its parameters (type,
    default, range, help), groups, channels and metrics."""
    try:
        resolve_world(name)
    except NpoliticsError as exc:
        raise UsageError(str(exc)) from None
    run = _Parser(prog="npolitics run", description=_RUN_HELP)
    _run_arguments(run)
    print(run.format_help())
    print(f"what -p key=value sets for world {name!r}:")
    print("\n".join(_describe_world(name)))
    return 0


def _worlds(args: argparse.Namespace) -> int:
    names = args.names or world_names()
    if not names:
        print("no worlds registered (entry-point group npolitics.worlds)")
    for name in names:
        print("\n".join(_describe_world(name)))
        print()
    return 0


def _describe_world(name: str) -> list[str]:
    try:
        spec = resolve_world(name)
    except Exception as exc:  # a broken third-party world must not hide the others
        return [f"{name}", f"  cannot be loaded: {type(exc).__name__}: {exc}"]
    lines = [name]
    if spec.description:
        lines += [f"  {line}".rstrip() for line in inspect.cleandoc(spec.description).splitlines()]
    lines.append("  parameters:")
    for p in spec.parameters():
        allowed = p.info.describe()
        extra = f" ({allowed})" if allowed != "any value" else ""
        help_ = f" — {p.info.help}" if p.info.help else ""
        lines.append(f"    {p.name}: {p.type} = {p.default!r}{extra}{help_}")
    try:
        world = spec._assemble(0, {})  # what it declares: its rules need not compile
    except Exception as exc:  # same: report it and go on
        lines.append(f"  default world cannot be built: {type(exc).__name__}: {exc}")
        return lines
    lines.append("  groups (default parameters):")
    for group, info in world.describe().items():
        lines.append(f"    {group}: {info['size']} × {info['type']} ({info['kind']})")
        for channel, c in info["channels"].items():
            fields = ", ".join(c["fields"])
            lines.append(f"      channel {channel}: {c['accepts']}({fields})")
    lines.append(f"  metrics: {', '.join(world.metrics) or 'none'} (and omega)")
    return lines


# -- run ---------------------------------------------------------------------------------


def _stoppable(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """``command`` with SIGTERM acting as Ctrl-C, so that what it started (process pools,
    Dask clusters) is closed and the finished runs are kept; it then exits with 143.

    An exception group holding one error (trio's, from ``serve``) is that error, so Ctrl-C
    on the dashboard is the usual one-line ``interrupted``, not a group's traceback.
    """

    @functools.wraps(command)
    def stoppable(args: argparse.Namespace) -> int:
        with terminate_as_interrupt() as stop:
            try:
                try:
                    status = command(args)
                except BaseExceptionGroup as group:
                    raise _only_error(group) from None
            except KeyboardInterrupt:
                if stop.received is None:
                    raise
                print("npolitics: stopped by SIGTERM", file=sys.stderr)
                return stop.exit_status()
        return stop.exit_status() if status == EXIT_INTERRUPTED else status

    return stoppable


def _only_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The one error in ``group`` (nested or not), or its interrupt if it holds one."""
    leaves: list[BaseException] = []
    todo: list[BaseException] = [group]
    while todo:
        error = todo.pop()
        if isinstance(error, BaseExceptionGroup):
            todo.extend(error.exceptions)
        else:
            leaves.append(error)
    interrupts = [e for e in leaves if isinstance(e, KeyboardInterrupt)]
    if interrupts:  # Ctrl-C wins: whatever else failed, the user asked to stop
        return interrupts[0]
    return leaves[0] if len(leaves) == 1 else group


@_stoppable
def _run(args: argparse.Namespace) -> int:
    try:
        exp = _experiment(args)
        metric = _plot_metric(args.metric, exp.metrics(), exp.headline())
        if args.by is not None and args.by not in exp.swept:
            raise UsageError(
                f"--by {args.by!r} is not a swept parameter; swept: "
                f"{', '.join(exp.swept) or 'none'}"
            )
        out = _writable(args.out, _RESULT_SUFFIXES, "--out") if args.out else None
        plot = _writable(args.plot, _PLOT_SUFFIXES, "--plot") if args.plot else None
        if plot is not None:
            _need("matplotlib", "plot")
        if out is not None and out.suffix == ".parquet":
            _need("pyarrow", "parquet")
        if args.backend is not None:
            check_backend(args.backend)
        if args.workers is not None and args.workers < 1:
            raise UsageError(f"--workers must be ≥ 1, got {args.workers}")
        # What every run would cost (memory, samples, instants, workers), before any starts.
        exp.check(args.backend, workers=args.workers, timeout=args.timeout)
    except (NpoliticsError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    interrupted = False
    try:
        res = exp.run(args.backend, workers=args.workers, quiet=args.quiet, timeout=args.timeout)
    except ExperimentInterrupted as exc:
        res, interrupted = exc.results, True
    except WorkerLostError:
        raise  # the run failed, not the input: exit 1
    except BackendError as exc:
        raise UsageError(str(exc)) from None
    _print_summary(res)
    if out is not None:
        try:
            res.save(out)
        except OSError as exc:
            raise UsageError(f"cannot write {str(out)!r}: {exc.strerror}") from None
        print(f"wrote {res.done} runs to {out}")
    if plot is not None and res.done:
        res.plot(metric, by=args.by, smooth=args.smooth, path=plot)
        print(f"wrote plot of {metric} to {plot}")
    if interrupted:
        print(f"npolitics: interrupted after {res.done} of {res.expected} runs", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


def _experiment(args: argparse.Namespace) -> Experiment:
    spec = resolve_world(args.world)
    params = _parse_params(spec, args.param)
    keep = None if args.keep is None else [k for k in args.keep.split(",") if k]
    return Experiment(
        args.world,
        params,
        runs=args.runs,
        steps=args.steps,
        until=args.until,
        seed=args.seed,
        keep=keep,
        sample_every=args.sample_every,
        common_random_numbers=args.common_random_numbers,
        stop=args.stop,
        compiled=args.compiled,
    )


def _parse_params(spec: WorldSpec[Any], items: Sequence[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"-p wants key=value, got {item!r}")
        param = spec.parameter(key)
        # A comma list sweeps; a parameter of no simple type gets its text whole.
        texts = text.split(",") if param.type != "any" else [text]
        values = [param.parse(v.strip()) for v in texts]
        params[key] = values if len(values) > 1 else values[0]
    return params


def _plot_metric(asked: str | None, metrics: Sequence[str], headline: str) -> str:
    if asked is None:
        return headline
    if asked not in ("omega", *metrics):
        raise UsageError(f"--metric {asked!r} is not kept; choose from omega, {', '.join(metrics)}")
    return asked


def _writable(text: str, suffixes: Sequence[str], option: str) -> Path:
    path = Path(text)
    if path.suffix.lower() not in suffixes:
        raise UsageError(f"{option} {text!r} must end in {' or '.join(suffixes)}")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if not folder.is_dir():
            raise UsageError(f"{option} {text!r}: folder {str(folder)!r} does not exist")
        existed = path.exists()
        with open(path, "a"):  # os.access says yes to root even where writing fails: try it
            pass
        if not existed:
            path.unlink()
    except OSError as exc:  # a name too long, a folder we may not look into, …
        raise UsageError(f"{option} {text!r} is not writable: {exc.strerror or exc}") from None
    return path


def _need(module: str, extra: str) -> None:
    try:
        __import__(module)
    except ImportError:
        raise UsageError(f"this needs {module}: pip install 'npolitics[{extra}]'") from None


def _print_summary(res: ExperimentResults) -> None:
    if not res.done:
        print(f"{res.description.get('world_name')}: no run finished")
        return
    table = res.summary()
    names = ("omega", *res.metrics)
    header = [*res.swept, "runs", *names]
    rows = []
    for row in table.to_dict("records"):
        cells = [str(row[k]) for k in res.swept] + [str(row["runs"])]
        cells += [_pm(row[f"{n}_mean"], row[f"{n}_ci"]) for n in names]
        rows.append(cells)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    world = res.description.get("world_name")
    ends = res.final()["t"]
    at = f"t={_fmt(ends.max())}"
    if ends.min() != ends.max():  # runs that stopped where the world's condition held
        at = f"t={_fmt(ends.min())}…{_fmt(ends.max())}"
    print(f"{world}: values at each run's last instant ({at}), mean ± 95 % CI over runs")
    stop = res.description.get("stop_name")
    if stop is not None:
        stopped = res.stops()["stopped"]
        print(f"stop condition {stop}: held in {int(stopped.sum())} of {len(stopped)} runs")
    print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
    for cells in rows:
        print("  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)))
    d = res.description
    if "world_sample_every" in d and d["world_sample_every"] is None and not d["sample_every"]:
        print(
            f"{world} has no clock: each run was sampled at its first and last instants only; "
            "--sample-every T samples every T as well"
        )


def _fmt(x: float) -> str:
    return "nan" if isinstance(x, float) and math.isnan(x) else f"{x:.4g}"


def _pm(mean: float, ci: float) -> str:
    return _fmt(mean) if math.isnan(ci) else f"{_fmt(mean)} ± {ci:.2g}"


# -- show --------------------------------------------------------------------------------


def _show(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"no such file: {args.file!r}")
    try:
        res = ExperimentResults.load(path)  # checks the description, columns and marker
    except ResultsFileError as exc:
        raise UsageError(f"cannot show results: {exc}") from None
    except (ValueError, OSError, ImportError) as exc:
        raise UsageError(f"cannot read {args.file!r}: {exc}") from None
    metric = _plot_metric(args.metric, res.metrics, res.headline)
    if args.by is not None and args.by not in res.swept:
        raise UsageError(
            f"--by {args.by!r} is not a swept parameter of these results; swept: "
            f"{', '.join(res.swept) or 'none'}"
        )
    plot = _writable(args.plot, _PLOT_SUFFIXES, "--plot") if args.plot else None
    d = res.description
    horizon = f"steps={d['steps']}" if d["steps"] is not None else f"until={d['until']}"
    status = "" if res.complete else " (partial: the run was interrupted)"
    crn = ", common random numbers" if d.get("common_random_numbers") else ""
    print(
        f"{args.file}: world {d['world_name']!r}, params {d['params']}, "
        f"{res.done} of {res.expected} runs{status}, {horizon}, seed {d['seed']}{crn}"
    )
    _print_summary(res)
    if plot is not None and res.done:
        _need("matplotlib", "plot")
        res.plot(metric, by=args.by, smooth=args.smooth, path=plot)
        print(f"wrote plot of {metric} to {plot}")
    return 0


# -- serve -------------------------------------------------------------------------------


#: Where the dashboard listens unless ``--host`` says otherwise: this machine only.
LOOPBACK = "127.0.0.1"

#: Printed when ``--host`` opens the dashboard to other machines.
SERVE_HOST_WARNING = (
    "npolitics: warning: the dashboard listens on {host}, not only on this machine: anyone "
    "who can reach it at port {port} can start runs and read their results (it has no login)"
)


@_stoppable
def _serve(args: argparse.Namespace) -> int:
    _need("hypercorn", "serve")
    _need("starlette", "serve")
    _need("plotly", "serve")  # the charts' plotly.js comes from the plotly package
    from ._dashboard import serve

    worlds = None
    if args.names:
        try:
            worlds = {name: resolve_world(name) for name in args.names}
        except NpoliticsError as exc:
            raise UsageError(str(exc)) from None
    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, got {args.port}")
    host = args.host.strip().removeprefix("[").removesuffix("]")
    if not host or any(c.isspace() or c in "/[]@" for c in host):
        raise UsageError(f"--host must be a host name or an IP address, got {args.host!r}")
    if not _is_loopback(host):
        print(SERVE_HOST_WARNING.format(host=host, port=args.port), file=sys.stderr)
    shown = f"[{host}]" if ":" in host else host
    try:
        serve(
            worlds,
            host=host,
            port=args.port,
            started=lambda url: print(f"npolitics dashboard at {url}"),
        )
    except (OSError, BaseExceptionGroup) as exc:  # trio's nursery wraps what its tasks raise
        error = _only_error(exc) if isinstance(exc, BaseExceptionGroup) else exc
        if not isinstance(error, OSError):
            raise error from None
        raise UsageError(
            f"cannot listen on {shown}:{args.port}: {error.strerror or error}"
        ) from None
    return 0


def _is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine's loopback interface only (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
