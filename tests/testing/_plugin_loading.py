"""Load the pytest plugin by hand until it is installed through its ``pytest11`` entry point."""

from __future__ import annotations

from importlib.metadata import entry_points

PLUGIN = "npolitics.testing._plugin"


def installed() -> bool:
    """Whether pytest already loads the plugin from the installed entry points."""
    return any(ep.value == PLUGIN for ep in entry_points(group="pytest11"))


#: Arguments that make an inner pytest run load the plugin (none once it is installed).
ARGS = [] if installed() else ["-p", PLUGIN]
#: ``pytest_plugins`` for a test module that uses the fixtures.
PYTEST_PLUGINS = [] if installed() else [PLUGIN]
