"""A broken model or config gets an error naming what was wrong, where, and what would do."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from npolitics import cadcad

CONFIG = {"N": 1, "T": range(2)}


def p_go(params: Any, substep: int, history: Any, s: Any) -> dict[str, Any]:
    return {"go": 1}


def s_x(params: Any, substep: int, history: Any, s: Any, p: Any) -> tuple[str, Any]:
    return "x", s["x"] + p["go"]


def run(blocks: Any, state: Any = None, config: Any = None, **options: Any) -> Any:
    return cadcad.run(
        {"x": 0} if state is None else state,
        blocks,
        cadcad.config_sim(config or dict(CONFIG)),
        **options,
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


# -- no silent acceptance --------------------------------------------------------------------


def _returning(value: Any) -> Any:
    def s_odd(params: Any, substep: int, history: Any, s: Any, p: Any) -> Any:
        return value() if callable(value) else value

    return s_odd


@pytest.mark.parametrize(
    ("returned", "shown"),
    [("xyz", r"'xyz' \(str\)"), (None, r"None \(NoneType\)"), (7, r"7 \(int\)")],
    ids=["3-character string", "None", "int"],
)
def test_update_result_that_is_no_pair(returned: Any, shown: str) -> None:
    blocks = [{"policies": {"go": p_go}, "variables": {"x": _returning(returned)}}]
    with pytest.raises(
        cadcad.ModelError, match=rf"block 0: state update .*s_odd returned {shown}.*pair"
    ) as info:
        run(blocks, state={"x": 0, "y": 0})
    assert info.value.__notes__ == [
        "npolitics.cadcad: block 0, subset 0, run 1, timestep 1, substep 1"
    ]


@pytest.mark.parametrize(
    ("returned", "read", "shown"),
    [
        ("xy", "y", r"'xy' \(str\), which cadCAD 0.5 reads as the pair \('x', 'y'\)"),
        ({"x": 1, "y": 2}, "y", r"\{'x': 1, 'y': 2\} \(dict\), which cadCAD 0.5 reads as"),
        (lambda: (v for v in ("x", 5)), 5, r"<generator object .*> \(generator\), which"),
    ],
    ids=["2-character string", "dict of two", "generator of two"],
)
def test_update_results_cadcad_reads_as_pairs_run_as_there_with_a_warning(
    returned: Any, read: Any, shown: str
) -> None:
    """cadCAD 0.5.3 reads these as (variable, value) pairs (see
    test_cadcad_itself_reads_these_so); so do we, saying so."""
    blocks = [{"policies": {"go": p_go}, "variables": {"x": _returning(returned)}}]
    with pytest.warns(
        cadcad.CadcadWarning, match=rf"block 0: state update .*s_odd returned {shown}"
    ):
        frame = run(blocks, state={"x": 0, "y": 0})
    assert frame["x"].tolist() == [0, read, read]


def test_list_pairs_are_pairs() -> None:
    """A [variable, value] list is a pair, as in cadCAD."""
    blocks = [{"policies": {"go": p_go}, "variables": {"x": _returning(["x", 4])}}]
    assert run(blocks)["x"].tolist() == [0, 4, 4]


@pytest.mark.parametrize(
    ("column", "kept"),
    [
        ("run", False),
        ("substep", False),
        ("timestep", False),
        ("subset", True),
        ("simulation", True),
    ],
)
def test_an_update_to_an_index_column_runs_as_in_cadcad_with_a_warning(
    column: str, kept: bool
) -> None:
    """cadCAD overwrites run, substep and timestep at once and keeps subset and simulation."""
    blocks = [{"policies": {"go": p_go}, "variables": {"x": _returning((column, 9))}}]
    with pytest.warns(
        cadcad.CadcadWarning, match=rf"s_odd returned \('{column}', 9\), which sets '{column}'"
    ):
        frame = run(blocks)
    assert (frame[column].iloc[-1] == 9) == kept


@pytest.mark.parametrize("column", cadcad.INDEX_COLUMNS)
def test_a_genesis_variable_named_like_an_index_column_is_overwritten_with_a_warning(
    column: str,
) -> None:
    blocks = [{"policies": {"go": p_go}, "variables": {"x": s_x}}]
    with pytest.warns(cadcad.CadcadWarning, match=rf"initial state has a variable '{column}'"):
        frame = run(blocks, state={"x": 0, column: 77})
    assert 77 not in frame[column].tolist()


def p_text(params: Any, substep: int, history: Any, s: Any) -> dict[str, Any]:
    return {"go": "a"}


def test_signals_that_cannot_be_added_name_the_policies() -> None:
    blocks = [{"policies": {"go": p_go, "text": p_text}, "variables": {"x": s_x}}]
    with pytest.raises(
        cadcad.ModelError,
        match=r"block 0: policy .*p_text sent signal 'go' = 'a' \(str\), which cannot be added "
        r"to 1 \(int\).*policies before it \(.*p_go\)",
    ) as info:
        run(blocks)
    assert isinstance(info.value.__cause__, TypeError)


def test_exception_inside_a_policy_op_names_it() -> None:
    def fold(a: Any, b: Any) -> Any:
        return a / (b - 1)

    def double(value: Any) -> Any:
        raise ArithmeticError("no")

    blocks = [{"policies": {"go": p_go, "two": p_go}, "variables": {"x": s_x}}]
    config = cadcad.config_sim(dict(CONFIG))
    with pytest.raises(ZeroDivisionError) as info:
        cadcad.run({"x": 0}, blocks, config, policy_ops=[fold])
    assert "in policy_ops[0] (" in info.value.__notes__[0]
    assert "fold), folding signal 'go' of policy" in info.value.__notes__[0]
    assert "substep 1" in info.value.__notes__[1]
    with pytest.raises(ArithmeticError) as info:
        cadcad.run({"x": 0}, blocks, config, policy_ops=[max, double])
    assert "in policy_ops[1] (" in info.value.__notes__[0]
    assert "double), mapping signal 'go' = 1" in info.value.__notes__[0]


@pytest.mark.parametrize(
    "config",
    [{"N": 1, "T": range(10**12)}, {"N": 10**9, "T": range(10)}, {"N": 10**5, "T": range(10**4)}],
    ids=["T=range(10**12)", "N=10**9", "N×T"],
)
def test_sizes_beyond_reason_are_refused_before_allocating(config: dict[str, Any]) -> None:
    blocks = [{"policies": {"go": p_go}, "variables": {"x": s_x}}]
    with pytest.raises(cadcad.ConfigError, match=r"more than the 1e\+08 rows"):
        cadcad.run({"x": 0}, blocks, cadcad.config_sim(config))


def test_blocks_times_timesteps_beyond_reason_are_refused() -> None:
    blocks = [{"policies": {"go": p_go}, "variables": {"x": s_x}}] * 200
    config = cadcad.config_sim({"N": 1000, "T": range(1000)})
    with pytest.raises(cadcad.ConfigError, match=r"1000 runs × 200001 rows each"):
        cadcad.run({"x": 0}, blocks, config)


@pytest.mark.parametrize(
    ("argument", "said"),
    [
        ("seeds", "never uses them"),
        ("raw_exogenous_states", "exogenous_states="),
        ("model_id", "run_experiment"),
        ("colour", "not one of cadCAD 0.5's configuration arguments"),
    ],
)
def test_unsupported_arguments_are_named(argument: str, said: str) -> None:
    """Never a TypeError about keyword arguments: a ConfigError naming the argument."""
    with pytest.raises(cadcad.ConfigError, match=rf"does not take '{argument}': .*{said}"):
        cadcad.run({"x": 0}, [{"policies": {}, "variables": {}}], CONFIG, **{argument: {}})


def test_env_process_for_an_unknown_variable() -> None:
    with pytest.raises(cadcad.ModelError, match=r"env_processes names 'q'.*ignores it silently"):
        run([{"policies": {}, "variables": {}}], env_processes={"q": 1})


def test_env_process_that_is_a_callable_but_not_a_function() -> None:
    with pytest.raises(cadcad.ModelError, match=r"env_processes\['x'\] is <built-in function abs>"):
        run([{"policies": {}, "variables": {}}], env_processes={"x": abs})


def test_sparks_distributed_mode_is_refused() -> None:
    with pytest.raises(cadcad.ConfigError, match=r"ExecutionMode\.distributed"):
        cadcad.ExecutionContext(cadcad.ExecutionMode.distributed)


def test_executor_wants_our_context() -> None:
    with pytest.raises(cadcad.ConfigError, match=r"import ExecutionContext from npolitics\.cadcad"):
        cadcad.Executor(object(), [])  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::npolitics.cadcad.CadcadWarning")
@pytest.mark.parametrize(
    "value",
    ["xy", {"x": 1, "y": 2}, ("run", 9), ("subset", 9), ("timestep", 9), ("simulation", 9)],
)
def test_cadcad_itself_reads_these_so(value: Any) -> None:
    """What docs/howto/cadcad.md says cadCAD 0.5.3 does with the results warned of above:
    our frame equals cadCAD's."""
    from ._models import cadcad_frame

    config = {"N": 1, "T": range(2), "M": [{}]}
    blocks = [{"policies": {}, "variables": {"x": _returning(value)}}]
    expected = cadcad_frame({"x": 0, "y": 0}, blocks, config)
    got = cadcad.run({"x": 0, "y": 0}, blocks, cadcad.config_sim({"N": 1, "T": range(2)}))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::npolitics.cadcad.CadcadWarning")
