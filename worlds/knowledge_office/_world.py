"""The knowledge office as a registered world: ``npl.load_world("knowledge-office")``."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

import npolitics as npl

from ._compiled import CompiledOffice
from ._database import Database
from ._params import Params
from ._population import Office
from ._scalar import Floor, Worker

#: Bytes per worker at build (measured: about 100 as a population, 420 as scalar agents),
#: rounded up for the facts each comes to know; and per fact of the shared database.
WORKER_BYTES = {"scalar": 1024, "population": 256, "compiled": 256}
FACT_BYTES = 32


def memory(p: Params) -> float:
    """What an office of ``p`` takes in memory, estimated before it is built: its workers,
    the database's facts, and with fidelity corrected (arrays) a bit per worker and fact."""
    database = p.total_facts * FACT_BYTES if p.variant == "database" else 0
    bits = 0
    if p.fidelity == "corrected" and p.implementation != "scalar":
        bits = p.workers * ((p.total_facts + 7) // 8)  # UniformKnowledge's bitmap
    return p.workers * WORKER_BYTES[p.implementation] + database + bits


@npl.world("knowledge-office", params=Params, memory=memory)
def knowledge_office(p: Params, world: npl.World) -> None:
    """Workers need target facts; they research them (fact = ⌊facts·Beta(0.8, 2)⌋), forget
    them, ask free colleagues, and write to and query a shared database. W = 1 for a worker
    whose target fact is known this tick (a unit of work), so work_rate = Ω / workers is the
    office's output per worker and tick. From the knowledge-office notebook; fidelity=seed
    keeps its quirks, fidelity=corrected fixes them."""
    shuffled = p.fidelity == "corrected" and p.pooled
    if p.implementation == "scalar":
        world.add("workers", [Worker(p) for _ in range(p.workers)])
        world.clock("workers", "tick")
        if p.solitary:
            world.clock("workers", "act")
        else:
            world.add("floor", Floor(p.workers, p.pooled, shuffled))
            world.clock("floor", "tick")
    elif p.implementation == "compiled":
        world.add("workers", CompiledOffice(n=p.workers, p=p))
        world.clock("workers", "tick", order="shuffled" if shuffled else "fixed")
    else:
        world.add("workers", Office(n=p.workers, p=p))
        world.clock("workers", "tick", order="shuffled" if shuffled else "fixed")
    if p.variant == "database":
        world.add("database", Database(n=1, facts=p.total_facts, workers=p.workers))

    workers = p.workers
    world.metric("work_rate", lambda w: w.omega().total / workers)
    world.metric("known_facts", lambda w: known_counts(w).mean())
    if p.variant == "database":
        world.metric("database_facts", lambda w: float(w["database"].size))

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
                w["database"].size <= w["database"].writes
                and bool(np.all(w["database"].contents() < p.total_facts))
            ),
        )


def known_counts(world: npl.World) -> npt.NDArray[np.float64]:
    """How many facts each worker knows."""
    group = world["workers"]
    if isinstance(group, (Office, CompiledOffice)):
        counts: npt.NDArray[np.float64] = group.known.count.astype(float)
        return counts
    return np.array([len(worker.known) for worker in group], float)


def known_bounds(world: npl.World) -> list[tuple[int, int]]:
    """The smallest and largest fact each worker knows (workers who know nothing left out)."""
    group = world["workers"]
    if isinstance(group, (Office, CompiledOffice)):
        return [
            (int(f[0]), int(f[-1]))
            for f in (group.known.facts_of(i) for i in range(group.n))
            if f.size
        ]
    return [(min(w.known), max(w.known)) for w in group if w.known]


def who_knows_what(
    world: npl.World, facts: int, *, rows: int = 40, columns: int = 100
) -> npl.MatrixView:
    """The dashboard's view: which of the first ``columns`` facts the first ``rows`` workers
    know (the common facts: Beta(0.8, 2) puts most research there)."""
    group = world["workers"]
    n = min(rows, len(group))
    m = min(columns, facts)
    if isinstance(group, (Office, CompiledOffice)):
        r = np.repeat(np.arange(n), m)
        f = np.tile(np.arange(m), n)
        known = np.asarray(group.known.knows(r, f), float).reshape(n, m)
    else:
        known = np.array([[f in w.known for f in range(m)] for w in group[:n]], float)
    return npl.MatrixView(
        known, row_label="worker", column_label="fact", title="who knows which common fact"
    )
