"""Smoke test of the benchmarks: ``benchmarks/run.py --quick`` runs every case end to end.

The benchmark figures themselves are not tested (no assertion on time): this only checks that
every implementation of every case produced a row, that none failed, and that implementations
doing the same work report the same key statistic where the model makes it exact (same
deterministic model, or the same random draws in the same order). Where two implementations
only agree in law, the statistic is checked against the model's own bounds or expectation.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN = REPO / "benchmarks" / "run.py"

pytestmark = pytest.mark.slow  # about a minute: every implementation in a fresh process


def full_run_only(case: str, implementation: str) -> bool:
    """Rows that skip themselves in the quick run: the grand experiment at 10 000 steps."""
    return case == "knowledge_office_grand" and implementation.endswith(", full size")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The JSON report of one quick run (radCAD rows skipped unless its virtualenv exists)."""
    out = tmp_path_factory.mktemp("bench") / "quick.json"
    env = {**os.environ, "NPOLITICS_BENCH_NO_INSTALL": "1"}
    done = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--json", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def rows(report: dict[str, Any], case: str) -> dict[str, dict[str, Any]]:
    """The rows of one case, by implementation name."""
    (found,) = (c for c in report["cases"] if c["name"] == case)
    return {row["name"]: row for row in found["results"]}


def ran(report: dict[str, Any], case: str) -> dict[str, Any]:
    """The key statistics of the implementations of ``case`` that ran, by name."""
    return {
        name: row["statistic"] for name, row in rows(report, case).items() if row["status"] == "ok"
    }


DECLARED = (
    "import json; from benchmarks._harness import case_names, load_case; "
    "print(json.dumps({n: [i for i, _ in load_case(n).implementations] for n in case_names()}))"
)
"""Lists every case's implementations, in a subprocess: in the test session the name
``benchmarks`` is this test package, not the repository's benchmarks."""


def all_equal(values: list[Any]) -> bool:
    return all(value == values[0] for value in values)


def test_every_case_has_a_row_per_implementation(report: dict[str, Any]) -> None:
    """A row per declared implementation; none failed; every npolitics row ran."""
    listed = subprocess.run(
        [sys.executable, "-c", DECLARED], cwd=REPO, capture_output=True, text=True, check=True
    )
    declared_by_case: dict[str, list[str]] = json.loads(listed.stdout)
    case_names = sorted(declared_by_case)
    assert [c["name"] for c in report["cases"]] == case_names
    for name in case_names:
        declared = declared_by_case[name]
        found = rows(report, name)
        assert list(found) == declared
        for impl, row in found.items():
            assert row["status"] in ("ok", "skipped"), f"{name}: {impl}: {row['detail']}"
            if full_run_only(name, impl):
                assert row["status"] == "skipped"
            elif impl.startswith("npolitics"):
                assert row["status"] == "ok", f"{name}: {impl} skipped: {row['detail']}"
            if row["status"] == "ok":
                assert row["median_seconds"] > 0
                assert row["throughput"] > 0
                assert row["peak_mb"] > 0


def test_ring_deliveries_are_equal(report: dict[str, Any]) -> None:
    """Every ring delivers exactly M messages and ends on the same tick; the saturated ring,
    its own M."""
    stats = ran(report, "ring")
    saturated = stats.pop("npolitics population, saturated")
    sizes = next(c for c in report["cases"] if c["name"] == "ring")["sizes"]
    assert {"npolitics scalar", "npolitics population", "plain Python"} <= stats.keys()
    assert all_equal(list(stats.values())), stats
    assert stats["plain Python"]["deliveries"] == sizes["messages"]
    assert saturated["deliveries"] == saturated["sum_counts"] == sizes["big_messages"]


def test_knowledge_office_researchers_draw_alike(report: dict[str, Any]) -> None:
    """The reference's classes, plain Python and Mesa draw the same numbers from
    random.Random(seed) in the same order, so their rates are identical; npolitics' default
    run and its interpreted run draw alike too (from the world's own stream)."""
    stats = ran(report, "knowledge_office")
    assert stats["npolitics"] == stats["npolitics interpreted"]
    same_stream = [stats[n] for n in ("reference script", "plain Python", "Mesa 3") if n in stats]
    assert all_equal(same_stream), stats
    assert all(0.0 <= rate <= 1.0 for rate in stats.values())


def test_grand_experiment_rates_are_rates(report: dict[str, Any]) -> None:
    """Each implementation reports the three variants' work rates, each in [0, 1]."""
    for stat in ran(report, "knowledge_office_grand").values():
        assert set(stat) == {"Forgetful", "Sociable", "Databaser"}
        assert all(0.0 <= rate <= 1.0 for rate in stat.values())


def test_rosca_frames_are_identical(report: dict[str, Any]) -> None:
    """The deterministic ROSCA model gives one frame digest under every framework."""
    stats = ran(report, "rosca_cadcad")
    assert {"npolitics.cadcad", "cadCAD 0.5.3"} <= stats.keys()
    assert all_equal(list(stats.values())), stats


def test_the_stochastic_cadcad_model_gives_cadcads_shape(report: dict[str, Any]) -> None:
    """Random draws differ between the engines (cadCAD has no seed of its own), but the
    frame has the same rows and columns under both."""
    stats = ran(report, "random_cadcad")
    assert {"npolitics.cadcad", "cadCAD 0.5.3"} <= stats.keys()
    shapes = {name: str(stat).split(", sha256=")[0] for name, stat in stats.items()}
    assert shapes["npolitics.cadcad"] == shapes["cadCAD 0.5.3"], shapes


def test_scaling_backends_give_one_table(report: dict[str, Any]) -> None:
    """Runs' seeds do not depend on the backend: the same mean final Ω on every backend."""
    stats = ran(report, "scaling")
    assert "npolitics serial" in stats
    assert all_equal(list(stats.values())), stats


def test_information_decay_matches_its_law(report: dict[str, Any]) -> None:
    """Visible subjects at T are Binomial(N0, e^(-T/θ)): every implementation within 4 s.d."""
    case = next(c for c in report["cases"] if c["name"] == "info_decay")
    sizes = case["sizes"]
    p = math.exp(-sizes["duration"] / sizes["theta"])
    sd = math.sqrt(sizes["subjects"] * p * (1 - p))
    for name, stat in ran(report, "info_decay").items():
        assert abs(stat["active"] - sizes["subjects"] * p) <= 4 * sd, (name, stat)


def test_sugar_spice_payoffs_are_payoffs(report: dict[str, Any]) -> None:
    """The mean payoff per agent per encounter lies within the payoffs' range [0, 4]."""
    stats = ran(report, "sugar_spice")
    assert "npolitics population" in stats
    assert all(0.0 <= payoff <= 4.0 for payoff in stats.values())


def test_mesa_boltzmann_keeps_every_coin(report: dict[str, Any]) -> None:
    """Both activations of the port and Mesa agree only in law (tests/examples/
    test_mesa_ports.py), but every row ends with one coin per person and a Gini in [0, 1)."""
    for case in ("mesa_boltzmann", "mesa_boltzmann_10k"):
        sizes = next(c for c in report["cases"] if c["name"] == case)["sizes"]
        stats = ran(report, case)
        assert {"npolitics scalar, sequential", "npolitics scalar, simultaneous"} <= stats.keys()
        for name, stat in stats.items():
            assert stat["coins"] == sizes["agents"], (case, name, stat)
            assert 0.0 <= stat["gini"] < 1.0, (case, name, stat)
