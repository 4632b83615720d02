"""Sugar and spice, experiment 1, through npolitics: many two-agent societies as one population.

The ``sugar-spice`` world (experiment=attractors) with the case's learning parameters: every
tick the matchmaker sends each agent an Encounter, each answers with a Move, each receives
its Outcome and takes one Q-learning step. ``societies`` independent couples are one
population, so every kernel delivery handles all of them with array code.
Unit: encounters/s summed over societies (one encounter per society per tick).
"""

from __future__ import annotations

from collections.abc import Callable

from worlds.sugar_spice import sugar_spice

LEARNING = {"learning_rate": 0.01, "discount": 0.99, "exploration": 0.01, "initial_q": 1.0}
"""The case's learning parameters (seeds/001), given explicitly: the world's defaults may move."""


def run_world(societies: int, encounters: int, seed: int) -> float:
    """Mean payoff per agent per encounter over ``encounters`` ticks of ``societies`` couples."""
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


IMPLEMENTATIONS: list[tuple[str, Callable[[int, int, int], float]]] = [
    ("npolitics population", run_world),
]
