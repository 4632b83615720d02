"""A model's timestep as one Python function, generated from its blocks.

The hot loop of the layer. A loop over blocks, policies and updates spends about as long in
its own bookkeeping as the model functions of a small model spend working, so, as attrs
does for ``__init__``, the loop is written out once per model: one straight-line function
that calls the model's functions by name and checks their results where cadCAD's contract
could be broken. What it does, per block in order, is what cadCAD 0.5 does:

- copy the previous row (shallow, or deep with ``deepcopy``); a model with a single block
  sees ``substep`` 0 in it, a cadCAD quirk kept for fidelity;
- call the policies with ``(params, substep, state_history, previous_state)`` (and
  ``additional_objs`` when given) and sum their signals per name in cadCAD's policy order
  (or fold them with the model's ``policy_ops``);
- call every update (exogenous states last) with the same ``previous_state`` and the
  signals, then apply the ``(variable, value)`` pairs;
- compute every environment process from that state, store them, and set ``substep``,
  ``timestep`` and ``run``.
"""

from __future__ import annotations

import copy
import operator
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from ._errors import CadcadWarning, ModelError
from ._model import (
    IDENTITY_SIGNAL,
    INDEX_COLUMNS,
    Block,
    Model,
    function_name,
    unknown_variable,
)

Rows = list[dict[str, Any]]
(_IDENTITY_LABEL,) = IDENTITY_SIGNAL
Step = Callable[[Any, list[Rows], dict[str, Any], int, int, int], dict[str, Any]]
"""``step(params, history, previous, timestep, subset, run)``: run every block once for
``timestep``, append the new rows to ``history`` and return the last one."""


def compile_step(model: Model, deepcopy: bool) -> Step:
    """Generate ``model``'s timestep function (see the module docstring)."""
    extra = model.additional_objs is not None
    names: dict[str, Any] = {
        "copy_state": copy.deepcopy if deepcopy else dict.copy,
        "IDENTITY": IDENTITY_SIGNAL,
        "as_signals": _signals,
        "combine": _combiner(model.policy_ops),
        "apply": _apply_updates,
        "VARIABLES": frozenset(model.initial_state),
        "annotate": _annotate,
        "model": model,
        "extra": model.additional_objs,
    }
    single = len(model.blocks) == 1
    body: list[str] = []
    for k, block in enumerate(model.blocks, 1):
        b = k - 1
        body += [f"k = {k}", "s = copy_state(previous)"]
        if single:
            body.append('s["substep"] = 0')
        outputs: list[str | None] = []
        for i, (_, f) in enumerate(block.policies):
            if f is None:  # cadCAD's identity policy returns a constant: no call
                outputs.append(None)
                continue
            outputs.append(f"o{i}")
            names[f"p{k}_{i}"] = f
            body += [
                f"o{i} = p{k}_{i}(params, {k}, history, s{', extra' if extra else ''})",
                f"if type(o{i}) is not dict:",
                f"    o{i} = as_signals(model.blocks[{b}], p{k}_{i}, o{i})",
            ]
        if not outputs:
            body.append("signals = {}")
        elif outputs[0] is None:
            body.append(f"signals = {IDENTITY_SIGNAL!r}")
        else:
            body.append(f"signals = {{**{outputs[0]}}}")
        for i, output in enumerate(outputs[1:], 1):
            if output is None:
                body += [
                    f"if {_IDENTITY_LABEL!r} in signals:",
                    f"    combine(signals, IDENTITY, model.blocks[{b}], {i})",
                    "else:",
                    f"    signals[{_IDENTITY_LABEL!r}] = {IDENTITY_SIGNAL[_IDENTITY_LABEL]!r}",
                ]
            else:
                body += [
                    f"if signals.keys().isdisjoint({output}):",  # no signal to combine: gather
                    f"    signals.update({output})",
                    "else:",
                    f"    combine(signals, {output}, model.blocks[{b}], {i})",
                ]
        if model.policy_ops is not None and len(model.policy_ops) > 1:
            names["tail"] = _tail(model.policy_ops)
            body.append("signals = tail(signals)")
        body += _updates(k, block, names)
        body += _environment(model, names)
        body += [
            f's["substep"] = {k}',
            's["timestep"] = timestep',
            's["run"] = run',
            f"row{k} = previous = s",
        ]
    rows = ", ".join(f"row{k}" for k in range(1, len(model.blocks) + 1))
    body += [f"history.append([{rows}])", "return previous"]
    source = "\n".join(
        [
            "def step(params, history, previous, timestep, subset, run):",
            "    try:",
            *(f"        {line}" for line in body),
            "    except Exception as exc:",
            "        annotate(exc, model, k, subset, run, timestep)",
            "        raise",
        ]
    )
    code = compile(source, f"<npolitics.cadcad step of {len(model.blocks)} blocks>", "exec")
    exec(code, names)
    step: Step = names["step"]
    return step


