"""Simulation configurations in cadCAD's form, and the jobs they expand to.

``config_sim`` returns what cadCAD 0.5's ``config_sim`` returns (one dict, or one dict per
swept parameter set), so configurations written for cadCAD work unchanged. ``jobs`` expands
a configuration into one :class:`Job` per (subset, run), numbered exactly as cadCAD's
``Experiment.append_model`` numbers them.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence, Sized
from typing import Any

import attrs

from ._errors import ConfigError

SimConfig = Mapping[str, Any] | Sequence[Mapping[str, Any]]

MAX_ROWS = 10**8
"""The most output rows one simulation may make. Each row is a dict of the state (about
200 bytes and up), so this is already tens of gigabytes: a larger ``N`` or ``T`` is a typo
(``T=range(10**12)``), refused before anything is allocated."""


def config_sim(config: Mapping[str, Any]) -> dict[str, Any] | list[dict[str, Any]]:
    """cadCAD's ``config_sim``: ``{"N": runs, "T": range(T), "M": {param: [values]}}``.

    Without ``"M"`` the result is one configuration whose parameters are ``[{}]`` (cadCAD
    passes that list to the model functions as ``params``). With ``"M"`` whose values are all
    lists, the lists are swept together (not as a product): lists of length 1 are repeated,
    and every other list must have one common length n, giving n configurations (subsets).
    With ``"M"`` whose values are all non-lists, one configuration gets ``M`` itself.

    Departures from cadCAD, for inputs on which cadCAD crashes or misreads: mixing lists
    with non-list values, and empty lists, are refused with a :class:`ConfigError`;
    ``"M": {}`` means no parameters.
    """
    if not isinstance(config, Mapping):
        raise ConfigError(
            f"a sim config is a dict with 'N', 'T' and optionally 'M', got {config!r}"
        )
    if "N" not in config:
        raise ConfigError(
            "the sim config needs 'N', the number of Monte Carlo runs (an integer ≥ 1)"
        )
    runs = config["N"]
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise ConfigError(f"'N' is the number of Monte Carlo runs, an integer ≥ 1; got {runs!r}")
    _check_size(runs, 1)
    if "T" not in config:
        raise ConfigError("the sim config needs 'T', the timesteps, e.g. range(100)")
    _timesteps(config["T"])
    if "M" not in config:
        return {**config, "M": [{}]}
    sweep = config["M"]
    if not isinstance(sweep, Mapping):
        raise ConfigError(f"'M' maps each parameter to a list of values, got {sweep!r}")
    if not sweep:
        return {**config, "M": {}}
    lists = {name: value for name, value in sweep.items() if type(value) is list}
    if not lists:
        return dict(config)
    if len(lists) != len(sweep):
        fixed = ", ".join(repr(name) for name in sweep if name not in lists)
        raise ConfigError(
            f"'M' mixes swept lists with fixed values ({fixed}); wrap each fixed value in a "
            "one-element list, e.g. {'beta': [0.4]}"
        )
    lengths = {name: len(values) for name, values in lists.items()}
    if 0 in lengths.values():
        empty = ", ".join(repr(name) for name, n in lengths.items() if n == 0)
        raise ConfigError(f"'M' sweeps no value for {empty}: give each parameter ≥ 1 value")
    longer = set(lengths.values()) - {1}
    if len(longer) > 1:
        described = ", ".join(f"{name!r}: {n}" for name, n in lengths.items())
        raise ConfigError(
            "'M' sweeps its lists together, so every list must have one common length "
            f"(or length 1, a fixed value); got lengths {described}"
        )
    width = longer.pop() if longer else 1
    return [
        {
            **config,
            "M": {name: values[i if len(values) > 1 else 0] for name, values in lists.items()},
        }
        for i in range(width)
    ]


@attrs.frozen
class Job:
    """One (subset, run) of a simulation: what one Monte Carlo run needs, picklable.

    ``simulation``, ``subset`` and ``run`` are the values of cadCAD's output columns (``run``
    counts from 1); ``params`` is what the model functions receive as ``params``;
    ``timesteps`` are the timestep numbers (cadCAD's ``T`` shifted by one).
    """

    simulation: int
    subset: int
    run: int
    params: Any = attrs.field(eq=False)
    timesteps: tuple[int, ...]


def jobs(sim_config: SimConfig, *, simulation: int = 0) -> list[Job]:
    """Every (subset, run) of ``sim_config`` in cadCAD's output order: subset, then run.

    Runs count from 1 within each subset, except when the first configuration has N = 1,
    where cadCAD numbers runs consecutively across subsets (1, 2, 3, … one per subset).
    Parameters are deep-copied once, as cadCAD does; the runs of one subset share them.
    """
    if isinstance(sim_config, Mapping):
        configs = [sim_config]
    elif isinstance(sim_config, Sequence) and not isinstance(sim_config, str):
        configs = list(sim_config)
    else:
        configs = []
    if not configs or not all(isinstance(c, Mapping) for c in configs):
        raise ConfigError(
            "sim_config must be what config_sim returns: a dict, or a non-empty list of dicts"
        )
    configs = copy.deepcopy(configs)
    for index, config in enumerate(configs):
        for key in ("N", "T", "M"):
            if key not in config:
                raise ConfigError(
                    f"sim config {index} has no {key!r}; "
                    "build it with config_sim({'N': …, 'T': …})"
                )
        runs = config["N"]
        if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
            raise ConfigError(f"sim config {index}: 'N' must be an integer ≥ 1, got {runs!r}")
    _check_size(sum(config["N"] for config in configs), 1)
    steps = [_timesteps(config["T"]) for config in configs]
    _check_size(sum(c["N"] * (len(t) + 1) for c, t in zip(configs, steps, strict=True)), 1)
    consecutive = configs[0]["N"] == 1
    out: list[Job] = []
    for subset, (config, timesteps) in enumerate(zip(configs, steps, strict=True)):
        for n in range(config["N"]):
            run = len(out) if consecutive else n
            out.append(Job(simulation, subset, run + 1, config["M"], timesteps))
    return out


def check_rows(runs: int, timesteps: int, blocks: int) -> None:
    """Refuse a simulation of more than :data:`MAX_ROWS` rows, before anything is allocated."""
    _check_size(runs, timesteps * blocks + 1)


def _check_size(runs: int, rows_per_run: int) -> None:
    if runs * rows_per_run > MAX_ROWS:
        raise ConfigError(
            f"this simulation would make {runs} runs × {rows_per_run} rows each, more than "
            f"the {MAX_ROWS:.0e} rows npolitics.cadcad makes at most (each row is a dict "
            "of the state held in memory); check 'N' and 'T'"
        )


def timestep_numbers(steps: Any) -> tuple[int, ...]:
    """cadCAD's ``T`` as the timestep numbers it gives (each shifted by one), checked."""
    return _timesteps(steps)


def _timesteps(steps: Any) -> tuple[int, ...]:
    if isinstance(steps, Sized) and len(steps) > MAX_ROWS:
        _check_size(1, len(steps))
    try:
        values = tuple(itertools.islice(steps, MAX_ROWS + 1))
    except TypeError:
        raise ConfigError(
            f"'T' must be an iterable of integers, e.g. range(100); got {steps!r}"
        ) from None
    if not all(isinstance(t, int) and not isinstance(t, bool) for t in values):
        raise ConfigError(f"'T' must hold integers, e.g. range(100); got {steps!r}")
    _check_size(1, len(values))
    return tuple(t + 1 for t in values)
