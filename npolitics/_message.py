"""Messages, addresses and batches: what travels between agents.

A message type is any ``@attrs.frozen`` class written by a world's author.
A :class:`Batch` is many messages of one type bound for one group, stored as a struct of
numpy arrays (one column per message field, plus the target indices), so the kernel's cost
per delivery is per batch, not per message.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from ._errors import ArgumentError, DefinitionError

M = TypeVar("M")

IntArray = npt.NDArray[np.int64]


@attrs.frozen
class Address:
    """Where a message goes: agent ``index`` (0-based) of the group named ``group``."""

    group: str
    index: int = 0

    def __str__(self) -> str:
        return f"{self.group}[{self.index}]"


@attrs.frozen
class Tick:
    """The clock's message: time ``t`` has come (sent to every subscribed channel)."""

    t: float


def message_fields(cls: type) -> tuple[str, ...]:
    """The field names of an attrs message class, in declaration order."""
    names = _FIELDS.get(cls)
    if names is None:
        if not attrs.has(cls):
            raise DefinitionError(
                f"{cls.__qualname__} is not a message type: decorate it with @attrs.frozen"
            )
        names = _FIELDS[cls] = tuple(a.name for a in attrs.fields(cls))
    return names


# Message classes are frozen once defined, so their field names are looked up once.
_FIELDS: dict[type, tuple[str, ...]] = {}


class Batch(Generic[M]):
    """Messages of type ``M`` bound for agents ``to`` of one group, one numpy column per field.

    A column may be an array with one entry per message or a single value shared by all of
    them. Read a column as an attribute: ``batch.topic``; ``batch.to`` holds target indices.
    """

    __slots__ = ("_columns", "to", "type")

    def __init__(self, type: type[M], to: npt.ArrayLike, /, **columns: Any) -> None:
        names = message_fields(type)
        self.type = type
        self.to: IntArray = np.asarray(to, dtype=np.int64).reshape(-1)
        unknown = set(columns) - set(names)
        if unknown:
            raise DefinitionError(
                f"{type.__qualname__} has no field(s) {sorted(unknown)}; "
                f"its fields are {list(names)}"
            )
        n = self.to.size
        self._columns: dict[str, Any] = {}
        for a in attrs.fields(type):  # type: ignore[arg-type]
            if a.name in columns:
                value = columns[a.name]
            elif a.default is not attrs.NOTHING and not isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
                value = a.default
            else:
                raise DefinitionError(
                    f"Batch of {type.__qualname__} needs a column for field {a.name!r}"
                )
            if isinstance(value, np.ndarray) and value.ndim > 0 and value.shape[0] != n:
                raise ArgumentError(
                    f"column {a.name!r} has {value.shape[0]} entries but the batch has {n} targets"
                )
            self._columns[a.name] = value

    @classmethod
    def of(cls, messages: list[tuple[int, M]], type: type[M]) -> Batch[M]:
        """A batch from ``(index, message)`` pairs, in that order."""
        names = message_fields(type)
        to = np.fromiter((i for i, _ in messages), dtype=np.int64, count=len(messages))
        cols = {name: np.array([getattr(m, name) for _, m in messages]) for name in names}
        return cls(type, to, **cols)

    def __len__(self) -> int:
        return int(self.to.size)

    def __getattr__(self, name: str) -> Any:
        try:
            value = self._columns[name]
        except KeyError:
            raise AttributeError(
                f"Batch of {self.type.__qualname__} has no column {name!r}"
            ) from None
        if isinstance(value, np.ndarray) and value.ndim > 0:
            return value
        return np.broadcast_to(np.asarray(value), self.to.shape)

    @property
    def columns(self) -> Mapping[str, Any]:
        """The stored columns: arrays, or single values shared by every message."""
        return self._columns

    def column(self, name: str) -> Any:
        """The column ``name`` as stored (a shared value stays a single value)."""
        return self._columns[name]

    def select(self, rows: npt.ArrayLike) -> Batch[M]:
        """The messages at ``rows`` (a boolean mask or integer positions), in that order."""
        rows = np.asarray(rows)
        cols = {
            k: (v[rows] if isinstance(v, np.ndarray) and v.ndim > 0 else v)
            for k, v in self._columns.items()
        }
        # Rows of a valid batch make a valid batch: no need to check the columns again.
        part: Batch[M] = Batch.__new__(Batch)
        part.type, part.to, part._columns = self.type, self.to[rows], cols
        return part

    def retarget(self, to: npt.ArrayLike) -> Batch[M]:
        """The same messages addressed to ``to`` (one index per message)."""
        return Batch(self.type, to, **self._columns)

    def messages(self) -> Iterator[tuple[int, M]]:
        """Each message as ``(index, M(...))``, in batch order (slow: one object each)."""
        cols = {k: self.__getattr__(k) for k in self._columns}
        for row, index in enumerate(self.to.tolist()):
            yield index, self.type(**{k: _item(v[row]) for k, v in cols.items()})

    def __repr__(self) -> str:
        return f"Batch[{self.type.__qualname__}]({len(self)} messages)"

    def __getstate__(self) -> tuple[Any, ...]:
        return (self.type, self.to, self._columns)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.type, self.to, self._columns = state


def _item(value: Any) -> Any:
    """A numpy scalar as the matching Python scalar, so messages hold plain values."""
    return value.item() if isinstance(value, np.generic) else value


def concat(batches: list[Batch[M]]) -> Batch[M]:
    """One batch holding every message of ``batches`` (all of one type), in order."""
    if len(batches) == 1:
        return batches[0]
    first = batches[0]
    to = np.concatenate([b.to for b in batches])
    cols: dict[str, Any] = {}
    for name in first.columns:
        values = [b.column(name) for b in batches]
        shared = values[0]
        if all(not isinstance(v, np.ndarray) or v.ndim == 0 for v in values) and all(
            _same(v, shared) for v in values
        ):
            cols[name] = shared
        else:
            cols[name] = np.concatenate([getattr(b, name) for b in batches])
    return Batch(first.type, to, **cols)


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b
