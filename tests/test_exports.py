"""The public surface: ``npolitics.__all__`` is exactly what the package exports."""

from __future__ import annotations

import importlib
import types

import pytest

import npolitics


def public_names() -> set[str]:
    """Every public name bound in the package that is not a submodule."""
    return {
        name
        for name, value in vars(npolitics).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


def test_all_lists_exactly_the_public_names() -> None:
    assert set(npolitics.__all__) == public_names()


def test_all_has_no_duplicates() -> None:
    assert len(npolitics.__all__) == len(set(npolitics.__all__))


@pytest.mark.parametrize("name", npolitics.__all__)
def test_each_name_is_importable(name: str) -> None:
    """``from npolitics import name`` works for every name of ``__all__``."""
    module = importlib.import_module("npolitics")
    namespace: dict[str, object] = {}
    exec(f"from npolitics import {name}", namespace)
    assert namespace[name] is getattr(module, name)


@pytest.mark.parametrize("name", npolitics.__all__)
def test_each_name_is_defined_in_a_private_module(name: str) -> None:
    """Ideas live in private modules; ``__init__`` only says what is public."""
    value = getattr(npolitics, name)
    home = getattr(value, "__module__", None)
    if home is None:  # constants and aliases carry no module
        return
    assert home.startswith("npolitics.")
    assert any(part.startswith("_") for part in home.split(".")[1:]), home
