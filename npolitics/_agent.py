"""Agent types: state ψ as attrs fields, channels as handlers, and a wellbeing W(ψ).

:class:`Agent` is one agent whose state lives in Python attributes; it handles one message
at a time. :class:`Population` is N agents of one type whose state lives in numpy columns; it
handles every message due for it at one instant as a :class:`~npolitics.Batch`.
Subclasses become attrs classes automatically: annotate the state fields.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar, dataclass_transform

import attrs
import numpy as np
import numpy.typing as npt

from ._channel import Channel, channels
from ._columns import check_wellbeing
from ._errors import ArgumentError, DefinitionError
from ._limits import Limits

_COLUMN = "npolitics.column"


@attrs.frozen
class ColumnSpec:
    """How to make one state column of a population: its dtype, default and per-agent shape."""

    dtype: Any
    default: Any = 0
    shape: tuple[int, ...] = ()


def column(dtype: Any, default: Any = 0, *, shape: tuple[int, ...] = ()) -> Any:
    """A state column of a population: an array of ``n`` entries of ``dtype``, filled with
    ``default`` unless the constructor is given values."""
    return attrs.field(
        default=None,
        kw_only=True,
        metadata={_COLUMN: ColumnSpec(np.dtype(dtype), default, tuple(shape))},
    )


@dataclass_transform(field_specifiers=(attrs.field, attrs.Factory))
class _Stateful:
    """Makes every subclass an attrs class (mutable, compared by identity), so type checkers
    and readers see the state fields ψ as the constructor's arguments."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__attrs_attrs__" not in cls.__dict__:
            attrs.define(cls, slots=False, eq=False)
        _refuse_shared_defaults(cls)
        check_wellbeing(cls)


_MUTABLE = (list, dict, set, bytearray, np.ndarray)


def _refuse_shared_defaults(cls: type) -> None:
    """A mutable default would be one object shared by every agent of the class: refuse it
    when the class is made, naming the field and the fix."""
    for a in attrs.fields(cls):
        if isinstance(a.default, _MUTABLE):
            kind = type(a.default).__name__
            raise DefinitionError(
                f"{cls.__qualname__}.{a.name} has a mutable default ({kind}), which every agent "
                f"would share: write `{a.name}: ... = attrs.field(factory={kind})` "
                f"(or attrs.Factory({kind}))"
                + (" — for an array, a factory that makes a new one" if kind == "ndarray" else "")
            )


class Agent(_Stateful):
    """One agent: subclass it, annotate its state fields, mark handlers with ``@channel``.

    Override :meth:`wellbeing` to declare W(ψ); the default of 0 suits agents whose
    wellbeing does not count (a database, a pot).
    """

    kind: ClassVar[str] = "agent"

    def wellbeing(self) -> float:
        """W(ψ): this agent's wellbeing, a finite float (any units the world declares)."""
        return 0.0

    @classmethod
    def channels(cls) -> Mapping[str, Channel]:
        """The channels this agent type owns, by name."""
        return channels(cls)

    @classmethod
    def state_fields(cls) -> dict[str, str]:
        """The state ψ: each field's name and type, as declared."""
        return {a.name: _type_name(a.type) for a in attrs.fields(cls)}  # type: ignore[arg-type]


class Population(_Stateful):
    """``n`` agents of one type, whose state is numpy columns (``npolitics.column``).

    A handler receives every message due for the population at one instant as one
    :class:`~npolitics.Batch` (``batch.to`` holds the target agents' indices), and should act
    with array code. :meth:`wellbeing` returns an array with one W(ψ) per agent.
    """

    kind: ClassVar[str] = "population"
    n: int

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.n, int | np.integer) or self.n < 0:
            raise ArgumentError(
                f"{type(self).__qualname__}: n must be an integer ≥ 0, got {self.n!r}"
            )
        self._check_memory()
        for a in attrs.fields(type(self)):  # type: ignore[arg-type]
            spec = a.metadata.get(_COLUMN)
            if spec is None:
                continue
            value = getattr(self, a.name)
            shape = (int(self.n), *spec.shape)
            if value is None:
                value = np.full(shape, spec.default, dtype=spec.dtype)
            else:
                value = np.array(value, dtype=spec.dtype)
                if value.shape != shape:
                    raise ArgumentError(
                        f"{type(self).__qualname__}.{a.name} must have shape {shape}, "
                        f"got {value.shape}"
                    )
            setattr(self, a.name, value)

    def _check_memory(self) -> None:
        """Refuse columns whose memory would exceed ``NPOLITICS_MAX_MEMORY``, before any is
        allocated (a world that declares no estimate of its own is still checked here)."""
        need = 0
        for a in attrs.fields(type(self)):  # type: ignore[arg-type]
            spec = a.metadata.get(_COLUMN)
            if spec is not None and getattr(self, a.name) is None:
                need += int(self.n) * math.prod(spec.shape) * np.dtype(spec.dtype).itemsize
        if need:
            Limits.current().check_memory(
                need, f"population {type(self).__qualname__} of {int(self.n)} agents"
            )

    def __len__(self) -> int:
        return int(self.n)

    def wellbeing(self) -> npt.NDArray[np.float64]:
        """W(ψ) of every agent: an array of ``n`` finite floats."""
        return np.zeros(self.n)

    def reserve(self, instants: int) -> int:
        """Make room in the columns for what up to ``instants`` more instants may need, and
        return for how many of them (at least 1) there is room now.

        Compiled rules cannot grow a column; a population whose columns must grow as it runs
        (a table of what each agent knows) widens them here. A run calls it before the
        instants it delivers, before compiled code runs many of them without returning to
        Python (no more than the room returned), and again when the room is used up. Only
        room may change, never what the rules compute. The default needs none.
        """
        return instants

    @classmethod
    def channels(cls) -> Mapping[str, Channel]:
        """The channels this population type owns, by name."""
        return channels(cls)

    @classmethod
    def state_fields(cls) -> dict[str, str]:
        """The state ψ: each column's dtype (per agent) and each other field's type."""
        out: dict[str, str] = {}
        for a in attrs.fields(cls):  # type: ignore[arg-type]
            spec = a.metadata.get(_COLUMN)
            out[a.name] = (
                f"column[{spec.dtype}{'×'.join(map(str, spec.shape)) and ', ' + str(spec.shape)}]"
                if spec
                else _type_name(a.type)
            )
        return out


def _type_name(t: Any) -> str:
    if t is None:
        return "?"
    return t if isinstance(t, str) else getattr(t, "__name__", repr(t))
