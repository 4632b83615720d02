"""Fuzzing ``npolitics.cadcad``: sim configs, genesis states, blocks and model functions drawn
from cadCAD's grammar mixed with junk. Every outcome must be a frame, an npolitics error
(``ConfigError``, ``ModelError``, ``ParameterError``, …) with a one-line message, or the
model's own exception unchanged — never an internal TypeError, KeyError or AttributeError."""

from __future__ import annotations

import os
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import npolitics as npl
from npolitics import cadcad


class ModelOwnError(Exception):
    """Raised by a model function on purpose: the model's own error, not the layer's."""


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=True),
    st.text(max_size=4),
    st.just(object()),
    st.lists(st.integers(), max_size=2),
)


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``good`` nine times in ten, so that most examples get past the config to the run."""
    return st.integers(0, 9).flatmap(lambda i: good if i else bad)


runs = mostly(st.integers(1, 3), junk)
timesteps = mostly(st.integers(0, 4).map(range), st.one_of(st.lists(st.integers(-1, 4)), junk))
sweep_values = mostly(
    st.lists(st.integers(0, 3), min_size=1, max_size=2),
    st.one_of(st.lists(st.integers(0, 3), max_size=3), st.integers(0, 3), junk),
)
sweeps = mostly(
    st.dictionaries(st.just("a"), sweep_values, max_size=1),
    st.one_of(st.dictionaries(st.sampled_from(["a", "b"]), sweep_values, max_size=2), junk),
)


@st.composite
def sim_configs(draw: st.DrawFn) -> Any:
    config: dict[Any, Any] = {}
    if draw(st.integers(0, 19)):
        config["N"] = draw(runs)
    if draw(st.integers(0, 19)):
        config["T"] = draw(timesteps)
    if draw(st.booleans()):
        config["M"] = draw(sweeps)
    if draw(st.integers(0, 19)) == 0:
        config[draw(st.text(max_size=3))] = draw(junk)
    if draw(st.integers(0, 19)) == 0:
        return draw(junk)
    return config


def _policy(kind: str) -> Any:
    def go(params: Any, substep: int, history: Any, s: Any) -> Any:
        if kind == "ok":
            return {"go": 1}
        if kind == "empty":
            return {}
        if kind == "not-dict":
            return 5
        if kind == "none":
            return None
        raise ModelOwnError("policy")

    if kind == "arity":
        return lambda params, s: {"go": 1}
    return go


def _update(kind: str) -> Any:
    def x(params: Any, substep: int, history: Any, s: Any, p: Any) -> Any:
        if kind == "ok":
            try:
                return "x", s["x"] + p.get("go", 0)
            except TypeError as exc:  # a junk genesis x (None, a list): the model's own bug
                raise ModelOwnError("update") from exc
        if kind == "param":
            return "x", params["a"] if isinstance(params, dict) and "a" in params else 0
        if kind == "bare":
            return 1
        if kind == "unknown":
            return "y", 1
        if kind == "short":
            return ("x",)
        if kind == "none":
            return None
        raise ModelOwnError("update")

    if kind == "arity":
        return lambda params, s: ("x", 1)
    return x


POLICIES = ["ok", "ok", "ok", "empty", "not-dict", "none", "raise", "arity"]
UPDATES = ["ok", "ok", "ok", "param", "bare", "unknown", "short", "none", "raise", "arity"]


@st.composite
def blocks(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 19)) == 0:
        return draw(junk)
    out = []
    for _ in range(draw(mostly(st.integers(1, 3), st.just(0)))):
        block: dict[Any, Any] = {}
        if draw(st.integers(0, 9)):
            names = draw(st.lists(mostly(st.just("ok"), st.sampled_from(POLICIES)), max_size=2))
            block["policies"] = {f"p{i}": _policy(k) for i, k in enumerate(names)}
        if draw(st.integers(0, 9)):
            names = draw(st.lists(mostly(st.just("ok"), st.sampled_from(UPDATES)), max_size=1))
            block["variables"] = {"x": _update(names[0])} if names else {}
        if draw(st.integers(0, 9)) == 0:
            block[draw(st.sampled_from(["policies", "variables", "other"]))] = draw(junk)
        out.append(block if draw(st.integers(0, 19)) else draw(junk))
    return out


genesis = mostly(
    st.just({"x": 0}),
    st.one_of(st.dictionaries(st.sampled_from(["x", "y", "timestep", "run"]), junk), junk),
)
seeds = mostly(st.one_of(st.integers(0, 5), st.just(None)), junk)

#: Examples in the everyday run; set NPOLITICS_FUZZ_EXAMPLES for a longer hunt.
EXAMPLES = int(os.environ.get("NPOLITICS_FUZZ_EXAMPLES", "100"))

#: Examples of the slow run (``-m slow``).
SLOW_EXAMPLES = int(os.environ.get("NPOLITICS_FUZZ_SLOW_EXAMPLES", "1000"))

_FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}

# A genesis variable named like an index column runs as in cadCAD, with a CadcadWarning
# (tests/cadcad/test_errors.py holds that): an outcome like a frame, not an error.
_AS_CADCAD = pytest.mark.filterwarnings("ignore::npolitics.cadcad.CadcadWarning")


@_AS_CADCAD
@settings(max_examples=EXAMPLES, **_FUZZ)  # type: ignore[arg-type]
@given(state=genesis, psubs=blocks(), config=sim_configs(), seed=seeds)
def test_no_model_yields_an_internal_error(state: Any, psubs: Any, config: Any, seed: Any) -> None:
    check_model(state, psubs, config, seed)


@pytest.mark.slow
@_AS_CADCAD
@settings(max_examples=SLOW_EXAMPLES, **_FUZZ)  # type: ignore[arg-type]
@given(state=genesis, psubs=blocks(), config=sim_configs(), seed=seeds)
def test_no_model_yields_an_internal_error_in_a_long_hunt(
    state: Any, psubs: Any, config: Any, seed: Any
) -> None:
    check_model(state, psubs, config, seed)


def check_model(state: Any, psubs: Any, config: Any, seed: Any) -> None:
    """A frame, an npolitics error of one line, or the model's own error: nothing else."""
    try:
        sim = cadcad.config_sim(config)
    except npl.NpoliticsError as exc:
        event("config_sim → " + type(exc).__name__)
        _one_line(exc)
        return
    try:
        frame = cadcad.run(state, psubs, sim, seed=seed)
    except ModelOwnError:
        event("run → the model's own error")
        return
    except npl.NpoliticsError as exc:
        event("run → " + type(exc).__name__)
        _one_line(exc)
        return
    except ValueError as exc:  # the kernel's own seed check, as World(seed=-1) has it
        if not str(exc).startswith("seed must be an integer ≥ 0"):
            raise AssertionError(f"unexpected ValueError: {exc}") from exc
        event("run → bad seed")
        return
    event("run → frame")
    assert isinstance(frame, pd.DataFrame)


def _one_line(exc: BaseException) -> None:
    assert "\n" not in str(exc).strip(), f"{type(exc).__name__} message is not one line: {exc}"


# Found by this fuzzer and fixed in 3be9176; kept as regression tests.


def test_a_model_without_blocks_is_a_model_error() -> None:
    with pytest.raises(npl.NpoliticsError):
        cadcad.run({"x": 0}, [], cadcad.config_sim({"N": 1, "T": range(1)}))


def test_a_model_function_of_the_wrong_arity_is_a_model_error() -> None:
    blocks = [{"policies": {"p": lambda params, s: {}}, "variables": {}}]
    with pytest.raises(cadcad.ModelError):
        cadcad.run({"x": 0}, blocks, cadcad.config_sim({"N": 1, "T": range(1)}))


def test_a_sim_config_of_the_wrong_type_is_a_config_error() -> None:
    with pytest.raises(cadcad.ConfigError):
        cadcad.run({"x": 0}, [], 7)  # type: ignore[arg-type]
