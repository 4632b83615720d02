"""The state protocol: read an agent's whole state ψ out of it, and put it back in.

Snapshot, restore and rollback all go through these two functions, so every kind of agent
class is handled alike: attrs classes with or without slots, attributes set outside the
declared fields, populations' numpy columns. State goes back into the same object (metrics
and worlds keep their references to agents); the values it holds are the restored copies.
"""

from __future__ import annotations

import pickle
from typing import Any

from ._errors import DefinitionError

State = dict[str, Any]


def _slot_names(cls: type) -> tuple[str, ...]:
    names = _SLOTS.get(cls)
    if names is None:
        names = _SLOTS[cls] = _find_slots(cls)
    return names


_SLOTS: dict[type, tuple[str, ...]] = {}


def _find_slots(cls: type) -> tuple[str, ...]:
    """Every slot the instances of ``cls`` have (attrs' slotted classes keep fields there)."""
    names: list[str] = []
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in ("__dict__", "__weakref__") and name not in names:
                names.append(name)
    return tuple(names)


def state_of(obj: object) -> State:
    """Every attribute of ``obj``: its ``__dict__`` and its filled slots, by name."""
    state: State = dict(getattr(obj, "__dict__", {}))
    for name in _slot_names(type(obj)):
        try:
            state[name] = object.__getattribute__(obj, name)
        except AttributeError:  # an empty slot stays empty
            continue
    return state


def put_state(obj: object, state: State) -> None:
    """Make ``obj``'s attributes exactly ``state`` (read by :func:`state_of` from an object of
    the same class): attributes it did not have are removed, validators are not run again."""
    slots = _slot_names(type(obj))
    d = getattr(obj, "__dict__", None)
    if d is not None:
        d.clear()
    for name in slots:
        if name in state:
            object.__setattr__(obj, name, state[name])
        elif hasattr(obj, name):
            object.__delattr__(obj, name)
    if d is not None:
        d.update((k, v) for k, v in state.items() if k not in slots)


def dump(state: Any, world: str) -> bytes:
    """``state`` pickled, or an error saying why world ``world`` cannot be snapshotted."""
    try:
        return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        # Typically a class or lambda defined inside a function: pickle cannot find it.
        raise DefinitionError(
            f"world {world!r} cannot be snapshotted (run() snapshots it to roll back "
            f"a failed instant): {exc}. Define agent and message classes at module level "
            "and keep lambdas out of agent state, or run with rollback=False"
        ) from exc
