"""A cadCAD model checked and compiled: the genesis state and the partial state update blocks.

cadCAD 0.5 lays the blocks out as a table whose columns are the union of every block's
policy names (and, separately, variable names) in order of first appearance; a block lacking
a policy runs cadCAD's identity policy ``{"identity": 0}`` in its place. The order matters
(policies run, and their signals are summed, in column order; a model drawing from a global
random stream sees its draws in that order), so :class:`Model` reproduces it.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from ._errors import ModelError

INDEX_COLUMNS = ("simulation", "subset", "run", "substep", "timestep")
"""The columns cadCAD adds after the state variables, in its order."""

IDENTITY_SIGNAL: dict[str, Any] = {"identity": 0}
"""What cadCAD's identity policy returns (for a block lacking a policy another block has)."""

Policy = Callable[..., Any]
Update = Callable[..., Any]


@attrs.frozen
class Block:
    """One compiled partial state update block.

    ``policies`` are (name, function) in cadCAD's column order, the function None for the
    identity policy; ``updates`` are (variable, function, takes_sixth_argument) in column
    order; ``label`` names the block in errors ("block 0", or a legacy dict key).
    """

    label: str
    policies: tuple[tuple[str, Policy | None], ...]
    updates: tuple[tuple[str, Update, bool], ...]

    @property
    def update_functions(self) -> tuple[Update, ...]:
        """The updates alone, in order, each called with five arguments."""
        return self._update_functions

    _update_functions: tuple[Update, ...] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        updates = tuple(_with_sixth(f) if six else f for _, f, six in self.updates)
        object.__setattr__(self, "_update_functions", updates)


@attrs.frozen(eq=False)
class Model:
    """A genesis state and partial state update blocks, validated once.

    ``policy_ops`` are cadCAD's policy aggregation operators: the first folds the values of
    one signal from several policies (default: addition, ``a + b``), each further one maps
    the result. Raises :class:`ModelError` for a block that is not ``{"policies": {...},
    "variables": {...}}``, a function that is not callable, or a variable the genesis state
    lacks.
    The keys of ``"variables"`` are labels, as in cadCAD: the name a state update returns
    is the variable it sets, and an unknown one is refused when the update runs.
    """

    initial_state: dict[str, Any]
    blocks: tuple[Block, ...]
    policy_ops: tuple[Callable[..., Any], ...] | None = None

    @property
    def variables(self) -> tuple[str, ...]:
        """The state variables, in the genesis state's order."""
        return tuple(self.initial_state)


def compile_model(
    initial_state: Mapping[str, Any],
    partial_state_update_blocks: Sequence[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]],
    policy_ops: Sequence[Callable[..., Any]] | None = None,
) -> Model:
    """Check a cadCAD model and lay its blocks out as cadCAD does (see the module docstring)."""
    if not isinstance(initial_state, Mapping) or not initial_state:
        raise ModelError(
            f"the initial state must be a non-empty dict of state variables, got {initial_state!r}"
        )
    state = dict(initial_state)
    for name in state:
        if not isinstance(name, str):
            raise ModelError(f"state variable names must be strings, got {name!r}")
    labelled = _labelled(partial_state_update_blocks)
    if not labelled:
        raise ModelError(
            "there are no partial state update blocks: give at least one "
            "{'policies': {...}, 'variables': {...}}"
        )
    raw = [(label, *_parts(label, block)) for label, block in labelled]
    policy_order = _union(policies for _, policies, _ in raw)
    variable_order = _union(variables for _, _, variables in raw)
    blocks = []
    for label, policies, variables in raw:
        for name, f in (*policies.items(), *variables.items()):
            if not callable(f):
                raise ModelError(f"{label}: {name!r} maps to {f!r}, which is not a function")
        for name, f in policies.items():
            _check_arity(label, "policy", name, f, (4,), _POLICY_SIGNATURE)
        for name, f in variables.items():
            _check_arity(label, "state update", name, f, (5, 6), _UPDATE_SIGNATURE)
        compiled_policies: tuple[tuple[str, Policy | None], ...]
        if policy_order:
            compiled_policies = tuple((name, policies.get(name)) for name in policy_order)
        else:  # no block has a policy: cadCAD runs one identity per block, in every block
            compiled_policies = (("identity", None),) * len(raw)
        # Identities after the first add 0 to the "identity" signal the first one set; one
        # suffices (a model's own "identity" signal gets its + 0s in another order, same sum).
        first = next((i for i, (_, f) in enumerate(compiled_policies) if f is None), None)
        compiled_policies = tuple(
            (name, f)
            for i, (name, f) in enumerate(compiled_policies)
            if f is not None or i == first
        )
        updates = tuple(
            (name, variables[name], _takes_six(variables[name]))
            for name in variable_order
            if name in variables
        )
        blocks.append(Block(label, compiled_policies, updates))
    ops = None if policy_ops is None else tuple(policy_ops)
    if ops is not None and (not ops or not all(callable(op) for op in ops)):
        raise ModelError(f"policy_ops must be a non-empty list of functions, got {policy_ops!r}")
    return Model(state, tuple(blocks), ops)


