"""Small deterministic cadCAD models, and a helper running one through real cadCAD 0.5.

Each model is (initial_state, partial_state_update_blocks); every one exercises a piece of
cadCAD's semantics that ``npolitics.cadcad`` must reproduce exactly.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

Model = tuple[dict[str, Any], list[dict[str, Any]]]


def cadcad_frame(
    initial_state: dict[str, Any], blocks: Any, sim_config: Any, **options: Any
) -> pd.DataFrame:
    """``pd.DataFrame(raw_result)`` of real cadCAD 0.5, single-process, quiet.

    ``options`` go to ``append_model`` (``policy_ops``)."""
    pytest.importorskip("cadCAD", reason="cadCAD (the bench extra) is not installed")
    from cadCAD.configuration import Experiment
    from cadCAD.engine import ExecutionContext, ExecutionMode, Executor

    experiment = Experiment()
    experiment.append_model(
        initial_state=initial_state,
        partial_state_update_blocks=blocks,
        sim_configs=sim_config,
        **options,
    )
    context = ExecutionContext(ExecutionMode.single_mode)
    records, _, _ = Executor(context, experiment.configs, supress_print=True).execute()
    return pd.DataFrame(records)


# -- a counter with two policies sending the same signal (summed), reading params ----------


def p_one(params: Any, substep: int, history: Any, s: Any) -> dict[str, Any]:
    return {"step": 1, "label": "a"}


def p_two(params: Any, substep: int, history: Any, s: Any) -> dict[str, Any]:
    step = params["step"] if isinstance(params, dict) and "step" in params else 2
    return {"step": step, "label": "b"}


def s_count(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
    return "count", s["count"] + p["step"]


def s_labels(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
    return "labels", s["labels"] + p["label"]


def s_seen(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
    """Record every signal name (cadCAD's identity signal included) and the index columns."""
    return "seen", (tuple(sorted(p)), s["substep"], s["timestep"], s["run"], s["subset"])


COUNTER: Model = (
    {"count": 0, "labels": "", "seen": ()},
    [
        {
            "policies": {"one": p_one, "two": p_two},
            "variables": {"count": s_count, "labels": s_labels},
        },
        {"policies": {}, "variables": {"seen": s_seen}},
        {
            "policies": {"two": p_two},
            "variables": {"seen": s_seen, "labels": s_labels, "count": s_count},
        },
    ],
)
"""Three blocks: summed signals, a block with no policy (identity), a strings fold."""


# -- a single block reading the state history ----------------------------------------------


def p_mean(params: Any, substep: int, history: Any, s: Any) -> dict[str, Any]:
    """The mean of x over the last rows of every timestep so far."""
    values = [rows[-1]["x"] for rows in history]
    return {"mean": sum(values) / len(values), "depth": len(history)}


def s_x(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
    return "x", 0.5 * s["x"] + p["mean"] + 1.0


def s_trace(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
    return "trace", (p["depth"], s["substep"], s["timestep"])


HISTORY: Model = (
    {"x": 1.0, "trace": None},
    [{"policies": {"mean": p_mean}, "variables": {"x": s_x, "trace": s_trace}}],
)
"""One block: the policy reads ``state_history``; ``trace`` records what functions see."""


# -- legacy block names, a sixth argument, list results --------------------------------------


def s_six(params: Any, substep: int, history: Any, s: Any, p: Any, extra: Any) -> tuple[str, Any]:
    return "y", [s["y"][0] + 1, extra]


LEGACY: Model = (
    {"y": [0, None]},
    [{"behaviors": {}, "states": {"y": s_six}}, {"policies": {}, "variables": {}}],
)
"""cadCAD's old block keys, an update of arity 6, a list value, an empty block."""
