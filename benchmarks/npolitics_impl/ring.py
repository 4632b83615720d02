"""The ring on the npolitics kernel: scalar agents, a population, and a saturated population.

The model is the "ring" case's: tokens start at agents 0, s, 2s, … (s = N // K) and are
delivered at tick 0; an agent receiving a token counts it and passes it to the next agent with
a delay of one tick; the run stops after exactly M deliveries. Each token carries the tick of
its last delivery (with T tokens, token k is delivered ⌈(M - k) / T⌉ times, so the first
M mod T tokens make the one extra hop, as in the plain version where the earliest-sent tokens
of the last tick are delivered), so a token is an immutable message passed on unchanged and
the world simply runs until its queue is empty. The statistic matches the ring case's:
deliveries, the sum of the per-agent counts, and the tick of the last delivery.

- "npolitics scalar": one ``Agent`` per node; each delivery is one handler call.
- "npolitics population": one ``Population``; each tick is one batch of K messages.
- "npolitics population, saturated": the population on a big ring where every agent holds
  a token (the case's sizes ``big_agents`` and ``big_messages``: 10^6 agents and 5·10^7
  messages in the full run), so that each tick is one batch of 10^6 messages — the regime
  the kernel's per-batch cost is designed for (target ≥ 20 M messages/s). It does its own
  amount of work, reported through ``Outcome.work``.

Sampling is set far beyond the run (one sample at t = 0), so the figures measure delivery,
not Ω: a sample sums W over every agent.

The case "ring" (``benchmarks/cases/ring.py``) lists ``IMPLEMENTATIONS`` beside its peers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

import npolitics as npl
from benchmarks._harness import Outcome, Sizes

NEVER = 2**62  # a sampling period beyond any run: one sample, at t = 0


@attrs.frozen
class Token:
    """A token, delivered for the last time at tick ``last``."""

    last: int


def starts(agents: int, tokens: int) -> npt.NDArray[np.int64]:
    """The agents holding a token at tick 0: every (N // K)-th, as in the ring case (so
    there are more than K tokens when K does not divide N)."""
    return np.arange(0, agents, agents // tokens, dtype=np.int64)


def last_ticks(count: int, messages: int) -> npt.NDArray[np.int64]:
    """The last tick of each of ``count`` tokens sharing M deliveries (-1: never delivered)."""
    base, extra = divmod(messages, count)
    return base + (np.arange(count) < extra).astype(np.int64) - 1


class Node(npl.Agent):
    """One agent of the ring: counts tokens and passes each on to ``successor``."""

    successor: npl.Address
    received: int = 0

    @npl.channel
    def token(self, m: Token, ctx: npl.Context) -> None:
        self.received += 1
        if ctx.now < m.last:
            ctx.send(self.successor, "token", m, delay=1)


class Ring(npl.Population):
    """The whole ring as arrays: agent i passes to agent i + 1 (mod n)."""

    received: npt.NDArray[np.int64] = npl.column(np.int64, 0)

    @npl.channel
    def token(self, batch: npl.Batch[Token], ctx: npl.Context) -> None:
        to = batch.to
        # Tokens are at least one agent apart, so no agent appears twice in a batch.
        self.received[to] += 1
        last = batch.column("last")
        if isinstance(last, np.ndarray) and last.ndim:  # tokens that stop at different ticks
            going = last > ctx.now
            to, last = to[going], last[going]
        elif not ctx.now < last:  # every token stops at one tick, shared: now
            return
        successor = to + 1
        successor[successor == self.n] = 0
        ctx.send(ctx.me.group, "token", npl.Batch(Token, successor, last=last), delay=1)


def scalar_ring(agents: int, tokens: int, messages: int, seed: int = 0) -> npl.World:
    """The ring with one Node per agent, run until its M deliveries are done."""
    world = npl.World("ring", seed=seed, sample_every=NEVER)
    world.add("ring", [Node(npl.Address("ring", (i + 1) % agents)) for i in range(agents)])
    at = starts(agents, tokens)
    for start, last in zip(at.tolist(), last_ticks(at.size, messages).tolist(), strict=True):
        if last >= 0:
            world.send(npl.Address("ring", start), "token", Token(last), at=0)
    world.run()
    return world


def population_ring(agents: int, tokens: int, messages: int, seed: int = 0) -> npl.World:
    """The ring as one Population, run until its M deliveries are done."""
    world = npl.World("ring", seed=seed, sample_every=NEVER)
    world.add("ring", Ring(n=agents))
    at = starts(agents, tokens)
    last = last_ticks(at.size, messages)
    at, last = at[last >= 0], last[last >= 0]
    shared = last.size > 0 and bool((last == last[0]).all())
    column = int(last[0]) if shared else last
    world.send("ring", "token", npl.Batch(Token, at, last=column), at=0)
    world.run()
    return world


def summary(world: npl.World, counts: Any) -> dict[str, int]:
    """The ring case's statistic: deliveries, the sum of counts, the last delivery's tick."""
    return {
        "deliveries": world.statistics().messages_delivered,
        "sum_counts": int(sum(counts)),
        "last_tick": int(world.now),
    }


def run_scalar(sizes: Sizes, seed: int) -> dict[str, int]:
    """One Agent per node: every delivery is one handler call."""
    world = scalar_ring(sizes["agents"], sizes["tokens"], sizes["messages"], seed)
    return summary(world, (node.received for node in world["ring"]))


def run_population(sizes: Sizes, seed: int) -> dict[str, int]:
    """One Population: every tick is one batch of K messages."""
    world = population_ring(sizes["agents"], sizes["tokens"], sizes["messages"], seed)
    return summary(world, world["ring"].received.tolist())


def run_saturated(sizes: Sizes, seed: int) -> Outcome:
    """One Population on a ring where every agent holds a token: batches of ``big_agents``."""
    agents, messages = sizes["big_agents"], sizes["big_messages"]
    world = population_ring(agents, agents, messages, seed)
    return Outcome(statistic=summary(world, world["ring"].received.tolist()), work=messages)


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    ("npolitics scalar", run_scalar),
    ("npolitics population", run_population),
    ("npolitics population, saturated", run_saturated),
]
