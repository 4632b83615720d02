"""cadCAD 0.5's configuration surface, each feature held to real cadCAD 0.5.3 frame for frame.

Every test builds a cadCAD ``Experiment`` with cadCAD's own helpers, runs it through cadCAD's
``Executor`` and through ``npolitics.cadcad`` (``run`` or the drop-in ``Executor``), and
compares the frames with ``pandas.testing.assert_frame_equal``.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pandas as pd
import pytest

from npolitics import cadcad

pytest.importorskip("cadCAD", reason="cadCAD (the bench extra) is not installed")
from cadCAD.configuration import Experiment
from cadCAD.configuration.utils import config_sim as cadcad_config_sim
from cadCAD.configuration.utils import env_trigger as cadcad_env_trigger
from cadCAD.configuration.utils import psub_list as cadcad_psub_list
from cadCAD.configuration.utils import var_substep_trigger as cadcad_var_substep_trigger
from cadCAD.configuration.utils import var_trigger as cadcad_var_trigger
from cadCAD.engine import ExecutionContext, ExecutionMode, Executor

# -- a small model: a policy signal, two blocks, three variables ---------------------------


def p_one(params: Any, substep: int, history: Any, s: Any) -> dict[str, Any]:
    return {"a": 1}


def s_x(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
    return "x", s["x"] + p["a"]


def s_y(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
    return "y", s["y"] + 1


BLOCKS = [
    {"policies": {"one": p_one}, "variables": {"x": s_x}},
    {"policies": {}, "variables": {"y": s_y}},
]
STATE = {"x": 0, "y": 1, "z": 5}


def experiment(*models: dict[str, Any]) -> Any:
    """A cadCAD Experiment with ``append_model(**model)`` for each model, in order."""
    exp = Experiment()
    for model in models:
        exp.append_model(**model)
    return exp


def cadcad_result(*models: dict[str, Any], mode: str = ExecutionMode.single_mode) -> Any:
    context = ExecutionContext(mode)
    return Executor(context, experiment(*models).configs, supress_print=True).execute()


def ours(*models: dict[str, Any], **options: Any) -> Any:
    context = cadcad.ExecutionContext(cadcad.ExecutionMode.single_mode, **options)
    return cadcad.Executor(context, experiment(*models).configs).execute()


def same_frames(*models: dict[str, Any]) -> pd.DataFrame:
    """Assert cadCAD and npolitics give one frame for ``models``; return it."""
    expected = pd.DataFrame(cadcad_result(*models)[0])
    got = pd.DataFrame(ours(*models)[0])
    pd.testing.assert_frame_equal(got, expected)
    return got


def model(**overrides: Any) -> dict[str, Any]:
    """``append_model``'s arguments: the small model, 2 runs × 3 timesteps, unless told."""
    return {
        "initial_state": dict(STATE),
        "partial_state_update_blocks": BLOCKS,
        "sim_configs": cadcad_config_sim({"N": 2, "T": range(3)}),
        **overrides,
    }


# -- env_processes ---------------------------------------------------------------------------


def env_times_ten(state: Any, params: Any, value: Any) -> Any:
    """An environment process of cadCAD's function form: (state, params, value) -> value."""
    return value * 10 + state["x"]


def test_env_processes_in_their_three_forms() -> None:
    """A function of (state, params, value), a list of f(params, value) chained, a constant:
    applied after every block's updates, all computed from one state."""
    env = {"y": env_times_ten, "z": [lambda p, v: v + 1, lambda p, v: v * 2], "x": 7}
    frame = same_frames(model(env_processes=env))
    assert frame[frame["substep"] > 0]["x"].eq(7).all()


@pytest.mark.parametrize("end_substep", [1, 2])
@pytest.mark.parametrize(("field", "values"), [("timestep", [2, 3]), ("substep", [1]), ("y", [2])])
def test_env_trigger_with_cadcads_helper_and_ours(
    end_substep: int, field: str, values: Any
) -> None:
    """``env_trigger(end_substep)(field, values, functions)``, timestep-style configs included;
    npolitics' own ``env_trigger`` makes the same environment processes."""
    functions = [lambda p, v: v + 100, lambda p, v: v * 3]
    theirs = {"z": cadcad_env_trigger(end_substep)(field, values, functions)}
    mine = {"z": cadcad.env_trigger(end_substep)(field, values, functions)}
    expected = same_frames(model(env_processes=theirs))
    got = pd.DataFrame(ours(model(env_processes=mine))[0])
    pd.testing.assert_frame_equal(got, expected)
    assert expected["z"].nunique() > 1


