"""The tutorial's last step: the wealth exchange (wealth.py), run compiled and as Python.

The same world and the same seed give the same coins and the same samples either way; only
the time differs.

    python examples/tutorial/step_5_compiled.py
"""

from __future__ import annotations

import time

import numpy as np
from wealth import society

# --8<-- [start:run]
STEPS = 2_000
seconds, coins = {}, {}
for compiled in (True, False):
    world = society(100, seed=1, sample_every=500)
    world.run(steps=1, compiled=compiled)  # compiled: loads (or compiles) the rules, once
    start = time.perf_counter()
    res = world.run(steps=STEPS, compiled=compiled)
    seconds[compiled] = time.perf_counter() - start
    coins[compiled] = world["people"].coins.copy()
    gini = res.metrics["gini"][-1]
    print(f"compiled={compiled!s:<5}  {seconds[compiled]:7.3f} s   Gini {gini:.4f}")
print("same coins:", np.array_equal(coins[True], coins[False]))
print(f"speed-up: {seconds[False] / seconds[True]:.0f}x")
# --8<-- [end:run]
