"""``check_world``: run a world under generated parameters and seeds, invariants checked.

Each example builds the world from drawn parameters and a drawn seed, checks its declared
invariants on the initial state, then runs it with ``check=True`` (every invariant after
every instant). The first failure is shrunk by hypothesis to a minimal example and reported
as one :class:`WorldCheckError` naming the parameters, seed, instant and invariant.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import npolitics as npl
from npolitics._experiment import resolve_world, world_reference

from ._strategies import seeds, world_params

WorldLike = str | npl.WorldSpec[Any] | Callable[..., npl.World]

#: The name of the invariant ``check_world`` adds to every world it runs.
FINITE_WELLBEING = "wellbeing is finite (npolitics.testing)"


class WorldCheckError(npl.NpoliticsError, AssertionError):
    """``check_world`` found a failing example; the message says how to reproduce it.

    ``invariant`` is the broken invariant's name (None when something else raised, e.g. a
    handler: the original error is ``__cause__``), ``time`` the instant it broke at (None when
    unknown or before the first instant), ``params`` and ``seed`` the minimal example.
    """

    def __init__(
        self,
        message: str,
        *,
        world: str,
        params: Mapping[str, Any],
        seed: int,
        invariant: str | None,
        time: Any,
    ) -> None:
        super().__init__(message)
        self.world = world
        self.params = dict(params)
        self.seed = seed
        self.invariant = invariant
        self.time = time


@attrs.frozen
class CheckReport:
    """What a passing ``check_world`` ran: examples, instants checked and the invariants."""

    world: str
    examples: int
    instants: int
    invariants: tuple[str, ...]


@attrs.define
class _Failure:
    params: dict[str, Any]
    seed: int
    error: BaseException
    now: Any


def check_world(
    world: WorldLike,
    *,
    max_examples: int = 20,
    steps: int | None = None,
    until: float | None = None,
    params: Mapping[str, Any] | None = None,
    seed: int | st.SearchStrategy[int] | None = None,
    invariants: Mapping[str, Callable[[npl.World], object]] | None = None,
    finite_wellbeing: bool = True,
    require_invariants: bool = True,
    int_span: int = 8,
    scale: float = 10.0,
    derandomize: bool = True,
) -> CheckReport:
    """Property-test ``world``'s invariants; raise :class:`WorldCheckError` on a failure.

    ``world`` is a registered name (``"rosca"``), a ``"module:attribute"`` reference, a
    :class:`~npolitics.WorldSpec`, or a factory ``f(seed=..., **params) -> World``.
    Each of ``max_examples`` examples runs ``steps`` integer time units (default 20) or up to
    time ``until``. ``params`` fixes parameters (plain values) or draws them from strategies;
    with a spec the others are drawn from their declared ranges (see
    :func:`world_params` for ``int_span`` and ``scale``), with a factory only ``params`` are
    passed. ``seed`` fixes the seed or draws it (default: any seed). ``invariants`` adds
    invariants to every world built (properties a test asks of a world it does not own, with
    the same signature as ``world.invariant``). ``finite_wellbeing`` adds the invariant that Ω
    is finite; ``require_invariants`` refuses a world that declares
    none. ``derandomize`` makes the examples the same on every call (hypothesis' own seed).

    Call it from a plain test, not from inside a ``@given`` test.
    """
    if steps is not None and until is not None:
        raise npl.ArgumentError("give steps= or until=, not both")
    if steps is None and until is None:
        steps = 20
    build, name, param_strategy = _resolve(world, params, int_span, scale)
    seed_strategy = (
        seeds()
        if seed is None
        else (seed if isinstance(seed, st.SearchStrategy) else st.just(seed))
    )
    failures: list[_Failure] = []
    counts = {"examples": 0, "instants": 0}
    checked: list[tuple[str, ...]] = []

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        report_multiple_bugs=False,
        print_blob=False,
        # No "explain" phase: our report says what failed, and explaining costs more than
        # finding and shrinking together.
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )
    @given(values=param_strategy, seed=seed_strategy)
    def one_example(values: dict[str, Any], seed: int) -> None:
        instance: npl.World | None = None
        try:
            built = build(seed=seed, **values)
            if not isinstance(built, npl.World):
                raise npl.DefinitionError(f"the factory returned {built!r}, not an npolitics.World")
            instance = built
            for extra, fn in (invariants or {}).items():
                instance.invariant(extra, fn)
            if require_invariants and not instance.invariants:
                raise _NoInvariantsError(
                    f"world {name!r} declares no invariants: declare some with "
                    "world.invariant(name, fn), or pass require_invariants=False"
                )
            if finite_wellbeing:
                instance.invariant(FINITE_WELLBEING, _finite_wellbeing)
            checked.append(tuple(instance.invariants))
            _check_initial(instance)
            before = instance.statistics().instants
            instance.run(steps, until=until, check=True)
            counts["instants"] += instance.statistics().instants - before
            counts["examples"] += 1
        except _NoInvariantsError:
            raise
        except Exception as exc:
            now = instance.now if instance is not None else None
            failures.append(_Failure(dict(values), seed, exc, now))
            raise

    try:
        one_example()
    except _NoInvariantsError as exc:
        raise npl.ArgumentError(str(exc)) from None
    except Exception as exc:
        if not failures:
            raise
        raise _report(name, failures[-1], steps, until, world) from exc
    declared = checked[0] if checked else ()
    return CheckReport(name, counts["examples"], counts["instants"], declared)


class _NoInvariantsError(Exception):
    pass


def _resolve(
    world: WorldLike, fixed: Mapping[str, Any] | None, int_span: int, scale: float
) -> tuple[Callable[..., npl.World], str, st.SearchStrategy[dict[str, Any]]]:
    if isinstance(world, str):
        world = resolve_world(world)
    if isinstance(world, npl.WorldSpec):
        return world, world.name, world_params(world, fixed, int_span=int_span, scale=scale)
    if not callable(world):
        raise npl.DefinitionError(
            f"check_world takes a world name, a WorldSpec or a factory f(seed=..., **params), "
            f"got {world!r}"
        )
    strategies = {
        k: (v if isinstance(v, st.SearchStrategy) else st.just(v)) for k, v in (fixed or {}).items()
    }
    name = getattr(world, "__qualname__", repr(world))
    return world, name, st.fixed_dictionaries(strategies)


def _finite_wellbeing(world: npl.World) -> bool:
    try:
        return math.isfinite(world.omega().total)
    except npl.WellbeingError as exc:
        raise AssertionError(str(exc)) from None


def _check_initial(world: npl.World) -> None:
    """The invariants must hold before the first instant too (a world built broken)."""
    for name, fn in world.invariants.items():
        try:
            ok = fn(world)
        except AssertionError as exc:
            raise npl.InvariantError(
                f"in world {world.name!r} before the first instant: invariant {name!r} "
                f"broken: {exc}",
                world=world.name,
                invariant=name,
                time=math.nan,
            ) from exc
        if ok is not None and not ok:
            raise npl.InvariantError(
                f"in world {world.name!r} before the first instant: invariant {name!r} broken",
                world=world.name,
                invariant=name,
                time=math.nan,
            )


def _report(
    name: str, failure: _Failure, steps: int | None, until: float | None, world: WorldLike
) -> WorldCheckError:
    error = failure.error
    invariant: str | None = None
    time: Any = None
    if isinstance(error, npl.InvariantError):
        invariant = error.invariant
        time = None if isinstance(error.time, float) and math.isnan(error.time) else error.time
        what = f"broke invariant {invariant!r}"
        what += " before the first instant" if time is None else f" at t={time}"
    elif isinstance(error, npl.HandlerError):
        time = error.time
        cause = error.__cause__
        what = (
            f"raised in a handler at t={time}: {type(cause).__name__}: {cause} "
            f"({error.agent}, channel {error.channel!r})"
        )
    else:
        time = failure.now
        when = "while being built" if time is None else f"after t={time}"
        what = f"raised {type(error).__name__} {when}: {error}"
    args = ", ".join(f"{k}={v!r}" for k, v in failure.params.items())
    horizon = f"steps={steps}" if until is None else f"until={until!r}"
    reference = world if isinstance(world, str) else None
    if isinstance(world, npl.WorldSpec):
        reference = world_reference(world) or _find(world)
    if reference is not None and reference.startswith("__main__:"):
        build = reference.partition(":")[2]
    elif reference is not None and ":" in reference:
        module, _, attribute = reference.partition(":")
        build = f"from {module} import {attribute}; {attribute}"
    elif reference is not None:
        build = f"npl.load_world({reference!r})"
    elif isinstance(world, npl.WorldSpec):
        build = f"<WorldSpec {name!r}>"
    else:
        build = name
    seed_arg = f"seed={failure.seed}" + (f", {args}" if args else "")
    lines = [
        f"world {name!r} {what}",
        f"  minimal example: parameters {{{args}}}, seed {failure.seed}",
        f"  reproduce: {build}({seed_arg}).run({horizon}, check=True)",
    ]
    return WorldCheckError(
        "\n".join(lines),
        world=name,
        params=failure.params,
        seed=failure.seed,
        invariant=invariant,
        time=time,
    )


def _find(spec: npl.WorldSpec[Any]) -> str | None:
    """``module:attribute`` of a spec kept in its build function's module under another name
    (a spec made by a factory, as ``buggy = compose(Treasury)``)."""
    module = sys.modules.get(spec.build.__module__)
    for attribute, value in vars(module).items() if module is not None else ():
        if value is spec:
            return f"{spec.build.__module__}:{attribute}"
    return None


def world_test(world: WorldLike, **kwargs: Any) -> Callable[[], None]:
    """A test function that runs ``check_world(world, **kwargs)``, for a one-line test::

    test_rosca = world_test("rosca", steps=24)
    """

    def test() -> None:
        check_world(world, **kwargs)

    label = world if isinstance(world, str) else getattr(world, "name", "world")
    test.__name__ = test.__qualname__ = f"test_{label}_invariants".replace("-", "_")
    test.__doc__ = f"The invariants of {label!r} hold under generated parameters and seeds."
    return test
