"""The public surface of npolitics.testing, and what importing npolitics does not pull in."""

from __future__ import annotations

import subprocess
import sys

import npolitics.testing


def test_all_names_the_public_surface() -> None:
    """Every name in ``__all__`` exists and nothing private is exported."""
    for name in npolitics.testing.__all__:
        assert hasattr(npolitics.testing, name), name
        assert not name.startswith("_")
    public = {n for n in vars(npolitics.testing) if not n.startswith("_")}
    assert public - {"annotations"} >= set(npolitics.testing.__all__)


def _imports(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}; import sys; print(' '.join(sys.modules))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return set(out.split())


def test_npolitics_does_not_import_testing_or_hypothesis() -> None:
    """``npolitics.testing`` is imported explicitly; the framework never needs hypothesis."""
    loaded = _imports("import npolitics")
    assert "npolitics.testing" not in loaded
    assert "hypothesis" not in loaded


def test_the_pytest_plugin_imports_without_hypothesis() -> None:
    """Installed without the ``testing`` extra, the plugin must not break pytest start-up."""
    loaded = _imports("import npolitics.testing._plugin")
    assert "hypothesis" not in loaded
