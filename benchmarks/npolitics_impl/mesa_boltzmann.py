"""Mesa's Boltzmann wealth model as ported in ``examples/mesa_boltzmann.py``, for the cases
"mesa_boltzmann" (100 people) and "mesa_boltzmann_10k" (10 000 people).

The benchmark runs the example itself, loaded from its file, so that it measures the port
the documentation shows: scalar agents, a grid agent answering moves, a coin as a message.
Both activations are rows: "sequential" is Mesa's model (``shuffle_do``), "simultaneous"
the same agents acting on the state at the start of each step (fewer coins change hands,
so a different statistic and slightly less work per step).

Each implementation returns the case's statistic: the Gini coefficient after the run and
the coins held (which must equal the number of people).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks._harness import REPO_ROOT, Sizes, load_script

# Imported when this module is, so that a row's clock never includes the import.
example = load_script(REPO_ROOT / "examples" / "mesa_boltzmann.py", "mesa_boltzmann")


def statistic(wealth: list[int]) -> dict[str, Any]:
    """The Gini coefficient of wealth (Mesa's formula) and the coins held."""
    return {"gini": example.gini(wealth), "coins": sum(wealth)}


def _scalar(activation: str) -> Callable[[Sizes, int], dict[str, Any]]:
    def run(sizes: Sizes, seed: int) -> dict[str, Any]:
        world = example.boltzmann(
            sizes["agents"], sizes["width"], sizes["height"], activation=activation, seed=seed
        )
        world.run(steps=sizes["steps"], rollback=False)
        return statistic([person.wealth for person in world[example.PEOPLE]])

    run.__name__ = f"run_{activation}"
    run.__doc__ = f"The port's scalar agents under {activation} activation, in a shuffled order."
    return run


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    ("npolitics scalar, sequential", _scalar("sequential")),
    ("npolitics scalar, simultaneous", _scalar("simultaneous")),
]
