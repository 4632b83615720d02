"""The knowledge-office notebook's experiments, re-run through npolitics' public API.

Each experiment of the notebook (seeds/000_4d17e6a3d30933e7.txt) is one function below with
the notebook's settings; each saves the notebook's figure (work rate per worker over ticks).

    python examples/knowledge_office.py [OUT_DIR] [--full | --quick | --scale=N] [--grand]

By default every run is a fiftieth of the notebook's length (the whole script in about 15 s;
the curves are short, so the slower findings show only with ``--full``, which runs the
notebook's lengths: minutes); ``--quick`` runs a five-hundredth (a smoke run), and
``--scale=N`` an N-th; ``--grand`` adds the two 1000-worker grand experiments (minutes of
CPU each). The first grand experiment is also one CLI line:

    npolitics run knowledge-office -p variant=forgetful,sociable,database \\
        -p workers=1000 -p facts_per_worker=1000 --steps 10000 --plot grand.png
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import npolitics as npl

office = npl.load_world("knowledge-office")
SCALE = 1


def rates(seed: int = 0, steps: int = 10_000, **params: Any) -> np.ndarray:
    """The work rate per worker at each tick of one run."""
    world = office(seed=seed, **params)
    return world.run(steps=max(1, steps // SCALE)).frame()["work_rate"].to_numpy()


def smooth(x: np.ndarray, window: int) -> np.ndarray:
    """The notebook's running mean (``np.convolve(..., 'valid')``)."""
    window = max(1, min(window // SCALE, x.size))
    return np.convolve(x, np.ones(window), "valid") / window


def figure(path: Path, curves: dict[str, np.ndarray], title: str = "") -> None:
    """One line per curve, the notebook's axes."""
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for label, y in curves.items():
        ax.plot(y, label=label, linewidth=0.8)
    ax.set_title(title or "Rate of work per worker over time")
    ax.set_ylabel("Average units of work per worker")
    ax.set_xlabel("Ticks")
    if len(curves) > 1:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print("wrote", path)


def researcher(out: Path) -> None:
    """100 researchers with perfect memories, 50 000 ticks."""
    figure(out / "ko_researcher.png", {"Researcher": rates(steps=50_000, variant="researcher")})


def forgetful(out: Path) -> dict[str, np.ndarray]:
    """Forgetful researchers: forget rate 0.01, then 0.005, 50 000 ticks each."""
    curves = {
        f"forget_rate={r}": rates(steps=50_000, variant="forgetful", forget_rate=r)
        for r in (0.01, 0.005)
    }
    for label, y in curves.items():
        figure(out / f"ko_forgetful_{label.split('=')[1]}.png", {label: y})
    return curves


def forgetful_long(out: Path) -> None:
    """Forget rate 0.01 for 500 000 ticks, smoothed over 3001 ticks as in the notebook."""
    y = rates(steps=500_000, variant="forgetful", forget_rate=0.01)
    figure(out / "ko_forgetful_long.png", {"smoothed (3001 ticks)": smooth(y, 3001)})


def sociable(out: Path, forgetful_curve: np.ndarray) -> None:
    """Sociable v1 (asks anyone) and v2 (free-colleague pool), and v2 at socialise rate 0.9."""
    v1 = rates(steps=50_000, variant="sociable_v1")
    figure(out / "ko_sociable_v1.png", {"Sociable-V1": v1})
    v2 = rates(steps=10_000, variant="sociable")
    n = v2.size
    figure(
        out / "ko_sociable_compare.png",
        {"Sociable-V1": v1[:n], "Sociable-V2": v2, "Forgetful": forgetful_curve[:n]},
    )
    figure(
        out / "ko_sociable_0.9.png",
        {"socialise_rate=0.9": rates(steps=10_000, variant="sociable", socialise_rate=0.9)},
    )


def database(out: Path) -> None:
    """The database researchers, with the notebook's settings of that cell."""
    y = rates(
        steps=10_000,
        variant="database",
        socialise_rate=0.1,
        contribution_success_rate=0.1,
        database_query_rate=0.1,
        database_write_rate=0.05,
    )
    figure(out / "ko_database.png", {"Databaser": y})


GRAND = {"Forgetful": "forgetful", "Sociable": "sociable", "Databaser": "database"}


def grand(out: Path, name: str, workers: int, facts_per_worker: int, **settings: Any) -> None:
    """The notebook's ``run_grand_experiment``: three variants on one figure."""
    curves = {
        label: rates(
            steps=10_000,
            variant=variant,
            workers=workers,
            facts_per_worker=facts_per_worker,
            **settings,
        )
        for label, variant in GRAND.items()
    }
    figure(
        out / f"ko_grand_{name}.png",
        curves,
        f"{workers} workers × {facts_per_worker} facts per worker",
    )


def main(argv: list[str]) -> None:
    global SCALE
    flags = {a for a in argv if a.startswith("--")}
    args = [a for a in argv if not a.startswith("--")]
    out = Path(args[0] if args else "knowledge_office_figures")
    out.mkdir(parents=True, exist_ok=True)
    SCALE = 500 if "--quick" in flags else 1 if "--full" in flags else 50
    for flag in flags:
        if flag.startswith("--scale="):
            SCALE = int(flag.removeprefix("--scale="))
    researcher(out)
    curves = forgetful(out)
    forgetful_long(out)
    sociable(out, curves["forget_rate=0.01"])
    database(out)
    grand(out, "10x100", 10, 100, contribution_success_rate=0.1, database_write_rate=0.05)
    if "--grand" in flags:
        grand(out, "1000x1000", 1000, 1000)
        grand(out, "1000x1000_write0.3", 1000, 1000, database_write_rate=0.3)


if __name__ == "__main__":
    main(sys.argv[1:])
