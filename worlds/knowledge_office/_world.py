"""The knowledge office as a registered world: ``npl.load_world("knowledge-office")``."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt

import npolitics as npl

from ._database import Database
from ._floor import Floor
from ._office import Office
from ._params import Params

#: Bytes per worker at build, rounded up for the facts each comes to know (its set table
#: doubles as it grows: about 16 bytes per fact known); per fact of the shared database.
WORKER_BYTES = 256
FACT_BYTES = 1


def memory(p: Params) -> float:
    """What an office of ``p`` takes in memory, estimated before it is built: its workers,
    the floor's order and pool, and the database's facts."""
    database = p.total_facts * FACT_BYTES if p.variant == "database" else 0
    return p.workers * WORKER_BYTES + database


@npl.world("knowledge-office", params=Params, memory=memory)
def knowledge_office(p: Params, world: npl.World) -> None:
    """Workers need target facts; they research them (fact = ⌊facts·Beta(0.8, 2)⌋), forget
    them, ask free colleagues, and write to and query a shared database. W = 1 for a worker
    whose target fact is known this tick (a unit of work), so work_rate = Ω / workers is the
    office's output per worker and tick. From the knowledge-office notebook; fidelity=seed
    keeps its quirks, fidelity=corrected fixes them."""
    world.add("workers", Office.of(p))
    world.add("floor", Floor(n=1, workers=p.workers))
    world.add("database", Database(n=1, facts=p.total_facts if p.variant == "database" else 0))
    if p.pooled:
        world.clock("floor", "tick")
    if p.solitary:
        world.clock("workers", "tick")
    else:  # one turn at a time, as the notebook's loop; corrected: a shuffled order
        shuffled = p.fidelity == "corrected" and p.pooled
        order: Literal["fixed", "shuffled"] = "shuffled" if shuffled else "fixed"
        world.clock("workers", "tick", order=order, activation="sequential")

    # Metrics and invariants over the columns: a compiled run computes them in its compiled
    # instants (the office then samples every tick without returning to Python).
    world.metric("work_rate", work_rate, over="workers")
    world.metric("known_facts", known_facts, over="workers")
    if p.variant == "database":
        world.metric("database_facts", database_facts, over="database")

    world.view(lambda w: who_knows_what(w, p.total_facts))
    world.invariant("work done per tick ≤ workers", work_bounded, over="workers")
    world.invariant("known facts ⊂ range(facts)", facts_in_range, over="workers")
    if p.variant == "database":
        world.invariant(
            "the database holds only facts written to it, all in range(facts)",
            database_sound,
            over="database",
        )


@npl.jit
def work_rate(s: Any) -> float:
    """The share of workers whose target fact is known: the office's output per worker."""
    return float(np.count_nonzero(s.done) / s.n)


@npl.jit
def known_facts(s: Any) -> float:
    """How many facts a worker knows, on average."""
    return float(s.count.mean())


@npl.jit
def database_facts(s: Any) -> float:
    """How many facts the database holds."""
    return float(s.stored[0])


@npl.jit
def work_bounded(s: Any) -> bool:
    """At most one unit of work per worker and tick."""
    return bool(np.count_nonzero(s.done) <= s.n)


@npl.jit
def facts_in_range(s: Any) -> bool:
    """Every fact a worker knows is one of the office's facts."""
    for i in range(s.n):
        for slot in range(s.mask[i] + 1):
            if s.table[i, slot] >= s.facts:
                return False
    return True


@npl.jit
def database_sound(s: Any) -> bool:
    """The database stores no more facts than were written to it, all of them facts."""
    for f in range(s.has.shape[1]):
        if s.has[0, f] and f >= s.facts:
            return False
    return bool(s.stored[0] <= s.writes[0])


def known_counts(world: npl.World) -> npt.NDArray[np.float64]:
    """How many facts each worker knows."""
    counts: npt.NDArray[np.float64] = world["workers", Office].count.astype(float)
    return counts


def who_knows_what(
    world: npl.World, facts: int, *, rows: int = 40, columns: int = 100
) -> npl.MatrixView:
    """The dashboard's view: which of the first ``columns`` facts the first ``rows`` workers
    know (the common facts: Beta(0.8, 2) puts most research there)."""
    office = world["workers", Office]
    n = min(rows, office.n)
    m = min(columns, facts)
    r = np.repeat(np.arange(n), m)
    f = np.tile(np.arange(m), n)
    known = office.knows_all(r, f).reshape(n, m).astype(float)
    return npl.MatrixView(
        known, row_label="worker", column_label="fact", title="who knows which common fact"
    )
