"""A model's timestep as one Python function, generated from its blocks.

The hot loop of the layer. A loop over blocks, policies and updates spends about as long in
its own bookkeeping as the model functions of a small model spend working, so, as attrs
does for ``__init__``, the loop is written out once per model: one straight-line function
that calls the model's functions by name and checks their results where cadCAD's contract
could be broken. What it does, per block in order, is what cadCAD 0.5 does:

- copy the previous row (shallow, or deep with ``deepcopy``); a model with a single block
  sees ``substep`` 0 in it, a cadCAD quirk kept for fidelity;
- call the policies with ``(params, substep, state_history, previous_state)`` and sum their
  signals per name in cadCAD's policy order (or fold them with the model's ``policy_ops``);
- call every update with the same ``previous_state`` and the signals, then apply the
  ``(variable, value)`` pairs and set ``substep``, ``timestep`` and ``run``.
"""

from __future__ import annotations

import copy
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ._errors import ModelError
from ._model import IDENTITY_SIGNAL, Block, Model, function_name, unknown_variable

Rows = list[dict[str, Any]]
(_IDENTITY_LABEL,) = IDENTITY_SIGNAL
Step = Callable[[Any, list[Rows], dict[str, Any], int, int, int], dict[str, Any]]
"""``step(params, history, previous, timestep, subset, run)``: run every block once for
``timestep``, append the new rows to ``history`` and return the last one."""


def compile_step(model: Model, deepcopy: bool) -> Step:
    """Generate ``model``'s timestep function (see the module docstring)."""
    names: dict[str, Any] = {
        "copy_state": copy.deepcopy if deepcopy else dict.copy,
        "IDENTITY": IDENTITY_SIGNAL,
        "as_signals": _signals,
        "combine": _combiner(model.policy_ops),
        "check": _check_updates,
        "annotate": _annotate,
        "model": model,
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
                f"o{i} = p{k}_{i}(params, {k}, history, s)",
                f"if type(o{i}) is not dict:",
                f"    o{i} = as_signals(model.blocks[{b}], p{k}_{i}, o{i})",
            ]
        if not outputs:
            body.append("signals = {}")
        elif outputs[0] is None:
            body.append(f"signals = {IDENTITY_SIGNAL!r}")
        else:
            body.append(f"signals = {{**{outputs[0]}}}")
        for output in outputs[1:]:
            if output is None:
                body += [
                    f"if {_IDENTITY_LABEL!r} in signals:",
                    "    combine(signals, IDENTITY)",
                    "else:",
                    f"    signals[{_IDENTITY_LABEL!r}] = {IDENTITY_SIGNAL[_IDENTITY_LABEL]!r}",
                ]
            else:
                body += [
                    f"if signals.keys().isdisjoint({output}):",  # no signal to combine: gather
                    f"    signals.update({output})",
                    "else:",
                    f"    combine(signals, {output})",
                ]
        if model.policy_ops is not None and len(model.policy_ops) > 1:
            names["tail"] = _tail(model.policy_ops)
            body.append("signals = tail(signals)")
        # The updates' results are unpacked and stored one by one: what ``s.update(results)``
        # does, without its generic path for a sequence of pairs.
        results = [f"r{i}" for i in range(len(block.update_functions))]
        for i, f in enumerate(block.update_functions):
            names[f"u{k}_{i}"] = f
            body.append(f"r{i} = u{k}_{i}(params, {k}, history, s, signals)")
        if results:
            body += [
                "width = len(s)",
                "try:",
                *(f"    n{i}, v{i} = r{i}" for i in range(len(results))),
                *(f"    s[n{i}] = v{i}" for i in range(len(results))),
                "except (TypeError, ValueError):",
                "    width = -1",
                "if len(s) != width:",  # a result that is no pair, or names an unknown variable
                f"    check(model.blocks[{b}], ({''.join(r + ', ' for r in results)}), "
                "model.initial_state)",
            ]
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


def _combiner(
    ops: Sequence[Callable[..., Any]] | None,
) -> Callable[[dict[str, Any], Mapping[str, Any]], None]:
    """Folds one policy's signals into the block's: added (cadCAD's default) or by ``ops[0]``."""
    fold = operator.add if ops is None else ops[0]

    def combine(signals: dict[str, Any], out: Mapping[str, Any]) -> None:
        for label, value in out.items():
            signals[label] = fold(signals[label], value) if label in signals else value

    return combine


def _tail(ops: Sequence[Callable[..., Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Maps every folded signal through ``ops[1:]``, cadCAD's further aggregation operators."""
    rest = tuple(ops[1:])

    def tail(signals: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for label, value in signals.items():
            for op in rest:
                value = op(value)
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


def _check_updates(block: Block, results: Sequence[Any], known: Mapping[str, Any]) -> None:
    """Raise for the first result that is not a (known variable, value) pair.

    Called only when applying the results failed or added a key; if every result is fine,
    the new key came from a function writing into ``previous_state``, which cadCAD keeps too.
    """
    for (_, fn, _), result in zip(block.updates, results, strict=True):
        if not (isinstance(result, tuple | list) and len(result) == 2):
            raise ModelError(
                f"{block.label}: state update {function_name(fn)} returned {result!r} "
                f"({type(result).__qualname__}); a state update must return a "
                "(variable, value) pair"
            )
        if not isinstance(result[0], str) or result[0] not in known:
            raise ModelError(unknown_variable(block.label, fn, result[0], known))


def _annotate(
    exc: BaseException, model: Model, substep: int, subset: int, run: int, timestep: int
) -> None:
    """Say where ``exc`` arose: the block, the model function (if one raised it), the run."""
    block = model.blocks[substep - 1]
    culprit = _culprit(exc, block)
    where = f" in {function_name(culprit)}" if culprit is not None else ""
    exc.add_note(
        f"npolitics.cadcad: {block.label}{where}, subset {subset}, "
        f"run {run}, timestep {timestep}, substep {substep}"
    )


def _culprit(exc: BaseException, block: Block) -> Any:
    """The block's model function in whose frame ``exc`` was raised, if any."""
    functions = [f for _, f in block.policies if f is not None]
    functions += [f for _, f, _ in block.updates]
    codes = {getattr(f, "__code__", None): f for f in functions}
    tb = exc.__traceback__
    found = None
    while tb is not None:
        found = codes.get(tb.tb_frame.f_code, found)
        tb = tb.tb_next
    return found
