"""Functions over columns: W(ψ), metrics and invariants written once over populations' state.

A population may declare its wellbeing over its columns (``@npl.wellbeing``), and a world its
metrics and invariants over the columns of named populations (``world.metric(name, fn,
over="workers")``). Each is a function of the state ``s`` that compiled rules see, written in
the part of Python numba compiles. In a compiled run the world's compiled instants evaluate
them at each sample (and check the invariants after each instant), so a world made only of
compiled populations whose wellbeing, metrics and checked invariants are all such functions
runs whole stretches of instants, samples included, without returning to Python; otherwise
they run as Python over the same arrays, with the same results.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from ._compiled import Jit, _as_numpy, jit, state_class, state_names
from ._errors import DefinitionError

if TYPE_CHECKING:
    from ._groups import Group


class Wellbeing:
    """W(ψ) of a population written over its columns: ``fn(s)`` returns one W per agent.

    Read from a population (``population.wellbeing()``) it is evaluated as Python over the
    population's columns; a compiled run evaluates it compiled, at each sample.
    """

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        if not callable(fn):
            raise DefinitionError(f"npl.wellbeing decorates a function of the state s, got {fn!r}")
        params = list(inspect.signature(getattr(fn, "py_func", fn)).parameters)
        if len(params) != 1:
            raise DefinitionError(
                f"a wellbeing over columns is a function of the population's state alone, "
                f"wellbeing(s); {getattr(fn, '__qualname__', fn)} takes ({', '.join(params)})"
            )
        self.fn: Jit = fn if isinstance(fn, Jit) else jit(fn)  # type: ignore[assignment]
        functools.update_wrapper(self, fn)  # type: ignore[arg-type]

    def __get__(self, population: Any, owner: type | None = None) -> Any:
        if population is None:
            return self
        return functools.partial(self.evaluate, population)

    def evaluate(self, population: Any) -> Any:
        """W of every agent of ``population``, computed as Python over its columns."""
        return self.fn.py_func(python_state(population))


def check_wellbeing(owner: type) -> None:
    """Refuse ``@npl.wellbeing`` anywhere but on the ``wellbeing`` of a population."""
    for name, value in vars(owner).items():
        if isinstance(value, Wellbeing) and (
            name != "wellbeing" or getattr(owner, "kind", None) != "population"
        ):
            raise DefinitionError(
                f"@npl.wellbeing declares W(ψ) of a population over its columns: use it on "
                f"the method named 'wellbeing' of an npl.Population, not on "
                f"{owner.__qualname__}.{name}"
            )


def wellbeing(fn: Callable[[Any], Any]) -> Any:
    """Declare a population's W(ψ) over its columns: ``wellbeing(s)`` returns an array of
    one finite float per agent, computed from the state ``s`` as compiled rules see it
    (columns and numbers), in the part of Python numba compiles::

        @npl.wellbeing
        def wellbeing(s):
            return s.coins.astype(np.float64)

    A compiled run evaluates it compiled, at every sample; ``population.wellbeing()`` still
    gives the array."""
    return Wellbeing(fn)


@jit
def no_wellbeing(s: Any) -> Any:
    """The default W of a population: 0 for every agent."""
    return np.zeros(s.n)


def compiled_wellbeing(population: Any) -> Jit | None:
    """The wellbeing of ``population`` as a function of its state (the default W of 0
    included), or None when it is an ordinary method."""
    from ._agent import Population

    found = inspect.getattr_static(type(population), "wellbeing", None)
    if isinstance(found, Wellbeing):
        return found.fn
    if found is Population.__dict__["wellbeing"]:
        return no_wellbeing  # type: ignore[return-value]
    return None


@attrs.frozen
class Over:
    """A metric or an invariant over the columns of populations: ``fn(s1, s2, …)`` of the
    states of groups ``groups``, in that order."""

    name: str
    fn: Jit
    groups: tuple[str, ...]

    def __call__(self, world: Any) -> Any:
        """Its value now, computed as Python over the groups' columns."""
        groups = world._kernel.groups
        return self.fn.py_func(*(python_state(groups[g].members) for g in self.groups))

    def check(self, groups: dict[str, Group], world: str, what: str) -> None:
        """Refuse groups that do not exist or are not populations."""
        for name in self.groups:
            group = groups.get(name)
            if group is None or group.kind != "population":
                found = "no such group" if group is None else f"a group of kind {group.kind!r}"
                raise DefinitionError(
                    f"world {world!r}: {what} {self.name!r} is over group {name!r}, which is "
                    f"{found}; functions over columns read populations (npl.Population); "
                    f"its groups are {', '.join(repr(g) for g in groups) or 'none'}"
                )


def over(name: str, fn: Any, groups: str | Sequence[str], what: str) -> Over:
    """The :class:`Over` of metric or invariant ``name``: ``fn`` over ``groups`` (a group name
    or a sequence of them), checked to take one state per group."""
    names = (groups,) if isinstance(groups, str) else tuple(groups)
    if not names or not all(isinstance(g, str) and g for g in names):
        raise DefinitionError(
            f"{what} {name!r}: over= names the populations the function reads, a group name "
            f"or a sequence of them; got {groups!r}"
        )
    if not callable(fn):
        raise DefinitionError(f"{what} {name!r}: expected a function of the states, got {fn!r}")
    params = list(inspect.signature(getattr(fn, "py_func", fn)).parameters)
    if len(params) != len(names):
        raise DefinitionError(
            f"{what} {name!r} is over {len(names)} group(s) ({', '.join(names)}), so its "
            f"function takes one state per group, in that order; it takes ({', '.join(params)})"
        )
    return Over(name, fn if isinstance(fn, Jit) else jit(fn), names)


def python_state(population: Any) -> Any:
    """The state ``s`` of ``population`` as a rule run as Python sees it: its columns, and
    its numbers as numpy scalars (typed as numba types them)."""
    names = state_names(population)
    values = [_as_numpy(getattr(population, name)) for name in names]
    return state_class(names)(*values)


def compile_error(world: str, where: str, fn: Jit, members: Sequence[Any]) -> None:
    """Compile ``fn`` for the states of ``members``; if numba cannot, an error naming the
    world, what ``fn`` is (``where``) and numba's own message."""
    from ._compiled import _ANSI, _numba_warning

    states = [
        state_class(state_names(m))(*(getattr(m, n) for n in state_names(m))) for m in members
    ]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", _numba_warning())
            fn.dispatcher(*states)
    except Exception as exc:
        text = _ANSI.sub("", str(exc)).strip()
        raise DefinitionError(
            f"in world {world!r}: {where} is written over columns but cannot be compiled (run "
            f"with compiled=False to run it as Python, or fix it: numba compiles numbers, numpy "
            f"arrays and loops); numba's message:\n{text}"
        ) from None
