"""The tutorial's code runs as the page shows it, and the page's claims about it hold.

docs/tutorial.md includes ``examples/tutorial/*.py`` verbatim; these tests run each step as a
user would (a subprocess) and check what the prose says it prints.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import npolitics as npl

TUTORIAL = Path(__file__).parents[2] / "examples" / "tutorial"
# The step scripts import the tutorial's module as `village`, from their own folder.
sys.path.insert(0, str(TUTORIAL))

import step_4_sweep  # noqa: E402
import test_village  # noqa: E402
import village  # noqa: E402


def run_step(name: str, *args: str) -> str:
    """Run ``examples/tutorial/<name>`` and return what it printed."""
    done = subprocess.run(
        [sys.executable, str(TUTORIAL / name), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_step_1_composes_and_runs() -> None:
    """Step 1 prints the last samples with Ω per agent type, and the treasury's coins."""
    out = run_step("step_1_compose.py")
    assert "omega[Farmers]" in out
    assert "omega[Treasury]" in out
    assert "treasury holds" in out


def test_step_2_lists_parameters_and_refuses_a_bad_one() -> None:
    """Step 2 lists the parameters with their ranges and shows the error for tax_rate=1.5."""
    out = run_step("step_2_spec.py")
    assert "tax_rate    0.2    ≥ 0.0 and ≤ 1.0" in out
    assert "refused: parameter 'tax_rate' must be ≥ 0.0 and ≤ 1.0, got 1.5" in out


def test_step_3_property_tests_pass() -> None:
    """Step 3's tests pass (run here under the suite's hypothesis profile)."""
    test_village.test_coins_are_conserved()
    test_village.test_same_seed_same_results()
    test_village.test_no_tax_no_treasury()
    test_village.test_village_invariants()


def test_step_4_sweep_runs_quick() -> None:
    """Step 4 runs from the command line and prints one row per tax rate."""
    out = run_step("step_4_sweep.py", "--quick")
    for rate in ("0.0", "0.2", "0.4", "0.6", "0.8"):
        assert f"  {rate}  " in out


def test_step_4_sweep_shows_what_the_page_says() -> None:
    """The page says Ω peaks at a moderate tax rate: Ω at 0.2 beats both 0 and 0.8, each by
    more than the two 95 % confidence half-widths together; and inequality falls with tax."""
    summary = step_4_sweep.sweep().summary().set_index("tax_rate")
    mean, ci = summary["omega_mean"], summary["omega_ci"]
    for other in (0.0, 0.8):
        assert mean[0.2] - mean[other] > ci[0.2] + ci[other]
    assert summary["gini_mean"].is_monotonic_decreasing


class LeakyTreasury(village.Treasury):
    """A treasury that loses a coin every tick and gives nothing back."""

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        self.coins = max(self.coins - 1, 0)


def test_invariant_catches_a_leak() -> None:
    """The invariant is not vacuous: a treasury that loses coins breaks it, by name."""
    world = npl.World("leaky", seed=1)
    world.add("farmers", village.Farmers(n=5))
    world.add("treasury", LeakyTreasury(farmers=5))
    world.clock("farmers", "tick")
    world.clock("treasury", "tick")
    world.invariant("coins are conserved", village.coins_conserved)
    with pytest.raises(npl.InvariantError, match="coins are conserved"):
        world.run(steps=20, check=True)
