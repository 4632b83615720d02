"""Tutorial step 1: compose the village by hand, run it for 50 ticks, and look at Ω.

python examples/tutorial/step_1_compose.py
"""

# --8<-- [start:compose]
import numpy as np
from village import Farmers, Treasury

import npolitics as npl

world = npl.World("village", seed=1)
world.add("farmers", Farmers(n=100, skill=np.linspace(0.5, 2.0, 100)))
world.add("treasury", Treasury(farmers=100))
# Every tick, Tick(t) goes to every farmer's "tick" channel, then to the
# treasury's.
world.clock("farmers", "tick")
world.clock("treasury", "tick")

# Ticks at t = 0, 1, …, 49, and a sample of Ω after each.
results = world.run(steps=50)
print(results.frame(wellbeing=True).tail(3))
print("treasury holds", world["treasury"].coins, "coins;", world.statistics())
# --8<-- [end:compose]
