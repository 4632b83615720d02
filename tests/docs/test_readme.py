"""The README's code runs as shown, and its set-up block holds exactly the two commands."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = (Path(__file__).parents[2] / "README.md").read_text()


def test_the_world_in_a_few_lines_runs_and_the_rumour_spreads(tmp_path: Path) -> None:
    (code,) = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)[:1]
    script = tmp_path / "readme.py"
    script.write_text(code)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, timeout=120
    )
    last = done.stdout.strip().splitlines()[-1].split()
    assert float(last[-1]) > 50  # Ω: more than half of the 100 people heard it


def test_the_setup_block_is_install_and_run_then_test() -> None:
    (block,) = re.findall(r"```bash\n(.*?)```", README, flags=re.DOTALL)[:1]
    install, test = block.strip().splitlines()
    assert install.startswith('pip install -e ".[dev]" && npolitics run ')
    assert test.startswith("pytest")
