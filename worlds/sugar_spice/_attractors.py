"""Experiment 1: where do two-agent societies of Q-learners settle?

Every run is one two-agent society: one run of an :class:`npolitics.Experiment` of the
``sugar-spice`` world (experiment=attractors, one society, a block of ``check_every``
encounters per tick). Every ``check_every`` encounters each agent reads its own greedy policy
code; a society has *settled* once its pair of codes has not changed for ``window``
encounters (the world's ``settled`` metric), and its run stops there, or after
``max_encounters``.

Why a long window and not "unchanged since the last check": the Q-values of a state-action
pair visited with frequency f relax towards their target on a time scale of 1 / (α·f)
encounters. A state reached when one agent explores has f ≈ ε/2 (2·10⁴ encounters with the
defaults), but a state reached only when both explore at once has f ≈ ε²/4, a time scale of
4·10⁶ encounters: a pair can look frozen for 10⁶ encounters and still move. The default
window of 5·10⁶ encounters is longer than that slowest time scale; the docs measure how often
a pair that looked settled for shorter windows changed later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

import npolitics as npl

from ._codes import check_code, codes_from_q
from ._spec import Params, _initial_q, sugar_spice

if TYPE_CHECKING:
    import pandas as pd


def find_attractors(
    memory: int = 1,
    runs: int = 100,
    seed: int = 0,
    initial: tuple[int, int] | None = None,
    *,
    window: int = 5_000_000,
    check_every: int = 10_000,
    max_encounters: int = 50_000_000,
    min_encounters: int = 0,
    trace: bool = False,
    backend: Any = "serial",
    compiled: bool | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Run ``runs`` two-agent societies until their greedy policy pairs settle; count the pairs.

    Returns one row per (policy_a, policy_b, settled) with ``count`` (runs ending there),
    ``mean_wellbeing`` (mean payoff per encounter over the last ``window`` encounters,
    averaged over those runs and both agents) and ``mean_last_change`` (encounters at which
    the pair last changed). ``initial=(code_a, code_b)`` starts both agents of every society
    at the Q-values of that joint policy (exact policy evaluation with the given
    exploration), so a run from there stays there exactly when it is a point attractor.
    Other keyword arguments are parameters of the ``sugar-spice`` world (exploration, …).
    ``df.attrs["runs"]`` holds one row per run (with ``encounters``, where it stopped); with
    ``trace=True``, ``df.attrs["trace"]`` holds every run's pair (16·a + b, or 2·a + b for
    memory 0) at every check, a run that stopped early keeping its last pair.

    Each run is one :class:`~npolitics.Experiment` run of the world with one society, which
    plays a whole check per tick (``rounds = check_every`` encounters, unless ``rounds`` is
    given; it must divide ``check_every``) and stops when its pair has settled (the world's
    ``settled`` metric). ``backend`` and ``compiled`` are the Experiment's.
    """
    for name, value in (
        ("runs", runs),
        ("window", window),
        ("check_every", check_every),
        ("max_encounters", max_encounters),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be an integer ≥ 1, got {value!r}")
    if min_encounters < 0:
        raise ValueError(f"min_encounters must be ≥ 0, got {min_encounters!r}")
    if initial is not None:
        if len(initial) != 2:
            raise ValueError(f"initial must be a pair (code_a, code_b), got {initial!r}")
        params["initial_a"] = check_code(initial[0], memory, name="initial code_a")
        params["initial_b"] = check_code(initial[1], memory, name="initial code_b")
    rounds = params.pop("rounds", check_every)
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise ValueError(f"rounds must be an integer ≥ 1, got {rounds!r}")
    if check_every % rounds:
        raise ValueError(f"rounds ({rounds}) must divide check_every ({check_every})")
    ticks = check_every // rounds
    checks = -(-max_encounters // check_every)
    values = {
        "experiment": "attractors",
        "memory": memory,
        "societies": 1,
        "rounds": rounds,
        "check_every": check_every,
        "settle_window": window,
        "min_encounters": min_encounters,
        "sample_every": ticks,
        **params,
    }
    experiment = npl.Experiment(
        sugar_spice,
        values,
        runs=runs,
        steps=checks * ticks,
        seed=seed,
        keep=("pair", "last_change", "payoff_total"),
        stop="settled >= 1",
        compiled=compiled,
    )
    frame = experiment.run(backend=backend, quiet=True).frame()
    # Before the first check: the pair of the initial Q-values, no payoff yet.
    p = Params(**values)
    start = codes_from_q(_initial_q(p, 2), memory)
    base = 16 if memory == 1 else 2
    first = float(start[0] * base + start[1])
    lag = -(-window // check_every)  # checks per window, rounded up
    rows, history = [], []
    for _run, one in frame.groupby("run", sort=True):
        pairs = np.concatenate(([first], one["pair"].to_numpy()))
        totals = np.concatenate(([0.0], one["payoff_total"].to_numpy()))
        done = (pairs.size - 1) * check_every
        last_change = int(one["last_change"].iloc[-1])
        span = min(lag, totals.size - 1) * check_every
        rows.append(
            {
                "policy_a": int(pairs[-1]) // base,
                "policy_b": int(pairs[-1]) % base,
                "settled": done - last_change >= window,
                "last_change": last_change,
                "mean_wellbeing": (totals[-1] - totals[-1 - span // check_every]) / (2 * span),
                "encounters": done,
            }
        )
        history.append(pairs.astype(np.int64))
    import pandas as pd  # slow to import: not for a world that is only built or refused

    per_run = pd.DataFrame(rows)
    out = (
        per_run.groupby(["policy_a", "policy_b", "settled"], as_index=False)
        .agg(
            count=("mean_wellbeing", "size"),
            mean_wellbeing=("mean_wellbeing", "mean"),
            mean_last_change=("last_change", "mean"),
        )
        .sort_values("count", ascending=False, kind="stable")
        .reset_index(drop=True)
    )
    out.attrs["runs"] = per_run
    out.attrs["encounters"] = int(per_run["encounters"].max())
    if trace:
        longest = max(h.size for h in history)
        out.attrs["trace"] = np.array(
            [np.pad(h, (0, longest - h.size), mode="edge") for h in history]
        ).T
    return out
