"""Results files: written whole or not at all, and checked when read.

A file is written to a temporary file in the target's folder and renamed over the target
only once it is complete and flushed to disk, so an interrupted write (Ctrl-C, SIGTERM,
kill -9, a full disk) never leaves a truncated file at the target nor replaces a good one.

Every file carries the experiment's description plus a completeness marker: ``done`` of
``expected`` runs, ``status`` (``"complete"`` or ``"partial"``, for results cut short by an
interrupt) and ``rows``, the table's row count. A CSV file also ends with a
``# npolitics: end, N rows`` line, so a file cut anywhere (by a copy, say) is recognised.
Reading checks the description's keys and types, the table's columns, the row count and
the number of runs, and names the first thing that is missing or malformed.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import math
import os
import re
import stat
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ._errors import NpoliticsError

if TYPE_CHECKING:
    import pandas as pd

META_KEY = "npolitics"
CSV_PREFIX = "# npolitics: "
CSV_END = "# npolitics: end, {rows} rows"
_CSV_END_PATTERN = re.compile(r"# npolitics: end, (\d+) rows")
SUFFIXES = (".parquet", ".csv")


class ResultsFileError(NpoliticsError, ValueError):
    """A file is not whole, readable npolitics results: the message names what is missing or
    malformed (a description key, a column, rows cut off)."""


# -- writing -------------------------------------------------------------------------------


def marker(done: int, expected: int, rows: int) -> dict[str, Any]:
    """The completeness marker saved with a table: runs done, status and row count."""
    return {"done": done, "status": "complete" if done == expected else "partial", "rows": rows}


def write_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write(file)`` on a new temporary file beside ``path``, then rename it to ``path``.

    The rename is atomic: ``path`` holds either its old content or the whole new one. On an
    exception (KeyboardInterrupt included) the temporary file is removed; only a hard kill
    mid-write leaves it behind, as a hidden ``.NAME.….part`` file beside the target.
    """
    folder = path.parent if str(path.parent) else Path(".")
    # Short enough (in bytes: names are limited to 255 of them) that a long target name
    # still gives a valid temporary name.
    stem = os.fsencode(path.name)[:100].decode("utf-8", "ignore") or "results"
    temporary = folder / f".{stem}.{uuid.uuid4().hex[:12]}.part"
    # 0o666 as open() would, so the umask applies as it does to any new file.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileNotFoundError):  # a file replaced keeps its mode
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the platform lets a folder be synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse
        pass
    finally:
        os.close(fd)


def csv_writer(table: pd.DataFrame, meta_json: str) -> Callable[[IO[bytes]], None]:
    """Writes the description line, the table, and the end line with the row count."""

    def write(f: IO[bytes]) -> None:
        text = io.TextIOWrapper(f, encoding="utf-8", newline="", write_through=True)
        text.write(CSV_PREFIX + meta_json + "\n")
        table.to_csv(text, index=False, lineterminator="\n")
        text.write(CSV_END.format(rows=len(table)) + "\n")
        text.flush()
        text.detach()  # leave f open for the caller to sync

    return write


def parquet_writer(table: pd.DataFrame, meta_json: str) -> Callable[[IO[bytes]], None]:
    """Writes the table as Parquet, the description in the file's key-value metadata."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ImportError(
            "writing Parquet needs pyarrow: pip install 'npolitics[parquet]'"
        ) from exc
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    meta = dict(arrow.schema.metadata or {})
    meta[META_KEY.encode()] = meta_json.encode()
    arrow = arrow.replace_schema_metadata(meta)

    def write(f: IO[bytes]) -> None:
        pq.write_table(arrow, f)

    return write


# -- reading -------------------------------------------------------------------------------


def read(path: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The checked description (marker included) and table of the results file ``path``."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ResultsFileError(f"{path}: results files end in .parquet or .csv")
    try:
        meta, frame = _read_parquet(path) if suffix == ".parquet" else _read_csv(path)
    except (ResultsFileError, OSError, ImportError):
        raise
    except Exception as exc:  # the readers' many parse errors: one line naming the file
        raise ResultsFileError(f"{path}: {_one_line(exc)}") from None
    check(meta, frame, path)
    return meta, frame


def _restore_sequences(meta: dict[str, Any], frame: pd.DataFrame, path: Path | str) -> None:
    """Give a swept parameter whose values are sequences (``weights=(1, 2)``) its tuples
    back: CSV reads them as text and Parquet as arrays."""
    for name in meta["swept"]:
        values = meta["params"][name]
        if any(isinstance(v, list) for v in values):
            frame[name] = [_swept_value(entry, name, values, path) for entry in frame[name]]


def _swept_value(entry: Any, name: str, values: list[Any], path: Path | str) -> Any:
    """The swept value of ``values`` that a table's ``entry`` stands for."""
    try:
        key = _as_tuple(ast.literal_eval(entry) if isinstance(entry, str) else entry)
        if key in {_as_tuple(v) for v in values}:
            return key
    except (ValueError, SyntaxError, TypeError):
        pass
    raise ResultsFileError(
        f"{path}: column {name!r} holds {_short(entry)}, which is none of the swept values "
        f"{_short(values)}"
    )


