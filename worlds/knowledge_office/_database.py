"""The shared database: a population of one with a ``write`` and a ``query`` channel.

The notebook's database is a set that a write changes at once, so a later worker of the same
tick can find the fact: turns are sequential (see ``_floor``), so a query sees exactly the
writes of earlier turns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

import npolitics as npl

from ._params import Query, Write


class Database(npl.Population):
    """The database (``n`` = 1): ``has[0, f]`` whether fact ``f`` was written to it."""

    facts: int = 0
    has: npt.NDArray[np.bool_] = npl.column(np.bool_, False, shape=(0,))
    stored: npt.NDArray[np.int64] = npl.column(np.int64, 0)
    writes: npt.NDArray[np.int64] = npl.column(np.int64, 0)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.has.shape != (self.n, self.facts):  # one entry per fact
            self.has = np.zeros((self.n, self.facts), np.bool_)

    @npl.channel(compiled=True)
    def write(s: Any, i: int, m: Write, ctx: Any) -> None:
        """Store the fact."""
        s.writes[i] += 1
        if not s.has[i, m.fact]:
            s.has[i, m.fact] = True
            s.stored[i] += 1

    @npl.channel(compiled=True, sends={"answer": "workers.answer"})
    def query(s: Any, i: int, m: Query, ctx: Any, answer: Any) -> None:
        """Answer on the asker's ``answer`` channel: is the fact in the database?"""
        known = 0 <= m.fact < s.facts and s.has[i, m.fact]
        npl.send(answer, m.asker, m.fact, known)

    def contents(self) -> npt.NDArray[np.int64]:
        """The facts stored, ascending."""
        return np.flatnonzero(self.has[0]).astype(np.int64)
