"""The Mesa ports are Mesa's models under sequential activation, and other models under
simultaneous activation.

``examples/mesa_pd_grid.py`` and ``examples/mesa_boltzmann.py`` port two of Mesa 3's own
example models. Run beside Mesa's code:

- the prisoner's dilemma is deterministic once its first moves are drawn, so with Mesa's
  first moves the port reproduces Mesa's "Sequential" regime (``activation="sequential",
  order="fixed"``) and its "Simultaneous" regime (``activation="simultaneous"``) exactly,
  every player's move and score at every step; its "Random" regime (``order="shuffled"``)
  agrees in distribution;
- the Boltzmann wealth model under sequential activation agrees with Mesa in distribution;
  under simultaneous activation (a coin received in a step is given on from the next step
  only) it is a different model, with a lower Gini coefficient.

"Agrees in distribution" means the means of a final statistic over fixed seeds differ by
less than 4 combined standard errors; "differs" means by more than 4, in the direction
stated. Every run has a fixed seed, so the outcome is the same at every run of the suite.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import mesa_boltzmann as boltzmann  # examples/ is on sys.path (tests/conftest.py)
import mesa_pd_grid as pd_grid
import numpy as np
import pytest

import npolitics as npl

Z = 4.0
"""The tolerance, in combined standard errors of a difference of two means."""


@pytest.fixture(scope="module")
def mesa() -> ModuleType:
    """Mesa itself, or the test is skipped: the tests using it compare the ports with it."""
    mesa: ModuleType = pytest.importorskip(
        "mesa",
        reason="the Mesa ports are compared with Mesa itself: pip install 'npolitics[bench]'",
    )
    return mesa


def z_score(ours: Sequence[float], theirs: Sequence[float]) -> float:
    """(mean(ours) - mean(theirs)) in combined standard errors of the two means."""
    a, b = np.asarray(ours, float), np.asarray(theirs, float)
    se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    return float((a.mean() - b.mean()) / se)


def describe(name: str, values: Sequence[float]) -> str:
    x = np.asarray(values, float)
    return f"{name} {x.mean():.4f} ± {x.std(ddof=1) / math.sqrt(x.size):.4f} (n={x.size})"


# The prisoner's dilemma, run for run --------------------------------------------------------


def mesa_and_port(regime: str, width: int, height: int, seed: int) -> tuple[Any, npl.World]:
    """Mesa's PdGrid under ``regime``, and the port with Mesa's first moves and the clock
    that stands for ``regime``."""
    model = pd_grid.mesa_model()(width, height, regime, seed=seed)
    activation, order = pd_grid.REGIMES[regime]
    world = pd_grid.pd_grid(
        width,
        height,
        activation=activation,
        order=order,
        moves=[agent.move for agent in model.agents],
        seed=seed,
    )
    return model, world


@pytest.mark.usefixtures("mesa")
@pytest.mark.parametrize("regime", ["Sequential", "Simultaneous"])
@pytest.mark.parametrize(("width", "height", "seed"), [(10, 10, 1), (7, 5, 2), (9, 12, 3)])
def test_prisoners_dilemma_is_mesas_run_for_run(
    regime: str, width: int, height: int, seed: int
) -> None:
    """Every player's move and score equal those of Mesa's agent at every step: the same
    floats, since ties between equal scores decide moves."""
    model, world = mesa_and_port(regime, width, height, seed)
    for step in range(1, 13):
        model.step()
        world.run(steps=1)
        mesa_state = [(agent.move, agent.score) for agent in model.agents]
        port_state = [(player.move, player.score) for player in world[pd_grid.PLAYERS]]
        assert port_state == mesa_state, f"{regime}: the port departs from Mesa at step {step}"


def test_prisoners_dilemma_simultaneous_does_not_depend_on_order() -> None:
    """Under simultaneous activation, shuffling who acts first changes nothing at all: every
    player acts on the state at the start of the step and writes only its own state."""
    shuffled, fixed = (
        pd_grid.pd_grid(12, 12, activation="simultaneous", order=order, seed=4)
        for order in ("shuffled", "fixed")
    )
    shuffled.run(steps=8)
    fixed.run(steps=8)
    assert [(p.move, p.score) for p in shuffled[pd_grid.PLAYERS]] == [
        (p.move, p.score) for p in fixed[pd_grid.PLAYERS]
    ]


# The Boltzmann wealth model: one step, by hand ---------------------------------------------


def coin_round(activation: boltzmann.Activation) -> list[int]:
    """Three people on a 1 × 2 grid, where every move is forced: person 0 (holding the only
    coin) and person 2 in cell 0, person 1 in cell 1. Each moves to the other cell and, if
    holding a coin, gives it to the one other person found there. The wealth after one step."""
    world = npl.World("coin round", seed=1)
    grid = boltzmann.moore(1, 2)
    people = tuple(npl.Address(boltzmann.PEOPLE, i) for i in range(3))
    world.add(
        boltzmann.PEOPLE,
        [
            boltzmann.Person(grid, people, 0, 1),
            boltzmann.Person(grid, people, 1, 0),
            boltzmann.Person(grid, people, 0, 0),
        ],
    )
    world.add(boltzmann.GRID.group, boltzmann.Grid([[0, 2], [1]], people))
    world.clock(boltzmann.PEOPLE, "tick", activation=activation, order="fixed")
    world.run(steps=1, check=True)
    return [person.wealth for person in world[boltzmann.PEOPLE]]


def test_a_coin_goes_round_in_one_sequential_step() -> None:
    """Sequentially, 0 moves and gives to 1; 1, activated next, moves and gives to 2, still in
    cell 0; 2 moves and gives to 0: the coin is back with 0 after three gifts."""
    assert coin_round("sequential") == [1, 0, 0]


def test_a_coin_moves_once_in_a_simultaneous_step() -> None:
    """Simultaneously, only 0 holds a coin when the step starts: one gift, to 1."""
    assert coin_round("simultaneous") == [0, 1, 0]


@pytest.mark.parametrize("activation", ["sequential", "simultaneous"])
def test_boltzmann_keeps_its_invariants(activation: boltzmann.Activation) -> None:
    """Coins are conserved, and the grid knows where everyone stands, after every instant."""
    world = boltzmann.boltzmann(n=60, width=6, height=5, activation=activation, seed=3)
    world.run(steps=15, check=True)


# In distribution --------------------------------------------------------------------------

BOLTZMANN_RUNS, BOLTZMANN_STEPS = 200, 10
"""Mesa's default model (100 people on 10 × 10 cells), Gini after 10 steps: measured at
200 seeds, the simultaneous port's Gini is ~9 standard errors below Mesa's."""

PD_RUNS, PD_SIDE, PD_STEPS = 100, 15, 2
"""Share cooperating after 2 steps on 15 × 15 cells, under Mesa's default regime "Random":
measured at 100 seeds, the simultaneous port's share is ~13 standard errors below."""


