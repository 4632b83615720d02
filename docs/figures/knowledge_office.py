"""Figures of docs/worlds/knowledge-office.md, made by the code.

    python docs/figures/knowledge_office.py [--quick] [--out DIR]   # writes ko_*.png here

1. The notebook's figures, from ``examples/knowledge_office.py`` (without ``--grand``).
2. Fidelity: ``seed`` against ``corrected``, with the notebook's settings
   (a) forgetful researchers, 100 workers and 100 facts: set.pop forgetting against uniform;
   (b) the pooled variants: index order against shuffled order, and set.pop against uniform;
   (c) a small grand experiment (100 workers × 100 facts per worker): targets from 100 facts
       against targets over all 10 000.
   Each curve is the mean of several seeds, smoothed; ``--quick`` shortens everything.
3. The forgetful office's cycles: one run each of seed and corrected over 50 000 ticks.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import npolitics as npl

HERE = Path(__file__).parent
EXAMPLE = HERE.parent.parent / "examples" / "knowledge_office.py"
OUT = HERE
office = npl.load_world("knowledge-office")


def mean_rate(runs: int, steps: int, **params: object) -> np.ndarray:
    """The work rate per tick, averaged over ``runs`` seeds."""
    return np.mean(
        [
            office(seed=s, **params).run(steps=steps, rollback=False).frame()["work_rate"]
            for s in range(runs)
        ],
        axis=0,
    )


def smooth(y: np.ndarray, window: int) -> np.ndarray:
    window = max(1, min(window, y.size))
    return np.convolve(y, np.ones(window), "valid") / window


def panel(ax: plt.Axes, title: str, curves: dict[str, np.ndarray], window: int) -> None:
    for label, y in curves.items():
        ax.plot(smooth(y, window), label=label, linewidth=1)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("Ticks")
    ax.set_ylabel("Work per worker")
    ax.legend(fontsize=8)


def fidelity(scale: int) -> None:
    """Seed against corrected: three panels."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    steps = 50_000 // scale
    panel(
        axes[0],
        "forgetful, 100 workers, 100 facts (4 seeds)",
        {
            fid: mean_rate(4, steps, variant="forgetful", fidelity=fid)
            for fid in ("seed", "corrected")
        },
        max(1, 1001 // scale),
    )
    steps = 10_000 // scale
    panel(
        axes[1],
        "pooled variants, 100 workers, 100 facts (8 seeds)",
        {
            f"{v} {fid}": mean_rate(8, steps, variant=v, fidelity=fid)
            for v in ("sociable", "database")
            for fid in ("seed", "corrected")
        },
        max(1, 201 // scale),
    )
    steps = 5_000 // scale
    panel(
        axes[2],
        "grand, 100 workers × 100 facts per worker (2 seeds)",
        {
            f"{v} {fid}": mean_rate(
                2, steps, variant=v, workers=100, facts_per_worker=100, fidelity=fid
            )
            for v in ("forgetful", "sociable", "database")
            for fid in ("seed", "corrected")
        },
        max(1, 201 // scale),
    )
    fig.tight_layout()
    path = OUT / "ko_fidelity.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print("wrote", path)


def cycles(scale: int) -> None:
    """One run each of the forgetful office for 50 000 ticks: seed against corrected."""
    steps = 50_000 // scale
    fig, ax = plt.subplots(figsize=(8, 4.2))
    panel(
        ax,
        "forgetful, forget_rate=0.01, one run each, smoothed over 1001 ticks",
        {
            fid: mean_rate(1, steps, variant="forgetful", fidelity=fid)
            for fid in ("seed", "corrected")
        },
        max(1, 1001 // scale),
    )
    fig.tight_layout()
    path = OUT / "ko_forgetful_cycles.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print("wrote", path)


def notebook(quick: bool) -> None:
    """The notebook's figures, drawn by the example script."""
    spec = importlib.util.spec_from_file_location("knowledge_office_example", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    example.main([str(OUT), "--scale=10" if quick else "--full"])


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    if "--out" in sys.argv:
        OUT = Path(sys.argv[sys.argv.index("--out") + 1])
        OUT.mkdir(parents=True, exist_ok=True)
    cycles(10 if quick else 1)
    fidelity(10 if quick else 1)
    notebook(quick)
