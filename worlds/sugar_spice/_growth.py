"""Experiment 2: a society that grows, one agent at a time, over several seeds.

One :class:`npolitics.Experiment` of the ``sugar-spice`` world (experiment=growth): each run
is one society growing from ``start_agents`` to ``agents``, its own seed; settings given as
lists are swept, and with common random numbers run r of every setting has the same seed, so
settings compare run by run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import npolitics as npl

from ._spec import Params, sugar_spice

if TYPE_CHECKING:
    import pandas as pd


def grow(
    runs: int = 10,
    seed: int = 0,
    *,
    steps: int | None = None,
    sample_every: int = 1000,
    backend: Any = "serial",
    compiled: bool | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Grow ``runs`` societies (one per seed) and return their samples.

    One row per run and sample time: ``run``, the swept parameters, ``t``, ``omega`` and the
    metrics ``agents`` (society size), ``mean_payoff`` (Ω/n: mean payoff per encounter of the
    active agents over about their last ``window`` encounters) and ``trade_share``. Keyword
    arguments are parameters of the ``sugar-spice`` world; a list sweeps it (e.g.
    ``memory=[0, 1]``), paired run by run (common random numbers). ``steps`` defaults to
    the time the last agent joins, plus one ``join_every``. ``backend`` and ``compiled`` are
    the Experiment's.
    """
    values = {"experiment": "growth", **params}
    if steps is None:
        fixed = {k: v for k, v in values.items() if not isinstance(v, list | range)}
        p = Params(**fixed)
        steps = (p.agents - p.start_agents + 1) * p.join_every
    experiment = npl.Experiment(
        sugar_spice,
        values,
        runs=runs,
        steps=steps,
        seed=seed,
        sample_every=sample_every,
        keep=("agents", "mean_payoff", "trade_share"),
        common_random_numbers=True,
        compiled=compiled,
    )
    return experiment.run(backend=backend, quiet=True).frame()
