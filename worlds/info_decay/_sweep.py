"""The question of this world as one command: does sharing help, and how does the answer
change as information decays and churns? ``sweep_modes`` runs mode × learning; ``plot_sweep``
draws the answer.

The sweep is one ``npl.Experiment`` with common random numbers: run r of every cell has the
same seed, so self and social runs with one run number share every random draw (the
environment, the walks) and differ only by the telling; their difference is a paired
comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import npolitics as npl

from ._world import LEARNING, MODES, info_decay


def sweep_modes(
    *,
    modes: Sequence[str] = MODES,
    learning: Sequence[str] = LEARNING,
    runs: int = 5,
    until: float = 300.0,
    seed: int = 1,
    backend: Any = None,
    workers: int | None = None,
    quiet: bool = True,
    **params: Any,
) -> pd.DataFrame:
    """Run every (mode, learning) pair ``runs`` times to time ``until``.

    One ``npl.Experiment`` of ``info-decay`` over mode × learning with common random
    numbers: run r of every cell has the seed ``SeedSequence(seed).spawn(runs)[r]``.
    ``params`` are the world's other parameters; ``backend`` and ``workers`` are the
    experiment's (default: processes when more than one core is free), and ``quiet=False``
    shows its progress bar. Returns one row per sample: columns ``mode``, ``learning``,
    ``run``, then the run's frame (``t``, ``omega``, metrics), and ``snippets`` (S, for
    normalising).
    """
    exp = npl.Experiment(
        info_decay,
        {**params, "mode": list(modes), "learning": list(learning)},
        runs=runs,
        until=until,
        seed=seed,
        common_random_numbers=True,
    )
    frame = exp.run(backend, workers=workers, quiet=quiet).frame()
    rest = [c for c in frame.columns if c not in ("mode", "learning", "run")]
    snippets = info_decay.validate(exp.points()[0]).snippets
    return frame[["mode", "learning", "run", *rest]].assign(snippets=snippets)


def summarise(frame: pd.DataFrame) -> pd.DataFrame:
    """Final score per mode and learning (mean and standard error over runs), and the gain
    of social over self learning (paired by run: mean and standard error of the difference)."""
    last = frame[frame["t"] == frame["t"].max()]
    table = last.pivot_table(index=["mode", "run"], columns="learning", values="score")
    rows = []
    for mode in dict.fromkeys(frame["mode"]):  # in the order they were run
        part = table.xs(mode, level="mode")
        row: dict[str, Any] = {"mode": mode, "runs": len(part)}
        for how in part.columns:
            row[f"{how}"] = part[how].mean()
            row[f"{how}_se"] = _se(part[how].to_numpy())
        if {"self", "social"} <= set(part.columns):
            gain = (part["social"] - part["self"]).to_numpy()
            row["gain"] = gain.mean()
            row["gain_se"] = _se(gain)
        rows.append(row)
    return pd.DataFrame(rows)


def _se(x: np.ndarray[Any, Any]) -> float:
    return float(x.std(ddof=1) / np.sqrt(x.size)) if x.size > 1 else float("nan")


def plot_sweep(frame: pd.DataFrame, path: str | Path | None = None) -> Any:
    """Score against time, one panel per mode, self and social learning as two lines (mean
    over runs, shaded ± 2 standard errors), with the visible subjects on a second axis.

    Saves to ``path`` if given; returns the matplotlib Figure.
    """
    import matplotlib

    if path is not None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    modes = list(dict.fromkeys(frame["mode"]))
    fig, axes = plt.subplots(1, len(modes), figsize=(4.2 * len(modes), 3.6), sharey=True)
    axes = np.atleast_1d(axes)
    colours = {"self": "tab:blue", "social": "tab:orange"}
    for ax, mode in zip(axes, modes, strict=True):
        part = frame[frame["mode"] == mode]
        for how, cell in part.groupby("learning", sort=False):
            stats = cell.groupby("t")["score"].agg(["mean", "std", "count"])
            se = stats["std"].fillna(0.0) / np.sqrt(stats["count"])
            colour = colours.get(str(how))
            ax.plot(stats.index, stats["mean"], label=f"{how} learning", color=colour)
            ax.fill_between(
                stats.index,
                stats["mean"] - 2 * se,
                stats["mean"] + 2 * se,
                alpha=0.25,
                color=colour,
            )
        visible = part.groupby("t")["visible"].mean()
        twin = ax.twinx()
        twin.plot(visible.index, visible / part["snippets"].iloc[0], color="grey", ls=":", lw=1)
        twin.set_ylim(0, 1.05)
        twin.set_yticks([])
        ax.set_title(mode)
        ax.set_xlabel("time (s)")
        ax.set_ylim(0, 1.05)
    axes[0].set_ylabel("score (fraction of snippets known)")
    axes[0].legend(
        loc="upper left", fontsize="small", title="dotted: visible / S", title_fontsize="x-small"
    )
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
        plt.close(fig)
    return fig
