"""The wealth-exchange benchmark's three forms of the tutorial's model do the same thing:
same coins, same draws (its figures are read side by side, so they must be one model)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from npolitics import _compiled

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not _compiled.AVAILABLE, reason="numba is not installed")

SCRIPT = """
import json
from benchmarks.npolitics_impl import wealth_exchange as impl
sizes = {"people": 30, "steps": 40}
print(json.dumps([run(sizes, 3) for _, run in impl.IMPLEMENTATIONS]))
"""


def test_the_three_forms_end_with_the_same_coins() -> None:
    """Run as the benchmark runs them (from the repository, where ``benchmarks`` is)."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert stats[0] == stats[1] == stats[2]
    assert stats[0]["coins"] == 150
