"""Results of a run: Ω and the world's metrics at every sample time, kept in arrays."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from ._errors import ArgumentError
from ._limits import Limits

if TYPE_CHECKING:
    import pandas as pd

FloatArray = npt.NDArray[np.float64]
#: Sample times: integers in a world that ticks (whole sampling grid), floats otherwise.
TimeArray = npt.NDArray[np.float64] | npt.NDArray[np.int64]


@attrs.frozen(eq=False)
class Results:
    """What one run recorded: sample times ``t``, Ω, the metrics, Ω per agent type and mean W.

    ``t`` holds integers when the world's sampling grid is whole (a world that ticks) and
    every sample fell on a whole time. ``frame()`` gives the public table; the arrays are
    there for code that wants no pandas.
    """

    world: str
    t: TimeArray
    omega: FloatArray
    metrics: Mapping[str, FloatArray]
    omega_by_type: Mapping[str, FloatArray]
    mean_wellbeing: FloatArray
    params: Mapping[str, Any] = attrs.field(factory=dict)
    seed: Any = None

    def __len__(self) -> int:
        return int(self.t.size)

    def frame(self, *, wellbeing: bool = False) -> pd.DataFrame:
        """One row per sample time: columns ``t``, ``omega``, then the world's metrics.

        With ``wellbeing=True`` it adds ``omega[Type]`` per agent type and ``mean_wellbeing``.
        """
        cols: dict[str, Any] = {"t": self.t, "omega": self.omega}
        cols.update(self.metrics)
        if wellbeing:
            cols.update({f"omega[{k}]": v for k, v in self.omega_by_type.items()})
            cols["mean_wellbeing"] = self.mean_wellbeing
        import pandas as pd  # a third of a second to import: only when a table is asked for

        return pd.DataFrame(cols)

    def final(self) -> dict[str, float]:
        """Ω and every metric at the last sample time."""
        if not len(self):
            raise ArgumentError("these results hold no samples")
        out = {"t": self.t[-1].item(), "omega": float(self.omega[-1])}
        out.update({k: float(v[-1]) for k, v in self.metrics.items()})
        return out

    @classmethod
    def concat(cls, parts: Sequence[Results]) -> Results:
        """The results of consecutive runs of one world, as if from one run."""
        if not parts:
            raise ArgumentError("nothing to concatenate")
        first = parts[0]
        return cls(
            world=first.world,
            t=np.concatenate([p.t for p in parts]),
            omega=np.concatenate([p.omega for p in parts]),
            metrics={k: np.concatenate([p.metrics[k] for p in parts]) for k in first.metrics},
            omega_by_type={
                k: np.concatenate([p.omega_by_type[k] for p in parts]) for k in first.omega_by_type
            },
            mean_wellbeing=np.concatenate([p.mean_wellbeing for p in parts]),
            params=first.params,
            seed=first.seed,
        )

    def equals(self, other: Results) -> bool:
        """Bit-identical samples (times, Ω, metrics, breakdown)."""
        return (
            _same(self.t, other.t)
            and _same(self.omega, other.omega)
            and self.metrics.keys() == other.metrics.keys()
            and all(_same(v, other.metrics[k]) for k, v in self.metrics.items())
            and self.omega_by_type.keys() == other.omega_by_type.keys()
            and all(_same(v, other.omega_by_type[k]) for k, v in self.omega_by_type.items())
            and _same(self.mean_wellbeing, other.mean_wellbeing)
        )


def _same(a: TimeArray, b: TimeArray) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))


@attrs.define
class Recorder:
    """Arrays that grow by doubling and receive one row per sample time."""

    metric_names: tuple[str, ...]
    type_names: list[str]
    capacity: int = 16
    size: int = 0
    _rows: FloatArray = attrs.field(init=False)
    _by_type: dict[str, FloatArray] = attrs.field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        self._rows = np.empty((max(self.capacity, 1), 3 + len(self.metric_names)))
        self._by_type = {k: np.zeros(self._rows.shape[0]) for k in self.type_names}

    def add(
        self,
        t: float,
        omega: float,
        mean: float,
        metrics: Sequence[float],
        by_type: Mapping[str, float],
    ) -> None:
        """Append the sample at time ``t``."""
        if self.size == self._rows.shape[0]:
            self._grow()
        row = self._rows[self.size]
        row[:3] = (t, omega, mean)
        row[3:] = metrics
        for k, value in by_type.items():
            col = self._by_type.get(k)
            if col is None:
                col = self._by_type[k] = np.zeros(self._rows.shape[0])
            col[self.size] = value
        self.size += 1

    def add_rows(
        self,
        t: FloatArray,
        omega: FloatArray,
        mean: FloatArray,
        metrics: FloatArray,
        by_type: Mapping[str, FloatArray],
    ) -> None:
        """Append the samples at times ``t`` (``metrics``: one row per sample)."""
        n = t.size
        while self.size + n > self._rows.shape[0]:
            self._grow()
        rows = self._rows[self.size : self.size + n]
        rows[:, 0], rows[:, 1], rows[:, 2] = t, omega, mean
        rows[:, 3:] = metrics
        for k, values in by_type.items():
            col = self._by_type.get(k)
            if col is None:
                col = self._by_type[k] = np.zeros(self._rows.shape[0])
            col[self.size : self.size + n] = values
        self.size += n

    def _grow(self) -> None:
        # A run with no horizon can sample without end: stop where memory would run out.
        grown = 2 * self._rows.nbytes * (1 + len(self._by_type) / self._rows.shape[1])
        Limits.current().check_memory(grown, f"recording {2 * self.size} samples")
        self._rows = np.concatenate([self._rows, np.empty_like(self._rows)])
        for k, v in self._by_type.items():
            self._by_type[k] = np.concatenate([v, np.zeros_like(v)])

    def row(self, i: int) -> tuple[float, float, dict[str, float]]:
        """Sample ``i`` as (t, Ω, {metric: value})."""
        r = self._rows[i]
        metrics = {k: float(r[3 + j]) for j, k in enumerate(self.metric_names)}
        return float(r[0]), float(r[1]), metrics

    def results(
        self, world: str, params: Mapping[str, Any], seed: Any, *, ticks: bool = False
    ) -> Results:
        """What was recorded, trimmed to the samples taken; ``ticks``: the sampling grid is
        whole, so whole sample times are kept as integers."""
        rows = self._rows[: self.size]
        t: TimeArray = rows[:, 0].copy()
        if ticks and bool(np.all(np.isfinite(t) & (t == np.floor(t)))):
            t = t.astype(np.int64)
        return Results(
            world=world,
            t=t,
            omega=rows[:, 1].copy(),
            metrics={k: rows[:, 3 + i].copy() for i, k in enumerate(self.metric_names)},
            omega_by_type={k: v[: self.size].copy() for k, v in self._by_type.items()},
            mean_wellbeing=rows[:, 2].copy(),
            params=dict(params),
            seed=seed,
        )
