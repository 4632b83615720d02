"""Errors raised at the boundary of the kernel; each says what was wrong and what would be right."""

from __future__ import annotations

from typing import Any


class NpoliticsError(Exception):
    """Base class of every error npolitics raises on purpose.

    Errors pickle by their public names and keep every attribute, so they cross process
    boundaries (Experiment backends) and survive in saved results.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return (self._rebuild, (self.args, dict(vars(self))))

    @classmethod
    def _rebuild(cls, args: tuple[Any, ...], attributes: dict[str, Any]) -> NpoliticsError:
        error = cls.__new__(cls, *args)
        error.args = args
        vars(error).update(attributes)
        return error


class ArgumentError(NpoliticsError, ValueError):
    """A value given to npolitics is out of its range, or does not fit the others given."""


class DefinitionError(NpoliticsError, TypeError):
    """Something given to npolitics is not of the kind it must be: an agent or message class,
    a handler, a function, a snapshot."""


class WorldStateError(NpoliticsError, RuntimeError):
    """A call that does not fit the world's state now (sampling changed after a run)."""


class UnknownKeyError(NpoliticsError, KeyError):
    """A lookup by key found nothing: the message names the key and what exists."""

    def __str__(self) -> str:  # KeyError quotes its message; this one reads as a sentence
        return str(self.args[0]) if self.args else ""


class UnknownAgentError(NpoliticsError, LookupError):
    """A message was addressed to an agent or group the world does not have."""


class UnknownChannelError(NpoliticsError, LookupError):
    """A message was sent to a channel its target agent does not own."""


class MessageTypeError(NpoliticsError, TypeError):
    """A channel received a message of a type it does not accept."""


class DelayError(NpoliticsError, ValueError):
    """A delay was negative, NaN or infinite."""


class WellbeingError(NpoliticsError, ValueError):
    """An agent's wellbeing W(ψ) was not a finite number."""


class ParameterError(NpoliticsError, ValueError):
    """A world parameter was missing, unknown, of the wrong type or out of range."""


class CostError(ArgumentError):
    """A run or an experiment would cost more than a limit allows (memory, samples, instants,
    workers), estimated before anything is allocated; the message says what it would cost
    and how to raise the limit on purpose (:class:`npolitics.Limits`, ``NPOLITICS_MAX_*``)."""


class StalledError(NpoliticsError, RuntimeError):
    """A run cannot reach its horizon: its time stopped moving, or moves so slowly that it
    would need more instants than the limit allows. The world stopped at its last complete
    instant (or, for an instant that never ends, mid-instant: build it again)."""


class InvariantError(NpoliticsError, AssertionError):
    """A declared invariant of a world did not hold after an instant."""

    def __init__(self, message: str, *, world: str, invariant: str, time: float) -> None:
        super().__init__(message)
        self.world = world
        self.invariant = invariant
        self.time = time


class StopConditionError(NpoliticsError, RuntimeError):
    """A run's stop condition raised, or returned something other than a bool."""


class HandlerError(NpoliticsError, RuntimeError):
    """A channel handler raised; the world was rolled back to its last complete instant.

    The attributes name where it happened; the original exception is ``__cause__`` and is
    also named in the message (``reason``), which survives pickling to another process.
    ``results`` holds the samples recorded by the interrupted run up to that instant.
    """

    def __init__(
        self,
        *,
        world: str,
        agent: str,
        channel: str,
        time: float,
        message: Any,
        results: Any = None,
        reason: str = "",
    ) -> None:
        self.world = world
        self.agent = agent
        self.channel = channel
        self.time = time
        self.message = message
        self.results = results
        self.reason = reason
        super().__init__(
            f"in world {world!r}, agent {agent}, channel {channel!r} at t={time}, "
            f"handling {message!r}" + (f": {reason}" if reason else "")
        )
