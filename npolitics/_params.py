"""World parameters: declared with ranges, validated at the boundary, introspectable.

A world's parameters are an ``@attrs.frozen`` class whose fields are made with
:func:`param`; the CLI, the docs and ``npolitics.testing`` read the declared type, default,
range and help from there, and a bad value gets an error naming the parameter and its range.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from ._errors import ParameterError

_PARAM = "npolitics.param"


@attrs.frozen
class ParamInfo:
    """What a parameter accepts: bounds (inclusive ``ge``/``le``, exclusive ``gt``/``lt``),
    a set of ``choices``, and a one-line ``help``. A number parameter is ``finite`` unless it
    says otherwise: NaN and infinities are refused (a size, a rate or a time of ``inf`` makes
    no world), so each parameter that gives them a meaning opts in."""

    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    choices: tuple[Any, ...] | None = None
    help: str = ""
    finite: bool = True

    def describe(self) -> str:
        """The allowed values in words, e.g. ``≥ 1`` or ``one of 'a', 'b'``."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        parts = []
        if self.ge is not None:
            parts.append(f"≥ {_number(self.ge)}")
        if self.gt is not None:
            parts.append(f"> {_number(self.gt)}")
        if self.le is not None:
            parts.append(f"≤ {_number(self.le)}")
        if self.lt is not None:
            parts.append(f"< {_number(self.lt)}")
        return " and ".join(parts) or "any value"

    def admits(self, value: Any) -> bool:
        """Whether ``value`` lies in the declared range or choices."""
        if self.choices is not None:
            return value in self.choices
        if value is None:
            return True
        if isinstance(value, float) and (math.isnan(value) or (self.finite and math.isinf(value))):
            return False
        return not (
            (self.ge is not None and not value >= self.ge)
            or (self.gt is not None and not value > self.gt)
            or (self.le is not None and not value <= self.le)
            or (self.lt is not None and not value < self.lt)
        )


def _number(x: float) -> str:
    """A bound as written in a message: ``0.5``, ``100``, or ``1e+12`` when large."""
    return f"{x:g}" if isinstance(x, float) and abs(x) >= 1e6 else repr(x)


def _check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    info: ParamInfo = attribute.metadata[_PARAM]
    kind = _kind(attribute.type)
    if value is None and attribute.default is not None:
        # None is a value only for a parameter whose default is None ("not set").
        if kind is not None:
            wanted = f"{_article(kind)} ({info.describe()})"
        elif info.choices is not None:
            wanted = info.describe()
        else:
            wanted = f"a value like its default {attribute.default!r}"
        raise ParameterError(f"parameter {attribute.name!r} must be {wanted}, got None")
    if kind is not None and value is not None and not _is(value, kind):
        raise ParameterError(
            f"parameter {attribute.name!r} must be {_article(kind)} ({info.describe()}), "
            f"got {value!r}"
        )
    allowed = info.describe()
    if isinstance(value, float) and (
        (info.finite and math.isinf(value)) or (math.isnan(value) and allowed == "any value")
    ):  # (NaN in a range is out of it: the range's message below says so)
        allowed = "" if allowed == "any value" else f" ({allowed})"
        raise ParameterError(
            f"parameter {attribute.name!r} must be a finite number{allowed}, got {value!r}"
        )
    if not info.admits(value):
        raise ParameterError(
            f"parameter {attribute.name!r} must be {info.describe()}, got {value!r}"
        )


def param(
    default: Any,
    *,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    choices: Sequence[Any] | None = None,
    help: str = "",
    finite: bool = True,
) -> Any:
    """A world parameter with its default, its allowed range or choices, and a help line.

    A float parameter refuses NaN and infinities unless ``finite=False`` (then NaN is still
    refused, and ``inf`` must be within the bounds).
    """
    choices_ = tuple(choices) if choices is not None else None
    info = ParamInfo(ge, gt, le, lt, choices_, help, finite)
    return attrs.field(default=default, validator=_check, metadata={_PARAM: info}, kw_only=True)


@attrs.frozen
class Parameter:
    """One declared parameter of a world, as the CLI and the docs show it."""

    name: str
    type: str
    default: Any
    info: ParamInfo

    def parse(self, text: str) -> Any:
        """The value written as ``text`` on a command line, converted to the declared type."""
        return parse_value(self.name, self.type, text)


def parameters(params_type: type) -> list[Parameter]:
    """The declared parameters of a parameter class, in declaration order."""
    attrs.resolve_types(params_type)
    out = []
    for a in attrs.fields(params_type):
        info = a.metadata.get(_PARAM, ParamInfo())
        out.append(Parameter(a.name, _kind(a.type) or "any", a.default, info))
    return out


def build_params(params_type: type, values: Mapping[str, Any]) -> Any:
    """An instance of ``params_type`` from ``values``, with unknown names refused by name."""
    known = {a.name for a in attrs.fields(params_type)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(map(repr, unknown))}; "
            f"valid: {', '.join(sorted(known))}"
        )
    attrs.resolve_types(params_type)
    coerced = {
        name: _coerce(value, _kind(attrs.fields_dict(params_type)[name].type))
        for name, value in values.items()
    }
    try:
        return params_type(**coerced)
    except ParameterError:
        raise
    except (TypeError, ValueError) as exc:
        raise ParameterError(str(exc)) from exc


def _kind(t: Any) -> str | None:
    if t in (int, "int"):
        return "int"
    if t in (float, "float"):
        return "float"
    if t in (bool, "bool"):
        return "bool"
    if t in (str, "str"):
        return "str"
    return None


_CHECKS: Mapping[str, Callable[[Any], bool]] = {
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, float),
    "bool": lambda v: isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
}


def _is(value: Any, kind: str) -> bool:
    return _CHECKS[kind](value)


_ARTICLES = {"int": "an integer", "float": "a number", "bool": "true or false", "str": "a string"}


def _article(kind: str) -> str:
    return _ARTICLES[kind]


def _coerce(value: Any, kind: str | None) -> Any:
    """Accept an int for a float parameter, and numpy scalars for Python ones."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            value = value.item()
        except (TypeError, ValueError):
            return value
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:  # an int beyond any float: leave it for the type check
            return value
    return value


def parse_value(name: str, kind: str, text: str) -> Any:
    """Convert command-line ``text`` for parameter ``name`` of type ``kind``."""
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "bool":
            lowered = text.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError(text)
    except ValueError:
        raise ParameterError(f"parameter {name!r} must be {_article(kind)}, got {text!r}") from None
    return text
