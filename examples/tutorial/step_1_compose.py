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
world.clock("farmers", "tick")  # every tick: Tick(t) to every farmer's "tick" channel ...
world.clock("treasury", "tick")  # ... then to the treasury's

results = world.run(steps=50)  # ticks at t = 0, 1, …, 49; one sample after each
print(results.frame(wellbeing=True).tail(3))
print("treasury holds", world["treasury"].coins, "coins;", world.statistics())
# --8<-- [end:compose]
