"""The tutorial's wealth exchange (``examples/tutorial/wealth.py``), three ways.

- "npolitics compiled rules": the tutorial's world as written, run compiled (the default when
  numba is installed): many ticks in one compiled call between samples.
- "npolitics numpy population": the same model as an ordinary population whose handlers are
  array code over each batch (the way to write a fast world before compiled rules).
- "hand-written numba loop": the model as one numba function over a numpy array, with no
  framework: the floor a compiled world is measured against.

The compiled world and the hand loop draw the same numbers from the same stream in the same
order, so they end with the same coins; the numpy form draws in bulk (other numbers), so it
agrees in law only. The key statistic is the final Gini coefficient.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import npolitics as npl
from benchmarks._harness import REPO_ROOT, Sizes, load_script

# The tutorial's own file, imported when this module is (never inside a row's clock).
tutorial = load_script(REPO_ROOT / "examples" / "tutorial" / "wealth.py", "wealth")
Gift, Society, gini, society = tutorial.Gift, tutorial.Society, tutorial.gini, tutorial.society

__all__ = ["IMPLEMENTATIONS", "hand_loop", "numpy_world", "warm_up"]


class NumpySociety(npl.Population):
    """The same people, written with array code over each batch."""

    coins = npl.column(np.int64, 5)

    @npl.channel
    def tick(self, batch: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        """Everyone with a coin gives one to somebody else (drawn in bulk)."""
        givers = batch.to[self.coins[batch.to] >= 1]
        self.coins[givers] -= 1
        others = ctx.rng.integers(0, self.n - 1, size=givers.size)
        others += others >= givers
        ctx.send("people", "receive", npl.Batch(Gift, others, coins=1))

    @npl.channel
    def receive(self, batch: npl.Batch[Gift], ctx: npl.Context) -> None:
        """The gifts arrive."""
        np.add.at(self.coins, batch.to, batch.coins)


def numpy_world(people: int, *, seed: int, sample_every: int) -> npl.World:
    world = npl.World("wealth", seed=seed, sample_every=sample_every)
    world.add("people", NumpySociety(n=people))
    world.clock("people", "tick")
    world.metric("gini", lambda w: gini(w["people"].coins), headline=True)
    return world


def statistic(coins: Any) -> dict[str, Any]:
    """The Gini coefficient of the final coins, and the coins held (5 per person)."""
    return {"gini": round(gini(coins), 12), "coins": int(coins.sum())}


def run_compiled(sizes: Sizes, seed: int) -> dict[str, Any]:
    """The tutorial's world as written, compiled (sampled at the start and the end only)."""
    steps = sizes["steps"]
    world = society(sizes["people"], seed=seed, sample_every=steps)
    world.run(steps=steps, compiled=True, rollback=False)
    return statistic(world["people"].coins)


def run_numpy(sizes: Sizes, seed: int) -> dict[str, Any]:
    """The same model with array handlers over each batch."""
    steps = sizes["steps"]
    world = numpy_world(sizes["people"], seed=seed, sample_every=steps)
    world.run(steps=steps, rollback=False)
    return statistic(world["people", NumpySociety].coins)


_HAND: Any = None


def hand_loop() -> Any:
    """The model as one numba function (compiled on first use, cached on disk)."""
    global _HAND
    if _HAND is None:
        import numba

        @numba.njit(cache=True)
        def loop(coins: Any, steps: int, rng: Any) -> None:  # pragma: no cover - compiled
            n = coins.size
            to = np.empty(n, np.int64)
            for _ in range(steps):
                k = 0
                for i in range(n):
                    if coins[i] >= 1:
                        coins[i] -= 1
                        j = rng.integers(0, n - 1)
                        to[k] = j + 1 if j >= i else j
                        k += 1
                for q in range(k):
                    coins[to[q]] += 1

        _HAND = loop
    return _HAND


def run_hand(sizes: Sizes, seed: int) -> dict[str, Any]:
    """The model as one numba function, drawing from the stream the world's people would."""
    from npolitics._random import seed_sequence, stream

    coins = np.full(sizes["people"], 5, np.int64)
    hand_loop()(coins, sizes["steps"], stream(seed_sequence(seed), "group:people"))
    return statistic(coins)


def warm_up() -> None:
    """Load (or, the first time, compile) the compiled rules, their engine and the hand loop:
    a one-off cost per process, like an import."""
    sizes = {"people": 10, "steps": 3}
    run_compiled(sizes, 0)
    run_hand(sizes, 0)


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    ("npolitics compiled rules", run_compiled),
    ("npolitics numpy population", run_numpy),
    ("hand-written numba loop", run_hand),
]