def _as_tuple(value: Any) -> Any:
    """A list, tuple or array as a tuple (nested ones too); anything else as it is."""
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else value
        return tuple(_as_tuple(v) for v in items) if isinstance(items, list) else items
    return value


def _read_parquet(path: Path) -> tuple[Any, pd.DataFrame]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(str(path))
    except (pa.ArrowException, ValueError) as exc:
        raise ResultsFileError(f"{path} is not a whole Parquet file: {_one_line(exc)}") from None
    raw = (table.schema.metadata or {}).get(META_KEY.encode())
    if raw is None:
        raise ResultsFileError(f"{path} holds no npolitics results (no description found)")
    return _json(raw.decode("utf-8", "replace"), path), table.to_pandas()


def _read_csv(path: Path) -> tuple[Any, pd.DataFrame]:
    with open(path, encoding="utf-8", newline="") as f:
        first = f.readline()
        if not first.startswith(CSV_PREFIX):
            raise ResultsFileError(f"{path} holds no npolitics results (no description line)")
        meta = _json(first[len(CSV_PREFIX) :], path)
        body = f.read()
    head, _, last = body.rstrip("\n").rpartition("\n")
    end = _CSV_END_PATTERN.fullmatch(last)
    if not body.endswith("\n") or end is None:
        raise ResultsFileError(
            f"{path} is cut short: it lacks the '# npolitics: end, N rows' line that ends "
            "every results file (the file was truncated, or written by an older npolitics)"
        )
    rows = meta.get("rows") if isinstance(meta, dict) else None
    if isinstance(rows, int) and int(end.group(1)) != rows:
        raise ResultsFileError(
            f"{path} is inconsistent: its end line says {end.group(1)} rows, its description {rows}"
        )
    if not head:
        raise ResultsFileError(f"{path} has no table header line")
    import pandas as pd  # slow to import: only when a file is read

    return meta, pd.read_csv(io.StringIO(head + "\n"))


def _json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ResultsFileError(f"{path}: its description is not valid JSON ({exc})") from None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "…"