@functools.cache
def mesa_gini() -> tuple[float, ...]:
    return tuple(boltzmann.mesa_gini(BOLTZMANN_STEPS, seed) for seed in range(BOLTZMANN_RUNS))


@functools.cache
def mesa_cooperation() -> tuple[float, ...]:
    return tuple(
        pd_grid.mesa_cooperation("Random", PD_STEPS, seed, PD_SIDE, PD_SIDE)
        for seed in range(PD_RUNS)
    )


def port_gini(activation: boltzmann.Activation) -> list[float]:
    return [
        boltzmann.final_gini(BOLTZMANN_STEPS, activation, seed) for seed in range(BOLTZMANN_RUNS)
    ]


def port_cooperation(regime: str) -> list[float]:
    return [
        pd_grid.cooperation(regime, PD_STEPS, seed, PD_SIDE, PD_SIDE) for seed in range(PD_RUNS)
    ]


def assert_same_mean(port: Sequence[float], mesa: Sequence[float]) -> None:
    z = z_score(port, mesa)
    assert abs(z) < Z, f"{describe('port', port)}, {describe('Mesa', mesa)}: z = {z:.1f}"


def assert_lower_mean(port: Sequence[float], mesa: Sequence[float]) -> None:
    z = z_score(port, mesa)
    assert z < -Z, f"{describe('port', port)}, {describe('Mesa', mesa)}: z = {z:.1f}"


@pytest.mark.slow
@pytest.mark.usefixtures("mesa")
def test_boltzmann_sequential_is_mesas_model() -> None:
    """Sequential activation in a shuffled order: Mesa's Gini after 10 steps."""
    assert_same_mean(port_gini("sequential"), mesa_gini())


@pytest.mark.slow
@pytest.mark.usefixtures("mesa")
def test_boltzmann_simultaneous_is_another_model() -> None:
    """Simultaneous activation: fewer coins change hands, a lower Gini after 10 steps."""
    assert_lower_mean(port_gini("simultaneous"), mesa_gini())


@pytest.mark.slow
@pytest.mark.usefixtures("mesa")
def test_prisoners_dilemma_shuffled_is_mesas_random_regime() -> None:
    """Sequential activation in a shuffled order: the share cooperating of Mesa's "Random"."""
    assert_same_mean(port_cooperation("Random"), mesa_cooperation())


@pytest.mark.slow
@pytest.mark.usefixtures("mesa")
def test_prisoners_dilemma_simultaneous_is_not_mesas_default() -> None:
    """Simultaneous activation (Mesa's "Simultaneous", run for run above) cooperates far less
    than Mesa's default "Random" regime: the activation is part of the model."""
    assert_lower_mean(port_cooperation("Simultaneous"), mesa_cooperation())
