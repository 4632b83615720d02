"""Shared test set-up: hypothesis profiles and fixtures used across the suite."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

# The examples are importable as modules (``import rumours``): tests run them as written.
sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))

# "default" keeps the everyday run quick and explores: each run tries new examples (and
# replays the failures it has found, from .hypothesis/). CI selects "ci": more examples, the
# same ones every time, so a red CI is reproducible.
settings.register_profile("default", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
