"""Each run's random stream, and the legacy global generators cadCAD models tend to use.

cadCAD has no seed API: models call ``random.random()`` or ``np.random.normal()``. Here each
(simulation, subset, run) gets its own numpy Generator, derived from the ``seed`` given to
``run`` and the run's identity only (so a run's draws do not depend on which other runs
exist or on the order they are computed in), reachable from model functions as
:func:`rng`. For models left unchanged, ``legacy_random`` seeds Python's ``random`` module
and numpy's legacy global generator from the same identity while the run executes.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

import numpy as np

from .._errors import WorldStateError
from .._random import child, stream

current = threading.local()
"""``current.run``: the run being simulated in this thread (anything with an ``rng``)."""


class HasRng(Protocol):
    """What :func:`rng` reads the stream from (a run)."""

    @property
    def rng(self) -> np.random.Generator: ...


def rng() -> np.random.Generator:
    """The numpy Generator of the run being simulated; call it from a model function.

    Raises RuntimeError outside a run of :func:`npolitics.cadcad.run`.
    """
    try:
        run: HasRng = current.run
    except AttributeError:
        raise WorldStateError(
            "npolitics.cadcad.rng() is the random stream of the run being simulated: call it "
            "from a policy or state update function while npolitics.cadcad.run runs the model"
        ) from None
    return run.rng


def set_current(run: HasRng | None) -> None:
    """Make ``run``'s stream what :func:`rng` returns (None: no run is being simulated)."""
    if run is None:
        current.__dict__.pop("run", None)
    else:
        current.run = run


def _name(simulation: int, subset: int, run: int) -> str:
    return f"cadcad:{simulation}:{subset}:{run}"


def run_stream(
    root: np.random.SeedSequence, simulation: int, subset: int, run: int
) -> np.random.Generator:
    """The Generator of one run: a child of ``root`` named after the run's identity."""
    return stream(root, _name(simulation, subset, run))


@contextmanager
def global_generators_kept() -> Iterator[None]:
    """Restore ``random``'s and ``numpy.random``'s global states when the block ends."""
    saved_python = random.getstate()
    saved_numpy = np.random.get_state()  # noqa: NPY002 - the legacy global stream is the point
    try:
        yield
    finally:
        random.setstate(saved_python)
        np.random.set_state(saved_numpy)  # noqa: NPY002


def seed_global_generators(
    root: np.random.SeedSequence, simulation: int, subset: int, run: int
) -> None:
    """Seed ``random`` and ``numpy.random``'s global state for one run, from its identity."""
    words = child(root, _name(simulation, subset, run) + ":legacy").generate_state(8)
    random.seed(int.from_bytes(words[:4].tobytes(), "little"))
    np.random.seed(words[4:])  # noqa: NPY002


def global_generators_state() -> tuple[object, ...]:
    """The state of ``random`` and ``numpy.random``'s global generator, comparable with ``==``.

    Any draw from either changes it, so equal states before and after a call mean the call
    drew nothing from them.
    """
    state = np.random.get_state(legacy=False)  # noqa: NPY002
    inner = state["state"]
    return (
        random.getstate(),
        state["bit_generator"],
        inner["key"].tobytes(),
        inner["pos"],
        state["has_gauss"],
        state["gauss"],
    )
