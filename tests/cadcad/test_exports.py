"""The public surface of npolitics.cadcad is exactly what its __all__ says."""

from __future__ import annotations
import __future__

from types import ModuleType

from npolitics import cadcad

PUBLIC = {
    "INDEX_COLUMNS",
    "CadcadRun",
    "CadcadRuns",
    "CadcadWarning",
    "ConfigError",
    "Configuration",
    "ExecutionContext",
    "ExecutionMode",
    "Executor",
    "Experiment",
    "Job",
    "Model",
    "ModelError",
    "SeededRuns",
    "compile_model",
    "config_sim",
    "env_trigger",
    "frame",
    "jobs",
    "psub_list",
    "rng",
    "run",
    "run_experiment",
    "simulate",
    "var_substep_trigger",
    "var_trigger",
}


def test_public_names() -> None:
    assert set(cadcad.__all__) == PUBLIC
    assert all(hasattr(cadcad, name) for name in PUBLIC)
    bound = {
        name
        for name, value in vars(cadcad).items()
        # Only names a user can import: not submodules, not the __future__ feature, and
        # not what pytest's assertion rewriting may leave (``@py_builtins``).
        if name.isidentifier()
        and not name.startswith("_")
        and not isinstance(value, ModuleType)
        and value is not __future__.annotations
    }
    assert bound == PUBLIC


def test_index_columns_are_cadcads() -> None:
    assert cadcad.INDEX_COLUMNS == ("simulation", "subset", "run", "substep", "timestep")