def _updates(k: int, block: Block, names: dict[str, Any]) -> list[str]:
    """Call block ``k``'s updates, then store their results.

    The fast path stores (known variable, value) tuples one by one: what ``s.update(results)``
    does, without its generic path for a sequence of pairs. Anything else (a list pair, or a
    result to refuse) goes through :func:`_apply_updates`.
    """
    if not block.updates:
        return []
    lines = []
    for i, (_, f, six) in enumerate(block.updates):
        names[f"u{k}_{i}"] = f
        lines.append(f"r{i} = u{k}_{i}(params, {k}, history, s, signals{', extra' if six else ''})")
    count = len(block.updates)
    results = "".join(f"r{i}, " for i in range(count))
    known = " or ".join(f"n{i} not in VARIABLES" for i in range(count))
    tuples = " or ".join(f"type(r{i}) is not tuple" for i in range(count))
    return [
        *lines,
        "try:",
        f"    if {tuples}:",  # before unpacking: an iterator unpacked here would be used up
        "        raise TypeError",
        *(f"    n{i}, v{i} = r{i}" for i in range(count)),
        f"    if {known}:",  # (cheaper than building a tuple of the names)
        "        raise TypeError",
        *(f"    s[n{i}] = v{i}" for i in range(count)),
        "except (TypeError, ValueError):",
        f"    apply(model.blocks[{k - 1}], ({results}), s, VARIABLES)",
    ]


def _environment(model: Model, names: dict[str, Any]) -> list[str]:
    """Apply cadCAD's environment processes: all computed from one state, then stored."""
    lines = []
    for j, process in enumerate(model.env_processes):
        current = f"s[{process.variable!r}]"
        if process.kind == "function":
            names[f"env{j}"] = process.value
            lines.append(f"e{j} = env{j}(s, params, {current})")
        elif process.kind == "functions":
            lines.append(f"e{j} = {current}")
            for m, f in enumerate(process.value):
                names[f"env{j}_{m}"] = f
                lines.append(f"e{j} = env{j}_{m}(params, e{j})")
        else:
            names[f"env{j}"] = process.value
            lines.append(f"e{j} = env{j}")
    lines += [f"s[{p.variable!r}] = e{j}" for j, p in enumerate(model.env_processes)]
    return lines


def _combiner(
    ops: Sequence[Callable[..., Any]] | None,
) -> Callable[[dict[str, Any], Mapping[str, Any], Block, int], None]:
    """Folds one policy's signals into the block's: added (cadCAD's default) or by ``ops[0]``.

    Signals that cannot be added are a :class:`ModelError` naming the policies; an exception
    inside a ``policy_ops`` function keeps its type and gains a note naming the function.
    """
    fold = operator.add if ops is None else ops[0]

    def combine(signals: dict[str, Any], out: Mapping[str, Any], block: Block, i: int) -> None:
        for label, value in out.items():
            if label not in signals:
                signals[label] = value
                continue
            before = signals[label]
            try:
                signals[label] = fold(before, value)
            except Exception as exc:
                _name, f = block.policies[i]
                policy = "cadCAD's identity policy" if f is None else function_name(f)
                earlier = ", ".join(
                    "identity" if g is None else function_name(g) for _, g in block.policies[:i]
                )
                if ops is None and isinstance(exc, TypeError):
                    raise ModelError(
                        f"{block.label}: policy {policy} sent signal {label!r} = {value!r} "
                        f"({type(value).__qualname__}), which cannot be added to {before!r} "
                        f"({type(before).__qualname__}), the same signal from the policies "
                        f"before it ({earlier}): {exc}; send signals that add up, or give "
                        "policy_ops"
                    ) from exc
                exc.add_note(
                    f"npolitics.cadcad: in policy_ops[0] ({function_name(fold)}), folding "
                    f"signal {label!r} of policy {policy} into that of {earlier}"
                )
                raise

    return combine


