"""Property tests for worlds: hypothesis strategies, ``check_world`` and policy checks.

Import it explicitly (``import npolitics.testing``); it needs hypothesis (the ``testing``
extra) and, for :func:`chi_square`, scipy. ``check_world`` runs a world under generated
parameters and seeds with every invariant checked after every instant, and reports the
minimal failing example that hypothesis shrinks to.

The names are loaded on first use, so importing ``npolitics.testing._plugin`` (which pytest
does at start-up through the ``pytest11`` entry point) does not import hypothesis.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._check import FINITE_WELLBEING as FINITE_WELLBEING
    from ._check import CheckReport as CheckReport
    from ._check import WorldCheckError as WorldCheckError
    from ._check import check_world as check_world
    from ._check import world_test as world_test
    from ._policies import ChiSquare as ChiSquare
    from ._policies import PolicyCheckError as PolicyCheckError
    from ._policies import assert_samples_match as assert_samples_match
    from ._policies import assert_sums_to_one as assert_sums_to_one
    from ._policies import check_policy as check_policy
    from ._policies import chi_square as chi_square
    from ._strategies import agents as agents
    from ._strategies import messages as messages
    from ._strategies import parameter_values as parameter_values
    from ._strategies import populations as populations
    from ._strategies import seeds as seeds
    from ._strategies import world_params as world_params

_WHERE = {
    "FINITE_WELLBEING": "._check",
    "CheckReport": "._check",
    "WorldCheckError": "._check",
    "check_world": "._check",
    "world_test": "._check",
    "ChiSquare": "._policies",
    "PolicyCheckError": "._policies",
    "assert_samples_match": "._policies",
    "assert_sums_to_one": "._policies",
    "check_policy": "._policies",
    "chi_square": "._policies",
    "agents": "._strategies",
    "messages": "._strategies",
    "parameter_values": "._strategies",
    "populations": "._strategies",
    "seeds": "._strategies",
    "world_params": "._strategies",
}

__all__ = [
    "FINITE_WELLBEING",
    "CheckReport",
    "ChiSquare",
    "PolicyCheckError",
    "WorldCheckError",
    "agents",
    "assert_samples_match",
    "assert_sums_to_one",
    "check_policy",
    "check_world",
    "chi_square",
    "messages",
    "parameter_values",
    "populations",
    "seeds",
    "world_params",
    "world_test",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
