"""A broken model or config gets an error naming what was wrong, where, and what would do."""

from __future__ import annotations

from typing import Any

import pytest

from npolitics import cadcad

CONFIG = {"N": 1, "T": range(2)}


def p_go(params: Any, substep: int, history: Any, s: Any) -> dict[str, Any]:
    return {"go": 1}


def s_x(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
    return "x", s["x"] + p["go"]


def run(blocks: Any, state: Any = None, config: Any = None) -> Any:
    return cadcad.run(
        {"x": 0} if state is None else state, blocks, cadcad.config_sim(config or dict(CONFIG))
    )


def test_update_returning_a_non_pair() -> None:
    """The error names the block and the function and says a pair was expected."""

    def s_bare(params: Any, substep: int, history: Any, s: Any, p: Any) -> Any:
        return s["x"] + 1

    blocks = [
        {"policies": {"go": p_go}, "variables": {"x": s_x}},
        {"policies": {"go": p_go}, "variables": {"x": s_bare}},
    ]
    with pytest.raises(
        cadcad.ModelError, match=r"block 1: state update .*s_bare returned 2 .*pair"
    ) as info:
        run(blocks)
    where = "npolitics.cadcad: block 1, subset 0, run 1, timestep 1, substep 2"
    assert info.value.__notes__ == [where]


def test_update_naming_an_unknown_variable() -> None:
    """cadCAD silently adds a column for a misspelt variable; here it is an error."""

    def s_typo(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
        return "y", 1

    blocks = [{"policies": {"go": p_go}, "variables": {"x": s_typo}}]
    with pytest.raises(cadcad.ModelError, match=r"block 0: state update .*s_typo names 'y'.*'x'"):
        run(blocks)


def test_misspelt_variable_gets_a_suggestion() -> None:
    def s_typo(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
        return "Contributer_On", False

    blocks = [{"policies": {"go": p_go}, "variables": {"Contributers_On": s_typo}}]
    with pytest.raises(
        cadcad.ModelError, match=r"'Contributer_On'.*did you mean 'Contributers_On'"
    ):
        run(blocks, state={"Contributers_On": True, "x": 0})


def test_variable_keys_are_labels_as_in_cadcad() -> None:
    """The seed notebook keys an update 'Contributer_On' but returns 'Contributers_On': fine."""

    def s_on(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
        return "Contributers_On", p["go"] > 0

    blocks = [{"policies": {"go": p_go}, "variables": {"Contributer_On": s_on}}]
    frame = run(blocks, state={"Contributers_On": False, "x": 0})
    assert list(frame.columns[:2]) == ["Contributers_On", "x"]
    assert frame["Contributers_On"].tolist() == [False, True, True]


def test_policy_returning_a_non_dict() -> None:
    def p_bad(params: Any, substep: int, history: Any, s: Any) -> Any:
        return True

    blocks = [{"policies": {"bad": p_bad}, "variables": {"x": s_x}}]
    with pytest.raises(cadcad.ModelError, match=r"block 0: policy .*p_bad returned True .*dict"):
        run(blocks)


def test_block_without_variables_key() -> None:
    with pytest.raises(cadcad.ModelError, match=r"block 0 has no 'variables'"):
        run([{"policies": {"go": p_go}}])


def test_not_a_function() -> None:
    with pytest.raises(cadcad.ModelError, match=r"block 0: 'x' maps to 3, which is not a function"):
        run([{"policies": {}, "variables": {"x": 3}}])


def test_exception_inside_a_model_function_keeps_its_type_and_gains_a_note() -> None:
    def s_boom(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
        if s["timestep"] == 1:
            raise ZeroDivisionError("model bug")
        return "x", 0

    blocks = [{"policies": {"go": p_go}, "variables": {"x": s_boom}}]
    with pytest.raises(ZeroDivisionError, match="model bug") as info:
        run(blocks)
    notes = "".join(getattr(info.value, "__notes__", []))
    assert "block 0 in" in notes
    assert "s_boom" in notes
    assert "timestep 2, substep 1" in notes


@pytest.mark.parametrize("runs", [0, -1, 1.5, True])
def test_runs_must_be_a_positive_integer(runs: Any) -> None:
    with pytest.raises(cadcad.ConfigError, match=r"'N'.*integer ≥ 1"):
        cadcad.config_sim({"N": runs, "T": range(3)})


def test_sweep_lengths_must_agree() -> None:
    with pytest.raises(cadcad.ConfigError, match=r"one common length.*'a': 2, 'b': 3"):
        cadcad.config_sim({"N": 1, "T": range(3), "M": {"a": [1, 2], "b": [1, 2, 3]}})


def test_sweep_cannot_mix_lists_and_fixed_values() -> None:
    with pytest.raises(cadcad.ConfigError, match=r"mixes swept lists with fixed values \('b'\)"):
        cadcad.config_sim({"N": 1, "T": range(3), "M": {"a": [1, 2], "b": 0.5}})


def test_missing_timesteps() -> None:
    with pytest.raises(cadcad.ConfigError, match="'T'"):
        cadcad.config_sim({"N": 1})


def test_hand_made_config_with_bad_runs() -> None:
    with pytest.raises(cadcad.ConfigError, match="sim config 0: 'N' must be an integer ≥ 1"):
        cadcad.jobs({"N": 0, "T": range(2), "M": [{}]})


def test_empty_sweep_means_no_parameters() -> None:
    """cadCAD refuses ``"M": {}``; here the functions get ``params == {}``."""
    assert cadcad.config_sim({"N": 1, "T": range(2), "M": {}})["M"] == {}


def test_no_blocks() -> None:
    with pytest.raises(cadcad.ModelError, match="no partial state update blocks"):
        run([])


def test_function_of_the_wrong_arity() -> None:
    """Caught before running, with the signature cadCAD calls it with."""

    def p_short(params: Any, s: Any) -> dict[str, Any]:
        return {}

    with pytest.raises(cadcad.ModelError, match=r"policy 'p'.*p_short\(params, s\).*substep"):
        run([{"policies": {"p": p_short}, "variables": {"x": s_x}}])


def test_sim_config_of_the_wrong_type() -> None:
    with pytest.raises(cadcad.ConfigError, match="a dict, or a non-empty list of dicts"):
        cadcad.run({"x": 0}, [{"policies": {}, "variables": {}}], 7)
