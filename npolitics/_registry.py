"""World specifications and the ``npolitics.worlds`` entry-point registry.

A :class:`WorldSpec` pairs a parameter class with a build function; calling it validates the
parameters and returns a ready :class:`World`. Installed packages register specs under the
entry-point group ``npolitics.worlds``, so the CLI finds third-party worlds like ours.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

import attrs

from ._errors import DefinitionError, NpoliticsError, ParameterError
from ._params import Parameter, build_params, parameters
from ._random import Seed
from ._world import World

P = TypeVar("P")

GROUP = "npolitics.worlds"


class UnknownWorldError(NpoliticsError, LookupError):
    """No world is registered under the name asked for."""


@attrs.frozen
class WorldSpec(Generic[P]):
    """A named, parameterised world: ``spec(seed=1, workers=100)`` builds a World.

    ``build(params, world)`` adds the groups, clocks, metrics and invariants to an empty
    world named after the spec. The description is the build function's docstring.
    """

    name: str
    params: type[P]
    build: Callable[[P, World], None]
    description: str = ""

    def __call__(self, /, *, seed: Seed | None = 0, **params: Any) -> World:
        p = build_params(self.params, params)
        world = World(self.name, seed=seed, params=p)
        self.build(p, world)
        return world

    def parameters(self) -> list[Parameter]:
        """The declared parameters: name, type, default, allowed range, help."""
        return parameters(self.params)

    def parameter(self, name: str) -> Parameter:
        """The declared parameter ``name``; an unknown name is an error listing the valid ones
        (the CLI and the dashboard say the same)."""
        declared = {p.name: p for p in self.parameters()}
        try:
            return declared[name]
        except KeyError:
            raise ParameterError(
                f"world {self.name!r} has no parameter {name!r}; valid: {', '.join(declared)}"
            ) from None

    def defaults(self) -> P:
        """The parameters with every default."""
        return self.params()


def world(name: str, *, params: type[P]) -> Callable[[Callable[[P, World], None]], WorldSpec[P]]:
    """Declare a world: decorate its build function ``(params, world) -> None``."""

    def wrap(build: Callable[[P, World], None]) -> WorldSpec[P]:
        doc = (build.__doc__ or "").strip()
        return WorldSpec(name=name, params=params, build=build, description=doc)

    return wrap


def world_names() -> list[str]:
    """The names of every world registered under the ``npolitics.worlds`` entry points."""
    return sorted({ep.name for ep in entry_points(group=GROUP)})


def load_world(name: str) -> WorldSpec[Any]:
    """The world registered as ``name`` (e.g. ``"knowledge-office"``)."""
    for ep in entry_points(group=GROUP):
        if ep.name == name:
            spec = ep.load()
            if not isinstance(spec, WorldSpec):
                raise DefinitionError(f"entry point {name!r} ({ep.value}) is not a WorldSpec")
            return spec
    names = world_names()
    near = difflib.get_close_matches(name, names, n=3)
    hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
    raise UnknownWorldError(
        f"no world named {name!r}{hint} (known worlds: {', '.join(names) or 'none'})"
    )
