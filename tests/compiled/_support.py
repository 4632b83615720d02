"""What the compiled-population tests share: the numba mark, state comparison, the clocks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from npolitics import _compiled

needs_numba = pytest.mark.skipif(not _compiled.AVAILABLE, reason="numba is not installed")


def same_state(a: dict[str, Any], b: dict[str, Any]) -> None:
    """Two states (name → column or number) are equal, entry for entry."""
    for key in a:
        if isinstance(a[key], np.ndarray):
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
        else:
            assert a[key] == b[key], key


def clocks(*quick: tuple[str, str]) -> list[Any]:
    """Every (activation, order) of a clock, those not in ``quick`` marked slow (each
    compiles an engine of its own: seconds, the first time on a machine)."""
    every = [
        ("sequential", "fixed"),
        ("sequential", "shuffled"),
        ("simultaneous", "fixed"),
        ("simultaneous", "shuffled"),
    ]
    return [c if c in quick else pytest.param(*c, marks=pytest.mark.slow) for c in every]
