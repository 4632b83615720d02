"""cadCAD's ``Experiment``, so a cadCAD script runs with no cadCAD installed at all.

``Experiment().append_model(...)`` records one :class:`Configuration` per (subset, run), with
the ids cadCAD 0.5.3 gives them (simulation, subset, run, session, model ids), and the
:class:`npolitics.cadcad.Executor` runs them. cadCAD's own ``Experiment`` works as well; this
one exists for scripts that import everything from ``npolitics.cadcad``.
"""

from __future__ import annotations

import collections
import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from ._config import check_rows, timestep_numbers
from ._errors import ConfigError


@attrs.define(eq=False)
class Configuration:
    """One run of one model, as cadCAD's ``Configuration`` holds it (the attributes the
    executor reads have cadCAD's names)."""

    sim_config: dict[str, Any]
    initial_state: dict[str, Any]
    partial_state_update_blocks: Any
    policy_ops: Sequence[Callable[..., Any]] | None
    env_processes: Mapping[str, Any]
    exogenous_states: Mapping[str, Any]
    user_id: str
    model_id: str
    session_id: str
    experiment_id: int
    simulation_id: int
    subset_id: int
    run_id: int
    subset_window: collections.deque[Any]


@attrs.define
class Experiment:
    """cadCAD's ``Experiment``: ``append_model`` once per model, then hand ``configs`` to
    :class:`npolitics.cadcad.Executor` (or :func:`npolitics.cadcad.run_experiment`).

    ``model_ids`` and ``model_job_counts`` are cadCAD's: one id per model, and its number of
    configurations (runs).
    """

    configs: list[Configuration] = attrs.field(factory=list, init=False)
    model_ids: list[str] = attrs.field(factory=list, init=False)
    model_job_counts: dict[str, int] = attrs.field(factory=dict, init=False)
    _subset_window: collections.deque[Any] = attrs.field(
        factory=lambda: collections.deque([0, None], 2), init=False, repr=False
    )

    def append_model(
        self,
        user_id: str = "cadCAD_user",
        model_id: str | None = None,
        sim_configs: Any = None,
        initial_state: Mapping[str, Any] | None = None,
        seeds: Mapping[str, Any] | None = None,
        raw_exogenous_states: Mapping[str, Any] | None = None,
        env_processes: Mapping[str, Any] | None = None,
        partial_state_update_blocks: Any = None,
        policy_ops: Sequence[Callable[..., Any]] | None = None,
        _exo_update_per_ts: bool = True,
        **kwargs: Any,
    ) -> None:
        """Add a model: one configuration per (subset, run) of ``sim_configs``.

        Runs count from 0 in each subset (``run`` is that plus 1), or across subsets when
        the first sim config has N = 1, as in cadCAD. ``raw_exogenous_states`` need
        ``_exo_update_per_ts=False`` (cadCAD 0.5.3 itself fails without it); non-empty
        ``seeds`` are refused (cadCAD 0.5 ignores them; give the executor a seed).
        """
        for name in kwargs:  # cadCAD 0.5.3 accepts and drops them (even its old names)
            raise ConfigError(
                f"append_model does not take {name!r} (cadCAD 0.5.3 ignores it); its "
                "arguments are sim_configs, initial_state, partial_state_update_blocks, "
                "policy_ops, env_processes, raw_exogenous_states, user_id and model_id"
            )
        if seeds:
            raise ConfigError(
                "cadCAD 0.5 stores 'seeds' but never uses them; give the executor a seed "
                "instead: ExecutionContext(seed=1)"
            )
        if raw_exogenous_states and _exo_update_per_ts:
            raise ConfigError(
                "raw_exogenous_states with _exo_update_per_ts=True (the default) are not "
                "supported: cadCAD 0.5.3 itself raises a TypeError there; pass "
                "_exo_update_per_ts=False to run them as updates in every block"
            )
        state, blocks = initial_state, partial_state_update_blocks
        if not state:
            raise ConfigError("append_model needs initial_state, the genesis state dict")
        if blocks is None:
            raise ConfigError("append_model needs partial_state_update_blocks")
        configs = _sim_configs(sim_configs)
        steps = max(len(timestep_numbers(config["T"])) for config in configs)
        check_rows(sum(config["N"] for config in configs), steps, 1)
        simulation = len(self.model_ids)
        model = self._model_id(model_id)
        consecutive = configs[0]["N"] == 1
        runs = 0
        for subset, sim_config in enumerate(configs):
            for n in range(sim_config["N"]):
                run = runs if consecutive else n
                runs += 1
                self.configs.append(
                    Configuration(
                        sim_config={
                            **sim_config,
                            "subset_id": subset,
                            "simulation_id": simulation,
                            "run_id": run,
                        },
                        initial_state=copy.deepcopy(dict(state)),
                        partial_state_update_blocks=blocks,
                        policy_ops=policy_ops,
                        env_processes=dict(env_processes or {}),
                        exogenous_states=dict(raw_exogenous_states or {}),
                        user_id=user_id,
                        model_id=model,
                        session_id=f"{user_id}={simulation}_{run}",
                        experiment_id=simulation,
                        simulation_id=simulation,
                        subset_id=subset,
                        run_id=run,
                        subset_window=self._subset_window,
                    )
                )
        self.model_ids.append(model)
        self.model_job_counts[model] = runs

    append_configs = append_model

    def _model_id(self, model_id: str | None) -> str:
        """cadCAD's model ids: the count so far, or the one given, made unique with "@n"."""
        count = len(self.model_ids)
        if model_id is None:
            name = str(count)
            return f"model@{count}" if name in self.model_ids else name
        name = str(model_id)
        return f"{name}@{count}" if name in self.model_ids else name


def _sim_configs(sim_configs: Any) -> list[dict[str, Any]]:
    """The sim configs as a list of dicts with N, T and M (what ``config_sim`` returns)."""
    configs = [sim_configs] if isinstance(sim_configs, Mapping) else sim_configs
    if not isinstance(configs, Sequence) or not configs:
        raise ConfigError(
            f"sim_configs must be what config_sim returns, a dict or a list of them; "
            f"got {sim_configs!r}"
        )
    out = []
    for index, config in enumerate(copy.deepcopy(list(configs))):
        if not isinstance(config, Mapping) or not {"N", "T", "M"} <= set(config):
            raise ConfigError(
                f"sim config {index} must have 'N', 'T' and 'M' (build it with config_sim)"
            )
        runs = config["N"]
        if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
            raise ConfigError(f"sim config {index}: 'N' must be an integer ≥ 1, got {runs!r}")
        out.append(dict(config))
    return out