# -- checking ------------------------------------------------------------------------------


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_names(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _is_stops(v: Any) -> bool:
    return isinstance(v, list) and all(
        isinstance(x, list) and len(x) == 2 and _is_int(x[0]) and x[0] >= 0 and _is_number(x[1])
        for x in v
    )


# key: (what it must be, the test). The keys every results file's description holds.
_REQUIRED: Mapping[str, tuple[str, Callable[[Any], bool]]] = {
    "world": ("a world reference (string) or null", lambda v: v is None or isinstance(v, str)),
    "world_name": ("a string", lambda v: isinstance(v, str)),
    "params": ("an object of parameter values", lambda v: isinstance(v, dict)),
    "swept": ("a list of parameter names", _is_names),
    "runs": ("an integer ≥ 1", lambda v: _is_int(v) and v >= 1),
    "steps": ("an integer ≥ 0 or null", lambda v: v is None or (_is_int(v) and v >= 0)),
    "until": ("a number or null", lambda v: v is None or _is_number(v)),
    "seed": ("an integer ≥ 0", lambda v: _is_int(v) and v >= 0),
    "keep": ("a list of metric names or null", lambda v: v is None or _is_names(v)),
    "sample_every": (
        "a number > 0 or null",
        lambda v: v is None or (_is_number(v) and math.isfinite(v) and v > 0),
    ),
    "expected": ("an integer ≥ 1", lambda v: _is_int(v) and v >= 1),
    "metrics": ("a list of metric names", _is_names),
    "done": ("an integer ≥ 0", lambda v: _is_int(v) and v >= 0),
    "status": ("'complete' or 'partial'", lambda v: v in ("complete", "partial")),
    "rows": ("an integer ≥ 0", lambda v: _is_int(v) and v >= 0),
}
# Keys a description may lack (results made before the world declared them).
_OPTIONAL: Mapping[str, tuple[str, Callable[[Any], bool]]] = {
    "headline": ("a metric name", lambda v: isinstance(v, str)),
    "world_sample_every": ("a number > 0 or null", lambda v: v is None or _is_number(v)),
    "common_random_numbers": ("true or false", lambda v: isinstance(v, bool)),
    "stop": (
        "a stop condition's reference (string) or null",
        lambda v: v is None or isinstance(v, str),
    ),
    "stop_name": (
        "a stop condition's name (string) or null",
        lambda v: v is None or isinstance(v, str),
    ),
    "stopped": ("a list of [run index, time] pairs", lambda v: _is_stops(v)),
}


def check(meta: Any, frame: pd.DataFrame, path: Path | str) -> None:
    """Refuse ``meta`` and ``frame`` unless they are whole results: every description key of
    the right type and consistent, every column there and numeric where it must be, as many
    rows and runs as the marker says."""

    def fail(what: str) -> ResultsFileError:
        return ResultsFileError(f"{path}: {what}")

    if not isinstance(meta, dict):
        raise fail(f"its description is a {type(meta).__name__}, not an object")
    missing = [k for k in _REQUIRED if k not in meta]
    if missing:
        raise fail(
            f"its description lacks {_names(missing)} (the file was not written by npolitics "
            "run or ExperimentResults.save, or by an older npolitics)"
        )
    for key, (must, ok) in [*_REQUIRED.items(), *_OPTIONAL.items()]:
        if key in meta and not ok(meta[key]):
            raise fail(f"its description's {key!r} must be {must}, got {_short(meta[key])}")
    if (meta["steps"] is None) == (meta["until"] is None):
        raise fail("its description must give one horizon, 'steps' or 'until'")
    unknown = [s for s in meta["swept"] if not isinstance(meta["params"].get(s), list)]
    if unknown:
        raise fail(f"its description sweeps {_names(unknown)} but 'params' has no list for it")
    points = math.prod(len(meta["params"][s]) for s in meta["swept"])
    if meta["expected"] != points * meta["runs"]:
        raise fail(
            f"its description expects {meta['expected']} runs, but {points} point(s) × "
            f"{meta['runs']} runs is {points * meta['runs']}"
        )
    done, expected = meta["done"], meta["expected"]
    if done > expected:
        raise fail(f"it claims {done} runs done of {expected} expected")
    status = "complete" if done == expected else "partial"
    if meta["status"] != status:
        raise fail(f"it is marked {meta['status']!r} but holds {done} of {expected} runs")
    if meta["rows"] != len(frame):
        raise fail(
            f"its table has {len(frame)} rows where its description says {meta['rows']} "
            "(the table was cut short or edited)"
        )
    columns = ["run", *meta["swept"], "t", "omega", *meta["metrics"]]
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise fail(f"its table lacks column(s) {_names(absent)}")
    _restore_sequences(meta, frame, path)
    if len(frame):
        import pandas as pd

        if not pd.api.types.is_integer_dtype(frame["run"]):
            raise fail("its column 'run' must hold integers")
        for name in ["t", "omega", *meta["metrics"]]:
            kind = frame[name].dtype
            if not pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_bool_dtype(kind):
                raise fail(f"its column {name!r} must hold numbers, found {kind}")
    runs = frame.groupby([*meta["swept"], "run"], dropna=False).ngroups if len(frame) else 0
    if runs != done:
        raise fail(f"its table holds {runs} runs where its description says {done}")
    beyond = [k for k, _ in meta.get("stopped", ()) if k >= done]
    if beyond:
        raise fail(f"its 'stopped' names run {beyond[0]}, but the table holds {done} runs")


def _names(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