def test_cadcad_itself_overwrites_a_genesis_run() -> None:
    from ._models import cadcad_frame

    config = {"N": 1, "T": range(1), "M": [{}]}
    blocks = [{"policies": {}, "variables": {}}]
    expected = cadcad_frame({"run": 7, "x": 0}, blocks, config)
    got = cadcad.run({"run": 7, "x": 0}, blocks, cadcad.config_sim({"N": 1, "T": range(1)}))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


@pytest.mark.slow
def test_cadcad_itself_refuses_or_misreads_the_rest() -> None:
    """What cadCAD 0.5.3 does with results refused here."""
    from ._models import cadcad_frame

    config = {"N": 1, "T": range(1), "M": [{}]}

    def frame_for(value: Any) -> Any:
        blocks = [{"policies": {}, "variables": {"x": _returning(value)}}]
        return cadcad_frame({"x": 0, "y": 0}, blocks, config).iloc[-1]

    with pytest.raises(ValueError, match="not returning an proper tuple"):
        frame_for("xyz")
    unknown = cadcad_frame(
        {"x": 0}, [{"policies": {}, "variables": {"x": _returning(("y", 1))}}], config
    )
    assert "y" in unknown.columns
    assert unknown["y"].isna().iloc[0]
    blocks = [{"policies": {}, "variables": {"x": _returning(("x", 1))}}]
    ignored = cadcad_frame({"x": 0}, blocks, config, env_processes={"q": 5})
    assert "q" not in ignored.columns
