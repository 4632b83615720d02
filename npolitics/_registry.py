"""World specifications and the ``npolitics.worlds`` entry-point registry.

A :class:`WorldSpec` pairs a parameter class with a build function; calling it validates the
parameters and returns a ready :class:`World`. Installed packages register specs under the
entry-point group ``npolitics.worlds``, so the CLI finds third-party worlds like ours.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

import attrs

from ._errors import DefinitionError, NpoliticsError, ParameterError
from ._limits import Limits
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
    ``memory(params)``, if given, estimates in bytes what the built world's groups take, from
    the parameters alone: a world beyond ``NPOLITICS_MAX_MEMORY`` is then refused before its
    build allocates anything (without it, only populations' columns are checked, as they are
    allocated).
    """

    name: str
    params: type[P]
    build: Callable[[P, World], None]
    description: str = ""
    memory: Callable[[P], float] | None = None

    def __call__(self, /, *, seed: Seed | None = 0, **params: Any) -> World:
        world = self._assemble(seed, params)
        # Ready for its default run: a compiled rule numba cannot compile, or a send to
        # nowhere, is an error here, at build (compiled once per machine, then loaded).
        world._kernel.compile_rules(None)
        return world

    def _assemble(self, seed: Seed | None, params: Mapping[str, Any]) -> World:
        """The world of ``params``, built but with its compiled rules not yet readied (for
        a look at what it declares, or a run that is not compiled)."""
        p = self.validate(params)
        world = World(self.name, seed=seed, params=p)
        self.build(p, world)
        return world

    def validate(self, params: Mapping[str, Any], limits: Limits | None = None) -> P:
        """``params`` checked (names, types, finiteness, ranges, cross-field rules) and costed
        (the world's memory estimate against ``limits``, default :meth:`Limits.current`).

        The one check every face shares: building a world, an Experiment's points, the CLI
        and the dashboard all go through it, so a value refused in one is refused in all.
        """
        p: P = build_params(self.params, params)
        need = self.estimate(p)
        if need is not None:
            shown = ", ".join(f"{k}={v!r}" for k, v in params.items())
            what = f"world {self.name!r}" + (f" with {shown}" if shown else "")
            (Limits.current() if limits is None else limits).check_memory(need, what)
        return p

    def estimate(self, p: P) -> float | None:
        """The declared estimate of the memory (bytes) a world of parameters ``p`` takes once
        built, or None if the world declares none."""
        if self.memory is None:
            return None
        need = float(self.memory(p))
        if math.isnan(need) or need < 0:
            raise DefinitionError(
                f"world {self.name!r}: its memory estimate must be a number of bytes ≥ 0, "
                f"got {need!r}"
            )
        return need

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


def world(
    name: str, *, params: type[P], memory: Callable[[P], float] | None = None
) -> Callable[[Callable[[P, World], None]], WorldSpec[P]]:
    """Declare a world: decorate its build function ``(params, world) -> None``.

    ``memory(params)`` estimates the bytes its groups take once built (roughly: agents ×
    bytes per agent, plus any table whose size a parameter sets), so that a world too big
    for the machine is refused before it is built; see :class:`WorldSpec`.
    """

    def wrap(build: Callable[[P, World], None]) -> WorldSpec[P]:
        doc = (build.__doc__ or "").strip()
        return WorldSpec(name=name, params=params, build=build, description=doc, memory=memory)

    return wrap


def world_names() -> list[str]:
    """The names of every world registered under the ``npolitics.worlds`` entry points."""
    return sorted({ep.name for ep in entry_points(group=GROUP)})


_LOADED: dict[str, WorldSpec[Any]] = {}
"""The worlds loaded so far in this process, by name: reading the entry points takes ~10 ms,
and an experiment's every run looks its world up by name."""


def load_world(name: str) -> WorldSpec[Any]:
    """The world registered as ``name`` (e.g. ``"knowledge-office"``)."""
    loaded = _LOADED.get(name)
    if loaded is not None:
        return loaded
    for ep in entry_points(group=GROUP):
        if ep.name == name:
            spec = ep.load()
            if not isinstance(spec, WorldSpec):
                raise DefinitionError(f"entry point {name!r} ({ep.value}) is not a WorldSpec")
            _LOADED[name] = spec
            return spec
    names = world_names()
    near = difflib.get_close_matches(name, names, n=3)
    hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
    raise UnknownWorldError(
        f"no world named {name!r}{hint} (known worlds: {', '.join(names) or 'none'})"
    )
