"""Shared test set-up: hypothesis profiles and fixtures used across the suite."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

# The examples are importable as modules (``import rumours``): tests run them as written.
sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))

# "default" keeps the everyday run quick; CI selects "ci" for more examples, deterministically.
settings.register_profile("default", max_examples=50, deadline=None, derandomize=True)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
