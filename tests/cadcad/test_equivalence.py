"""npolitics.cadcad returns cadCAD 0.5's frame, row for row and dtype for dtype."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npolitics import cadcad

from ._models import COUNTER, HISTORY, LEGACY, cadcad_frame

pytest.importorskip("cadCAD", reason="cadCAD (the bench extra) is not installed")
from cadCAD.configuration.utils import config_sim as cadcad_config_sim

SIM_CONFIGS = {
    "no sweep": {"N": 2, "T": range(4)},
    "one run per subset": {"N": 1, "T": range(3), "M": {"step": [1, 5, 7], "other": [0]}},
    "runs per subset": {"N": 3, "T": range(2), "M": {"step": [1, 2]}},
    "scalar params": {"N": 1, "T": range(2, 5), "M": {"step": 4}},
    "no timesteps": {"N": 2, "T": range(0)},
}


@pytest.mark.parametrize("model", [COUNTER, HISTORY, LEGACY], ids=["counter", "history", "legacy"])
@pytest.mark.parametrize("config", list(SIM_CONFIGS.values()), ids=list(SIM_CONFIGS))
def test_same_frame_as_cadcad(model: Any, config: dict[str, Any]) -> None:
    """Signals, identity policies, history, quirks of numbering: all as cadCAD does them."""
    initial_state, blocks = model
    expected = cadcad_frame(initial_state, blocks, cadcad_config_sim(dict(config)))
    got = cadcad.run(initial_state, blocks, cadcad.config_sim(dict(config)))
    pd.testing.assert_frame_equal(got, expected)


def test_policy_ops_fold_and_map_signals_as_cadcad_does() -> None:
    """The first operator folds same-named signals, each further one maps the result."""
    initial_state, blocks = COUNTER
    config = SIM_CONFIGS["runs per subset"]
    ops = [max, lambda value: value * 2]
    expected = cadcad_frame(initial_state, blocks, cadcad_config_sim(dict(config)), policy_ops=ops)
    got = cadcad.run(initial_state, blocks, cadcad.config_sim(dict(config)), policy_ops=ops)
    pd.testing.assert_frame_equal(got, expected)
    assert (
        got["count"].iloc[-1]
        != cadcad.run(initial_state, blocks, cadcad.config_sim(dict(config)))["count"].iloc[-1]
    )


@pytest.mark.parametrize("legacy_random", [True, False])
@pytest.mark.parametrize("deepcopy", [True, False])
def test_options_do_not_change_a_deterministic_frame(legacy_random: bool, deepcopy: bool) -> None:
    """Runs advancing together or apart, copied deeply or not: the same rows."""
    initial_state, blocks = COUNTER
    config = SIM_CONFIGS["runs per subset"]
    expected = cadcad_frame(initial_state, blocks, cadcad_config_sim(dict(config)))
    got = cadcad.run(
        initial_state,
        blocks,
        cadcad.config_sim(dict(config)),
        legacy_random=legacy_random,
        deepcopy=deepcopy,
    )
    pd.testing.assert_frame_equal(got, expected)


def test_benchmark_rosca_model() -> None:
    """The benchmark's cadCAD-style ROSCA (deterministic) gives cadCAD's frame."""
    path = Path(__file__).parents[2] / "benchmarks" / "models" / "rosca_cadcad_model.py"
    if not path.exists():
        pytest.skip(f"{path} not found")
    spec = importlib.util.spec_from_file_location("rosca_cadcad_model", path)
    assert spec is not None
    assert spec.loader is not None
    rosca = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rosca)
    config = {"N": 3, "T": range(12), "M": rosca.sweep_params(10, deterministic=True)}
    initial = rosca.genesis_state(10)
    expected = cadcad_frame(initial, rosca.PARTIAL_STATE_UPDATE_BLOCKS, cadcad_config_sim(config))
    got = cadcad.run(initial, rosca.PARTIAL_STATE_UPDATE_BLOCKS, cadcad.config_sim(config))
    pd.testing.assert_frame_equal(got, expected)


def test_in_place_mutation_matches_cadcad_with_deepcopy() -> None:
    """A model that mutates a list in its state needs deepcopy=True to match cadCAD."""

    def p_none(params: Any, substep: int, history: Any, s: Any) -> dict[str, Any]:
        return {}

    def s_append(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
        s["log"].append(len(s["log"]))
        return "log", s["log"]

    blocks = [{"policies": {"none": p_none}, "variables": {"log": s_append}}]
    config = {"N": 1, "T": range(3)}
    expected = cadcad_frame({"log": []}, blocks, cadcad_config_sim(dict(config)))
    got = cadcad.run({"log": []}, blocks, cadcad.config_sim(dict(config)), deepcopy=True)
    pd.testing.assert_frame_equal(got, expected)
    shallow = cadcad.run({"log": []}, blocks, cadcad.config_sim(dict(config)))
    assert shallow["log"].iloc[0] == [0, 1, 2]  # documented: shared values see the mutation


# -- random linear models ------------------------------------------------------------------


def _policy(signal: int, weights: list[int], names: list[str]) -> Any:
    def policy(params: Any, substep: int, history: Any, s: Any) -> dict[str, Any]:
        return {f"u{signal}": sum(w * s[n] for w, n in zip(weights, names, strict=False))}

    return policy


def _update(name: str, factor: int, signal: int) -> Any:
    def update(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
        return name, factor * s[name] + p.get(f"u{signal}", 0)

    return update


def _linear_model(spec: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Integer linear dynamics: each block's policies emit weighted sums of variables under
    shared signal names; each update sets x_i = a·x_i + Σ signal (integers: exact)."""
    variables, blocks_spec = spec
    initial = {f"x{i}": value for i, value in enumerate(variables)}
    names = list(initial)
    blocks = []
    for policies_spec, updates_spec in blocks_spec:
        policies = {
            f"p{k}": _policy(signal, weights, names)
            for k, (signal, weights) in enumerate(policies_spec)
        }
        updates = {}
        for index, factor, signal in updates_spec:
            name = names[index % len(names)]
            updates[name] = _update(name, factor, signal)
        blocks.append({"policies": policies, "variables": updates})
    return initial, blocks


