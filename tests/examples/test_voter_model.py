"""The voter model example: opinion 1 wins with its initial degree-weighted share.

Many independent runs are one run on disjoint copies of the network, so a statistical check
is a single world. Each share is held to theory within 4 standard errors of the number of
copies, with fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pytest
import voter_model as vm

import npolitics as npl


def hub_alone() -> tuple[npl.Network, np.ndarray]:
    """A wheel of 20 whose hub alone holds opinion 1: 1 voter in 20, a quarter of the degree."""
    network = vm.wheel(20)
    start = np.zeros(20, np.int8)
    start[0] = 1
    return network, start


def assert_near(won: np.ndarray, theory: float) -> None:
    se = np.sqrt(theory * (1 - theory) / won.size)
    assert abs(won.mean() - theory) < 4 * se, vm.against_theory(won, theory)


def test_copies_are_disjoint() -> None:
    network = vm.wheel(5)
    three = vm.copies(network, 3)
    assert three.n == 15
    assert three.degree.tolist() == network.degree.tolist() * 3
    assert three.neighbours(5).tolist() == (network.neighbours(0) + 5).tolist()


def test_the_degree_weighted_share_of_the_hub_is_a_quarter() -> None:
    network, start = hub_alone()
    assert vm.weighted_share(network, start) == 0.25


def test_a_run_ends_in_consensus_everywhere_with_everyone_content() -> None:
    """Consensus stops the run; every voter then agrees with all its neighbours (W = 1)."""
    network, start = hub_alone()
    world = vm.network_world(network, start, k=20, seed=3)
    res = world.run(steps=10_000)
    frame = res.frame()
    assert frame["undecided"].iloc[-1] == 0
    assert frame["undecided"].iloc[-2] > 0  # it stopped at the first instant of consensus
    assert frame["omega"].iloc[-1] == 20 * 20
    assert set(vm.winners(world, 20)) <= {0.0, 1.0}


def test_the_same_seed_gives_the_same_run() -> None:
    network, start = hub_alone()
    runs = [vm.network_world(network, start, k=10, seed=5).run(steps=50) for _ in range(2)]
    assert runs[0].frame().equals(runs[1].frame())


def test_opinions_must_fit_the_network() -> None:
    with pytest.raises(ValueError, match="20 values"):
        vm.network_world(vm.wheel(20), [0, 1])


@pytest.mark.slow
def test_on_a_wheel_the_hub_wins_with_its_share_of_the_degree() -> None:
    """Degree-weighted: 0.25, far from the hub's share of voters (0.05, over 20 standard
    errors away with 2 000 copies)."""
    network, start = hub_alone()
    world = vm.network_world(network, start, k=2000, seed=11)
    world.run(steps=100_000)
    won = vm.winners(world, 2000)
    assert_near(won, 0.25)
    assert abs(won.mean() - 0.05) > 10 * np.sqrt(0.25 * 0.75 / 2000)


@pytest.mark.slow
def test_on_a_torus_scalar_voters_win_with_their_share() -> None:
    """A regular graph: every voter weighs alike, so 4 voters in 16 win a quarter of runs."""
    world = vm.grid_world(4, 4, share=0.25, k=400, seed=12)
    world.run(steps=100_000)
    assert_near(vm.winners(world, 400), 0.25)


@pytest.mark.slow
def test_a_population_on_a_grid_network_wins_with_its_share() -> None:
    """The grid's agents' network serves a population too."""
    grid = npl.Grid(5, 5, agents=25, neighbourhood="von_neumann", torus=False)
    grid.place(np.arange(25), np.arange(25))
    start = (np.arange(25) < 5).astype(np.int8)  # the first column: 5 voters with low degree
    theory = vm.weighted_share(grid.network(), start)
    world = vm.network_world(grid.network(), start, k=2000, seed=13)
    world.run(steps=100_000)
    assert_near(vm.winners(world, 2000), theory)
