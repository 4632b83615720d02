"""One test per row of the bad-input table (docs/reliability.md): each bad input gets the
documented error type, with a message that says what was wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import npolitics as npl

from .bad_inputs import ROWS, Row, table

DOC = Path(__file__).parents[2] / "docs" / "reliability.md"


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_bad_input(row: Row) -> None:
    with pytest.raises(row.error, match=re.escape(row.message)) as info:
        row.call()
    assert "\n" not in str(info.value).strip(), "an error message is one line"
    if row.surface != "CLI":  # the command line's rows stand for its exit status and stderr
        assert isinstance(info.value, npl.NpoliticsError), "npolitics' own errors say so"


def test_ids_are_unique() -> None:
    assert len({r.id for r in ROWS}) == len(ROWS)


def test_the_docs_table_lists_every_row() -> None:
    """docs/reliability.md holds the table made from the rows, unchanged (regenerate it with
    ``python tests/reliability/bad_inputs.py`` after adding a row)."""
    assert table() in DOC.read_text()