small = st.integers(-3, 3)
linear_specs = st.tuples(
    st.lists(small, min_size=1, max_size=4),
    st.lists(
        st.tuples(
            st.lists(st.tuples(st.integers(0, 2), st.lists(small, max_size=4)), max_size=3),
            st.lists(
                st.tuples(st.integers(0, 3), small, st.integers(0, 2)), min_size=1, max_size=3
            ),
        ),
        min_size=1,
        max_size=3,
    ),
)


@settings(max_examples=25)
@given(spec=linear_specs, runs=st.integers(1, 2), steps=st.integers(0, 4))
def test_random_linear_models_agree_with_cadcad(spec: Any, runs: int, steps: int) -> None:
    """Any block layout of integer linear dynamics: identical frames."""
    initial, blocks = _linear_model(spec)
    config = {"N": runs, "T": range(steps)}
    expected = cadcad_frame(initial, blocks, cadcad_config_sim(dict(config)))
    got = cadcad.run(initial, blocks, cadcad.config_sim(dict(config)), legacy_random=False)
    pd.testing.assert_frame_equal(got, expected)


sweeps = st.integers(1, 4).flatmap(
    lambda width: st.dictionaries(
        st.sampled_from(["a", "b", "c", "d"]),
        st.one_of(
            st.lists(st.integers(), min_size=width, max_size=width),
            st.lists(st.integers(), min_size=1, max_size=1),
        ),
        min_size=1,
    )
)


@given(sweep=sweeps, runs=st.integers(1, 3))
def test_config_sim_sweeps_as_cadcad(sweep: dict[str, list[int]], runs: int) -> None:
    """Lists of one common length (and one-element lists) sweep exactly as in cadCAD."""
    ours = cadcad.config_sim({"N": runs, "T": range(2), "M": sweep})
    theirs = cadcad_config_sim({"N": runs, "T": range(2), "M": sweep})
    assert ours == theirs


# -- random experiments: several models, environment processes, the drop-in executor ------


def _env_process(kind: int, a: int, b: int, other: str) -> Any:
    """One environment process of each of cadCAD's forms, integer-valued."""
    if kind == 0:
        return a
    if kind == 1:
        return [lambda params, value: a * value + b, lambda params, value: value - a]

    def env(state: Any, params: Any, value: Any) -> Any:
        return value + a * state[other] + b

    return env


env_specs = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 2), small, small, st.integers(0, 3)),
    max_size=3,
)


@settings(max_examples=15)
@given(
    models=st.lists(
        st.tuples(linear_specs, env_specs, st.integers(1, 2), st.integers(0, 3)),
        min_size=1,
        max_size=3,
    )
)
def test_random_experiments_agree_with_cadcad(models: Any) -> None:
    """Experiments of 1–3 random linear models with random environment processes, run by
    cadCAD's Executor and by npolitics' drop-in Executor: identical frames and sessions."""
    from cadCAD.configuration import Experiment
    from cadCAD.engine import ExecutionContext, ExecutionMode, Executor

    def experiment() -> Any:
        exp = Experiment()
        for spec, envs, runs, steps in models:
            initial, blocks = _linear_model(spec)
            names = list(initial)
            env = {
                names[index % len(names)]: _env_process(kind, a, b, names[other % len(names)])
                for index, kind, a, b, other in envs
            }
            exp.append_model(
                initial_state=initial,
                partial_state_update_blocks=blocks,
                sim_configs=cadcad_config_sim({"N": runs, "T": range(steps)}),
                env_processes=env,
            )
        return exp

    context = ExecutionContext(ExecutionMode.single_mode)
    expected, _, their_sessions = Executor(
        context, experiment().configs, supress_print=True
    ).execute()
    ours = cadcad.ExecutionContext(cadcad.ExecutionMode.single_mode, legacy_random=False)
    got, _, sessions = cadcad.Executor(ours, experiment().configs).execute()
    pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(expected))
    assert sessions == their_sessions
