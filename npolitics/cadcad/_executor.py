"""cadCAD's ``Executor``, ``ExecutionContext`` and ``ExecutionMode``, run by npolitics.

A cadCAD script builds an ``Experiment`` (``append_model`` once per model) and hands its
``configs`` to ``Executor(ExecutionContext(...), configs).execute()``, which returns
``(raw_result, tensor_field, sessions)``. Changing the import of those three names to
``npolitics.cadcad`` runs the same configurations here and returns the same triple:
``raw_result`` the rows of cadCAD's frame, one dict per row; ``tensor_field`` one table of
the blocks per configuration; ``sessions`` one record per configuration.

A configuration is read for what it holds (``sim_config``, ``initial_state``,
``partial_state_update_blocks``, ``policy_ops``, ``env_processes``, ``exogenous_states``
and the ids), so cadCAD's own ``Configuration`` objects work, as does anything shaped like
them. cadCAD makes one configuration per (model, subset, run); the configurations of one
``append_model`` call (one ``simulation_id``) share the model, compiled here once.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd

from ._config import Job, check_rows, timestep_numbers
from ._engine import collector_paused
from ._errors import ConfigError
from ._model import Model, compile_model
from ._run import deepcopy_option, rows_of

RawResult = list[dict[str, Any]]


class ExecutionMode:
    """cadCAD's execution modes. Every mode runs on ``ExecutionContext``'s ``backend``
    (serial unless told), except ``distributed``, cadCAD's Spark mode, which is refused."""

    local_mode = "local_proc"
    multi_mode = "multi_proc"
    distributed = "dist_proc"
    single_mode = "single_proc"
    single_proc = "single_proc"
    multi_proc = "multi_proc"


_MODES = frozenset({"local_proc", "multi_proc", "single_proc"})


@attrs.define
class ExecutionContext:
    """How to execute: cadCAD's arguments, then npolitics' own, keyword only.

    ``context`` is an :class:`ExecutionMode`; ``method`` (cadCAD's Spark executor) is not
    supported; ``additional_objs`` is passed to the model functions as cadCAD passes it.
    ``seed``, ``deepcopy``, ``legacy_random``, ``backend`` and ``workers`` are those of
    :func:`npolitics.cadcad.run`.
    """

    context: str = ExecutionMode.local_mode
    method: Any = None
    additional_objs: Any = None
    seed: int | np.random.SeedSequence | None = attrs.field(default=0, kw_only=True)
    deepcopy: bool = attrs.field(default=False, kw_only=True)
    legacy_random: bool = attrs.field(default=True, kw_only=True)
    backend: Any = attrs.field(default="serial", kw_only=True)
    workers: int | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.context == ExecutionMode.distributed or self.method is not None:
            raise ConfigError(
                "ExecutionMode.distributed (cadCAD's Spark executor, and its method=) is not "
                "supported; give ExecutionContext(backend='dask') or a scheduler address"
            )
        if self.context not in _MODES:
            raise ConfigError(
                f"unknown execution mode {self.context!r}; use one of ExecutionMode's: "
                f"{', '.join(sorted(_MODES))}"
            )

    @property
    def name(self) -> str:
        """The mode, as cadCAD's ``ExecutionContext.name``."""
        return self.context


@attrs.define
class Executor:
    """cadCAD's ``Executor``: ``Executor(context, configs).execute()`` → the triple.

    ``sc`` (a Spark context) must be None; ``supress_print`` is accepted and nothing is
    printed either way; ``empty_return`` returns ``([], [], [])`` as cadCAD does.
    """

    exec_context: ExecutionContext
    configs: Any
    sc: Any = None
    empty_return: bool = False
    supress_print: bool = False

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.exec_context, ExecutionContext):
            raise ConfigError(
                "npolitics.cadcad.Executor needs npolitics.cadcad.ExecutionContext, got "
                f"{self.exec_context!r}; import ExecutionContext from npolitics.cadcad too"
            )
        if self.sc is not None:
            raise ConfigError("sc (a Spark context) is not supported; see ExecutionContext")

    def execute(self) -> tuple[RawResult, list[pd.DataFrame], list[dict[str, Any]]]:
        """Run every configuration; return ``(raw_result, tensor_field, sessions)``."""
        if self.empty_return:
            return [], [], []
        context = self.exec_context
        return run_experiment(
            self.configs,
            seed=context.seed,
            deepcopy=context.deepcopy,
            legacy_random=context.legacy_random,
            additional_objs=context.additional_objs,
            backend=context.backend,
            workers=context.workers,
            _single=context.context == ExecutionMode.single_mode,
        )


def run_experiment(
    experiment: Any,
    *,
    seed: int | np.random.SeedSequence | None = 0,
    deepcopy: bool = False,
    legacy_random: bool = True,
    additional_objs: Any = None,
    backend: Any = "serial",
    workers: int | None = None,
    _single: bool | None = None,
) -> tuple[RawResult, list[pd.DataFrame], list[dict[str, Any]]]:
    """Run a cadCAD ``Experiment`` (or its ``configs``); return cadCAD's triple.

    ``pd.DataFrame(raw_result)`` is the frame cadCAD gives: every model's runs, in the order
    of ``append_model``, with cadCAD's ``simulation``, ``subset`` and ``run`` numbers. The
    keyword arguments are those of :func:`npolitics.cadcad.run`.
    """
    configs = list(getattr(experiment, "configs", experiment))
    if not configs:
        raise ConfigError("the experiment has no configurations: call append_model first")
    deepcopy, additional_objs = deepcopy_option(deepcopy, additional_objs)
    groups = _by_model(configs)
    models = [_model(group[0], additional_objs) for group in groups]
    todo = [[_job(config) for config in group] for group in groups]
    for model, jobs in zip(models, todo, strict=True):
        check_rows(len(jobs), max(len(job.timesteps) for job in jobs), len(model.blocks))
    raw: RawResult = []
    with collector_paused():
        for model, jobs in zip(models, todo, strict=True):
            runs, _ = rows_of(
                model, jobs, seed, deepcopy, legacy_random, backend=backend, workers=workers
            )
            for rows in runs:
                raw += rows
    single = len(configs) == 1 if _single is None else _single or len(configs) == 1
    return raw, [_tensor_field(config) for config in configs], _sessions(configs, single)


