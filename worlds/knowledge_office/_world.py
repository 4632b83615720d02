"""The knowledge office as a registered world: ``npl.load_world("knowledge-office")``."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

import npolitics as npl

from ._database import Database
from ._floor import Floor
from ._office import GROW_EVERY, Office
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
    world.clock("workers", "grow", every=GROW_EVERY)
    if p.solitary:
        world.clock("workers", "tick")
    else:  # one turn at a time, as the notebook's loop; corrected: a shuffled order
        shuffled = p.fidelity == "corrected" and p.pooled
        order: Literal["fixed", "shuffled"] = "shuffled" if shuffled else "fixed"
        world.clock("workers", "tick", order=order, activation="sequential")

    workers = p.workers
    world.metric("work_rate", lambda w: np.count_nonzero(w["workers", Office].done) / workers)
    world.metric("known_facts", lambda w: known_counts(w).mean())
    if p.variant == "database":
        world.metric("database_facts", lambda w: float(w["database", Database].stored[0]))

    world.view(lambda w: who_knows_what(w, p.total_facts))
    world.invariant("work done per tick ≤ workers", lambda w: w.omega().total <= workers)
    world.invariant(
        "known facts ⊂ range(facts)",
        lambda w: all(lo >= 0 and hi < p.total_facts for lo, hi in known_bounds(w)),
    )
    if p.variant == "database":
        world.invariant(
            "the database holds only facts written to it, all in range(facts)",
            lambda w: (
                w["database", Database].stored[0] <= w["database", Database].writes[0]
                and bool(np.all(w["database", Database].contents() < p.total_facts))
            ),
        )


def known_counts(world: npl.World) -> npt.NDArray[np.float64]:
    """How many facts each worker knows."""
    counts: npt.NDArray[np.float64] = world["workers", Office].count.astype(float)
    return counts


def known_bounds(world: npl.World) -> list[tuple[int, int]]:
    """The smallest and largest fact each worker knows (workers who know nothing left out)."""
    office = world["workers", Office]
    known = (office.facts_of(i) for i in range(office.n))
    return [(int(f.min()), int(f.max())) for f in known if f.size]


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
