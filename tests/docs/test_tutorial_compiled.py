"""The tutorial's compiled-rules section: its code runs as the page shows it, and what the page
says about its output holds (the times are the page's own measurement, never tested)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from npolitics import _compiled

TUTORIAL = Path(__file__).parents[2] / "examples" / "tutorial"
sys.path.insert(0, str(TUTORIAL))

import wealth  # noqa: E402


def test_the_wealth_exchange_keeps_its_coins_and_grows_unequal() -> None:
    """Gini about 0.1 after the first tick, about one half after 10 000 (the docstring)."""
    for compiled in (None, False):
        world = wealth.society(seed=1)
        res = world.run(steps=300 if compiled is False else 10_000, check=False, compiled=compiled)
        gini = res.metrics["gini"]
        assert 0.05 < gini[0] < 0.15
        assert 0.4 < gini[-1] < 0.6
        assert world["people"].coins.sum() == 500


@pytest.mark.skipif(not _compiled.AVAILABLE, reason="numba is not installed")
def test_step_5_prints_the_same_coins_both_ways() -> None:
    done = subprocess.run(
        [sys.executable, str(TUTORIAL / "step_5_compiled.py")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "same coins: True" in done.stdout
    assert done.stdout.count("Gini 0.4878") == 2  # the page's output, bit for bit


def test_the_interpreted_rules_are_the_compiled_ones() -> None:
    """The page's claim, on the tutorial's own world."""
    coins = []
    for compiled in (None, False):
        world = wealth.society(30, seed=4, sample_every=7)
        world.run(steps=50, compiled=compiled)
        coins.append(world["people"].coins.copy())
    np.testing.assert_array_equal(*coins)
