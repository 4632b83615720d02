"""The rumours example: its scalar and population versions are one model.

Both draw from the same stream in the same order (teller by teller, friend by friend), so
for the same seed they give bit-identical results, not merely the same distribution.
"""

from __future__ import annotations

import importlib.util
import runpy
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "rumours.py"


def load() -> ModuleType:
    name = "rumours_example"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # attrs and pickle resolve the message class through it
    spec.loader.exec_module(module)
    return module


rumours = load()


def assert_same(scalar: Any, population: Any) -> None:
    """Bit-identical samples: t, Ω, the metrics and mean W (Ω by type is keyed by the agent
    type, Gossip or Crowd, so it is compared as values)."""
    pd.testing.assert_frame_equal(
        scalar.frame(wellbeing=False), population.frame(wellbeing=False), check_exact=True
    )
    assert np.array_equal(scalar.mean_wellbeing, population.mean_wellbeing)
    assert np.array_equal(scalar.omega_by_type["Gossip"], population.omega_by_type["Crowd"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scalar_and_population_versions_are_identical(seed: int) -> None:
    scalar = rumours.scalar_world(people=300, degree=4, seed=seed).run(steps=25)
    population = rumours.population_world(people=300, degree=4, seed=seed).run(steps=25)
    assert_same(scalar, population)
    assert scalar.frame()["informed"].iloc[-1] > 0.5  # the rumour did spread


@given(
    people=st.integers(min_value=1, max_value=40),
    degree=st.integers(min_value=1, max_value=5),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_identical_for_any_small_network(people: int, degree: int, seed: int) -> None:
    """Including networks with self-loops and people told twice in one instant."""
    scalar = rumours.scalar_world(people, degree, seed)
    population = rumours.population_world(people, degree, seed)
    assert_same(scalar.run(steps=12), population.run(steps=12))
    heard_scalar = [g.heard for g in scalar["crowd"]]
    assert heard_scalar == population["crowd"].heard.tolist()


def test_the_script_runs(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(SCRIPT), run_name="__main__")
    out = capsys.readouterr().out
    assert "one Gossip agent per person" in out
    assert "one Crowd population" in out
    assert "informed" in out
