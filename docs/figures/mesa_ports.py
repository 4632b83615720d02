"""The statistics of docs/howto/mesa.md: the Mesa ports beside Mesa's own models.

    python docs/figures/mesa_ports.py   # writes mesa_ports.txt here (a few minutes)

1. Boltzmann wealth, Mesa's defaults (100 people on 10 × 10 cells): the Gini coefficient
   after 10 and 100 steps, for Mesa's model, the port under sequential activation (Mesa's
   ``shuffle_do``) and the port under simultaneous activation.
2. The prisoner's dilemma on a 15 × 15 torus: the share cooperating after 2 and 5 steps, for
   Mesa's "Random" regime, the port under sequential activation in a shuffled order, and the
   port under simultaneous activation (which equals Mesa's "Simultaneous" run for run, so
   Mesa's "Simultaneous" is shown too, from its own seeds).

Each cell is a mean over seeds 0 … R − 1 ± its standard error; z is the difference from
the first row (Mesa's) in combined standard errors, except where the table says otherwise.
``tests/examples/test_mesa_ports.py`` checks the same claims on fewer seeds.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[1] / "examples"))

import mesa_boltzmann as boltzmann  # noqa: E402 - from examples/
import mesa_pd_grid as pd_grid  # noqa: E402

BOLTZMANN_RUNS, BOLTZMANN_STEPS = 400, (10, 100)
PD_RUNS, PD_SIDE, PD_STEPS = 200, 15, (2, 5)


def boltzmann_mesa(seed: int) -> list[float]:
    """Mesa's Gini after each of BOLTZMANN_STEPS steps of one run."""
    model = boltzmann.mesa_model()(seed=seed)
    out = []
    for step in range(1, max(BOLTZMANN_STEPS) + 1):
        model.step()
        if step in BOLTZMANN_STEPS:
            out.append(float(model.compute_gini()))
    return out


def boltzmann_port(activation: boltzmann.Activation) -> Callable[[int], list[float]]:
    def run(seed: int) -> list[float]:
        world = boltzmann.boltzmann(activation=activation, seed=seed)
        out, done = [], 0
        for steps in BOLTZMANN_STEPS:
            world.run(steps=steps - done)
            done = steps
            out.append(boltzmann.gini([p.wealth for p in world[boltzmann.PEOPLE]]))
        return out

    return run


def pd_mesa(regime: str) -> Callable[[int], list[float]]:
    def run(seed: int) -> list[float]:
        model = pd_grid.mesa_model()(PD_SIDE, PD_SIDE, regime, seed=seed)
        out = []
        for step in range(1, max(PD_STEPS) + 1):
            model.step()
            if step in PD_STEPS:
                out.append(sum(a.move == "C" for a in model.agents) / PD_SIDE**2)
        return out

    return run


def pd_port(regime: str) -> Callable[[int], list[float]]:
    activation, order = pd_grid.REGIMES[regime]

    def run(seed: int) -> list[float]:
        world = pd_grid.pd_grid(PD_SIDE, PD_SIDE, activation=activation, order=order, seed=seed)
        out, done = [], 0
        for steps in PD_STEPS:
            world.run(steps=steps - done)
            done = steps
            out.append(pd_grid.cooperating(world) / PD_SIDE**2)
        return out

    return run


def table(
    title: str,
    steps: Sequence[int],
    runs: int,
    rows: dict[str, Callable[[int], list[float]]],
    versus: dict[str, str] | None = None,
) -> str:
    """One row per implementation: mean ± SE at each step count, and z against the first row
    (or the row that ``versus`` names for it)."""
    samples = {name: np.array([run(seed) for seed in range(runs)]) for name, run in rows.items()}
    first = next(iter(samples))
    lines = [title, f"{'':<44}" + "".join(f"{f'after {s} steps':>28}" for s in steps)]
    for name, x in samples.items():
        against = (versus or {}).get(name, first)
        cells = []
        for k in range(len(steps)):
            mean, se = x[:, k].mean(), x[:, k].std(ddof=1) / math.sqrt(runs)
            ref = samples[against][:, k]
            both = math.sqrt(x[:, k].var(ddof=1) / runs + ref.var(ddof=1) / runs)
            z = "" if name == against else f"z = {(mean - ref.mean()) / both:+.1f}"
            cells.append(f"{mean:.4f} ± {se:.4f} {z:>9}")
        lines.append(f"{name:<44}" + "".join(f"{c:>28}" for c in cells))
    notes = [f"  z of {name!r}: against {against!r}" for name, against in (versus or {}).items()]
    return "\n".join([*lines, *notes])


def main() -> None:
    first = table(
        f"Boltzmann wealth, 100 people on 10 x 10 cells: Gini, seeds 0-{BOLTZMANN_RUNS - 1}",
        BOLTZMANN_STEPS,
        BOLTZMANN_RUNS,
        {
            "Mesa BoltzmannWealth (shuffle_do)": boltzmann_mesa,
            "npolitics, activation=sequential, shuffled": boltzmann_port("sequential"),
            "npolitics, activation=simultaneous": boltzmann_port("simultaneous"),
        },
    )
    second = table(
        f"Prisoner's dilemma, {PD_SIDE} x {PD_SIDE} torus: share cooperating, "
        f"seeds 0-{PD_RUNS - 1}",
        PD_STEPS,
        PD_RUNS,
        {
            "Mesa PdGrid 'Random'": pd_mesa("Random"),
            "npolitics, activation=sequential, shuffled": pd_port("Random"),
            "npolitics, activation=simultaneous": pd_port("Simultaneous"),
            "Mesa PdGrid 'Simultaneous'": pd_mesa("Simultaneous"),
        },
        versus={"Mesa PdGrid 'Simultaneous'": "npolitics, activation=simultaneous"},
    )
    text = f"{first}\n\n{second}\n"
    (HERE / "mesa_ports.txt").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
