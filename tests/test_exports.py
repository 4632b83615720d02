"""The public surface: ``npolitics.__all__`` is exactly what the package exports."""

from __future__ import annotations

import importlib
import pickle
import sys
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
    homes = [
        module
        for module_name, module in sys.modules.items()
        if module_name.startswith("npolitics._") and vars(module).get(name) is value
    ]
    assert homes, f"{name} is not defined in any private module of npolitics"


@pytest.mark.parametrize(
    "name", [n for n in npolitics.__all__ if isinstance(getattr(npolitics, n), type)]
)
def test_each_public_class_pickles_by_its_public_name(name: str) -> None:
    """Saved snapshots and errors name ``npolitics.X``, so moving a private module never
    breaks them."""
    cls = getattr(npolitics, name)
    assert cls.__module__ == "npolitics"
    assert pickle.loads(pickle.dumps(cls)) is cls
    assert b"npolitics._" not in pickle.dumps(cls)
