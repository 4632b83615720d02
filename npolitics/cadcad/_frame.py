"""The output frame, column by column, equal to ``pandas.DataFrame(records)``.

cadCAD users call ``pd.DataFrame(raw_result)`` on a list of row dicts; pandas then infers
each column's dtype from its objects. Building the same frame from rows is the slowest part
of a fast run, so columns whose values all have one plain type (bool, int fitting int64,
float) are converted directly, and any other column is handed to pandas' own inference
(through the same list-of-rows constructor), so the dtypes are always pandas' choice.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

_PLAIN = {bool: np.bool_, int: np.int64, float: np.float64}
_CONTAINERS = frozenset({tuple, list, dict})
"""Types pandas always keeps as objects (a column of only these has dtype object)."""


def frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """``pandas.DataFrame(rows)`` for row dicts, the columns in order of first appearance."""
    if not rows:
        return pd.DataFrame()
    columns = list(rows[0])
    width = len(columns)
    if any(len(row) != width for row in rows) or width == 0:
        return pd.DataFrame(list(rows))
    get = operator.itemgetter(*columns)
    try:
        values = list(zip(*map(get, rows), strict=True)) if width > 1 else [list(map(get, rows))]
    except KeyError:  # rows with other keys: let pandas align them
        return pd.DataFrame(list(rows))
    return pd.DataFrame(
        {name: _column(name, column) for name, column in zip(columns, values, strict=True)},
        copy=False,
    )


def _column(name: str, values: Sequence[Any]) -> Any:
    kinds = set(map(type, values))
    if len(kinds) == 1:
        dtype = _PLAIN.get(next(iter(kinds)))
        if dtype is not None:
            try:
                return np.fromiter(values, dtype=dtype, count=len(values))
            except OverflowError:  # ints beyond int64: pandas decides (uint64 or object)
                pass
    if kinds <= _CONTAINERS:
        return np.fromiter(values, dtype=object, count=len(values))
    return pd.DataFrame([(v,) for v in values], columns=[name])[name]
