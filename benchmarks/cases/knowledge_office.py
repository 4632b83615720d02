"""The knowledge office, "researcher" variant: W workers research for T ticks.

Facts are ints in range(N_FACTS). Every tick each worker first *acts*: it researches, adding
the fact ⌊N_FACTS·Beta(0.8, 2)⌋ to the set it knows. Then each worker *updates*: if its
target fact is known it does one unit of work and draws a new target uniformly. All acts of a
tick happen before any update, as in the reference notebook. The key statistic is the mean
work rate per worker over the last 20% of ticks.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from types import ModuleType
from typing import Any

from benchmarks._harness import SHARED, Sizes, load_script, needs
from benchmarks.npolitics_impl import knowledge_office as npolitics_impl

DESCRIPTION = "knowledge office, researcher variant: act all, then update all, every tick"
UNIT = "agent-steps/s"
SIZES = {"quick": {"workers": 20, "ticks": 500}, "full": {"workers": 100, "ticks": 10_000}}

N_FACTS = 100
A, B = 0.8, 2.0
REFERENCE = SHARED / "reference" / "knowledge_office_seed.py"


def work(sizes: Sizes) -> float:
    return sizes["workers"] * sizes["ticks"]


def tail_mean(rates: list[float]) -> float:
    """Mean of the last 20% of the per-tick work rates (at least one tick)."""
    tail = rates[-max(1, len(rates) // 5) :]
    return sum(tail) / len(tail)


def reference_module() -> ModuleType:
    """The shared reference script, imported as a module (its __main__ block does not run)."""
    return load_script(REFERENCE, "knowledge_office_seed")


def run_reference(sizes: Sizes, seed: int) -> float:
    """The reference's own Researcher class, driven by the notebook's act-then-update loop."""
    ref = reference_module()
    ref.random.seed(seed)
    workers = [ref.Researcher(N_FACTS, set()) for _ in range(sizes["workers"])]
    rates = []
    for _ in range(sizes["ticks"]):
        for worker in workers:
            worker.act()
        rates.append(sum(worker.update() for worker in workers) / len(workers))
    return tail_mean(rates)


def run_plain(sizes: Sizes, seed: int) -> float:
    """Parallel lists of sets and targets, one random.Random: no objects, no method calls."""
    rng = random.Random(seed)
    n = sizes["workers"]
    known: list[set[int]] = [set() for _ in range(n)]
    targets = [rng.randrange(N_FACTS) for _ in range(n)]
    rates = []
    for _ in range(sizes["ticks"]):
        for facts in known:
            facts.add(int(N_FACTS * rng.betavariate(A, B)))
        done = 0
        for i, facts in enumerate(known):
            if targets[i] in facts:
                done += 1
                targets[i] = rng.randrange(N_FACTS)
        rates.append(done / n)
    return tail_mean(rates)


@needs("mesa")
def run_mesa(sizes: Sizes, seed: int) -> float:
    """Mesa 3: agents in the model's AgentSet, a DataCollector recording the rate each step."""
    import mesa

    class Researcher(mesa.Agent):  # type: ignore[misc, name-defined]
        def __init__(self, model: Any) -> None:
            super().__init__(model)
            self.known: set[int] = set()
            self.target = model.random.randrange(N_FACTS)

        def act(self) -> None:
            self.known.add(int(N_FACTS * self.model.random.betavariate(A, B)))

        def update(self) -> bool:
            if self.target in self.known:
                self.target = self.model.random.randrange(N_FACTS)
                return True
            return False

    class Office(mesa.Model):  # type: ignore[misc, name-defined]
        def __init__(self, workers: int, seed: int) -> None:
            super().__init__(rng=seed)
            Researcher.create_agents(self, workers)
            self.work_rate = 0.0
            self.datacollector = mesa.DataCollector(model_reporters={"work_rate": "work_rate"})

        def step(self) -> None:
            self.agents.do("act")
            self.work_rate = sum(self.agents.map("update")) / len(self.agents)
            self.datacollector.collect(self)

    office = Office(sizes["workers"], seed)
    for _ in range(sizes["ticks"]):
        office.step()
    rates = office.datacollector.get_model_vars_dataframe()["work_rate"].tolist()
    return tail_mean(rates)


@needs("simpy")
def run_simpy(sizes: Sizes, seed: int) -> float:
    """SimPy: one process per worker; a barrier event per tick separates acts from updates.

    Each worker acts, then waits on the tick's barrier, which the last worker to act triggers;
    then all update and wait ``env.timeout(1)``. Cost per tick: one timeout per worker plus
    one shared barrier event, the natural way to express "all acts before any update".
    """
    import simpy

    rng = random.Random(seed)
    n, ticks = sizes["workers"], sizes["ticks"]
    env = simpy.Environment()
    done_per_tick = [0] * ticks
    barrier = {"event": env.event(), "waiting": 0}

    def wait_all_acted() -> Any:
        event = barrier["event"]
        barrier["waiting"] += 1
        if barrier["waiting"] == n:
            barrier["event"], barrier["waiting"] = env.event(), 0
            event.succeed()
        return event

    def researcher() -> Any:
        known: set[int] = set()
        target = rng.randrange(N_FACTS)
        while True:
            known.add(int(N_FACTS * rng.betavariate(A, B)))
            yield wait_all_acted()
            if target in known:
                done_per_tick[int(env.now)] += 1
                target = rng.randrange(N_FACTS)
            yield env.timeout(1)

    for _ in range(n):
        env.process(researcher())
    env.run(until=ticks)
    return tail_mean([done / n for done in done_per_tick])


def _npolitics(run: Callable[[int, int, int], float]) -> Callable[[Sizes, int], float]:
    """The case interface around ``run(workers, ticks, seed)`` of benchmarks/npolitics_impl."""

    @needs("npolitics", "worlds.knowledge_office", *getattr(run, "needs", ()))
    def adapted(sizes: Sizes, seed: int) -> float:
        return run(sizes["workers"], sizes["ticks"], seed)

    adapted.__doc__ = run.__doc__
    adapted.warm_up = getattr(run, "warm_up", None)  # type: ignore[attr-defined]
    return adapted


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    *((name, _npolitics(run)) for name, run in npolitics_impl.IMPLEMENTATIONS),
    ("reference script", run_reference),
    ("plain Python", run_plain),
    ("Mesa 3", run_mesa),
    ("SimPy", run_simpy),
]
