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
import types
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import attrs

from ._errors import CadcadWarning, ModelError

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
    order, exogenous states last; ``label`` names the block in errors ("block 0", or a legacy
    dict key).
    """

    label: str
    policies: tuple[tuple[str, Policy | None], ...]
    updates: tuple[tuple[str, Update, bool], ...]


@attrs.frozen
class EnvProcess:
    """cadCAD's environment process for one state variable, applied after every substep.

    ``kind`` says how cadCAD 0.5 applies ``value``: ``"function"``, a Python function called
    ``value(state, params, current_value)`` (what ``env_trigger`` makes); ``"functions"``, a
    list of functions chained as ``current_value = f(params, current_value)``; ``"constant"``,
    anything else, which becomes the variable's value.
    """

    variable: str
    kind: str
    value: Any


@attrs.frozen(eq=False)
class Model:
    """A genesis state and partial state update blocks, validated once.

    ``policy_ops`` are cadCAD's policy aggregation operators: the first folds the values of
    one signal from several policies (default: addition, ``a + b``), each further one maps
    the result. ``env_processes`` are applied after the updates of every block, in cadCAD's
    order (see :func:`compile_model`). Raises :class:`ModelError` for a block that is not
    ``{"policies": {...}, "variables": {...}}``, a function that is not callable, or a
    genesis state naming one of cadCAD's index columns.
    The keys of ``"variables"`` are labels, as in cadCAD: the name a state update returns
    is the variable it sets, and an unknown one is refused when the update runs.
    """

    initial_state: dict[str, Any]
    blocks: tuple[Block, ...]
    policy_ops: tuple[Callable[..., Any], ...] | None = None
    env_processes: tuple[EnvProcess, ...] = ()
    additional_objs: Any = None

    @property
    def variables(self) -> tuple[str, ...]:
        """The state variables, in the genesis state's order."""
        return tuple(self.initial_state)


def compile_model(
    initial_state: Mapping[str, Any],
    partial_state_update_blocks: Sequence[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]],
    policy_ops: Sequence[Callable[..., Any]] | None = None,
    *,
    env_processes: Mapping[str, Any] | None = None,
    exogenous_states: Mapping[str, Any] | None = None,
    additional_objs: Any = None,
) -> Model:
    """Check a cadCAD model and lay its blocks out as cadCAD does (see the module docstring).

    ``exogenous_states`` are state update functions cadCAD 0.5 appends to every block (what
    ``append_model(raw_exogenous_states=..., _exo_update_per_ts=False)`` does).
    ``env_processes`` map state variables to environment processes (:class:`EnvProcess`);
    after each block's updates cadCAD computes them all from the same state, in the order
    of the block's state (the variables any block updates, then the others), then stores
    them.
    ``additional_objs`` is what cadCAD's ``ExecutionContext(additional_objs=...)`` passes:
    when it is not None, policies get it as a fifth argument and updates of arity 6 as
    their sixth (otherwise they get None).
    """
    if not isinstance(initial_state, Mapping) or not initial_state:
        raise ModelError(
            f"the initial state must be a non-empty dict of state variables, got {initial_state!r}"
        )
    state = dict(initial_state)
    for name in state:
        if not isinstance(name, str):
            raise ModelError(f"state variable names must be strings, got {name!r}")
        if name in INDEX_COLUMNS:
            warnings.warn(
                f"the initial state has a variable {name!r}, which is one of the index columns "
                f"cadCAD adds to every row ({', '.join(INDEX_COLUMNS)}); as in cadCAD 0.5, the "
                "index overwrites it: rename the variable to keep it",
                CadcadWarning,
                stacklevel=3,
            )
    exogenous = _exogenous(exogenous_states)
    labelled = _labelled(partial_state_update_blocks)
    if not labelled:
        raise ModelError(
            "there are no partial state update blocks: give at least one "
            "{'policies': {...}, 'variables': {...}}"
        )
    raw = [(label, *_parts(label, block)) for label, block in labelled]
    policy_order = _union(policies for _, policies, _ in raw)
    variable_order = _union(variables for _, _, variables in raw)
    env = _env_processes(env_processes, state, variable_order)
    blocks = []
    for label, policies, variables in raw:
        for name, f in (*policies.items(), *variables.items()):
            if not callable(f):
                raise ModelError(f"{label}: {name!r} maps to {f!r}, which is not a function")
        for name, f in policies.items():
            if additional_objs is None:
                _check_arity(label, "policy", name, f, (4,), _POLICY_SIGNATURE)
            else:
                _check_arity(label, "policy", name, f, (5,), _POLICY_SIGNATURE_EXTRA)
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
        updates += tuple((name, f, _takes_six(f)) for name, f in exogenous)
        blocks.append(Block(label, compiled_policies, updates))
    ops = None if policy_ops is None else tuple(policy_ops)
    if ops is not None and (not ops or not all(callable(op) for op in ops)):
        raise ModelError(f"policy_ops must be a non-empty list of functions, got {policy_ops!r}")
    return Model(state, tuple(blocks), ops, env, additional_objs)


