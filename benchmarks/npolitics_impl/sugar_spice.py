"""Sugar and spice, experiment 1, through npolitics: many two-agent societies as one population.

The ``sugar-spice`` world (experiment=attractors) with the case's learning parameters: every
tick the matchmaker sends each agent an Encounter, each answers with a Move, each receives
its Outcome and takes one Q-learning step. ``societies`` independent couples are one
population. Unit: encounters/s summed over societies.

The traders' rules are written once and the run compiles them with numba when it is
installed (``pip install 'npolitics[fast]'``), else runs them as Python. The first row plays
one encounter per society per tick; the second a block of up to 1000 encounters per tick
(``rounds``: the couple plays the first K − 1 in its rule, the K-th through the Move and
Outcome messages). Each row's warm-up loads the compiled rules from numba's cache (compiling
them the first time) before the clock, like an import. Nothing imports numba at module load:
every row's process loads this module, and numba would add to every row's peak memory.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable

from benchmarks._harness import Skip, warmed_by

LEARNING = {"learning_rate": 0.01, "discount": 0.99, "exploration": 0.01, "initial_q": 1.0}
"""The case's learning parameters (seeds/001), given explicitly: the world's defaults may move."""

HINT = "the blocks row is compiled: pip install 'npolitics[fast]' (numba)"


def _run(societies: int, encounters: int, seed: int, rounds: int) -> float:
    from worlds.sugar_spice import sugar_spice  # here: heavy for peers' rows

    world = sugar_spice(
        seed=seed,
        experiment="attractors",
        societies=societies,
        sample_every=max(encounters // rounds, 1),
        rounds=rounds,
        check_every=rounds,
        **LEARNING,
    )
    world.run(steps=encounters // rounds, rollback=False)
    traders = world["traders"]
    return float(traders.payoff_total.sum() / traders.encounters.sum())


def _warm_one() -> None:
    _run(2, 2, 0, 1)


def _warm_blocks() -> None:
    if importlib.util.find_spec("numba") is not None:
        _run(2, 4, 0, 2)


@warmed_by(_warm_one)
def run_world(societies: int, encounters: int, seed: int) -> float:
    """Mean payoff per agent per encounter over ``encounters`` ticks of ``societies`` couples."""
    return _run(societies, encounters, seed, 1)


@warmed_by(_warm_blocks)
def run_blocks(societies: int, encounters: int, seed: int) -> float:
    """The same with ``rounds`` = gcd(encounters, 1000) encounters per tick, compiled."""
    if importlib.util.find_spec("numba") is None:
        raise Skip(HINT)
    return _run(societies, encounters, seed, math.gcd(encounters, 1000))


IMPLEMENTATIONS: list[tuple[str, Callable[[int, int, int], float]]] = [
    ("npolitics population", run_world),
    ("npolitics population, blocks of 1000 (compiled)", run_blocks),
]
