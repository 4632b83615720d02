"""Shared hypothesis strategies: delays, messages and small groups of agents.

Kept in one place (as attrs keeps ``tests/strategies.py``) so that kernel tests, world tests
and the stateful model draw their inputs alike.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
from hypothesis import strategies as st

import npolitics as npl

#: Delays that are exact binary fractions, so ``now + delay`` never rounds and a test can
#: predict the due time exactly; 0 (same instant, next round) is drawn often.
float_delays = st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.5, 2.75])
int_delays = st.integers(min_value=0, max_value=3)
delays = st.one_of(int_delays, float_delays)

#: Delays the kernel must refuse: negative, NaN, infinite (ints, floats and numpy scalars).
bad_delays = st.one_of(
    st.integers(max_value=-1),
    st.floats(max_value=-1e-9, allow_nan=False),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), np.float64("nan")]),
)

#: Run lengths for ``run(steps=)`` and horizons offsets for ``run(until=now + offset)``.
steps = st.integers(min_value=0, max_value=4)
until_offsets = st.sampled_from([0, 0.5, 1, 2.25, 3])


@attrs.frozen
class Note:
    """A traced message: ``uid`` is unique per send; ``fwd_*`` ask the receiver to send on.

    ``fwd_target`` indexes the model world's destinations (``-1``: send nothing, ``-2``:
    broadcast to the "agents" group), the child is sent with ``fwd_delay`` under ``fwd_uid``.
    """

    uid: int
    fwd_target: int = -1
    fwd_delay: float = 0
    fwd_uid: int = -1


@attrs.frozen
class Other:
    """A message type no traced channel accepts (for wrong-type errors)."""

    x: int = 0


def notes(uid: int, destinations: int) -> st.SearchStrategy[Note]:
    """Notes with ``uid`` that may ask the receiver to forward one child (uid ``uid + 1``)."""
    forward = st.tuples(st.integers(min_value=-2, max_value=destinations - 1), delays)
    return st.one_of(
        st.just(Note(uid)),
        forward.map(lambda f: Note(uid, f[0], f[1], uid + 1)),
    )


@st.composite
def delay_arrays(draw: Any, n: int) -> Any:
    """One delay per message of a batch (an array), or one delay for all of them."""
    if draw(st.booleans()):
        return draw(delays)
    values = draw(st.lists(delays, min_size=n, max_size=n))
    return np.array(values, dtype=np.float64)


def group_sizes(max_size: int = 4) -> st.SearchStrategy[int]:
    """Sizes of small groups of agents (at least one agent)."""
    return st.integers(min_value=1, max_value=max_size)


def seeds() -> st.SearchStrategy[int]:
    """Seeds of worlds (any non-negative integer is valid)."""
    return st.integers(min_value=0, max_value=2**32 - 1)


def addresses(group: str, size: int) -> st.SearchStrategy[npl.Address]:
    """Addresses of the agents of a group of ``size`` agents."""
    return st.integers(min_value=0, max_value=size - 1).map(lambda i: npl.Address(group, i))
