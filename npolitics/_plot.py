"""Plots of experiment results with matplotlib (the ``plot`` extra), imported only when used."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._errors import ArgumentError
from ._sweep_results import t975

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from ._sweep_results import ExperimentResults


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError("plotting needs matplotlib: pip install 'npolitics[plot]'") from exc
    return matplotlib


def plot_runs(
    results: ExperimentResults,
    metric: str,
    by: str | None,
    *,
    ax: Axes | None = None,
    smooth: int | None = None,
    path: str | Path | None = None,
) -> Axes:
    """Mean of ``metric`` across runs against t with a 95 % band, one line per group."""
    _matplotlib()
    frame = results.table
    swept = list(results.swept)
    if metric not in ("omega", *results.metrics):
        raise ArgumentError(
            f"no metric {metric!r} in these results; there are "
            f"{', '.join(map(repr, ('omega', *results.metrics)))}"
        )
    if by is not None and by not in swept:
        raise ArgumentError(
            f"by={by!r} is not a swept parameter; swept: {', '.join(map(repr, swept)) or 'none'}"
        )
    data = frame[[*swept, "run", "t", metric]].copy()
    if smooth is not None and smooth > 1:
        runs = data.groupby([*swept, "run"], sort=False)[metric]
        # A window longer than a run is the run's whole length (pandas cannot take a window
        # beyond a C long, and a longer one would average the same samples).
        window = min(smooth, max(1, len(data)))
        data[metric] = runs.transform(lambda s: s.rolling(window, min_periods=1).mean())
    keys = [by] if by is not None else swept
    groups = data.groupby(keys, sort=False) if keys else [((), data)]

    if ax is None:
        if path is not None:
            from matplotlib.figure import Figure

            ax = Figure(figsize=(7, 4), layout="constrained").subplots()
        else:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    for key, group in groups:
        stats = group.groupby("t")[metric].agg(["mean", "std", "count"])
        t = stats.index.to_numpy(float)
        mean = stats["mean"].to_numpy(float)
        ci = _half_width(stats)
        label = ", ".join(f"{k}={v}" for k, v in zip(keys, key, strict=True)) or None
        (line,) = ax.plot(t, mean, label=label)
        ax.fill_between(t, mean - ci, mean + ci, color=line.get_color(), alpha=0.25, lw=0)
    ax.set_xlabel("t")
    smoothed = smooth is not None and smooth > 1
    ax.set_ylabel(f"{metric} (rolling mean of {smooth})" if smoothed else metric)
    ax.set_title(
        f"{results.description.get('world_name')}: mean of "
        f"{results.description.get('runs')} runs per point, 95 % CI"
    )
    if keys:
        ax.legend()
    if path is not None:
        ax.get_figure(root=True).savefig(str(path), dpi=120)  # type: ignore[union-attr]
    return ax


def _half_width(stats: pd.DataFrame) -> np.ndarray[Any, Any]:
    count = stats["count"].to_numpy(int)
    sd = stats["std"].to_numpy(float)
    quantile = np.array([t975(n - 1) if n > 1 else np.nan for n in count])
    half: np.ndarray[Any, Any] = np.nan_to_num(quantile * sd / np.sqrt(np.maximum(count, 1)))
    return half