def _exogenous(exogenous_states: Mapping[str, Any] | None) -> list[tuple[str, Update]]:
    if exogenous_states is None:
        return []
    if not isinstance(exogenous_states, Mapping):
        raise ModelError(
            f"exogenous_states map names to state update functions, got {exogenous_states!r}"
        )
    out = []
    for name, f in exogenous_states.items():
        label = f"exogenous state {name!r}"
        if not callable(f):
            raise ModelError(f"{label} maps to {f!r}, which is not a function")
        _check_arity("every block", "exogenous state update", name, f, (5, 6), _UPDATE_SIGNATURE)
        out.append((name, f))
    return out


def _env_processes(
    env_processes: Mapping[str, Any] | None, state: Mapping[str, Any], updated: Sequence[str]
) -> tuple[EnvProcess, ...]:
    """cadCAD's environment processes, in the order cadCAD applies them (see compile_model)."""
    if env_processes is None:
        return ()
    if not isinstance(env_processes, Mapping):
        raise ModelError(f"env_processes map state variables to processes, got {env_processes!r}")
    for name in env_processes:
        if name not in state:
            raise ModelError(
                f"env_processes names {name!r}, which is not a state variable (cadCAD 0.5 "
                f"ignores it silently); the initial state has {', '.join(map(repr, state))}"
            )
    order = [name for name in updated if name in env_processes]
    order += [name for name in state if name in env_processes and name not in order]
    out = []
    for name in order:
        value = env_processes[name]
        if isinstance(value, list):
            for f in value:
                if not callable(f):
                    raise ModelError(
                        f"env_processes[{name!r}] lists {f!r}; each must be a function "
                        "f(params, value) -> value"
                    )
            out.append(EnvProcess(name, "functions", tuple(value)))
        elif isinstance(value, types.FunctionType):
            out.append(EnvProcess(name, "function", value))
        elif callable(value):
            raise ModelError(
                f"env_processes[{name!r}] is {value!r}, a callable that is not a Python "
                "function: cadCAD 0.5 would store the object itself as the variable's value; "
                "wrap it in a def or lambda f(state, params, value) -> value"
            )
        else:
            out.append(EnvProcess(name, "constant", value))
    return tuple(out)


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
_POLICY_SIGNATURE_EXTRA = (
    "(params, substep, state_history, previous_state, additional_objs) (with additional_objs)"
)
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


def unknown_variable(
    label: str, function: Any, name: Any, state: Collection[str], result: Any = None
) -> str:
    """The message for a state update naming a variable the state lacks."""
    names = sorted(state) if isinstance(state, frozenset) else list(state)
    near = difflib.get_close_matches(name, names, n=1) if isinstance(name, str) else []
    hint = f"; did you mean {near[0]!r}?" if near else ""
    returned = "" if result is None else f" (it returned {result!r})"
    return (
        f"{label}: state update {function_name(function)} names {name!r}{returned}, which "
        f"is not a state variable{hint} (the initial state has {', '.join(map(repr, names))})"
    )


def function_name(f: Any) -> str:
    """A function's name for error messages."""
    return getattr(f, "__qualname__", None) or getattr(f, "__name__", None) or repr(f)
