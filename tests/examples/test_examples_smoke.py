"""Every script in examples/ runs to completion, as a user would run it.

Each example runs as a subprocess from a scratch directory (so files it writes land there),
in quick mode: ``NPOLITICS_QUICK=1`` in its environment, and ``--quick`` on its command line
when its source mentions that flag. An example that takes long at full size should honour
one of them and use small sizes. Examples not known to be quick are marked slow.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parents[2] / "examples"

# Measured at a few seconds each on two cores; every other example runs with the slow tests.
QUICK = {
    "property_test.py",
    "reproduce.py",
    "robot_marbles_cadcad.py",
    "rosca.py",
    "rosca_cadcad.py",
    "rumours.py",
}

# An example that needs longer than this even in quick mode needs a smaller quick mode.
TIMEOUT = 300


def scripts() -> list[object]:
    """One parameter per top-level example script (examples/tutorial has its own tests)."""
    return [
        pytest.param(path, id=path.name, marks=() if path.name in QUICK else pytest.mark.slow)
        for path in sorted(EXAMPLES.glob("*.py"))
    ]


@pytest.mark.parametrize("script", scripts())
def test_example_runs(script: Path, tmp_path: Path) -> None:
    """The example exits with status 0 and prints something."""
    env = {**os.environ, "NPOLITICS_QUICK": "1", "MPLBACKEND": "Agg"}
    flags = ["--quick"] if "--quick" in script.read_text() else []
    try:
        done = subprocess.run(
            [sys.executable, str(script), *flags],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{script.name} ran over {TIMEOUT} s; give it a quick mode (NPOLITICS_QUICK=1)")
    assert done.returncode == 0, f"{script.name} failed:\n{done.stderr[-4000:]}"
    assert done.stdout.strip(), f"{script.name} printed nothing"


def test_there_are_examples() -> None:
    """The examples folder is found (a wrong path would make the test above vacuous)."""
    assert (EXAMPLES / "rumours.py").exists()