def test_env_processes_run_after_each_block_in_cadcads_order() -> None:
    """Env processes drawing from a global generator draw in cadCAD's order (the variables
    some block updates first, then the others), so seeded frames of one run agree."""
    env = {
        "z": lambda state, params, value: value + random.random(),
        "y": lambda state, params, value: value + random.random(),
    }
    one_run = model(env_processes=env, sim_configs=cadcad_config_sim({"N": 1, "T": range(4)}))
    random.seed(3)
    expected = pd.DataFrame(cadcad_result(one_run)[0])
    random.seed(3)
    got = pd.DataFrame(ours(one_run, legacy_random=False)[0])
    pd.testing.assert_frame_equal(got, expected)


# -- state update triggers -------------------------------------------------------------------


def test_var_trigger_and_var_substep_trigger() -> None:
    """Updates that fire on a state field's values, with cadCAD's helpers and with ours."""

    def s_z(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
        return "z", s["z"] * 2

    def blocks(var_trigger: Any, var_substep_trigger: Any) -> list[dict[str, Any]]:
        return [
            {
                "policies": {"one": p_one},
                "variables": {"x": s_x, "z": var_substep_trigger([1])("z", s_z)},
            },
            {
                "policies": {},
                "variables": {
                    "y": var_trigger("y", s_y, {"x": [1, 3], "substep": [1]}, lambda a, b: a or b)
                },
            },
        ]

    theirs = blocks(cadcad_var_trigger, cadcad_var_substep_trigger)
    expected = same_frames(model(partial_state_update_blocks=theirs))
    mine = blocks(cadcad.var_trigger, cadcad.var_substep_trigger)
    got = pd.DataFrame(ours(model(partial_state_update_blocks=mine))[0])
    pd.testing.assert_frame_equal(got, expected)


# -- exogenous states ------------------------------------------------------------------------


def exo_y(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
    return "y", s["y"] * 2 + substep


def test_exogenous_states_run_as_updates_in_every_block() -> None:
    """What cadCAD 0.5.3 honours: ``raw_exogenous_states`` with ``_exo_update_per_ts=False``,
    appended to every block's updates; also ``run(..., exogenous_states=...)``."""
    exo = {"raw_exogenous_states": {"y": exo_y}, "_exo_update_per_ts": False}
    expected = same_frames(model(**exo))
    got = cadcad.run(
        dict(STATE),
        BLOCKS,
        cadcad.config_sim({"N": 2, "T": range(3)}),
        exogenous_states={"y": exo_y},
    )
    pd.testing.assert_frame_equal(got, expected)


def test_exogenous_states_per_timestep_crash_in_cadcad_itself() -> None:
    """cadCAD 0.5.3's default ``_exo_update_per_ts=True`` raises a TypeError in
    ``append_model`` (its decorator is not curried): there is nothing to match."""
    with pytest.raises(TypeError, match="ep_decorator"):
        experiment(model(raw_exogenous_states={"y": exo_y}))


# -- policy_ops, **kwargs, list and dict blocks, psub_list -------------------------------------


def p_two(params: Any, substep: int, history: Any, s: Any, **kwargs: Any) -> dict[str, Any]:
    return {"a": 2, "b": [s["x"]]}


def s_kw(params: Any, substep: int, history: Any, s: Any, p: Any, **kwargs: Any) -> tuple[str, Any]:
    return "z", (s["z"], p["a"], tuple(p.get("b", ())))


def test_policy_ops_and_functions_taking_kwargs() -> None:
    """Several operators (fold, then maps) over signals of several policies; cadCAD calls
    functions taking ``**kwargs`` with its positional arguments only."""
    blocks = [
        {"policies": {"one": p_one, "two": p_two}, "variables": {"x": s_x, "z": s_kw}},
        {"policies": {"two": p_two}, "variables": {"z": s_kw}},
    ]
    ops = [lambda a, b: a + b, lambda v: v * 2 if isinstance(v, int) else v]
    same_frames(model(partial_state_update_blocks=blocks, policy_ops=ops))


def test_dict_form_blocks_and_psub_list() -> None:
    """cadCAD's deprecated ``{label: block}`` form, and blocks picked with ``psub_list``."""
    named = {"first": BLOCKS[0], "second": BLOCKS[1]}
    with pytest.warns(FutureWarning):
        expected = same_frames(model(partial_state_update_blocks=named))
    picked = cadcad.psub_list(named, ["second", "first", "second"])
    assert picked == cadcad_psub_list(named, ["second", "first", "second"])
    same_frames(model(partial_state_update_blocks=picked))
    list_form = pd.DataFrame(ours(model(partial_state_update_blocks=BLOCKS))[0])
    pd.testing.assert_frame_equal(list_form, expected)


def test_additional_objs_reach_policies_and_six_argument_updates() -> None:
    """``ExecutionContext(additional_objs=...)``: a fifth argument to every policy, the sixth
    to updates of arity 6; ``{"deepcopy_off": True}`` alone means no additional objects."""

    def p_extra(params: Any, substep: int, history: Any, s: Any, extra: Any) -> dict[str, Any]:
        return {"a": extra["step"] if extra else 1}

    def s_extra(params: Any, substep: int, history: Any, s: Any, p: Any, extra: Any) -> Any:
        return "y", s["y"] + p["a"] + (0 if extra is None else len(extra))

    blocks = [{"policies": {"p": p_extra}, "variables": {"y": s_extra}}]
    for extra in ({"step": 3, "deepcopy_off": True}, {"step": 2}):
        models = model(partial_state_update_blocks=blocks)
        context = ExecutionContext(ExecutionMode.single_mode, additional_objs=extra)
        exp = experiment(models)
        expected = pd.DataFrame(Executor(context, exp.configs, supress_print=True).execute()[0])
        mine = cadcad.ExecutionContext(cadcad.ExecutionMode.single_mode, additional_objs=extra)
        got = pd.DataFrame(cadcad.Executor(mine, experiment(models).configs).execute()[0])
        pd.testing.assert_frame_equal(got, expected)


# -- several models, sweeps, numbering -------------------------------------------------------


def test_several_models_in_one_experiment() -> None:
    """``append_model`` three times (model ids given, repeated and absent): the simulation,
    subset and run columns as cadCAD numbers them, sweeps of unequal lengths expanded as
    cadCAD does (one-element lists repeated), N = 1 numbering runs across subsets."""
    sweep = cadcad_config_sim({"N": 2, "T": range(2), "M": {"a": [1, 2, 3], "b": [9]}})
    one_run = cadcad_config_sim({"N": 1, "T": range(3), "M": {"a": [4, 5]}})
    frame = same_frames(
        model(sim_configs=sweep, model_id="m"),
        model(sim_configs=one_run, model_id="m", initial_state={"x": 9, "y": 0, "z": 1}),
        model(),
    )
    assert frame.groupby("simulation")["subset"].nunique().tolist() == [3, 2, 1]
    assert sorted(frame[frame["simulation"] == 1]["run"].unique()) == [1, 2]


def test_sessions_and_tensor_fields_as_cadcads() -> None:
    """The triple's other two: one session record per configuration, equal to cadCAD's
    (single-process mode); one table of the blocks per configuration, its columns,
    ``es`` columns and ``m`` as cadCAD's, its cells the model's functions."""
    models = (
        model(model_id="a", env_processes={"z": 3}),
        model(raw_exogenous_states={"y": exo_y}, _exo_update_per_ts=False),
    )
    _, their_fields, their_sessions = cadcad_result(*models)
    _, fields, sessions = ours(*models)
    assert sessions == their_sessions
    assert len(fields) == len(their_fields)
    for mine, theirs in zip(fields, their_fields, strict=True):
        assert list(mine.columns) == list(theirs.columns)
        assert mine.index.equals(theirs.index)
        assert mine["m"].tolist() == theirs["m"].tolist()
        assert mine["x"].iloc[0] is theirs["x"].iloc[0] is s_x


@pytest.mark.slow
def test_local_mode_experiment_through_run_experiment() -> None:
    """``run_experiment`` takes the Experiment or its configs; cadCAD's default local mode
    (several processes: slow) gives the same rows."""
    models = (model(sim_configs=cadcad_config_sim({"N": 3, "T": range(4)})), model())
    expected = pd.DataFrame(cadcad_result(*models, mode=ExecutionMode.local_mode)[0])
    for given in (experiment(*models), experiment(*models).configs):
        raw, _, _ = cadcad.run_experiment(given)
        pd.testing.assert_frame_equal(pd.DataFrame(raw), expected)


# -- random models: seeded runs are the runs alone --------------------------------------------


def p_noise(params: Any, substep: int, history: Any, s: Any) -> dict[str, Any]:
    return {"a": random.random() + float(np.random.normal())}  # noqa: NPY002


def test_drop_in_executor_seeds_every_run_as_if_it_ran_alone() -> None:
    """A model drawing from the global generators: the seeded frame is reproducible, and
    each run's rows are those of the run executed by itself."""
    blocks = [{"policies": {"n": p_noise}, "variables": {"x": s_x}}]
    models = model(
        partial_state_update_blocks=blocks,
        sim_configs=cadcad_config_sim({"N": 3, "T": range(4), "M": {"k": [1, 2]}}),
    )
    raw, _, _ = ours(models, seed=5)
    assert raw == ours(models, seed=5)[0]
    configs = experiment(models).configs
    for i, config in enumerate(configs):
        alone, _, _ = cadcad.run_experiment([config], seed=5)
        assert alone == raw[i * 5 : (i + 1) * 5]
    assert len({rows["x"] for rows in raw[4::5]}) == len(configs)


# -- npolitics' own Experiment ----------------------------------------------------------------


def test_our_experiment_numbers_everything_as_cadcads() -> None:
    """``npolitics.cadcad.Experiment``: the same configurations (ids, sessions, model ids)
    as cadCAD's, hence the same frame, for a script importing nothing from cadCAD."""
    sweep = {"N": 2, "T": range(2), "M": {"a": [1, 2, 3], "b": [9]}}
    models = [
        {"sim_configs": sweep, "model_id": "m"},
        {"sim_configs": {"N": 1, "T": range(3), "M": {"a": [4, 5]}}, "model_id": "m"},
        {"sim_configs": {"N": 2, "T": range(1)}, "env_processes": {"z": 3}},
    ]
    theirs = Experiment()
    mine = cadcad.Experiment()
    for spec in models:
        common = {"initial_state": dict(STATE), "partial_state_update_blocks": BLOCKS}
        theirs.append_model(
            **common, **{**spec, "sim_configs": cadcad_config_sim(dict(spec["sim_configs"]))}
        )
        mine.append_configs(
            **common, **{**spec, "sim_configs": cadcad.config_sim(dict(spec["sim_configs"]))}
        )
    assert mine.model_ids == theirs.model_ids == ["m", "m@1", "2"]
    context = ExecutionContext(ExecutionMode.single_mode)
    expected, _, their_sessions = Executor(context, theirs.configs, supress_print=True).execute()
    got, _, sessions = cadcad.Executor(
        cadcad.ExecutionContext(cadcad.ExecutionMode.single_mode), mine.configs
    ).execute()
    pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(expected))
    assert sessions == their_sessions


def test_our_experiment_refuses_what_cadcad_would_ignore_or_crash_on() -> None:
    exp = cadcad.Experiment()
    common = {"initial_state": dict(STATE), "partial_state_update_blocks": BLOCKS}
    config = cadcad.config_sim({"N": 1, "T": range(2)})
    with pytest.raises(cadcad.ConfigError, match="never uses them"):
        exp.append_model(**common, sim_configs=config, seeds={"a": 1})
    with pytest.raises(cadcad.ConfigError, match="_exo_update_per_ts=False"):
        exp.append_model(**common, sim_configs=config, raw_exogenous_states={"y": exo_y})
    with pytest.raises(cadcad.ConfigError, match="does not take 'colour'"):
        exp.append_model(**common, sim_configs=config, colour=1)
    with pytest.raises(cadcad.ConfigError, match=r"more than the 1e\+08 rows"):
        exp.append_model(**common, sim_configs=cadcad.config_sim({"N": 10**9, "T": range(2)}))
    assert exp.configs == []


def test_the_robot_marbles_example_gives_cadcads_frame_where_it_is_deterministic() -> None:
    """examples/robot_marbles_cadcad.py: where both robots always act (the sweep's second
    parameter set), its frame is cadCAD's row for row."""
    import robot_marbles_cadcad as example

    spec = {
        "initial_state": example.initial_state,
        "partial_state_update_blocks": example.partial_state_update_blocks,
        "sim_configs": cadcad_config_sim(
            {"N": 3, "T": range(10), "M": {"robot_probabilities": [(1.0, 1.0)]}}
        ),
    }
    frame = same_frames(spec)
    assert frame["box_A"].iloc[-1] == frame["box_B"].iloc[-1] == 5
