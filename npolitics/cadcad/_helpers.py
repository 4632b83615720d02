"""cadCAD 0.5's configuration helpers, so a model can be set up without cadCAD installed.

They build what ``cadCAD.configuration.utils`` builds and behave as its functions do when
the engine calls them (the tests compare frames with cadCAD's helpers'): environment
processes that fire on chosen values of a state field (``env_trigger``), state updates that
fire on chosen values of state fields (``var_trigger``, ``var_substep_trigger``), and blocks
picked by name (``psub_list``). ``config_sim`` lives in ``_config``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

EnvUpdate = Callable[[Mapping[str, Any], Any, Any], Any]
StateUpdate = Callable[..., tuple[str, Any]]


def env_trigger(
    end_substep: int,
) -> Callable[[str, Collection[Any], Sequence[Callable[[Any, Any], Any]]], EnvUpdate]:
    """cadCAD's ``env_trigger(end_substep)(trigger_field, trigger_vals, funct_list)``.

    The environment process made applies each of ``funct_list`` in turn,
    ``value = f(params, value)``, when the state's ``trigger_field`` is one of
    ``trigger_vals``; otherwise it keeps the value. An environment process sees the state
    before its ``substep`` and ``timestep`` are advanced, so, as in cadCAD, when the state's
    substep is ``end_substep`` (the last block), a ``"timestep"`` trigger reads the next
    timestep: ``env_trigger(3)("timestep", [5], fs)`` fires from the end of timestep 4.
    """

    def configure(
        trigger_field: str,
        trigger_vals: Collection[Any],
        funct_list: Sequence[Callable[[Any, Any], Any]],
    ) -> EnvUpdate:
        functions = tuple(funct_list)

        def env_update(state: Mapping[str, Any], params: Any, value: Any) -> Any:
            field = state[trigger_field]
            if trigger_field == "timestep" and state["substep"] == end_substep:
                field = field + 1
            if field in trigger_vals:
                for f in functions:
                    value = f(params, value)
            return value

        return env_update

    return configure


def var_trigger(
    y: str,
    f: Callable[..., tuple[str, Any]],
    pre_conditions: Mapping[str, Collection[Any]],
    cond_op: Callable[[bool, bool], bool],
) -> StateUpdate:
    """cadCAD's ``var_trigger``: the state update ``f`` for variable ``y``, applied only when
    the state's fields are among ``pre_conditions``' values (each field's test combined
    with ``cond_op``, left to right); otherwise ``y`` keeps its value."""
    fields = tuple(pre_conditions.items())

    def update(
        params: Any, substep: int, history: Any, state: Mapping[str, Any], signals: Any
    ) -> tuple[str, Any]:
        tests = [state[field] in values for field, values in fields]
        if functools.reduce(cond_op, tests):
            return f(params, substep, history, state, signals)
        return y, state[y]

    update.__qualname__ = f"var_trigger({y!r}, {getattr(f, '__qualname__', f)!r})"
    return update


def var_substep_trigger(substeps: Collection[int]) -> Callable[[str, StateUpdate], StateUpdate]:
    """cadCAD's ``var_substep_trigger(substeps)(y, f)``: ``f`` applied only when the state
    the update sees has its ``substep`` among ``substeps``."""

    def configure(y: str, f: StateUpdate) -> StateUpdate:
        return var_trigger(y, f, {"substep": substeps}, lambda a, b: a and b)

    return configure


def psub_list(psu_block: Mapping[Any, Any], psu_steps: Sequence[Any]) -> list[Any]:
    """cadCAD's ``psub_list``: the blocks of ``psu_block`` named by ``psu_steps``, in order."""
    return [psu_block[step] for step in psu_steps]
