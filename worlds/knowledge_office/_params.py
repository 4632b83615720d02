"""The knowledge office's parameters and message types."""

from __future__ import annotations

import attrs

import npolitics as npl

VARIANTS = ("researcher", "forgetful", "sociable_v1", "sociable", "database")
POOLED = ("sociable", "database")
"""Variants run as the notebook's ``run_experiment_v2``: asked colleagues sit the tick out."""

NOTEBOOK_TARGET_FACTS = 100
"""The notebook's module-level ``n_facts``: with fidelity ``seed`` targets are drawn from it."""


@attrs.frozen
class Params:
    """The knowledge office's parameters; the defaults are the notebook's settings."""

    variant: str = npl.param(
        "researcher",
        choices=VARIANTS,
        help="researcher | forgetful | sociable_v1 (asks anyone) | sociable (free-colleague "
        "pool) | database (pool + shared database)",
    )
    workers: int = npl.param(100, ge=1, help="number of workers")
    facts_per_worker: int = npl.param(
        1, ge=1, help="facts per worker: total facts = workers × facts_per_worker (unless facts)"
    )
    facts: int = npl.param(0, ge=0, help="total number of facts; 0 = workers × facts_per_worker")
    forget_rate: float = npl.param(0.01, ge=0, le=1, help="chance per turn of forgetting a fact")
    socialise_rate: float = npl.param(0.1, ge=0, le=1, help="chance per turn of asking a colleague")
    database_query_rate: float = npl.param(
        0.1, ge=0, le=1, help="chance per turn of querying the database (variant database)"
    )
    database_write_rate: float = npl.param(
        0.1, ge=0, le=1, help="chance per turn of writing a known fact (variant database)"
    )
    contribution_success_rate: float = npl.param(
        0.05, ge=0, le=1, help="chance that a write reaches the database"
    )
    beta_a: float = npl.param(0.8, gt=0, help="shape a of Beta(a, b): fact = ⌊facts·Beta⌋")
    beta_b: float = npl.param(2.0, gt=0, help="shape b of Beta(a, b)")
    fidelity: str = npl.param(
        "seed",
        choices=("seed", "corrected"),
        help="seed: the notebook as it ran (targets from 100 facts, set.pop forgetting, "
        "index order); corrected: targets over all facts, uniform forgetting, shuffled order",
    )

    def __attrs_post_init__(self) -> None:
        if self.total_facts > 2**31 - 1:
            raise npl.ParameterError(
                "the number of facts (facts, or workers × facts_per_worker) must be < 2**31, "
                f"got {self.total_facts}"
            )
        total = self.socialise_rate + self.database_query_rate + self.database_write_rate
        if self.variant == "database" and total > 1 + 1e-12:
            raise npl.ParameterError(
                "for variant 'database', socialise_rate + database_query_rate + "
                f"database_write_rate must be ≤ 1 (they share one draw), got {total:g}"
            )

    @property
    def total_facts(self) -> int:
        """The number of facts: ``facts``, or ``workers × facts_per_worker``."""
        return self.facts or self.workers * self.facts_per_worker

    @property
    def target_facts(self) -> int:
        """Targets are drawn from ``range(target_facts)``."""
        return NOTEBOOK_TARGET_FACTS if self.fidelity == "seed" else self.total_facts

    @property
    def solitary(self) -> bool:
        """Whether a worker's turn touches only its own state (variants researcher, forgetful):
        then the order of turns does not matter."""
        return self.variant in ("researcher", "forgetful")

    @property
    def pooled(self) -> bool:
        """Whether the free-colleague pool decides who acts (variants sociable, database)."""
        return self.variant in POOLED


@attrs.frozen
class Leave:
    """A worker to the floor: I act this tick, so I leave the pool of free colleagues."""

    worker: int


@attrs.frozen
class Find:
    """A worker to the floor: I leave the pool and would like to ask a free colleague
    whether they know ``fact``."""

    asker: int
    fact: int


@attrs.frozen
class Alone:
    """The floor to a worker who asked it for a colleague: nobody is free."""

    asker: int


@attrs.frozen
class Ask:
    """Does the colleague know ``fact``? Asked by worker ``asker``."""

    asker: int
    fact: int


@attrs.frozen
class Answer:
    """The reply to an Ask or a Query, on the asker's ``answer`` channel."""

    fact: int
    known: bool


@attrs.frozen
class Query:
    """Worker ``asker`` looks ``fact`` up in the database."""

    asker: int
    fact: int


@attrs.frozen
class Write:
    """A worker contributes ``fact`` to the database."""

    fact: int
