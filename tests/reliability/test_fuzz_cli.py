"""Fuzzing the command line: no input yields a traceback or a hang.

``npolitics._cli.main(argv)`` runs in-process on argument lists drawn from the CLI's grammar,
mixed with junk. Every outcome must be exit status 0, or status 2 with exactly one line on
stderr starting ``npolitics: error:`` (or, for a run that cannot reach its horizon, status 1
with one line starting ``npolitics: the world failed:``). Valid runs are kept small (few
steps, small numbers, the serial backend) so that "no hang" means the CLI never waits on
something that never comes; extreme values (non-finite, huge and tiny numbers for every
option and every world's parameters) must be refused by the cost limits, which the fuzzer
sets low (``LIMITS``) so that a refusal is quick.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import npolitics as npl
from npolitics import _cli
from npolitics._experiment import resolve_world
from npolitics.testing import parameter_values

WORLDS = ["experiment_worlds:coins", "rosca", "info-decay", "knowledge-office", "sugar-spice"]
JUNK_WORLDS = ["", "nope", "rosca2", "experiment_worlds:nothing", "no_such_module:x", ":", "-"]

junk_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
small_numbers = st.one_of(
    st.integers(-3, 12).map(str),
    st.sampled_from(["0.5", "1e-3", "2.0", "-0.0"]),
)
bad_numbers = st.sampled_from(["nan", "inf", "-inf", "1e400", "", " ", "1,", "0x10", "½", "1_0"])
values = st.one_of(small_numbers, bad_numbers, junk_text, st.sampled_from(["true", "calm", "stop"]))

#: Numbers at the edges: non-finite, huge and tiny, as text (int parameters refuse the floats).
HUGE_INTS = ["1000000000", "1000000000000", "1000000000000000000", "9" * 30]
EXTREME_NUMBERS = [
    *("nan", "inf", "-inf", "1e308", "-1e308", "1e-300", "5e-324", "-0.0", "1e15", "1e9"),
    *HUGE_INTS,
]
extreme = st.sampled_from(EXTREME_NUMBERS)

#: The parts of a ``run`` that may take an extreme value (at most one per command): each is a
#: class of input whose count the statistics report (``event``).
EXTREMES = ("params", "steps", "until", "sample", "runs", "workers", "timeout", "seed", "smooth")
#: How often each class is drawn: parameters are many (every world's), so more often.
EXTREME_WEIGHTS = ("params",) * 4 + EXTREMES[1:]

#: Limits the fuzzer runs under: low, so that what is refused is refused fast.
LIMITS = {
    "NPOLITICS_MAX_MEMORY": "256M",
    "NPOLITICS_MAX_INSTANTS": "1000000",
    "NPOLITICS_MAX_WORKERS": "8",
}


#: Parameters of the test world that inject faults or wall-clock pauses on purpose: a world
#: that raises is a defect of the world, not bad input (see test_faults.py), and pauses are slow.
NOT_INPUTS = {"fail_at", "pause"}


def _declared(world: str) -> list[npl.Parameter]:
    try:
        return [p for p in resolve_world(world).parameters() if p.name not in NOT_INPUTS]
    except Exception:
        return []


@st.composite
def params(draw: st.DrawFn, world: str, bad: bool, edge: bool = False) -> list[str]:
    """``-p`` options: declared names with values from their declared ranges (drawn with
    ``npolitics.testing.parameter_values``, kept small), or — when ``bad`` — junk, or — when
    ``edge`` — one declared parameter at an extreme value."""
    declared = _declared(world)
    out: list[str] = []
    if declared and edge:  # one parameter at an extreme, after up to two ordinary ones
        p = draw(st.sampled_from(declared))
        return [*draw(params(world, False)), "-p", f"{p.name}={draw(extreme)}"]
    if declared and not bad:
        for p in draw(st.lists(st.sampled_from(declared), max_size=2, unique_by=lambda p: p.name)):
            value = draw(parameter_values(p, int_span=3, scale=2))
            text = str(value).lower() if isinstance(value, bool) else str(value)
            out += ["-p", f"{p.name}={text}"]
        return out
    for _ in range(draw(st.integers(1, 3))):
        names = [p.name for p in declared]
        key = draw(st.sampled_from(names) if names and draw(st.booleans()) else junk_text)
        if draw(st.integers(0, 9)) == 0:
            out += ["-p", key]  # no '='
            continue
        vals = draw(st.lists(values, min_size=1, max_size=3))
        out += ["-p", f"{key}={','.join(vals)}"]
    return out


def _option(
    name: str, good: st.SearchStrategy[str] | None, bad: st.SearchStrategy[str], wrong: bool
) -> st.SearchStrategy[list[str]]:
    """``[name, value]``: a bad value if ``wrong``, else a good one or (if allowed) nothing."""
    if wrong:
        return bad.map(lambda v: [name, v])
    if good is None:
        return st.just([])
    return st.one_of(st.just([]), good.map(lambda v: [name, v]))


FIELDS = (
    "world", "params", "horizon", "seed", "runs", "backend", "workers", "keep",
    "sample", "out", "plot", "metric", "by", "smooth", "extra",
)  # fmt: skip


@st.composite
def run_argv(draw: st.DrawFn, folder: Path) -> list[str]:
    """A ``run`` command with 0 to 2 wrong parts (so valid runs happen too), and sometimes
    one part at an extreme value (see :data:`EXTREMES`)."""
    edge = draw(st.sampled_from(EXTREME_WEIGHTS)) if draw(st.integers(0, 2)) == 0 else None
    # An extreme value alone: nothing else wrong decides the outcome before it.
    wrong = set() if edge else set(draw(st.lists(st.sampled_from(FIELDS), max_size=2)))
    event(f"class: {edge or 'ordinary'}")
    world = draw(st.sampled_from(JUNK_WORLDS if "world" in wrong else WORLDS))
    argv = ["run", world, *draw(params(world, "params" in wrong, edge == "params"))]
    steps = st.integers(0, 4).map(str)
    number = st.one_of(st.integers(-2, -1).map(str), bad_numbers, st.just("2.5"))
    if edge in ("steps", "until"):
        argv += [f"--{edge}", draw(st.sampled_from(HUGE_INTS) if edge == "steps" else extreme)]
    elif "horizon" in wrong:
        pick = draw(st.sampled_from(["both", "neither", "--steps", "--until"]))
        if pick in ("both", "--steps"):
            argv += ["--steps", draw(steps if pick == "both" else number)]
        if pick in ("both", "--until"):
            argv += ["--until", draw(steps if pick == "both" else number)]
    else:
        argv += [draw(st.sampled_from(["--steps", "--until"])), draw(steps)]
    bad = bad_numbers | st.just("-1")
    seeds = st.integers(0, 5).map(str)
    if edge == "seed":
        seeds = st.sampled_from([*HUGE_INTS, str(2**128), str(10**100)])
    argv += draw(_option("--seed", seeds, bad, "seed" in wrong))
    if edge == "runs":
        argv += ["--runs", draw(st.sampled_from(HUGE_INTS))]
    else:
        runs = st.sampled_from(["1", "2"])
        argv += draw(_option("--runs", runs, bad | st.just("0"), "runs" in wrong))
    backends = st.sampled_from(["bogus", "", "tcp:/x", "dask://"])
    if edge == "workers":  # only too many workers: a pool or cluster must never start
        backend = draw(st.sampled_from(["serial", "processes", "dask", "tcp://127.0.0.1:1"]))
        argv += ["--backend", backend, "--workers", draw(st.sampled_from(HUGE_INTS))]
    else:
        argv += draw(_option("--backend", st.just("serial"), backends, "backend" in wrong)) or [
            "--backend",
            "serial",
        ]
        argv += draw(
            _option(
                "--workers", st.just("1"), st.sampled_from(["0", "-1", "x"]), "workers" in wrong
            )
        )
    if edge == "timeout":
        argv += ["--timeout", draw(extreme | st.sampled_from(["0", "-1"]))]
    keeps = st.sampled_from(["", ",", "nope", "omega,nope"])
    argv += draw(_option("--keep", None, keeps, "keep" in wrong))
    every = st.sampled_from(["1", "0.5"])
    if edge == "sample":
        every = st.sampled_from(["1e-9", "1e-300", "5e-324", "1e308", "inf", "nan", "1e15"])
        argv += ["--sample-every", draw(every)]
    else:
        argv += draw(_option("--sample-every", every, bad | st.just("0"), "sample" in wrong))
    outs = st.sampled_from(["r.txt", "missing/r.csv", "", "r", "/"])
    argv += draw(
        _option("--out", st.sampled_from(["r.csv", "r.parquet"]), outs, "out" in wrong).map(
            lambda o: [o[0], str(folder / o[1])] if o and o[1] != "/" else o
        )
    )
    plots = st.sampled_from(["p.txt", "missing/p.png", ""])
    argv += draw(
        _option("--plot", st.just("p.png"), plots, "plot" in wrong).map(
            lambda o: [o[0], str(folder / o[1])] if o else o
        )
    )
    argv += draw(
        _option("--metric", st.just("omega"), st.sampled_from(["nope", ""]), "metric" in wrong)
    )
    argv += draw(_option("--by", None, st.sampled_from(["nope", "", "seed"]), "by" in wrong))
    smooth = st.sampled_from(HUGE_INTS) if edge == "smooth" else st.just("2")
    argv += draw(_option("--smooth", smooth, st.sampled_from(["-1", "x", "0"]), "smooth" in wrong))
    argv += ["--quiet"]
    if "extra" in wrong:
        argv.insert(
            draw(st.integers(1, len(argv))), draw(st.sampled_from(["--bogus", "-x", "--", "extra"]))
        )
    return argv


@st.composite
def any_argv(draw: st.DrawFn, folder: Path) -> list[str]:
    kind = draw(st.sampled_from(["run", "run", "run", "worlds", "show", "serve", "junk"]))
    if kind == "run":
        return draw(run_argv(folder))
    if kind == "worlds":
        return ["worlds", *draw(st.lists(st.sampled_from(WORLDS + JUNK_WORLDS), max_size=2))]
    if kind == "show":
        files = ["missing.csv", "garbage.csv", "garbage.parquet", "empty.csv", "r.txt", ""]
        argv = ["show", str(folder / draw(st.sampled_from(files)))]
        return argv + draw(
            _option(
                "--plot", None, st.sampled_from(["x.txt", "missing/p.png"]), draw(st.booleans())
            )
        )
    if kind == "serve":  # only inputs that must be refused before a server starts
        return ["serve", "--port", draw(st.sampled_from(["x", "", "1.5"]))]
    return draw(st.lists(junk_text, max_size=4))


_COMMANDS = ("run", "worlds", "show", "serve")


def _call(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = _cli.main(argv)
        except SystemExit as exc:  # argparse's --help and --version exit 0
            status = exc.code if isinstance(exc.code, int) else 2
    return status, err.getvalue()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli")
    (path / "garbage.csv").write_text("not,a\nresults,file\n\x00\x01")
    (path / "garbage.parquet").write_bytes(b"PAR1 this is not parquet")
    (path / "empty.csv").write_text("")
    (path / "r.txt").write_text("x")
    return path


#: What a run that cannot reach its horizon says (``StalledError``): the one failure of a
#: world that valid-looking input may cause, and the one exit status 1 the fuzzer accepts.
STALLED = ("cannot reach t=", "rounds without ending", "without its queue running dry")


def _assert_clean(argv: list[str], status: int, err: str) -> None:
    assert status in (0, 1, 2), f"exit status {status} for {argv}: {err}"
    if status == 0:
        return
    lines = err.strip("\n").splitlines()
    assert len(lines) == 1, f"{argv} printed {len(lines)} lines on stderr:\n{err}"
    if status == 2:
        assert lines[0].startswith("npolitics: error: "), lines[0]
    else:
        assert lines[0].startswith("npolitics: the world failed: "), lines[0]
        assert any(s in lines[0] for s in STALLED), f"{argv} failed: {lines[0]}"


def _refused(argv: list[str]) -> bool:
    """Whether ``argv`` asks for a huge horizon, number of runs or of workers, which the
    cost limits must refuse."""
    return any(
        a in ("--steps", "--runs", "--workers") and b in HUGE_INTS
        for a, b in itertools.pairwise(argv)
    )


@pytest.fixture(scope="module", autouse=True)
def _low_limits() -> Iterator[None]:
    """The fuzzer's limits (:data:`LIMITS`), and progress checked every 1024 instants, so
    that what is refused or stopped is so within a fraction of a second."""
    from npolitics import _world

    with pytest.MonkeyPatch.context() as mp:
        for name, value in LIMITS.items():
            mp.setenv(name, value)
        mp.setattr(_world, "PROGRESS_WINDOW", 1024)
        yield


def _fuzz(folder: Path, data: st.DataObject) -> None:
    argv = data.draw(any_argv(folder), label="argv")
    status, err = _call(argv)
    event(f"{argv[0] if argv and argv[0] in _COMMANDS else 'junk'} → exit {status}")
    _assert_clean(argv, status, err)
    if argv[:1] == ["run"] and _refused(argv):
        assert status == 2, f"{argv} was not refused: exit {status}"


#: Examples in the everyday run; set NPOLITICS_FUZZ_EXAMPLES for a longer hunt.
EXAMPLES = int(os.environ.get("NPOLITICS_FUZZ_EXAMPLES", "60"))

#: Examples of the slow profile (``-m slow``).
SLOW_EXAMPLES = int(os.environ.get("NPOLITICS_FUZZ_SLOW_EXAMPLES", "300"))

_FUZZ = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


@settings(max_examples=EXAMPLES, **_FUZZ)  # type: ignore[arg-type]
@given(data=st.data())
def test_no_input_yields_a_traceback(folder: Path, data: st.DataObject) -> None:
    _fuzz(folder, data)


@pytest.mark.slow
@settings(max_examples=SLOW_EXAMPLES, **_FUZZ)  # type: ignore[arg-type]
@given(data=st.data())
def test_no_input_yields_a_traceback_long_hunt(folder: Path, data: st.DataObject) -> None:
    """The same, with a large budget."""
    _fuzz(folder, data)


#: Settings beside which every parameter is tried at every extreme value: the default world,
#: and the modes that bring other parameters into play.
SETTINGS: dict[str, list[list[str]]] = {
    "rosca": [[], ["cheaters=3"], ["influenced=3"], ["allocation=greedy", "cheat=steal"]],
    "info-decay": [[], ["mode=decay"], ["learning=self"], ["knowledge_agents=0"]],
    "knowledge-office": [
        [],
        ["variant=database"],
        ["variant=forgetful", "forget_rate=1"],
        ["fidelity=corrected", "variant=sociable_v1"],
    ],
    "sugar-spice": [
        [],
        ["schedule=exponential"],
        ["experiment=growth", "agents=20"],
        ["rounds=100", "check_every=1000"],
    ],
    "experiment_worlds:coins": [[]],
}


def _timed(argv: list[str]) -> tuple[float, tuple[int, str]]:
    """How long ``npolitics argv`` took (seconds), and its exit status and stderr."""
    started = time.perf_counter()
    done = _call(argv)
    return time.perf_counter() - started, done


@pytest.mark.slow
@pytest.mark.parametrize("world", list(SETTINGS))
def test_every_parameter_at_every_extreme(world: str) -> None:
    """The long hunt's systematic half: each declared parameter of ``world`` at each of
    :data:`EXTREME_NUMBERS` (and 0 and 1), beside each of its :data:`SETTINGS`, in a run of
    5 time units: a result, a one-line refusal, or a stalled run; each in under 2 s once its
    compiled code is in the cache (a run that took longer is timed again: its first run may
    have compiled rules for a new shape or column type, which happens once, like an import)."""
    failures = []
    for setting in SETTINGS[world]:
        for p in _declared(world):
            for value in [*EXTREME_NUMBERS, "0", "1"]:
                ps = [a for kv in setting if not kv.startswith(f"{p.name}=") for a in ("-p", kv)]
                argv = ["run", world, *ps, "-p", f"{p.name}={value}", "--until", "5"]
                argv += ["--backend", "serial", "--quiet"]
                took, (status, err) = _timed(argv)
                if took >= 2:
                    took, (status, err) = _timed(argv)
                try:
                    _assert_clean(argv, status, err)
                    assert took < 2, f"{argv} took {took:.1f} s"
                except AssertionError as exc:
                    failures.append(str(exc).splitlines()[0])
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)


def test_the_installed_command_fails_in_one_line() -> None:
    """The console script (a subprocess) reports bad input in one line with status 2."""
    script = Path(sys.executable).with_name("npolitics")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "npolitics._cli"]
    done = subprocess.run(
        [*command, "run", "nope", "--steps", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("npolitics: error: no world named 'nope'")


@pytest.mark.parametrize("value", ["-1", "0", "nan"])
def test_a_bad_sampling_period_is_a_one_line_error(value: str) -> None:
    argv = ["run", "experiment_worlds:coins", "--steps", "2", "--backend", "serial"]
    status, err = _call([*argv, "--sample-every", value, "--quiet"])
    _assert_clean(argv, status, err)


def test_an_unknown_kept_metric_is_a_one_line_error() -> None:
    argv = ["run", "experiment_worlds:coins", "--steps", "2", "--backend", "serial"]
    status, err = _call([*argv, "--keep", "nope", "--quiet"])
    _assert_clean(argv, status, err)
