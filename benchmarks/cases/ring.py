"""Message throughput: K tokens circulate round a ring of N agents until M deliveries.

Tokens start evenly spaced (agent 0, N/K, 2N/K, ...) and are delivered at tick 0; an agent
receiving a token counts it and passes it to the next agent with a delay of one tick. The run
stops after exactly M deliveries. The key statistic is the number of deliveries, the sum of the
per-agent receive counts (both must equal M) and the tick of the last delivery.

The npolitics implementations (scalar agents, one population, and one population on a big
saturated ring) live in ``benchmarks/npolitics_impl/ring.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from benchmarks._harness import Sizes, needs
from benchmarks.npolitics_impl import ring as npolitics_impl

DESCRIPTION = "ring of N agents passing K tokens with delay 1 until M deliveries"
UNIT = "messages/s"
SIZES = {
    "quick": {
        "agents": 1_000,
        "tokens": 100,
        "messages": 20_000,
        "big_agents": 100_000,
        "big_messages": 2_000_000,
    },
    "full": {
        "agents": 10_000,
        "tokens": 1_000,
        "messages": 1_000_000,
        "big_agents": 1_000_000,
        "big_messages": 50_000_000,
    },
}
"""``big_*``: the ring of "npolitics population, saturated" only, where every agent holds a
token, so that each tick is one batch of ``big_agents`` messages (its own amount of work)."""


def work(sizes: Sizes) -> float:
    return sizes["messages"]


def starts(sizes: Sizes) -> range:
    """The agents holding a token at tick 0, evenly spaced round the ring."""
    return range(0, sizes["agents"], sizes["agents"] // sizes["tokens"])


def summary(delivered: int, counts: list[int], last_tick: float) -> dict[str, int]:
    return {"deliveries": delivered, "sum_counts": sum(counts), "last_tick": int(last_tick)}


def run_plain(sizes: Sizes, seed: int) -> dict[str, int]:
    """A bucket queue: a dict from tick to the list of (agent, token) messages due then.

    Delays are whole ticks, so a bucket per tick replaces a heap; deliveries within a tick
    keep their sending order. The seed is unused: the model is deterministic.
    """
    n, limit = sizes["agents"], sizes["messages"]
    counts = [0] * n
    buckets: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
    buckets[0].extend((start, token) for token, start in enumerate(starts(sizes)))
    delivered = tick = 0
    while delivered < limit:
        due = buckets.pop(tick)
        take = min(len(due), limit - delivered)
        later = buckets[tick + 1]
        for agent, token in due[:take]:
            counts[agent] += 1
            later.append(((agent + 1) % n, token))
        delivered += take
        tick += 1
    return summary(delivered, counts, tick - 1)


@needs("simpy")
def run_simpy(sizes: Sizes, seed: int) -> dict[str, int]:
    """SimPy the natural way: each agent a process taking tokens from its own Store.

    An agent gets a token, counts it, holds it for ``env.timeout(1)`` and puts it in the next
    agent's Store. Tokens are N/K ≥ 1 agents apart, so no agent ever holds two at once and the
    hold delays nothing else. The run stops at the M-th delivery; deliveries that SimPy
    processes at the same instant after it are not counted.
    """
    import simpy

    n, limit = sizes["agents"], sizes["messages"]
    env = simpy.Environment()
    inboxes = [simpy.Store(env) for _ in range(n)]
    counts = [0] * n
    state = {"delivered": 0, "last": 0.0}
    finished = env.event()

    def agent(index: int) -> Any:
        inbox, outbox = inboxes[index], inboxes[(index + 1) % n]
        while True:
            token = yield inbox.get()
            if state["delivered"] >= limit:
                return
            counts[index] += 1
            state["delivered"] += 1
            state["last"] = env.now
            if state["delivered"] == limit:
                finished.succeed()
            yield env.timeout(1)
            outbox.put(token)

    for index in range(n):
        env.process(agent(index))
    for token, start in enumerate(starts(sizes)):
        inboxes[start].put(token)
    env.run(until=finished)
    return summary(int(state["delivered"]), counts, state["last"])


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    *npolitics_impl.IMPLEMENTATIONS,
    ("plain Python", run_plain),
    ("SimPy", run_simpy),
]
