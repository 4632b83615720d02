"""Experiment 1: where do two-agent societies of Q-learners settle?

Every run is one two-agent society; all runs are one population of the ``sugar-spice``
world (experiment=attractors), so they advance together, one encounter per society per
tick. Every ``check_every`` encounters we read each agent's greedy policy code; a society
has *settled* once its pair of codes has not changed for ``window`` encounters. The runs
stop when every society has settled or after ``max_encounters``.

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

from ._codes import check_code
from ._spec import sugar_spice

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
    implementation: str = "numpy",
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
    ``df.attrs["runs"]`` holds one row per run; with ``trace=True``, ``df.attrs["trace"]``
    holds every run's pair (16·a + b, or 2·a + b for memory 0) at every check.

    ``implementation="compiled"`` runs the traders' numba kernels with one tick covering a
    whole check (``rounds = check_every`` encounters per society per tick, unless ``rounds``
    is given; it must divide ``check_every``): the same statistics, about 20 × faster at a
    hundred societies (see the docs' *Speed*). Needs numba (``pip install 'npolitics[fast]'``).
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
    rounds = params.pop("rounds", check_every if implementation == "compiled" else 1)
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise ValueError(f"rounds must be an integer ≥ 1, got {rounds!r}")
    if check_every % rounds:
        raise ValueError(f"rounds ({rounds}) must divide check_every ({check_every})")
    ticks = check_every // rounds
    world = sugar_spice(
        seed=seed,
        experiment="attractors",
        memory=memory,
        societies=runs,
        sample_every=ticks,
        implementation=implementation,
        rounds=rounds,
        **params,
    )
    traders = world["traders"]
    base = 16 if memory == 1 else 2
    lag = -(-window // check_every)  # checks per window, rounded up
    totals: list[np.ndarray[Any, Any]] = [traders.payoff_total.reshape(-1, 2).sum(axis=1)]
    pairs = _pairs(traders, base)
    last_change = np.zeros(runs, np.int64)
    history = [pairs] if trace else []
    t = 0
    while t < max_encounters:
        world.run(steps=ticks, rollback=False)
        t += check_every
        now = _pairs(traders, base)
        last_change[now != pairs] = t
        pairs = now
        totals.append(traders.payoff_total.reshape(-1, 2).sum(axis=1))
        del totals[: max(0, len(totals) - lag - 1)]
        if trace:
            history.append(pairs)
        if t >= min_encounters and np.all(t - last_change >= window):
            break
    span = (len(totals) - 1) * check_every
    import pandas as pd  # slow to import: not for a world that is only built or refused

    per_run = pd.DataFrame(
        {
            "policy_a": pairs // base,
            "policy_b": pairs % base,
            "settled": t - last_change >= window,
            "last_change": last_change,
            "mean_wellbeing": (totals[-1] - totals[0]) / (2 * span),
        }
    )
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
    out.attrs["encounters"] = t
    if trace:
        out.attrs["trace"] = np.array(history)
    return out


def _pairs(traders: Any, base: int) -> np.ndarray[Any, np.dtype[np.int64]]:
    codes = traders.codes().reshape(-1, 2)
    return np.asarray(codes[:, 0] * base + codes[:, 1], np.int64)
