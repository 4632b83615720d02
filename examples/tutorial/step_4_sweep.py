"""Tutorial step 4: sweep the tax rate over Monte Carlo runs and compare final Ω.

python examples/tutorial/step_4_sweep.py [--quick]
"""

# --8<-- [start:sweep]
import sys

from village import village

import npolitics as npl


def sweep(runs: int = 10, steps: int = 50) -> npl.ExperimentResults:
    """Final Ω and Gini for tax rates 0 … 0.8, ``runs`` runs each."""
    experiment = npl.Experiment(
        village,
        params={"tax_rate": [0.0, 0.2, 0.4, 0.6, 0.8]},
        runs=runs,
        steps=steps,
        seed=7,
    )
    return experiment.run(backend="serial", quiet=True)


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    results = sweep(runs=3 if quick else 10, steps=20 if quick else 50)
    columns = ["tax_rate", "runs", "omega_mean", "omega_ci", "gini_mean"]
    print(results.summary()[columns])
# --8<-- [end:sweep]
