"""cadCAD's "Robot and the Marbles" tutorial model, run by npolitics with one import changed.

A port, in our own code, of the model of cadCAD's public tutorial series (cadCAD-org/demos,
tutorials/robots_and_marbles, parts 3 to 5): box A holds ten marbles, box B none; two robot
arms each take a marble from the fuller box and drop it into the other; robot 1 acts every
second timestep, robot 2 every third, and each acts only with some probability (drawn with
``np.random.rand()``, as the tutorial's stochastic part does), swept over two values.

The script is written as a cadCAD user writes it: an ``Experiment``, ``append_configs``,
``config_sim``, an ``Executor``. The only line that differs from running it under cadCAD is
the import of the engine:

    # from cadCAD.engine import ExecutionMode, ExecutionContext, Executor
    from npolitics.cadcad import ExecutionMode, ExecutionContext, Executor

With cadCAD installed, its own ``Experiment`` and ``config_sim`` are used; without it,
npolitics' (the same configurations). cadCAD has no seed, so its frames change at every
execution; npolitics seeds each run as if it ran alone (``ExecutionContext(seed=...)``,
default 0), so this script prints the same numbers every time.

    python examples/robot_marbles_cadcad.py
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

try:  # a cadCAD script keeps these imports ...
    from cadCAD.configuration import Experiment
    from cadCAD.configuration.utils import config_sim
except ImportError:  # ... which npolitics also provides, for machines without cadCAD
    from npolitics.cadcad import Experiment, config_sim

# The one changed line: the engine is npolitics'.
from npolitics.cadcad import ExecutionContext, ExecutionMode, Executor

# 1. State: two boxes of marbles.
initial_state = {
    "box_A": 10,  # box A starts with ten marbles
    "box_B": 0,  # box B starts empty
}

# 2. Parameters: the chance that each robot acts on a timestep where it may; swept.
ROBOT_PERIODS = (2, 3)  # robot 1 may act every 2nd timestep, robot 2 every 3rd
sim_params = {"robot_probabilities": [(0.5, 1 / 3), (1.0, 1.0)]}


def move_one_marble(state: dict[str, Any]) -> dict[str, int]:
    """From the fuller box to the emptier one: the robots' one rule."""
    a, b = state["box_A"], state["box_B"]
    to_a = 1 if b > a else -1 if a > b else 0
    return {"add_to_A": to_a, "add_to_B": -to_a}


def timestep_now(substep: int, state: dict[str, Any]) -> int:
    """The timestep being computed (the state seen in substep 1 is the previous one's)."""
    return int(state["timestep"]) + (1 if substep == 1 else 0)


def robot(index: int) -> Any:
    """The policy of robot ``index`` (0 or 1): its period, its probability, its rule."""

    def robot_arm(
        params: dict[str, Any], substep: int, state_history: Any, previous_state: Any
    ) -> dict[str, int]:
        due = timestep_now(substep, previous_state) % ROBOT_PERIODS[index] == 0
        acts = np.random.rand() < params["robot_probabilities"][index]  # noqa: NPY002
        if due and acts:
            return move_one_marble(previous_state)
        return {"add_to_A": 0, "add_to_B": 0}

    robot_arm.__name__ = robot_arm.__qualname__ = f"robot_arm_{index + 1}"
    return robot_arm


# 3. State update functions: add the robots' summed moves.
def s_box_A(
    params: Any, substep: int, state_history: Any, previous_state: Any, policy_input: Any
) -> tuple[str, int]:
    return "box_A", previous_state["box_A"] + policy_input["add_to_A"]


def s_box_B(
    params: Any, substep: int, state_history: Any, previous_state: Any, policy_input: Any
) -> tuple[str, int]:
    return "box_B", previous_state["box_B"] + policy_input["add_to_B"]


# 4. One partial state update block: both robots' signals are added, then both boxes move.
partial_state_update_blocks = [
    {
        "policies": {"robot_arm_1": robot(0), "robot_arm_2": robot(1)},
        "variables": {"box_A": s_box_A, "box_B": s_box_B},
    }
]

# 5. Fifty Monte Carlo runs of ten timesteps for each parameter set.
sim_config = config_sim({"N": 50, "T": range(10), "M": sim_params})


def main() -> pd.DataFrame:
    """Run the experiment as cadCAD's tutorial does; print what the robots achieved."""
    experiment = Experiment()
    experiment.append_configs(
        initial_state=initial_state,
        partial_state_update_blocks=partial_state_update_blocks,
        sim_configs=sim_config,
    )
    exec_context = ExecutionContext(ExecutionMode.single_mode)
    executor = Executor(exec_context=exec_context, configs=experiment.configs)
    raw_result, tensor_field, sessions = executor.execute()
    df = pd.DataFrame(raw_result)

    final = df[df["timestep"] == df["timestep"].max()]
    balanced = (final["box_A"] == final["box_B"]).groupby(final["subset"]).mean()
    print(f"{len(df)} rows, {len(sessions)} runs, {len(tensor_field)} block tables")
    for subset, share in balanced.items():
        chances = sim_params["robot_probabilities"][int(subset)]
        print(
            f"robots acting with probabilities {chances[0]:.2f}, {chances[1]:.2f}: "
            f"boxes balanced after 10 timesteps in {share:.0%} of the runs; "
            f"mean marbles in A {final[final['subset'] == subset]['box_A'].mean():.2f}"
        )
    return df


if __name__ == "__main__":
    main()
