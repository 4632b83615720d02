"""Policies as explicit distributions P(a | m, ψ), for worlds that want them inspectable.

A handler may simply draw from ``ctx.rng``; a world that wants tests to check its policy
directly writes it with these classes instead: each can list its probabilities and be
sampled with the agent's random stream.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

import attrs
import numpy as np

from ._errors import ArgumentError, UnknownKeyError

A = TypeVar("A")
A_co = TypeVar("A_co", covariant=True)
K = TypeVar("K", bound=Hashable)

_TOLERANCE = 1e-9


@runtime_checkable
class Distribution(Protocol[A_co]):
    """A distribution over actions: its probabilities, and one draw from a numpy Generator."""

    def probabilities(self) -> Mapping[Any, float]: ...

    def sample(self, rng: np.random.Generator) -> A_co: ...


def _floats(values: Sequence[float]) -> tuple[float, ...]:
    return tuple(float(p) for p in values)


def _probabilities(instance: Categorical[Any], attribute: Any, value: tuple[float, ...]) -> None:
    if len(value) != len(instance.actions):
        raise ArgumentError(
            f"{len(instance.actions)} actions need {len(instance.actions)} "
            f"probabilities, got {len(value)}"
        )
    if not instance.actions:
        raise ArgumentError("a categorical policy needs at least one action")
    if any(not (p >= 0) or math.isinf(p) for p in value):
        raise ArgumentError(f"probabilities must be finite and ≥ 0, got {list(value)}")
    if abs(sum(value) - 1.0) > _TOLERANCE:
        raise ArgumentError(f"probabilities must sum to 1, got {sum(value)!r} from {list(value)}")


@attrs.frozen
class Categorical(Generic[A]):
    """Action ``actions[i]`` with probability ``probs[i]`` (finite, ≥ 0, summing to 1)."""

    actions: tuple[A, ...] = attrs.field(converter=tuple)
    probs: tuple[float, ...] = attrs.field(converter=_floats, validator=_probabilities)
    _cumulative: np.ndarray[Any, np.dtype[np.float64]] = attrs.field(
        init=False, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_cumulative", np.cumsum(self.probs))

    def probabilities(self) -> dict[A, float]:
        """P(a) for every action (actions listed twice have their probabilities added)."""
        out: dict[A, float] = {}
        for a, p in zip(self.actions, self.probs, strict=True):
            out[a] = out.get(a, 0.0) + p
        return out

    def sample(self, rng: np.random.Generator) -> A:
        """One action, drawn with one uniform from ``rng``."""
        i = int(np.searchsorted(self._cumulative, rng.random() * self._cumulative[-1], "right"))
        return self.actions[min(i, len(self.actions) - 1)]

    def sample_indices(self, rng: np.random.Generator, n: int) -> np.ndarray[Any, Any]:
        """``n`` independent draws, as indices into ``actions`` (for populations)."""
        u = rng.random(n) * self._cumulative[-1]
        picks: np.ndarray[Any, Any] = np.searchsorted(self._cumulative, u, "right")
        capped: np.ndarray[Any, Any] = np.minimum(picks, len(self.actions) - 1)
        return capped


def _unit(instance: Any, attribute: Any, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ArgumentError(f"{attribute.name} must be a probability in [0, 1], got {value!r}")


@attrs.frozen
class Bernoulli:
    """``True`` with probability ``p`` in [0, 1], else ``False``."""

    p: float = attrs.field(converter=float, validator=_unit)

    def probabilities(self) -> dict[bool, float]:
        """P(True) and P(False)."""
        return {True: self.p, False: 1.0 - self.p}

    def sample(self, rng: np.random.Generator) -> bool:
        """One draw: one uniform from ``rng`` compared with ``p``."""
        return bool(rng.random() < self.p)


@attrs.frozen
class Deterministic(Generic[A]):
    """Always ``action``."""

    action: A

    def probabilities(self) -> dict[A, float]:
        """Probability one on ``action``."""
        return {self.action: 1.0}

    def sample(self, rng: np.random.Generator) -> A:
        """``action``; draws nothing from ``rng``."""
        return self.action


@attrs.frozen
class PolicyTable(Generic[K, A]):
    """P(a | m, ψ) as a lookup table: ``key(m, ψ)`` picks the distribution in ``table``."""

    table: Mapping[K, Distribution[A]]
    key: Callable[[Any, Any], K]

    def given(self, message: Any, state: Any) -> Distribution[A]:
        """The distribution of actions for ``message`` received in ``state``."""
        k = self.key(message, state)
        try:
            return self.table[k]
        except KeyError:
            raise UnknownKeyError(
                f"policy table has no entry for key {k!r}; keys: {list(self.table)}"
            ) from None

    def sample(self, message: Any, state: Any, rng: np.random.Generator) -> A:
        """One action for ``message`` received in ``state``."""
        return self.given(message, state).sample(rng)


def categorical(weights: Mapping[A, float] | Sequence[tuple[A, float]]) -> Categorical[A]:
    """A categorical policy from {action: probability} (or pairs), in that order."""
    items = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
    return Categorical(tuple(a for a, _ in items), tuple(p for _, p in items))
