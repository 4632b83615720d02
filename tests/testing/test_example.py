"""The property-testing example: its planted bug is caught and shrunk, its fix passes."""

from __future__ import annotations

import property_test
import pytest

from npolitics.testing import WorldCheckError, check_world


def test_the_planted_bug_is_caught_and_shrunk() -> None:
    """The remainder is lost only when it is non-zero: two traders, one of them broke."""
    with pytest.raises(WorldCheckError) as info:
        check_world(property_test.buggy, max_examples=50, steps=10)
    error = info.value
    assert error.invariant == "money conserved"
    assert error.params == {"traders": 2, "endowment": 1, "tax": 1}
    assert error.time == 1


def test_the_fixed_treasury_passes() -> None:
    report = check_world(property_test.fixed, max_examples=50, steps=10)
    assert report.examples == 50


def test_the_script_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert property_test.main() == 0
    out = capsys.readouterr().out
    assert "broke invariant 'money conserved'" in out
    assert "invariants hold" in out
