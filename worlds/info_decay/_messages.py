"""The messages of the information-decay world.

Times are in seconds of simulated (continuous) time; positions in the same length unit as
the side of the square space. A snippet is named by its index 0 … S-1, which is also the
index of the subject slot that shows it.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Start:
    """To the pool at t = 0: put the initial subjects up and start the arrival clock."""


@attrs.frozen
class Arrive:
    """To the pool, from itself after an Exp(α) delay: one arrival of the Poisson process."""


@attrs.frozen
class Activate:
    """To a subject slot: show your snippet now, at a fresh random place."""


@attrs.frozen
class Expire:
    """To a subject, from itself after an Exp(θ) delay: your lifetime is over."""


@attrs.frozen
class Returned:
    """To the pool: these snippets' subjects expired; the snippets wait to appear again."""

    snippets: tuple[int, ...]


@attrs.frozen
class Look:
    """To every subject: knowledge agent ``agent`` at (x, y) looks within ``radius``."""

    agent: int
    x: float
    y: float
    radius: float


@attrs.frozen
class Seen:
    """To a knowledge agent: the snippets of the visible subjects it saw."""

    snippets: frozenset[int]


@attrs.frozen
class Hello:
    """To every knowledge agent: agent ``agent`` is at (x, y); answer if we meet."""

    agent: int
    x: float
    y: float


@attrs.frozen
class Told:
    """To a knowledge agent, from one it met: everything the teller knows."""

    snippets: frozenset[int]
