"""Fuzzing the command line: no input yields a traceback or a hang.

``npolitics._cli.main(argv)`` runs in-process on argument lists drawn from the CLI's grammar,
mixed with junk. Every outcome must be exit status 0, or status 2 with exactly one line on
stderr starting ``npolitics: error:``. Valid runs are kept small (few steps, small numbers,
the serial backend) so that "no hang" means the CLI never waits on something that never comes.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
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


#: Parameters of the test world that inject faults or wall-clock pauses on purpose: a world
#: that raises is a defect of the world, not bad input (see test_faults.py), and pauses are slow.
NOT_INPUTS = {"fail_at", "pause"}


def _declared(world: str) -> list[npl.Parameter]:
    try:
        return [p for p in resolve_world(world).parameters() if p.name not in NOT_INPUTS]
    except Exception:
        return []


@st.composite
def params(draw: st.DrawFn, world: str, bad: bool) -> list[str]:
    """``-p`` options: declared names with values from their declared ranges (drawn with
    ``npolitics.testing.parameter_values``, kept small), or — when ``bad`` — junk."""
    declared = _declared(world)
    out: list[str] = []
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
    """A ``run`` command with 0 to 2 wrong parts (so valid runs happen too)."""
    wrong = set(draw(st.lists(st.sampled_from(FIELDS), max_size=2)))
    world = draw(st.sampled_from(JUNK_WORLDS if "world" in wrong else WORLDS))
    argv = ["run", world, *draw(params(world, "params" in wrong))]
    steps = st.integers(0, 4).map(str)
    number = st.one_of(st.integers(-2, -1).map(str), bad_numbers, st.just("2.5"))
    if "horizon" in wrong:
        pick = draw(st.sampled_from(["both", "neither", "--steps", "--until"]))
        if pick in ("both", "--steps"):
            argv += ["--steps", draw(steps if pick == "both" else number)]
        if pick in ("both", "--until"):
            argv += ["--until", draw(steps if pick == "both" else number)]
    else:
        argv += [draw(st.sampled_from(["--steps", "--until"])), draw(steps)]
    bad = bad_numbers | st.just("-1")
    argv += draw(_option("--seed", st.integers(0, 5).map(str), bad, "seed" in wrong))
    argv += draw(
        _option("--runs", st.sampled_from(["1", "2"]), bad | st.just("0"), "runs" in wrong)
    )
    backends = st.sampled_from(["bogus", "", "tcp:/x", "dask://"])
    argv += draw(_option("--backend", st.just("serial"), backends, "backend" in wrong)) or [
        "--backend",
        "serial",
    ]
    argv += draw(
        _option("--workers", st.just("1"), st.sampled_from(["0", "-1", "x"]), "workers" in wrong)
    )
    keeps = st.sampled_from(["", ",", "nope", "omega,nope"])
    argv += draw(_option("--keep", None, keeps, "keep" in wrong))
    every = st.sampled_from(["1", "0.5"])
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
    argv += draw(
        _option("--smooth", st.just("2"), st.sampled_from(["-1", "x", "0"]), "smooth" in wrong)
    )
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


def _assert_clean(argv: list[str], status: int, err: str) -> None:
    assert status in (0, 2), f"exit status {status} for {argv}: {err}"
    if status == 2:
        lines = err.strip("\n").splitlines()
        assert len(lines) == 1, f"{argv} printed {len(lines)} lines on stderr:\n{err}"
        assert lines[0].startswith("npolitics: error: "), lines[0]


#: Examples per fuzz run: 200 by default; set NPOLITICS_FUZZ_EXAMPLES for a longer hunt.
EXAMPLES = int(os.environ.get("NPOLITICS_FUZZ_EXAMPLES", "200"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_input_yields_a_traceback(folder: Path, data: st.DataObject) -> None:
    argv = data.draw(any_argv(folder), label="argv")
    status, err = _call(argv)
    event(f"{argv[0] if argv and argv[0] in _COMMANDS else 'junk'} → exit {status}")
    _assert_clean(argv, status, err)


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
