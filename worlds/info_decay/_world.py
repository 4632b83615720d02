"""The information-decay world: its parameters and how it is composed.

Groups: ``subjects`` (a population, one slot per snippet), ``pool`` (one agent: the
snippets not on show and the arrival clock), ``knowers`` (K knowledge agents, if K > 0).
"""

from __future__ import annotations

import inspect
import math
from typing import Any

import attrs
import numpy as np

import npolitics as npl

from ._environment import Pool, Subjects
from ._knowers import AsyncKnower, Digest, InstantDigest, Knower
from ._messages import Start

MODES = ("static", "decay", "dynamic_pool")
LEARNING = ("self", "social")

#: The longest mean time (seconds) and the largest length (space units) a parameter may
#: take: an exponential draw of a mean of 1e308 overflows, and so does a squared distance.
MAX_TIME = 1e12
MAX_LENGTH = 1e9


@attrs.frozen
class Params:
    """Parameters of the information-decay world (times in seconds, lengths in space units)."""

    mode: str = npl.param(
        "dynamic_pool",
        choices=MODES,
        help="static: subjects stay; decay: they vanish for good; dynamic_pool: they churn",
    )
    snippets: int = npl.param(100, ge=1, help="S, the snippets in the world (score denominator)")
    subjects: int = npl.param(100, ge=0, help="N0, subjects shown at t=0 (static and decay)")
    initial_active_count: int = npl.param(20, ge=0, help="A0, subjects shown at t=0 (dynamic_pool)")
    lifetime_mean_time: float = npl.param(
        30.0, gt=0, le=MAX_TIME, help="θ, mean lifetime of a subject"
    )
    appearance_mean_time: float = npl.param(
        1.5, gt=0, le=MAX_TIME, help="α, mean time between arrivals from the pool (dynamic_pool)"
    )
    knowledge_agents: int = npl.param(25, ge=0, help="K, knowledge agents (0: environment alone)")
    learning: str = npl.param(
        "social", choices=LEARNING, help="social: agents that meet tell each other all they know"
    )
    space: float = npl.param(
        100.0, gt=0, le=MAX_LENGTH, help="side of the square the agents and subjects are in"
    )
    speed: float = npl.param(
        2.0, ge=0, le=MAX_LENGTH, help="distance a knowledge agent walks per second"
    )
    sight_radius: float = npl.param(
        10.0, ge=0, le=MAX_LENGTH, help="how far a knowledge agent sees subjects"
    )
    meet_radius: float = npl.param(
        10.0, ge=0, le=MAX_LENGTH, help="how close two knowledge agents must be to meet"
    )
    look_every: float = npl.param(
        1.0, gt=0, le=MAX_TIME, help="seconds between a knowledge agent's looks"
    )
    sample_every: float = npl.param(
        1.0, gt=0, le=MAX_TIME, help="seconds between samples of the metrics"
    )

    def __attrs_post_init__(self) -> None:
        # Only the count this mode uses is checked: a user who shrinks the pool for
        # dynamic_pool need not also shrink the (unused) static/decay subjects.
        name = "initial_active_count" if self.mode == "dynamic_pool" else "subjects"
        value = getattr(self, name)
        if value > self.snippets:
            raise npl.ParameterError(
                f"parameter {name!r} is {value}, more than the pool holds: in {self.mode} "
                f"mode it must be ≤ snippets = {self.snippets}"
            )

    @property
    def initial(self) -> int:
        """Subjects shown at t = 0 in this mode."""
        return self.initial_active_count if self.mode == "dynamic_pool" else self.subjects


