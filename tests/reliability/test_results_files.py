"""Results files: written whole or not at all, marked complete or partial, checked when read.

Every kind of malformed file (each description key dropped or of the wrong type, each column
dropped or of the wrong type, an inconsistent marker, a file cut short, an empty file, a file
that is not results at all) is refused by ``load_results`` with a ``ResultsFileError`` and by
``npolitics show`` with one line and exit status 2.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from experiment_worlds import coins

import npolitics as npl
from npolitics._cli import main
from npolitics._results_file import CSV_END, CSV_PREFIX, META_KEY

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

TESTS = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def results() -> npl.ExperimentResults:
    return npl.Experiment(coins, {"n": [3, 4]}, runs=1, steps=3, seed=1).run("serial", quiet=True)


def _meta(res: npl.ExperimentResults) -> dict[str, Any]:
    return {**res.description, "done": res.done, "status": "complete", "rows": len(res.table)}


def write(path: Path, meta: Any, frame: pd.DataFrame, *, end: bool = True) -> Path:
    """A results file written by hand, as ``save`` would but with whatever we give it."""
    if path.suffix == ".csv":
        text = CSV_PREFIX + json.dumps(meta) + "\n" + frame.to_csv(index=False)
        if end:
            text += CSV_END.format(rows=len(frame)) + "\n"
        path.write_text(text)
    else:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.replace_schema_metadata({META_KEY: json.dumps(meta)})
        pq.write_table(table, str(path))
    return path


# Each case: (name, meta → meta, frame → frame, a fragment the message must hold).
Change = Callable[[Any], Any]
CASES: list[tuple[str, Change, Change, str]] = []

_KEYS = [
    "world", "world_name", "params", "swept", "runs", "steps", "until", "seed", "keep",
    "sample_every", "expected", "metrics", "done", "status", "rows",
]  # fmt: skip


def _without(key: str) -> Change:
    return lambda m: {k: v for k, v in m.items() if k != key}


def _with(**changes: Any) -> Change:
    return lambda m: {**m, **changes}


def _drop(column: str) -> Change:
    return lambda frame: frame.drop(columns=column)


def _keep(x: Any) -> Any:
    return x


for _key in _KEYS:
    CASES.append((f"no-{_key}", _without(_key), _keep, f"lacks '{_key}'"))
    _bad = "x" if _key == "params" else {"x": 1}
    CASES.append((f"bad-{_key}", _with(**{_key: _bad}), _keep, f"{_key!r} must be"))
CASES += [
    (f"bad-{key}", _with(**{key: [1]}), _keep, f"{key!r} must be")
    for key in ["headline", "world_sample_every"]
]
CASES += [
    (f"no-column-{column}", _keep, _drop(column), column)
    for column in ["run", "n", "t", "omega", "heads_rate", "max_heads"]
]
CASES += [
    ("description-not-object", lambda m: [1, 2], _keep, "is a list, not an object"),
    ("two-horizons", _with(until=3.0), _keep, "one horizon"),
    ("no-horizon", _with(steps=None), _keep, "one horizon"),
    ("sweep-not-list", lambda m: {**m, "params": {**m["params"], "n": 3}}, _keep, "sweeps 'n'"),
    ("expected-wrong", _with(expected=5), _keep, "expects 5 runs"),
    ("done-too-many", _with(done=9), _keep, "claims 9 runs done of 2"),
    ("status-wrong", _with(status="partial"), _keep, "marked 'partial' but holds 2 of 2"),
    ("rows-wrong", _with(rows=7), _keep, "rows"),
    ("rows-missing", _keep, lambda f: f.iloc[:-1], "rows"),
    ("runs-missing", _with(done=1, status="partial"), _keep, "holds 2 runs"),
    ("omega-text", _keep, lambda f: f.assign(omega="lots"), "'omega' must hold numbers"),
    ("t-bool", _keep, lambda f: f.assign(t=True), "'t' must hold numbers"),
    ("run-float", _keep, lambda f: f.assign(run=f["run"] + 0.5), "'run' must hold integers"),
]


def _show(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = main(["show", str(path), *extra])
    out, err = capsys.readouterr()
    return status, out, err


def _refused(path: Path, capsys: pytest.CaptureFixture[str], fragment: str) -> None:
    with pytest.raises(npl.ResultsFileError, match=None) as info:
        npl.load_results(path)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)
    status, out, err = _show(path, capsys)
    assert (status, out) == (2, "")
    assert err.startswith("npolitics: error: "), err
    assert err.count("\n") == 1, err
    assert fragment in err


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize(("name", "meta", "frame", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_a_malformed_file_is_named_and_refused(
    results: npl.ExperimentResults,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    suffix: str,
    name: str,
    meta: Change,
    frame: Change,
    fragment: str,
) -> None:
    path = write(tmp_path / f"r{suffix}", meta(_meta(results)), frame(results.frame()))
    _refused(path, capsys, fragment)


def test_the_hand_written_file_is_accepted(
    results: npl.ExperimentResults, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The cases above change one thing each: unchanged, the same file is fine."""
    for suffix in (".csv", ".parquet"):
        path = write(tmp_path / f"r{suffix}", _meta(results), results.frame())
        pd.testing.assert_frame_equal(npl.load_results(path).frame(), results.frame())
        status, out, _ = _show(path, capsys)
        assert status == 0
        assert "2 of 2 runs, steps=3" in out


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("empty.csv", b"", "no description line"),
        ("empty.parquet", b"", "not a whole Parquet file"),
        ("plain.csv", b"a,b\n1,2\n", "no description line"),
        ("garbage.parquet", b"PAR1 this is not parquet", "not a whole Parquet file"),
        ("latin1.csv", CSV_PREFIX.encode() + b'{"w": "\xe9"}\n', "r"),
        ("notjson.csv", CSV_PREFIX.encode() + b"{not json\nrun\n", "not valid JSON"),
        ("header-only.csv", CSV_PREFIX.encode() + b"{}\n", "cut short"),
    ],
)
def test_a_file_that_is_not_results_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, fragment: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    _refused(path, capsys, fragment)


