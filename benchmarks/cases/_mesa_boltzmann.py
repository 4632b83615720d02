"""The parts shared by the cases "mesa_boltzmann" (100 people) and "mesa_boltzmann_10k".

Mesa's Boltzmann wealth model (``mesa/examples/basic/boltzmann_wealth_model``): people move
at random on a grid and give a coin to a random cellmate; every step each person acts once,
in a fresh random order, and the Gini coefficient of wealth is recorded. The npolitics port
is ``examples/mesa_boltzmann.py`` (see ``benchmarks/npolitics_impl/mesa_boltzmann.py``); the
Mesa row runs Mesa's own example model, DataCollector included, as a Mesa user would.

Sequential activation and Mesa agree in law only (tests/examples/test_mesa_ports.py), so the
statistics are not expected to be equal; the coins held must equal the number of people.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks._harness import Sizes, needs, warmed_by
from benchmarks.npolitics_impl import mesa_boltzmann as npolitics_impl

UNIT = "agent-steps/s"


def work(sizes: Sizes) -> float:
    """One agent-step: one person's move and, maybe, one gift."""
    return float(sizes["agents"] * sizes["steps"])


def import_mesa_model() -> None:
    """Import Mesa's example model before the clock starts, as ``needs`` imports Mesa."""
    npolitics_impl.example.mesa_model()


@needs("mesa")
@warmed_by(import_mesa_model)
def run_mesa(sizes: Sizes, seed: int) -> dict[str, Any]:
    """Mesa 3's own ``BoltzmannWealth``: ``shuffle_do("step")`` and a DataCollector per step."""
    model = npolitics_impl.example.mesa_model()(
        n=sizes["agents"], width=sizes["width"], height=sizes["height"], seed=seed
    )
    for _ in range(sizes["steps"]):
        model.step()
    return npolitics_impl.statistic([agent.wealth for agent in model.agents])


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    *npolitics_impl.IMPLEMENTATIONS,
    ("Mesa 3", run_mesa),
]