def build(p: Params, world: npl.World, *, digest: Digest | None = None) -> None:
    """Compose the world of ``p`` into ``world``; ``digest`` is the knowledge agents' digest
    (default :class:`InstantDigest`; an ``async`` one needs ``run_async``)."""
    world.sampling(every=p.sample_every)
    subjects = world.add(
        "subjects",
        Subjects(
            n=p.snippets,
            space=p.space,
            lifetime_mean_time=None if p.mode == "static" else p.lifetime_mean_time,
            recycle=p.mode == "dynamic_pool",
        ),
    )
    pool = world.add(
        "pool",
        Pool(
            waiting=list(range(p.snippets)),
            initial=p.initial,
            appearance_mean_time=p.appearance_mean_time if p.mode == "dynamic_pool" else None,
        ),
    )
    world.send("pool", "start", Start(), at=0)
    world.metric("visible", lambda w: subjects.visible)
    world.metric("pool", lambda w: len(pool.waiting))
    world.metric("appearances", lambda w: pool.appeared)
    world.metric("expirations", lambda w: subjects.expired)
    world.invariant(
        "snippets conserved: visible + pool + gone == snippets",
        lambda w: subjects.visible + len(pool.waiting) + subjects.gone == p.snippets,
    )
    world.invariant(
        "visible counts the active subjects",
        lambda w: subjects.visible == int(subjects.active.sum()),
    )
    world.view(lambda w: _map(w, p.space))
    if p.knowledge_agents == 0:
        world.metric("score", lambda w: math.nan)
        return
    digest = InstantDigest() if digest is None else digest
    kind = AsyncKnower if inspect.iscoroutinefunction(digest.digest) else Knower
    rng = world.rng
    xs, ys = rng.uniform(0.0, p.space, (2, p.knowledge_agents))
    headings = rng.uniform(-math.pi, math.pi, p.knowledge_agents)
    knowers = world.add(
        "knowers",
        [
            kind(
                x=float(x),
                y=float(y),
                heading=float(h),
                snippets=p.snippets,
                space=p.space,
                speed=p.speed,
                sight_radius=p.sight_radius,
                meet_radius=p.meet_radius,
                social=p.learning == "social",
                digest=digest,
            )
            for x, y, h in zip(xs.tolist(), ys.tolist(), headings.tolist(), strict=True)
        ],
    )
    world.clock("knowers", "look", every=p.look_every)
    world.metric(
        "score", lambda w: sum(len(k.known) for k in knowers) / (len(knowers) * p.snippets)
    )


#: Bytes per snippet's subject (measured: about 80), per knowledge agent, and per snippet a
#: knowledge agent may come to know (a set entry, and its copies in the messages it tells).
SUBJECT_BYTES = 128
KNOWER_BYTES = 1024
KNOWN_BYTES = 64


def memory(p: Params) -> float:
    """What a world of ``p`` may take in memory, its knowers' knowledge at its fullest included
    (estimated before it is built)."""
    knowers = p.knowledge_agents * (KNOWER_BYTES + KNOWN_BYTES * p.snippets)
    return p.snippets * SUBJECT_BYTES + knowers


@npl.world("info-decay", params=Params, memory=memory)
def info_decay(p: Params, world: npl.World) -> None:
    """Information decay: subjects show snippets for exponential lifetimes (static, decay, or
    churning through a pool with Poisson arrivals); knowledge agents wander, look and learn,
    alone or socially. Continuous time: run with until=T."""
    build(p, world)


def make_world(*, seed: Any = 0, digest: Digest | None = None, **params: Any) -> npl.World:
    """The info-decay world with a chosen ``digest`` for its knowledge agents.

    ``info_decay(seed=..., **params)`` is the same with the default, instant digest.
    """
    p = info_decay.validate(params)  # names, types, ranges and memory, as the spec checks
    world = npl.World(info_decay.name, seed=seed, params=p)
    build(p, world, digest=digest)
    return world


def _map(world: npl.World, space: float) -> npl.PointsView:
    """The 2D map: visible subjects (group 0) and knowledge agents (group 1)."""
    subjects = world["subjects"]
    shown = np.flatnonzero(subjects.active)
    walkers = list(world["knowers"]) if "knowers" in world else []
    return npl.PointsView(
        x=[*subjects.x[shown].tolist(), *(k.x for k in walkers)],
        y=[*subjects.y[shown].tolist(), *(k.y for k in walkers)],
        group=[0] * shown.size + [1] * len(walkers),
        xlim=(0.0, space),
        ylim=(0.0, space),
        title="visible subjects (blue) and knowledge agents (orange)",
    )
