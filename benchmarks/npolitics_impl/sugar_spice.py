"""Sugar and spice, experiment 1, through npolitics: many two-agent societies as one population.

The ``sugar-spice`` world (experiment=attractors) with the case's learning parameters: every
tick the matchmaker sends each agent an Encounter, each answers with a Move, each receives
its Outcome and takes one Q-learning step. ``societies`` independent couples are one
population, so every kernel delivery handles all of them with array code.
Unit: encounters/s summed over societies (one encounter per society per tick).

The compiled row runs the same world with ``implementation="compiled"``: the traders'
handlers are numba kernels and one tick is a block of up to 1000 encounters per society
(the first K − 1 played inside the kernel, the K-th through Move and Outcome messages).
It needs numba (``pip install 'npolitics[fast]'``) and is skipped without it; its kernels
are loaded from numba's cache (compiled the first time) by its warm-up, before the clock, like
an import. Nothing imports numba at module load: every row's process loads this module, and
numba would add to every row's peak memory.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType

from benchmarks._harness import Skip, warmed_by

LEARNING = {"learning_rate": 0.01, "discount": 0.99, "exploration": 0.01, "initial_q": 1.0}
"""The case's learning parameters (seeds/001), given explicitly: the world's defaults may move."""


def run_world(societies: int, encounters: int, seed: int) -> float:
    """Mean payoff per agent per encounter over ``encounters`` ticks of ``societies`` couples."""
    from worlds.sugar_spice import sugar_spice  # here: it imports numba, heavy for peers' rows

    world = sugar_spice(
        seed=seed,
        experiment="attractors",
        societies=societies,
        sample_every=max(encounters, 1),
        **LEARNING,
    )
    world.run(steps=encounters, rollback=False)
    traders = world["traders"]
    return float(traders.payoff_total.sum() / traders.encounters.sum())


def _compiled() -> ModuleType:
    """The world's numba kernels (imports numba)."""
    from worlds.sugar_spice import _compiled

    return _compiled


def _warm_up() -> None:
    """Load the cached kernels (compile them on first use): a one-off cost, like an import."""
    if _compiled().AVAILABLE:
        run_compiled(2, 2, 0)


@warmed_by(_warm_up)
def run_compiled(societies: int, encounters: int, seed: int) -> float:
    """The same with numba kernels, ``rounds`` = gcd(encounters, 1000) encounters per tick."""
    if not _compiled().AVAILABLE:
        raise Skip(_compiled().HINT)
    from worlds.sugar_spice import sugar_spice

    rounds = math.gcd(encounters, 1000)
    world = sugar_spice(
        seed=seed,
        experiment="attractors",
        societies=societies,
        sample_every=max(encounters // rounds, 1),
        implementation="compiled",
        rounds=rounds,
        **LEARNING,
    )
    world.run(steps=encounters // rounds, rollback=False)
    traders = world["traders"]
    return float(traders.payoff_total.sum() / traders.encounters.sum())


IMPLEMENTATIONS: list[tuple[str, Callable[[int, int, int], float]]] = [
    ("npolitics population", run_world),
    ("npolitics population, compiled (numba)", run_compiled),
]
