"""The bucket brigade of docs/time-and-order.md: what one step means under each activation.

The page states each of these results; ``examples/bucket_brigade.py`` is the code it shows.
"""

from __future__ import annotations

import math
import runpy

import bucket_brigade as brigade  # examples/ is on sys.path (tests/conftest.py)
import numpy as np
import pytest


def test_sequential_in_fixed_order_the_bucket_crosses_the_line_in_one_tick() -> None:
    """Person i + 1 is activated after person i, so holds the bucket by then and passes it."""
    assert brigade.trail(activation="sequential", order="fixed") == [4, 4, 4, 4]


@pytest.mark.parametrize("order", ["fixed", "shuffled"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_simultaneous_the_bucket_moves_one_place_per_tick(order: str, seed: int) -> None:
    """Whatever the order, and whatever the seed: a bucket handed over during a tick is
    passed on at the next tick."""
    assert brigade.trail(activation="simultaneous", order=order, seed=seed) == [1, 2, 3, 4]


def test_sequential_in_shuffled_order_the_bucket_goes_on_while_the_order_rises() -> None:
    """The bucket reaches person k in the first tick if persons 0, 1, …, k − 1 are activated
    in that order, which a random order does with probability 1/k!. So after the first tick
    it is, on average, 1/1! + 1/2! + 1/3! + 1/4! places down the line of 5 (within 4
    standard errors), and sometimes at its end."""
    runs = 400
    first = np.array(
        [
            brigade.trail(1, activation="sequential", order="shuffled", seed=s)[0]
            for s in range(runs)
        ]
    )
    expected = sum(1 / math.factorial(k) for k in range(1, 5))
    se = first.std(ddof=1) / math.sqrt(runs)
    assert abs(first.mean() - expected) < 4 * se, (first.mean(), expected, se)
    assert set(first.tolist()) == {1, 2, 3, 4}


def test_the_script_prints_every_clock(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(brigade.__file__, run_name="__main__")
    out = capsys.readouterr().out
    assert "activation=sequential    order=fixed     seeds 1, 2, 3: [4, 4, 4, 4]" in out
    assert "activation=simultaneous  order=shuffled  seeds 1, 2, 3: [1, 2, 3, 4]" in out
