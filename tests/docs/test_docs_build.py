"""The documentation site builds with ``mkdocs build --strict``, and its includes point where
the pages say they do."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None,
    reason="the docs need mkdocs-material: pip install 'npolitics[docs]'",
)
def test_site_builds_strictly(tmp_path: Path) -> None:
    """Every page, include, cross-reference and generated figure resolves: strict mode turns
    any warning (a missing page, a broken link or anchor, a missing snippet) into a failure."""
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-6000:]
    assert (tmp_path / "site" / "figures" / "kernel_flow.svg").exists()
    assert (tmp_path / "site" / "tutorial" / "index.html").exists()


def test_home_page_includes_the_whole_gossip_agent() -> None:
    """docs/index.md includes lines 26–44 of examples/rumours.py: they must still be exactly
    the Gossip agent, from its class line to its wellbeing."""
    lines = (ROOT / "examples" / "rumours.py").read_text().splitlines()
    assert '--8<-- "examples/rumours.py:26:44"' in (ROOT / "docs" / "index.md").read_text()
    assert lines[25].startswith("class Gossip(npl.Agent):")
    assert lines[43].strip() == "return 1.0 if self.heard else 0.0"
    assert not lines[44].strip()


def test_kernel_flow_diagram_is_deterministic() -> None:
    """The concepts page's diagram is the same SVG at every build (no dates, fixed ids)."""
    pytest.importorskip("matplotlib")
    spec = importlib.util.spec_from_file_location(
        "kernel_flow", ROOT / "docs" / "figures" / "kernel_flow.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    first = module.svg()
    assert first == module.svg()
    assert "P(a | m, ψ)" in first
