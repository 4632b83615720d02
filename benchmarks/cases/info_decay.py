"""Information decay, ``decay`` mode, by per-tick polling as the seed's environment does it.

N0 subjects each get an exponential lifetime of mean θ when first seen; every tick of dt
simulated seconds the environment scans all its agents for subjects, gives new ones a
lifetime, and hides every subject whose expiry time has passed (seeds/003, section 1.4).
The cost is O(N0) per tick however few subjects expire: this is the baseline for an
event-driven kernel that schedules each disappearance once. The key statistic is the number
of subjects still visible at time T, beside its expectation N0·exp(-T/θ).

"npolitics event-driven" runs the info-decay world (``benchmarks/npolitics_impl/info_decay.py``):
one scheduled disappearance per subject, O(N0) events in all. Its throughput is counted in the
same subject-ticks as the polling's (the work a poller does to cover the same time), so the
figures compare time to simulate the same N0 subjects over the same T.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from benchmarks._harness import Sizes, needs
from benchmarks.npolitics_impl import info_decay as npolitics_impl

DESCRIPTION = "exponential disappearance of subjects, polled every tick (seed's decay mode)"
UNIT = "subject-ticks/s"
SIZES = {
    "quick": {"subjects": 1_000, "duration": 100.0, "dt": 0.1, "theta": 50.0},
    "full": {"subjects": 10_000, "duration": 1_000.0, "dt": 0.1, "theta": 500.0},
}
"""θ is chosen so that about N0·e⁻² subjects remain, a statistic worth comparing."""


def ticks(sizes: Sizes) -> int:
    """Number of polls: at t = 0, dt, 2dt, ..., T."""
    return round(sizes["duration"] / sizes["dt"]) + 1


def work(sizes: Sizes) -> float:
    return sizes["subjects"] * ticks(sizes)


def summary(active: int, sizes: Sizes) -> dict[str, float]:
    expected = sizes["subjects"] * math.exp(-sizes["duration"] / sizes["theta"])
    return {"active": active, "expected": round(expected, 1)}


class Subject:
    """A subject agent of the seed: a role and a visibility flag."""

    role = "SUBJECT"

    def __init__(self) -> None:
        self.visible = True

    def set_visible(self, visible: bool) -> None:
        self.visible = visible


class PollingEnvironment:
    """The seed's Environment, reduced to its ``decay_subject_visibility`` step."""

    def __init__(self, agents: list[Subject], lifetime_mean_time: float, seed: int) -> None:
        self._agents = agents
        self.lifetime_mean_time = lifetime_mean_time
        self.subject_lifetimes: dict[Subject, float] = {}
        self.random = random.Random(seed)

    def decay_subject_visibility(self, current_time: float) -> None:
        subjects = [a for a in self._agents if getattr(a, "role", None) == "SUBJECT"]
        lambda_rate = 1.0 / float(self.lifetime_mean_time)
        for agent in subjects:
            if getattr(agent, "visible", True) and agent not in self.subject_lifetimes:
                lifetime = self.random.expovariate(lambda_rate)
                self.subject_lifetimes[agent] = current_time + lifetime
        for subject, expiry_time in list(self.subject_lifetimes.items()):
            if current_time >= expiry_time:
                subject.set_visible(False)
                del self.subject_lifetimes[subject]


def run_polling(sizes: Sizes, seed: int) -> dict[str, float]:
    """The seed's logic in plain Python: scan every agent and every lifetime each tick.

    A subject whose lifetime expired is hidden and forgotten; the seed then checks it again
    each tick (it is still an agent), only to find it invisible.
    """
    agents = [Subject() for _ in range(sizes["subjects"])]
    environment = PollingEnvironment(agents, sizes["theta"], seed)
    for k in range(ticks(sizes)):
        environment.decay_subject_visibility(k * sizes["dt"])
    return summary(sum(agent.visible for agent in agents), sizes)


@needs("numpy")
def run_polling_numpy(sizes: Sizes, seed: int) -> dict[str, float]:
    """The same polling with arrays: one vectorised comparison of all expiry times per tick."""
    import numpy as np

    rng = np.random.default_rng(seed)
    expiry = rng.exponential(sizes["theta"], sizes["subjects"])
    visible = np.ones(sizes["subjects"], dtype=bool)
    for k in range(ticks(sizes)):
        visible &= k * sizes["dt"] < expiry
    return summary(int(visible.sum()), sizes)


def _npolitics(run: Callable[[int, float, float, int], float]) -> Callable[[Sizes, int], Any]:
    """The case interface around ``run(subjects, until, theta, seed)``."""

    @needs("npolitics", "worlds.info_decay")
    def adapted(sizes: Sizes, seed: int) -> dict[str, float]:
        visible = run(sizes["subjects"], sizes["duration"], sizes["theta"], seed)
        return summary(round(visible), sizes)

    adapted.__doc__ = run.__doc__
    return adapted


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    *((name, _npolitics(run)) for name, run in npolitics_impl.IMPLEMENTATIONS),
    ("per-tick polling (seed approach)", run_polling),
    ("per-tick polling numpy", run_polling_numpy),
]