def test_a_parquet_file_without_a_description_is_refused(
    results: npl.ExperimentResults, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bare.parquet"
    results.frame().to_parquet(path, index=False)
    _refused(path, capsys, "no npolitics results")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_file_cut_anywhere_is_refused(
    results: npl.ExperimentResults, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    """A saved file cut at any of a spread of lengths (by a copy, a full disk) is refused,
    never read as fewer runs: the CSV end line or the Parquet footer is gone."""
    whole = results.save(tmp_path / f"whole{suffix}").read_bytes()
    for cut in sorted({1, len(whole) // 3, len(whole) // 2, len(whole) - 40, len(whole) - 1}):
        path = tmp_path / f"cut{suffix}"
        path.write_bytes(whole[:cut])
        with pytest.raises(npl.ResultsFileError):
            npl.load_results(path)
        status, _, err = _show(path, capsys)
        assert status == 2, (cut, err)
        assert err.count("\n") == 1, (cut, err)


def test_show_names_a_by_that_is_not_swept(
    results: npl.ExperimentResults, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = results.save(tmp_path / "r.csv")
    status, _, err = _show(path, capsys, "--by", "nope")
    assert status == 2
    assert err == (
        "npolitics: error: --by 'nope' is not a swept parameter of these results; swept: n\n"
    )


def test_partial_results_are_marked_and_shown_as_partial(
    results: npl.ExperimentResults, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Results cut short by an interrupt say so in the file and in ``show``."""
    exp = results.experiment()
    records = [npl._experiment.run_task(t) for t in list(exp.tasks())[:1]]
    partial = exp.results(records)
    path = partial.save(tmp_path / "p.csv")
    first = path.read_text().splitlines()[0]
    meta = json.loads(first[len(CSV_PREFIX) :])
    assert (meta["done"], meta["expected"], meta["status"]) == (1, 2, "partial")
    assert meta["rows"] == len(partial.frame())
    loaded = npl.load_results(path)
    assert (loaded.done, loaded.complete) == (1, False)
    status, out, _ = _show(path, capsys)
    assert status == 0
    assert "1 of 2 runs (partial: the run was interrupted)" in out


# -- atomic writes -------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_failed_write_leaves_the_old_file_and_no_litter(
    results: npl.ExperimentResults,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
) -> None:
    """An exception mid-write (here a KeyboardInterrupt once the table is half written)
    leaves the good file in place and removes the temporary file."""
    target = results.save(tmp_path / f"r{suffix}")
    good = target.read_bytes()
    real = os.fsync

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        results.save(target)
    monkeypatch.setattr(os, "fsync", real)
    assert target.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_new_file_gets_the_usual_permissions(
    results: npl.ExperimentResults, tmp_path: Path
) -> None:
    """The temporary file is created as open() would create it: the umask applies."""
    path = results.save(tmp_path / "r.csv")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_name_as_long_as_allowed_can_be_saved(
    results: npl.ExperimentResults, tmp_path: Path
) -> None:
    """The temporary name stays within the 255 bytes a name may have (here the target's
    name is 254 bytes: 62 four-byte characters and 'ab.csv')."""
    path = tmp_path / ("𝛀" * 62 + "ab.csv")
    assert len(os.fsencode(path.name)) == 254
    results.save(path)
    assert npl.load_results(path).done == results.done


def test_a_replaced_file_keeps_its_mode(results: npl.ExperimentResults, tmp_path: Path) -> None:
    path = results.save(tmp_path / "r.csv")
    path.chmod(0o640)
    results.save(path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_show_refuses_a_smoothing_window_below_1(
    results: npl.ExperimentResults, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = results.save(tmp_path / "r.csv")
    status, _, err = _show(path, capsys, "--smooth", "0")
    assert status == 2
    assert err.startswith("npolitics: error: argument --smooth: ")
    assert err.count("\n") == 1


@pytest.mark.slow
def test_a_smoothing_window_beyond_the_runs_smooths_the_whole_run(
    results: npl.ExperimentResults, tmp_path: Path
) -> None:
    """Even beyond a C long, which pandas cannot take (was an OverflowError)."""
    pytest.importorskip("matplotlib")
    png = tmp_path / "p.png"
    ax = results.plot("omega", smooth=10**30, path=png)
    whole = results.plot("omega", smooth=len(results.frame())).get_lines()[0].get_ydata()
    assert list(ax.get_lines()[0].get_ydata()) == list(whole)
    assert png.stat().st_size > 0


_KILLED_MID_WRITE = """
import sys, time
import pandas as pd
import npolitics as npl
from experiment_worlds import coins

res = npl.Experiment(coins, {"n": 3}, runs=2, steps=200, seed=1).run("serial", quiet=True)
real = pd.DataFrame.to_csv

def stalled(self, f, **kw):
    real(self, f, **kw)  # the whole table reaches the temporary file, but no end line
    f.flush()
    print("writing", flush=True)
    time.sleep(60)

pd.DataFrame.to_csv = stalled
res.save(sys.argv[1])
"""


@pytest.mark.slow
def test_kill_9_mid_write_keeps_the_good_file(
    results: npl.ExperimentResults, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGKILL while a new file is being written (planted: the writer stalls mid-file): the
    target still holds the old results, whole, and ``show`` reads them."""
    target = results.save(tmp_path / "a.csv")
    good = target.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    with subprocess.Popen(
        [sys.executable, "-c", _KILLED_MID_WRITE, str(target)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "writing\n"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    assert target.read_bytes() == good
    (litter,) = [p for p in tmp_path.iterdir() if p != target]  # the killed writer's
    assert litter.name.startswith(".a.csv.")
    assert litter.name.endswith(".part")
    assert litter.stat().st_size > 0
    status, out, _ = _show(target, capsys)
    assert status == 0
    assert "2 of 2 runs" in out
