"""The seed notebook's cadCAD model (blockchain ROSCA, version 2), run by npolitics.cadcad.

The genesis state, policies, state update functions and partial state update blocks below
are the notebook's, unchanged (its block labels the contributer update 'Contributer_On';
as in cadCAD that key is only a label: the function returns 'Contributers_On'). Its cheater
policy calls ``random.random()``: npolitics seeds Python's global generator per run, so the
frame is the same at every run of this script (cadCAD has no seed). The last lines show the
same policy drawing from the run's own stream instead, ``npolitics.cadcad.rng()``.

    python examples/rosca_cadcad.py
"""

from __future__ import annotations

import random
from typing import Any

import pandas as pd

from npolitics import cadcad

# 1. State variables: the notebook's genesis state.
genesis_states = {
    "Contributers_On": True,  # contributers are active
    "Cheaters_On": False,  # cheaters are inactive
    "Total_Collected": 3000,  # GBP of total collected
    "Honest_Volume": 3000,  # GBP of honest activity
    "Cheats_Volume": 0,  # GBP of cheater activity
    "Contributers_Rating": 0,  # rating of contributing agent
    "Verifiers_Cost": 0,  # cost incurred by verifiers
    "Verifiers_Reward": 0,  # rewards collected by verifiers
    "Cheaters_Cost": 0,  # costs incurred by cheaters
    "Cheater_Reward": 0,  # rewards (profit) achieved by cheating
    "timestamp": "01-03-2021",
}


# 2. Reward and cost: the notebook's.
def contributer_cost(s: Any) -> Any:
    return s["Cheats_Volume"]


def contributer_expected_reward(s: Any) -> Any:
    return 1 * (s["Total_Collected"])


# 3. Policies: contribute while the expected reward beats (1 + θ) times the cost; cheat
# with probability 0.3.
theta = 0.1


def p_contributer(params: Any, substep: int, state_history: Any, previous_state: Any) -> Any:
    act = False
    if contributer_expected_reward(previous_state) > (1 + theta) * contributer_cost(previous_state):
        act = True
    return {"contributer": act}


def p_cheater(params: Any, substep: int, state_history: Any, previous_state: Any) -> Any:
    act = False
    if random.random() < 0.3:  # the notebook's own draw, seeded per run here
        act = True
    return {"cheater": act}


# 4. State update functions.
def s_commit_to_contributing(
    params: Any, substep: int, state_history: Any, previous_state: Any, policy_input: Any
) -> Any:
    contributer_behaviour = policy_input["contributer"]
    return "Contributers_On", contributer_behaviour


def s_commit_to_cheating(
    params: Any, substep: int, state_history: Any, previous_state: Any, policy_input: Any
) -> Any:
    cheater_behaviour = policy_input["cheater"]
    return "Cheaters_On", cheater_behaviour


# 5. Partial state update blocks.
partial_state_update_blocks = [
    {
        "policies": {"contributer": p_contributer, "cheater": p_cheater},
        "variables": {
            "Contributer_On": s_commit_to_contributing,
            "Cheaters_On": s_commit_to_cheating,
        },
    }
]

# 6. Configuration: one run of ten timesteps.
sim_config = cadcad.config_sim({"N": 1, "T": range(10)})


def p_cheater_own_stream(params: Any, substep: int, state_history: Any, previous_state: Any) -> Any:
    """The cheater policy drawing from the run's own stream rather than the global one."""
    return {"cheater": bool(cadcad.rng().random() < 0.3)}


def main() -> None:
    # 7. Execution.
    result = cadcad.run(genesis_states, partial_state_update_blocks, sim_config, seed=1)
    again = cadcad.run(genesis_states, partial_state_update_blocks, sim_config, seed=1)
    pd.testing.assert_frame_equal(result, again)  # reproducible: same seed, same frame
    with pd.option_context("display.width", 140, "display.max_columns", 8):
        print(result[["Contributers_On", "Cheaters_On", "run", "substep", "timestep"]])
    print(f"cheating timesteps: {int(result['Cheaters_On'].sum())} of {len(result) - 1}")

    # The same model on many runs, each drawing from its own stream.
    blocks = [
        {
            "policies": {"contributer": p_contributer, "cheater": p_cheater_own_stream},
            "variables": {"Cheaters_On": s_commit_to_cheating},
        }
    ]
    many = cadcad.run(genesis_states, blocks, cadcad.config_sim({"N": 200, "T": range(10)}), seed=1)
    share = many.loc[many["timestep"] > 0, "Cheaters_On"].mean()
    print(f"200 runs × 10 timesteps: cheating in {share:.3f} of timesteps (policy: 0.3)")


if __name__ == "__main__":
    main()
