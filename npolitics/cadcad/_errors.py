"""Errors of the cadCAD layer: a bad configuration, or a model function that misbehaves."""

from __future__ import annotations

from .._errors import NpoliticsError


class ConfigError(NpoliticsError, ValueError):
    """A sim config cadCAD would reject or misread (N < 1, no T, sweep lengths that differ)."""


class ModelError(NpoliticsError, ValueError):
    """A model that breaks cadCAD's contract; the message names the block and function."""


class CadcadWarning(UserWarning):
    """A model does something cadCAD 0.5.3 accepts but probably does not mean (a dict read as
    a pair, an update to an index column): it runs as in cadCAD, and this says so."""