def _tail(ops: Sequence[Callable[..., Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Maps every folded signal through ``ops[1:]``, cadCAD's further aggregation operators."""
    rest = tuple(ops[1:])

    def tail(signals: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for label, value in signals.items():
            for index, op in enumerate(rest, 1):
                try:
                    value = op(value)
                except Exception as exc:
                    exc.add_note(
                        f"npolitics.cadcad: in policy_ops[{index}] ({function_name(op)}), "
                        f"mapping signal {label!r} = {value!r}"
                    )
                    raise
            out[label] = value
        return out

    return tail


def _signals(block: Block, fn: Any, out: Any) -> Any:
    """A policy's result that is not a plain dict: accepted if a mapping, else refused."""
    if isinstance(out, Mapping):
        return out
    raise ModelError(
        f"{block.label}: policy {function_name(fn)} returned {out!r} ({type(out).__qualname__}); "
        "a policy must return a dict of signals, e.g. {'contribute': True}"
    )


def _apply_updates(
    block: Block, results: Sequence[Any], state: dict[str, Any], known: frozenset[str]
) -> None:
    """Store the updates' results when the fast path could not: check each, then store all.

    A result is a tuple or list (variable, value) naming a state variable. cadCAD 0.5 passes
    the results to ``dict()``, which also reads a 2-character string, a dict with two keys or
    an iterator of two items as a pair, and lets an update write an index column (``run``,
    ``substep`` and ``timestep`` are then overwritten at once, ``subset`` and ``simulation``
    kept): those run as in cadCAD, each with a :class:`CadcadWarning` naming the block, the
    function and what it returned. Anything else is a :class:`ModelError`.
    """
    pairs: list[tuple[str, Any]] = []
    for (_, fn, _), result in zip(block.updates, results, strict=True):
        pair = result if isinstance(result, tuple | list) else _as_cadcad_reads(block, fn, result)
        if len(pair) != 2:
            raise ModelError(
                f"{block.label}: state update {function_name(fn)} returned {result!r} "
                f"({type(result).__qualname__}); a state update must return a "
                "(variable, value) pair, as a tuple or a list"
            )
        name = pair[0]
        if isinstance(name, str) and name in INDEX_COLUMNS:
            warnings.warn(
                f"{block.label}: state update {function_name(fn)} returned {result!r}, which "
                f"sets {name!r}, one of the index columns ({', '.join(INDEX_COLUMNS)}); as in "
                "cadCAD 0.5, run, substep and timestep are overwritten at once and subset and "
                "simulation keep the value: name the variable otherwise",
                CadcadWarning,
                stacklevel=2,
            )
        elif not isinstance(name, str) or name not in known:
            raise ModelError(unknown_variable(block.label, fn, name, known, result))
        pairs.append((name, pair[1]))
    state.update(pairs)


def _as_cadcad_reads(block: Block, fn: Any, result: Any) -> tuple[Any, ...]:
    """What cadCAD 0.5's ``dict()`` reads from an update result that is not a tuple or list:
    the items of a string, a dict (its keys) or an iterator, with a warning when that makes
    a pair; an empty tuple (refused by the caller) for anything else."""
    if not isinstance(result, str | dict | Iterator):
        return ()
    items = tuple(result)
    if len(items) == 2:
        warnings.warn(
            f"{block.label}: state update {function_name(fn)} returned {result!r} "
            f"({type(result).__qualname__}), which cadCAD 0.5 reads as the pair {items!r}; "
            "return a (variable, value) tuple",
            CadcadWarning,
            stacklevel=3,
        )
        return items
    return ()


def _annotate(
    exc: BaseException, model: Model, substep: int, subset: int, run: int, timestep: int
) -> None:
    """Say where ``exc`` arose: the block, the model function (if one raised it), the run."""
    block = model.blocks[substep - 1]
    culprit = _culprit(exc, model, block)
    where = f" in {function_name(culprit)}" if culprit is not None else ""
    exc.add_note(
        f"npolitics.cadcad: {block.label}{where}, subset {subset}, "
        f"run {run}, timestep {timestep}, substep {substep}"
    )


def _culprit(exc: BaseException, model: Model, block: Block) -> Any:
    """The block's model function in whose frame ``exc`` was raised, if any."""
    functions = [f for _, f in block.policies if f is not None]
    functions += [f for _, f, _ in block.updates]
    for process in model.env_processes:
        if process.kind == "function":
            functions.append(process.value)
        elif process.kind == "functions":
            functions += process.value
    codes = {getattr(f, "__code__", None): f for f in functions}
    tb = exc.__traceback__
    found = None
    while tb is not None:
        found = codes.get(tb.tb_frame.f_code, found)
        tb = tb.tb_next
    return found