def _labelled(blocks: Any) -> list[tuple[str, Any]]:
    if isinstance(blocks, Mapping):  # cadCAD's deprecated form: {label: block}
        return [(f"block {label!r}", block) for label, block in blocks.items()]
    if isinstance(blocks, Sequence) and not isinstance(blocks, str):
        return [(f"block {index}", block) for index, block in enumerate(blocks)]
    raise ModelError(
        "partial_state_update_blocks must be a list of {'policies': {...}, 'variables': {...}}, "
        f"got {blocks!r}"
    )


def _parts(label: str, block: Any) -> tuple[dict[str, Policy], dict[str, Update]]:
    if not isinstance(block, Mapping):
        raise ModelError(
            f"{label} must be a dict {{'policies': {{...}}, 'variables': {{...}}}}, got {block!r}"
        )
    parts = []
    for key, legacy in (("policies", "behaviors"), ("variables", "states")):
        part = block.get(key, block.get(legacy))
        if part is None:
            raise ModelError(
                f"{label} has no {key!r}; a block is "
                "{'policies': {name: f}, 'variables': {name: f}}"
                f" (it has keys {sorted(map(str, block))})"
            )
        if not isinstance(part, Mapping):
            raise ModelError(f"{label}: {key!r} must map names to functions, got {part!r}")
        parts.append(dict(part))
    return parts[0], parts[1]


_POLICY_SIGNATURE = "(params, substep, state_history, previous_state)"
_UPDATE_SIGNATURE = "(params, substep, state_history, previous_state, policy_input)"


def _check_arity(
    label: str, kind: str, name: str, f: Any, counts: tuple[int, ...], signature: str
) -> None:
    """Refuse a function that cannot be called with cadCAD's positional arguments."""
    try:
        parameters = inspect.signature(f)
    except (TypeError, ValueError):  # no signature to read (some builtins): let it run
        return
    for count in counts:
        try:
            parameters.bind(*range(count))
        except TypeError:
            continue
        return
    raise ModelError(
        f"{label}: {kind} {name!r} ({function_name(f)}({', '.join(parameters.parameters)})) "
        "cannot be called as "
        f"cadCAD calls it: {signature}"
    )


def _union(dicts: Any) -> list[str]:
    order: dict[str, None] = {}
    for d in dicts:
        order.update(dict.fromkeys(d))
    return list(order)


def _takes_six(f: Callable[..., Any]) -> bool:
    """cadCAD passes a sixth argument (its additional objects, None here) to updates of arity 6."""
    code = getattr(f, "__code__", None)
    return code is not None and code.co_argcount == 6


def unknown_variable(label: str, function: Any, name: Any, state: Mapping[str, Any]) -> str:
    """The message for a state update naming a variable the state lacks."""
    near = difflib.get_close_matches(name, list(state), n=1) if isinstance(name, str) else []
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return (
        f"{label}: state update {function_name(function)} names {name!r}, which is not a "
        f"state variable{hint} (the initial state has {', '.join(map(repr, state))})"
    )


def _with_sixth(f: Update) -> Update:
    """An update of arity 6 called as cadCAD calls it: its sixth argument is None here."""

    def update(params: Any, substep: int, history: Any, state: Any, signals: Any) -> Any:
        return f(params, substep, history, state, signals, None)

    update.__qualname__ = function_name(f)
    return update


def function_name(f: Any) -> str:
    """A function's name for error messages."""
    return getattr(f, "__qualname__", None) or getattr(f, "__name__", None) or repr(f)
