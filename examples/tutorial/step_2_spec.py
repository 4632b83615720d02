"""Tutorial step 2: build the village from its declared parameters and check its invariant.

python examples/tutorial/step_2_spec.py
"""

# --8<-- [start:spec]
from village import village

import npolitics as npl

for p in village.parameters():
    allowed = p.info.describe()
    print(f"{p.name:<11} {p.default!r:<6} {allowed:<18} {p.info.help}")

world = village(seed=1, tax_rate=0.3)
# check=True: test every invariant after every instant.
results = world.run(steps=50, check=True)
print(results.final())

try:
    village(seed=1, tax_rate=1.5)
except npl.ParameterError as error:
    print("refused:", error)
# --8<-- [end:spec]
