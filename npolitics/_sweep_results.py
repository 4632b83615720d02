"""Results of an experiment: one table of every run's samples, its summary, files and plots.

The table has one row per run × sample time, with columns ``run``, one per swept parameter,
``t``, ``omega`` and the kept metrics, sorted by point, run and time whatever order the runs
finished in. Files (Parquet or CSV, see ``_results_file``) are written atomically and carry
the experiment's description and a completeness marker, so loaded results can be checked,
summarised, plotted, or repeated exactly.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from ._errors import ArgumentError
from ._results_file import csv_writer, marker, parquet_writer, write_atomically
from ._results_file import read as read_results

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from ._experiment import Experiment, RunRecord


@functools.lru_cache(maxsize=256)
def t975(df: int) -> float:
    """The 97.5 % quantile of Student's t with ``df`` ≥ 1 degrees of freedom."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be ≥ 1, got {df}")
    from scipy import stats  # slow to import: only when a summary needs it

    return float(stats.t.ppf(0.975, df))


def mean_ci(values: np.ndarray[Any, Any]) -> tuple[float, float]:
    """The mean and the half-width of its 95 % confidence interval (NaN for one value)."""
    n = values.size
    if n == 0:
        return math.nan, math.nan
    mean = float(values.mean())
    if n < 2:
        return mean, math.nan
    return mean, t975(n - 1) * float(values.std(ddof=1)) / math.sqrt(n)