def _by_model(configs: Sequence[Any]) -> list[list[Any]]:
    """Consecutive configurations of one ``append_model`` call (one ``simulation_id``)."""
    groups: list[list[Any]] = []
    for config in configs:
        for attribute in ("sim_config", "initial_state", "partial_state_update_blocks"):
            if not hasattr(config, attribute):
                raise ConfigError(
                    f"{config!r} is not a cadCAD configuration (it has no {attribute!r}); "
                    "give run_experiment an Experiment or its configs"
                )
        if groups and groups[-1][0].simulation_id == config.simulation_id:
            groups[-1].append(config)
        else:
            groups.append([config])
    return groups


def _model(config: Any, additional_objs: Any) -> Model:
    exogenous = dict(getattr(config, "exogenous_states", {}) or {})
    return compile_model(
        config.initial_state,
        config.partial_state_update_blocks,
        _policy_ops(getattr(config, "policy_ops", None)),
        env_processes=getattr(config, "env_processes", None) or None,
        exogenous_states=exogenous or None,
        additional_objs=additional_objs,
    )


def _policy_ops(ops: Any) -> Sequence[Callable[..., Any]] | None:
    """None (addition) for cadCAD's default ``[lambda a, b: a + b]``, else the operators.

    The default is recognised by where its code was written, cadCAD's configuration module;
    it adds as ``operator.add`` does, which the engine uses directly.
    """
    if ops is None:
        return None
    ops = list(ops)
    operators: list[Callable[..., Any]] = ops
    if len(ops) == 1 and ops[0] is not operator.add:
        code = getattr(ops[0], "__code__", None)
        if (
            code is not None
            and code.co_name == "<lambda>"
            and code.co_filename.replace("\\", "/").endswith("cadCAD/configuration/__init__.py")
        ):
            return None
    return operators


def _job(config: Any) -> Job:
    """One configuration is one run of cadCAD (its ``run_id`` counts from 0)."""
    sim_config = config.sim_config
    if not isinstance(sim_config, Mapping) or "T" not in sim_config or "M" not in sim_config:
        raise ConfigError(f"configuration {config!r} has no sim_config with 'T' and 'M'")
    return Job(
        int(config.simulation_id),
        int(config.subset_id),
        int(config.run_id) + 1,
        sim_config["M"],
        timestep_numbers(sim_config["T"]),
    )


def _sessions(configs: Sequence[Any], single: bool) -> list[dict[str, Any]]:
    """cadCAD's session records. Executing in its own process, cadCAD pushes each run's
    subset onto the shared ``subset_window``; so does this, for the single-process modes."""
    sessions = [
        {
            "user_id": getattr(c, "user_id", "cadCAD_user"),
            "experiment_id": getattr(c, "experiment_id", 0),
            "session_id": getattr(c, "session_id", 0),
            "simulation_id": c.simulation_id,
            "run_id": c.run_id,
            "subset_id": c.subset_id,
            "subset_window": getattr(c, "subset_window", None),
        }
        for c in configs
    ]
    if single:
        for c in configs:
            window = getattr(c, "subset_window", None)
            if window is not None:
                window.appendleft(c.subset_id)
    return sessions


def _identity_policy(params: Any, substep: int, history: Any, state: Any, *extra: Any) -> Any:
    """cadCAD's identity policy, in the tensor field where a block lacks a policy."""
    return {"identity": 0}


def _identity_update(name: str) -> Callable[..., tuple[str, Any]]:
    def identity(params: Any, substep: int, history: Any, state: Any, signals: Any) -> Any:
        return name, state[name]

    identity.__qualname__ = f"identity[{name!r}]"
    return identity


def _tensor_field(config: Any) -> pd.DataFrame:
    """cadCAD's table of the blocks: a row per block, a column per policy and per variable
    (a block's missing ones filled with identities), ``es1``… for exogenous states, ``m``."""
    blocks = config.partial_state_update_blocks
    listed = list(blocks.values()) if isinstance(blocks, Mapping) else list(blocks)
    parts = []
    for key, legacy, identity in (
        ("policies", "behaviors", lambda name: _identity_policy),
        ("variables", "states", _identity_update),
    ):
        cells = [dict(block.get(key, block.get(legacy, {}))) for block in listed]
        columns = list(dict.fromkeys(name for row in cells for name in row))
        if not cells or not columns:
            parts.append(pd.DataFrame({"empty": []}))
            continue
        filled = {name: [row.get(name, identity(name)) for row in cells] for name in columns}
        parts.append(pd.DataFrame(filled))
    table = pd.concat(parts, axis=1)
    for i, f in enumerate(dict(getattr(config, "exogenous_states", {}) or {}).values(), 1):
        table[f"es{i}"] = f
    table["m"] = table.index + 1
    return table
