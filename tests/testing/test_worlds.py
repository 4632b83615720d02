"""Every world in ``worlds/`` declares invariants, and they hold under generated parameters.

One test per world, through the ``check_world`` fixture; sizes are pinned small (or drawn
small) so the whole file takes seconds. A world that cannot be loaded fails its test.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

import npolitics as npl

from ._plugin_loading import PYTEST_PLUGINS

pytest_plugins = PYTEST_PLUGINS


def _spec(name: str) -> npl.WorldSpec[Any]:
    return npl.load_world(name)


def test_every_registered_world_is_covered() -> None:
    """A new world in ``worlds/`` needs its test here, and every test here its world."""
    assert set(npl.world_names()) == set(COVERED)


def test_knowledge_office(check_world: Any) -> None:
    check_world(
        _spec("knowledge-office"),
        max_examples=15,
        steps=30,
        params={"facts_per_worker": st.integers(1, 5), "facts": st.integers(0, 40)},
    )


def test_info_decay(check_world: Any) -> None:
    check_world(
        _spec("info-decay"),
        max_examples=15,
        until=30.0,
        params={"snippets": st.integers(1, 30), "knowledge_agents": st.integers(0, 4)},
    )


def test_rosca(check_world: Any) -> None:
    check_world(_spec("rosca"), max_examples=15, steps=24)


def test_sugar_spice_declares_invariants() -> None:
    """Like every world in worlds/, sugar-spice declares its own invariants."""
    assert _spec("sugar-spice")(seed=0, societies=1).invariants


def test_sugar_spice(check_world: Any) -> None:
    spec = _spec("sugar-spice")
    check_world(
        spec,
        max_examples=15,
        steps=60,
        params={
            "societies": st.integers(1, 4),
            "agents": st.integers(2, 8),
            "join_every": st.integers(1, 10),
            "sample_every": st.integers(1, 10),
            "half_life": st.floats(10.0, 1e5),
        },
    )


COVERED = ("knowledge-office", "info-decay", "rosca", "sugar-spice")