@attrs.frozen(eq=False)
class ExperimentResults:
    """Every run's samples, with the description of the experiment that made them.

    ``description`` holds the world, parameters, runs, horizon, seed, kept metrics and
    sampling (see ``Experiment.describe``); ``done`` of ``expected`` runs are present (fewer
    after an interrupt). Its ``stopped`` lists the runs a stop condition ended, as
    ``[k, t]``: the k-th run of the table (in its order) stopped at instant t.
    """

    description: Mapping[str, Any]
    table: pd.DataFrame = attrs.field(repr=False)
    done: int

    @classmethod
    def from_records(
        cls,
        description: Mapping[str, Any],
        points: Sequence[Mapping[str, Any]],
        records: Sequence[RunRecord],
    ) -> ExperimentResults:
        """The table of ``records`` (any order), sorted by point, run and time."""
        ordered = sorted(records, key=lambda r: (r.point, r.run))
        swept = list(description["swept"])
        lengths = [r.t.size for r in ordered]
        names = list(ordered[0].metrics) if ordered else list(description.get("keep") or [])
        cols: dict[str, Any] = {
            "run": np.repeat(np.array([r.run for r in ordered], np.int64), lengths)
        }
        for name in swept:
            cols[name] = np.repeat(_values([points[r.point][name] for r in ordered]), lengths)
        cols["t"] = _concat([r.t for r in ordered])
        cols["omega"] = _concat([r.omega for r in ordered])
        for name in names:
            cols[name] = _concat([r.metrics[name] for r in ordered])
        stopped = [[k, _plain(r.stopped)] for k, r in enumerate(ordered) if r.stopped is not None]
        description = {**description, "metrics": names, "stopped": stopped}
        import pandas as pd  # slow to import: only once a table is made

        return cls(description, pd.DataFrame(cols), len(ordered))

    # -- the data ----------------------------------------------------------------------

    @property
    def swept(self) -> tuple[str, ...]:
        """The swept parameters: one column each."""
        return tuple(self.description["swept"])

    @property
    def metrics(self) -> tuple[str, ...]:
        """The kept metrics, in column order (Ω is always there, as ``omega``)."""
        return tuple(self.description["metrics"])

    @property
    def headline(self) -> str:
        """The metric that tells how a run went: the world's declared headline, else Ω."""
        name = self.description.get("headline", "omega")
        return name if name in self.metrics else "omega"

    @property
    def expected(self) -> int:
        """How many runs the experiment asked for."""
        return int(self.description["expected"])

    @property
    def complete(self) -> bool:
        """Whether every run of the experiment is here."""
        return self.done == self.expected

    def frame(self) -> pd.DataFrame:
        """One row per run × sample time: ``run``, swept parameters, ``t``, ``omega``, metrics."""
        return self.table.copy()

    def final(self) -> pd.DataFrame:
        """The last sample of every run."""
        keys = [*self.swept, "run"]
        return self.table.groupby(keys, sort=False).tail(1).reset_index(drop=True)

    def stops(self) -> pd.DataFrame:
        """One row per run, in the table's order: the swept parameters, ``run``, ``stopped``
        (whether a stop condition ended it: the experiment's or the world's own) and ``t``,
        the instant at which it did (NaN for a run that reached its horizon). A stopped run's
        last sample is at that instant."""
        table = self.table
        ends = np.flatnonzero(_run_ends(table, self.swept))
        frame = table.iloc[ends][[*self.swept, "run"]].reset_index(drop=True)
        at = np.full(len(frame), np.nan)
        for k, t in self.description.get("stopped", ()):
            at[k] = t
        frame["stopped"] = ~np.isnan(at)
        frame["t"] = at
        return frame

    def paired(self, by: str, metric: str | None = None, *, baseline: Any = None) -> pd.DataFrame:
        """Run-by-run differences of the final ``metric`` (default: the headline) between each
        value of the swept parameter ``by`` and its ``baseline`` (default: its first value).

        Run r at a value is paired with run r at the baseline, per point of the other swept
        parameters. With common random numbers the two runs share their seed, so their
        difference keeps the parameter's effect with much of the runs' luck taken out; without,
        the pairs are independent runs and the interval is as right, only wider. Columns: the
        other swept parameters, ``by``, ``pairs``, then ``<metric>_diff_mean`` and
        ``<metric>_diff_ci`` (the 95 % half-width, Student's t over the pairs).
        """
        if by not in self.swept:
            raise ArgumentError(
                f"by {by!r} is not a swept parameter; swept: {', '.join(self.swept) or 'none'}"
            )
        metric = self.headline if metric is None else metric
        if metric not in ("omega", *self.metrics):
            raise ArgumentError(
                f"metric {metric!r} is not kept; choose from omega, {', '.join(self.metrics)}"
            )
        final = self.final()
        values = list(dict.fromkeys(final[by]))
        base = values[0] if baseline is None or not values else baseline
        if values and base not in values:
            raise ArgumentError(
                f"baseline {baseline!r} is not a value of {by!r}; its values: "
                + ", ".join(map(repr, values))
            )
        others = [k for k in self.swept if k != by]
        groups = final.groupby(others, sort=False) if others else [((), final)]
        rows = []
        for key, group in groups:
            reference = group[group[by] == base].set_index("run")[metric]
            for value in values:
                if value == base:
                    continue
                cell = group[group[by] == value].set_index("run")[metric]
                runs = reference.index.intersection(cell.index)
                diff = (cell.loc[runs] - reference.loc[runs]).to_numpy(float)
                mean, ci = mean_ci(diff)
                row = {**dict(zip(others, key, strict=True)), by: value, "pairs": len(runs)}
                rows.append({**row, f"{metric}_diff_mean": mean, f"{metric}_diff_ci": ci})
        import pandas as pd

        columns = [*others, by, "pairs", f"{metric}_diff_mean", f"{metric}_diff_ci"]
        return pd.DataFrame(rows, columns=columns)

    def summary(self) -> pd.DataFrame:
        """Per point, the mean and 95 % confidence half-width of the final Ω and metrics.

        Columns: the swept parameters, ``runs``, ``t`` (the final time), then
        ``<name>_mean`` and ``<name>_ci`` for ``omega`` and each metric (mean ± ci). An
        experiment with a stop condition adds ``stopped`` after ``runs``: how many of the
        point's runs it ended (:meth:`stops` says when).
        """
        final = self.final()
        keys = list(self.swept)
        groups = final.groupby(keys, sort=False) if keys else [((), final)]
        with_stop = self.description.get("stop_name") is not None
        if with_stop:
            stops = self.stops()
            parts = stops.groupby(keys, sort=False) if keys else [((), stops)]
            stopped = {key: int(part["stopped"].sum()) for key, part in parts}
        rows = []
        for key, group in groups:
            row: dict[str, Any] = dict(zip(keys, key, strict=True))
            row["runs"] = len(group)
            if with_stop:
                row["stopped"] = stopped[key]
            row["t"] = float(group["t"].max())
            for name in ("omega", *self.metrics):
                row[f"{name}_mean"], row[f"{name}_ci"] = mean_ci(group[name].to_numpy(float))
            rows.append(row)
        columns = [*keys, "runs", *(["stopped"] if with_stop else []), "t"] + [
            f"{n}_{s}" for n in ("omega", *self.metrics) for s in ("mean", "ci")
        ]
        import pandas as pd

        return pd.DataFrame(rows, columns=columns)

    def experiment(self) -> Experiment:
        """The experiment that made these results; running it again gives them exactly."""
        from ._experiment import Experiment

        return Experiment.from_description(self.description)

    # -- files -------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write to ``path``: Parquet for ``.parquet``, CSV for ``.csv`` (any case).

        The file is written whole or not at all (see :meth:`to_csv`), with the description
        and a completeness marker: ``done`` of ``expected`` runs, ``status`` (``"complete"``,
        or ``"partial"`` for results cut short by an interrupt) and the row count.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".parquet":
            self.to_parquet(path)
        elif suffix == ".csv":
            self.to_csv(path)
        else:
            raise ArgumentError(f"results are saved as .parquet or .csv, not {path.name!r}")
        return path

    def to_parquet(self, path: str | Path) -> None:
        """Write the table to Parquet, with the description in the file's metadata.

        Atomic: a temporary file beside ``path`` is renamed over it once complete, so an
        interrupted write never leaves a truncated file nor replaces a good one.
        """
        write_atomically(Path(path), parquet_writer(self.table, self._meta_json()))

    def to_csv(self, path: str | Path) -> None:
        """Write the table to CSV, between a first ``# npolitics: {description}`` line and a
        last ``# npolitics: end, N rows`` line (atomic, as :meth:`to_parquet`)."""
        write_atomically(Path(path), csv_writer(self.table, self._meta_json()))

    @classmethod
    def load(cls, path: str | Path) -> ExperimentResults:
        """Results saved by :meth:`save`, :meth:`to_parquet` or :meth:`to_csv`.

        The file is checked first: a :class:`ResultsFileError` names the description key or
        column that is missing or malformed, or says the table was cut short.
        """
        meta, frame = read_results(Path(path))
        done = meta.pop("done")
        meta.pop("status")
        meta.pop("rows")
        return cls(meta, frame, done)

    def _meta_json(self) -> str:
        mark = marker(self.done, self.expected, len(self.table))
        return json.dumps({**self.description, **mark}, default=_jsonable)

    # -- plots -------------------------------------------------------------------------

    def plot(
        self,
        metric: str = "omega",
        by: str | None = None,
        *,
        ax: Axes | None = None,
        smooth: int | None = None,
        path: str | Path | None = None,
    ) -> Axes:
        """The mean of ``metric`` over runs against t, with its 95 % confidence band.

        One line per value of the swept parameter ``by`` (other swept parameters pooled);
        by default one line per point. ``smooth`` is a rolling-mean window (in samples)
        applied to each run first. With ``path`` the figure is also saved there.
        """
        from ._plot import plot_runs

        return plot_runs(self, metric, by, ax=ax, smooth=smooth, path=path)

    def __repr__(self) -> str:
        return (
            f"<ExperimentResults {self.description.get('world_name')!r}: {self.done} of "
            f"{self.expected} runs, {len(self.table)} rows>"
        )


def _run_ends(table: pd.DataFrame, swept: Sequence[str]) -> np.ndarray[Any, Any]:
    """Whether each row is its run's last: the next row is another run (another run number
    or swept value, or time starts over) or there is none."""
    n = len(table)
    last = np.ones(n, bool)
    if n > 1:
        t = table["t"].to_numpy()
        new = t[1:] <= t[:-1]
        for name in ("run", *swept):
            column = table[name].to_numpy()
            new |= column[1:] != column[:-1]
        last[:-1] = new
    return last


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _values(values: list[Any]) -> npt.NDArray[Any]:
    """One entry per value: an object array when the values are not scalars (a tuple-valued
    parameter stays one tuple per row, not a row of numbers)."""
    array = np.array(values)
    if array.ndim == 1 or not values:
        return array
    whole = np.empty(len(values), object)
    for k, value in enumerate(values):
        whole[k] = value
    return whole


def _concat(parts: list[np.ndarray[Any, Any]]) -> np.ndarray[Any, Any]:
    return np.concatenate(parts) if parts else np.array([], np.float64)


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return repr(value)


def load_results(path: str | Path) -> ExperimentResults:
    """Experiment results saved to a ``.parquet`` or ``.csv`` file."""
    return ExperimentResults.load(path)
