"""Channels: the named inboxes of an agent type, each with the handler that is its policy.

``@channel`` marks a method as the handler of the channel named after it. The handler's body
is the policy P(a | m, ψ): given the message ``m`` and the agent's own state ψ (``self``), it
acts by changing ``self`` and sending messages through its context.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, overload

import attrs

from ._compiled import Rule, check_rule, rule_message_type
from ._errors import DefinitionError
from ._message import Batch, message_fields

F = TypeVar("F", bound=Callable[..., Any])

_MARK = "__npolitics_channel__"


@attrs.frozen
class Channel:
    """One channel of an agent type: its name, the message type it accepts and its handler."""

    name: str
    accepts: type
    handler: Callable[..., Any] = attrs.field(repr=False)
    is_async: bool = False
    #: A compiled channel's per-message rule and outboxes (None: an ordinary handler).
    rule: Rule | None = attrs.field(default=None, repr=False)

    @property
    def compiled(self) -> bool:
        """Whether this channel is a compiled rule (``@channel(compiled=True)``)."""
        return self.rule is not None

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields of the accepted message type."""
        return message_fields(self.accepts)


@attrs.frozen
class _Mark:
    name: str | None
    accepts: type | None
    compiled: bool = False
    sends: Any = None


@overload
def channel(fn: F, /) -> F: ...
@overload
def channel(
    *,
    name: str | None = None,
    accepts: type | None = None,
    compiled: bool = False,
    sends: Mapping[str, str] | None = None,
) -> Callable[[F], F]: ...


def channel(
    fn: F | None = None,
    /,
    *,
    name: str | None = None,
    accepts: type | None = None,
    compiled: bool = False,
    sends: Mapping[str, str] | None = None,
) -> F | Callable[[F], F]:
    """Mark a method as a channel handler: ``def hear(self, m: Rumour, ctx: Context) -> None``.

    The channel takes the method's name unless ``name`` is given, and accepts the type
    annotated on the message parameter (``Batch[Rumour]`` for a population) unless
    ``accepts`` is given. ``async def`` handlers are allowed and run under ``run_async``.

    ``compiled=True`` (populations only) makes the function a per-message *rule*
    ``rule(s, i, m, ctx, *outboxes)``, run over each batch in batch order and compiled with
    numba when the run is: ``s`` is the population's state (columns and numbers), ``i`` the
    agent, ``m`` the message (its type annotated, or ``accepts``), ``ctx`` the time, size and
    random stream, and one outbox per entry of ``sends`` (outbox name → ``"channel"`` of the
    same group or ``"group.channel"``), which :func:`npolitics.send` fills.
    """
    if compiled not in (True, False):
        raise DefinitionError(f"@channel(compiled=...) takes True or False, got {compiled!r}")
    if sends is not None and not compiled:
        raise DefinitionError("@channel(sends=...) is for compiled rules: add compiled=True")

    def mark(f: F) -> F:
        setattr(f, _MARK, _Mark(name, accepts, bool(compiled), sends))
        return f

    return mark(fn) if fn is not None else mark


def collect_channels(cls: type) -> dict[str, Channel]:
    """Every channel of ``cls`` (inherited ones too; a subclass may override a handler)."""
    found: dict[str, Channel] = {}
    for klass in reversed(cls.__mro__):
        # A snapshot: another thread may be caching channels on a class meanwhile.
        for attr, value in list(vars(klass).items()):
            mark = getattr(value, _MARK, None)
            if not isinstance(mark, _Mark):
                continue
            name = mark.name or attr
            if mark.compiled:
                found[name] = _compiled_channel(cls, name, value, mark)
                continue
            accepts = mark.accepts or _annotated_message_type(cls, value)
            found[name] = Channel(
                name=name,
                accepts=accepts,
                handler=value,
                is_async=inspect.iscoroutinefunction(value),
            )
    return found


def _compiled_channel(cls: type, name: str, fn: Callable[..., Any], mark: _Mark) -> Channel:
    """A compiled channel: its rule, checked, behind a handler that runs it over a batch."""
    from ._agent import Population

    owner = f"{cls.__qualname__}.{getattr(fn, '__name__', name)}"
    if not (isinstance(cls, type) and issubclass(cls, Population)):
        raise DefinitionError(
            f"compiled channel {owner}: compiled rules belong to populations (npl.Population), "
            f"not to {cls.__qualname__}"
        )
    sends = check_rule(owner, fn, mark.sends)
    accepts = mark.accepts or rule_message_type(owner, fn)
    message_fields(accepts)  # raises if it is not an attrs class

    def handler(population: Any, batch: Batch[Any], ctx: Any) -> None:
        # The kernel holds each group's runner, compiled or not as the run asked.
        ctx._post.runner(ctx.me.group, name)(population, batch, ctx)

    handler.__qualname__ = owner
    return Channel(name=name, accepts=accepts, handler=handler, rule=Rule(fn, sends))


def _annotated_message_type(cls: type, fn: Callable[..., Any]) -> type:
    params = list(inspect.signature(fn).parameters)
    if len(params) != 3:
        raise DefinitionError(
            f"channel handler {cls.__qualname__}.{fn.__name__} must take (self, message, ctx); "
            f"it takes ({', '.join(params)})"
        )
    try:
        hints = typing.get_type_hints(fn, globalns=vars(inspect.getmodule(fn) or object))
    except NameError as exc:
        raise DefinitionError(
            f"cannot resolve the message annotation of {cls.__qualname__}.{fn.__name__}: {exc}; "
            "pass @channel(accepts=MessageType)"
        ) from None
    hint = hints.get(params[1])
    if hint is None:
        raise DefinitionError(
            f"channel handler {cls.__qualname__}.{fn.__name__} needs an annotated message "
            f"parameter ({params[1]}: MessageType) or @channel(accepts=MessageType)"
        )
    if typing.get_origin(hint) is Batch:
        (hint,) = typing.get_args(hint)
    if not isinstance(hint, type):
        raise DefinitionError(
            f"the message annotation of {cls.__qualname__}.{fn.__name__} must be a class, "
            f"got {hint!r}"
        )
    message_fields(hint)  # raises if it is not an attrs class
    return hint


def channels(agent_type: type) -> Mapping[str, Channel]:
    """The channels an agent or population type owns, by name."""
    table: dict[str, Channel] | None = getattr(agent_type, "__npolitics_channels__", None)
    if table is None or agent_type.__dict__.get("__npolitics_channels__") is None:
        table = collect_channels(agent_type)
        agent_type.__npolitics_channels__ = table  # type: ignore[attr-defined]
    return table
