"""The public surface of npolitics.cadcad is exactly what its __all__ says."""

from __future__ import annotations

from npolitics import cadcad

PUBLIC = {
    "INDEX_COLUMNS",
    "CadcadRun",
    "CadcadRuns",
    "ConfigError",
    "Job",
    "Model",
    "ModelError",
    "compile_model",
    "config_sim",
    "frame",
    "jobs",
    "rng",
    "run",
    "simulate",
}


def test_public_names() -> None:
    assert set(cadcad.__all__) == PUBLIC
    assert all(hasattr(cadcad, name) for name in PUBLIC)
    assert not {n for n in vars(cadcad) if not n.startswith("_")} - PUBLIC - {"annotations"}


def test_index_columns_are_cadcads() -> None:
    assert cadcad.INDEX_COLUMNS == ("simulation", "subset", "run", "substep", "timestep")
