"""Hypothesis strategies for worlds: parameters from a declared spec, seeds, messages, agents.

Numbers are drawn inside the declared range (``ge``/``gt``/``le``/``lt``, or ``choices``) and,
to keep every example fast, near the scale the world was designed for: integers within
``int_span`` of their lower bound (small populations), floats within a factor ``scale`` of
their default. Pass a value or a strategy per parameter in ``overrides`` to fix or widen one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import attrs
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import npolitics as npl
from npolitics._agent import ColumnSpec
from npolitics._params import build_params

T = TypeVar("T")

#: Seeds run a world with (any integer ≥ 0 is valid; 32 bits are plenty to explore).
SEED_MAX = 2**32 - 1


def seeds() -> st.SearchStrategy[int]:
    """Seeds of worlds: integers in [0, 2³²), shrinking towards 0."""
    return st.integers(min_value=0, max_value=SEED_MAX)


def parameter_values(
    parameter: npl.Parameter, *, int_span: int = 8, scale: float = 10.0
) -> st.SearchStrategy[Any]:
    """Values of one declared parameter: its choices, or numbers in its range near its scale.

    A string or untyped parameter without ``choices`` keeps its default: there is no range
    to draw from. See the module docstring for ``int_span`` and ``scale``.
    """
    info, default = parameter.info, parameter.default
    if info.choices is not None:
        return st.sampled_from(info.choices)
    if parameter.type == "bool":
        return st.booleans()
    if parameter.type == "int":
        return _ints(info, default, int_span)
    if parameter.type == "float":
        return _floats(info, default, scale)
    return st.just(default)


def _ints(info: npl.ParamInfo, default: Any, span: int) -> st.SearchStrategy[int]:
    lows = [math.ceil(info.ge)] if info.ge is not None else []
    lows += [math.floor(info.gt) + 1] if info.gt is not None else []
    highs = [math.floor(info.le)] if info.le is not None else []
    highs += [math.ceil(info.lt) - 1] if info.lt is not None else []
    anchor = default if isinstance(default, int) else 0
    lo = max(lows) if lows else (min(highs) - span if highs else min(anchor, 0))
    hi = min([*highs, lo + span])
    if hi < lo:
        raise npl.ArgumentError(f"parameter range {info.describe()} holds no integer")
    return st.integers(min_value=lo, max_value=hi)


def _floats(info: npl.ParamInfo, default: Any, scale: float) -> st.SearchStrategy[float]:
    d = float(default) if isinstance(default, int | float) and math.isfinite(default) else 0.0
    # The neighbourhood of the default the world was designed for, then the declared range.
    if d > 0:
        lo, hi = d / scale, d * scale
    elif d < 0:
        lo, hi = d * scale, d / scale
    else:
        lo, hi = -scale, scale
    exclude_min = exclude_max = False
    bound = info.ge if info.ge is not None else info.gt
    if bound is not None and bound >= lo:
        lo, exclude_min = float(bound), info.ge is None
    bound = info.le if info.le is not None else info.lt
    if bound is not None and bound <= hi:
        hi, exclude_max = float(bound), info.le is None
    if lo > hi:  # a default outside its own range: draw near the bound it is beyond
        low = info.ge if info.ge is not None else info.gt
        high = info.le if info.le is not None else info.lt
        lo = float(low) if low is not None else float(high) - scale  # type: ignore[arg-type]
        hi = float(high) if high is not None else lo + scale
        exclude_min, exclude_max = info.gt is not None, info.lt is not None
    return st.floats(
        min_value=lo,
        max_value=hi,
        exclude_min=exclude_min and lo < hi,
        exclude_max=exclude_max and lo < hi,
        allow_nan=False,
        allow_infinity=False,
    )


def world_params(
    spec: npl.WorldSpec[Any],
    overrides: Mapping[str, Any] | None = None,
    *,
    int_span: int = 8,
    scale: float = 10.0,
) -> st.SearchStrategy[dict[str, Any]]:
    """Complete, valid parameters of ``spec`` as a dict ``{name: value}``.

    ``overrides`` fixes a parameter (a plain value) or draws it from a strategy; an unknown
    name is refused at once. Draws that fail the world's cross-field checks
    (``ParameterError`` from the parameter class) are rejected, so hypothesis only ever runs
    parameters the world accepts.
    """
    overrides = dict(overrides or {})
    declared = spec.parameters()
    unknown = sorted(set(overrides) - {p.name for p in declared})
    if unknown:
        raise npl.ParameterError(
            f"world {spec.name!r} has no parameter(s) {', '.join(map(repr, unknown))}; "
            f"valid: {', '.join(sorted(p.name for p in declared))}"
        )
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for parameter in declared:
        given = overrides.get(parameter.name, _DRAW)
        if given is _DRAW:
            fields[parameter.name] = parameter_values(parameter, int_span=int_span, scale=scale)
        else:
            fields[parameter.name] = (
                given if isinstance(given, st.SearchStrategy) else st.just(given)
            )

    def valid(values: dict[str, Any]) -> bool:
        try:
            build_params(spec.params, values)
        except npl.ParameterError:
            return False
        return True

    return st.fixed_dictionaries(fields).filter(valid)


_DRAW = object()


def messages(message_type: type[T], **fields: Any) -> st.SearchStrategy[T]:
    """Instances of an attrs message class, every field drawn from its annotated type.

    Floats are finite (a message with NaN is rarely what a world means); pass a value or a
    strategy per field in ``fields`` to override one.
    """
    if not attrs.has(message_type):
        raise npl.DefinitionError(
            f"{message_type.__qualname__} is not a message type: decorate it with @attrs.frozen"
        )
    attrs.resolve_types(message_type)
    args: dict[str, st.SearchStrategy[Any]] = {}
    for a in attrs.fields(message_type):
        if a.name in fields:
            value = fields[a.name]
            args[a.name] = value if isinstance(value, st.SearchStrategy) else st.just(value)
        elif a.type is float:
            args[a.name] = st.floats(allow_nan=False, allow_infinity=False)
        elif a.type is not None:
            args[a.name] = st.from_type(a.type)
    unknown = sorted(set(fields) - {a.name for a in attrs.fields(message_type)})
    if unknown:
        raise npl.DefinitionError(f"{message_type.__qualname__} has no field(s) {unknown}")
    make = cast("Callable[..., T]", message_type)  # attrs.has narrowed it; it is still T's
    return st.builds(make, **args)


def populations(
    population_type: type[npl.Population],
    *,
    n: st.SearchStrategy[int] | int | None = None,
    max_n: int = 8,
    **fields: Any,
) -> st.SearchStrategy[Any]:
    """Small populations: ``n`` in [0, ``max_n``] and every state column drawn from its dtype.

    Columns of floats hold finite values; other (non-column) fields keep their defaults unless
    given in ``fields`` (a value or a strategy).
    """
    sizes = (
        st.integers(min_value=0, max_value=max_n)
        if n is None
        else (n if isinstance(n, st.SearchStrategy) else st.just(n))
    )

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        size = draw(sizes)
        kwargs: dict[str, Any] = {}
        for a in attrs.fields(population_type):  # type: ignore[arg-type]
            if a.name == "n":
                continue
            if a.name in fields:
                value = fields[a.name]
                kwargs[a.name] = draw(value) if isinstance(value, st.SearchStrategy) else value
                continue
            spec: ColumnSpec | None = a.metadata.get("npolitics.column")
            if spec is not None:
                kwargs[a.name] = draw(_column(spec, size))
        return population_type(n=size, **kwargs)

    return build()


def _column(spec: ColumnSpec, size: int) -> st.SearchStrategy[Any]:
    dtype = np.dtype(spec.dtype)
    elements = None
    if dtype.kind == "f":
        elements = st.floats(
            allow_nan=False, allow_infinity=False, width=min(64, dtype.itemsize * 8)
        )
    return hnp.arrays(dtype, (size, *spec.shape), elements=elements)


def agents(agent_type: type[T], **fields: Any) -> st.SearchStrategy[T]:
    """Agents of an :class:`npolitics.Agent` type, fields inferred from their annotations.

    Fields with defaults keep them unless given in ``fields`` (a value or a strategy).
    """
    args = {k: (v if isinstance(v, st.SearchStrategy) else st.just(v)) for k, v in fields.items()}
    return st.builds(agent_type, **args)
