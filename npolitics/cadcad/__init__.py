"""Run cadCAD models unchanged on the npolitics kernel.

A cadCAD model is a genesis state dict, partial state update blocks
(``{"policies": {name: f}, "variables": {name: f}}``) and a sim config from
:func:`config_sim`; :func:`run` returns the frame cadCAD 0.5 returns, row for row::

    from npolitics import cadcad
    df = cadcad.run(genesis_states, partial_state_update_blocks,
                    cadcad.config_sim({"N": 100, "T": range(120), "M": {"beta": [0.2, 0.4]}}),
                    seed=1)

A cadCAD script that builds an ``Experiment`` runs here by changing one import line,
``from npolitics.cadcad import Executor, ExecutionContext, ExecutionMode`` (or by calling
:func:`run_experiment`), and gets cadCAD's ``(raw_result, tensor_field, sessions)``.
``env_processes``, exogenous states, ``policy_ops``, ``additional_objs`` and cadCAD's
configuration helpers (:func:`env_trigger`, :func:`var_trigger`, :func:`psub_list`, …)
behave as in cadCAD 0.5.3.

What npolitics adds: reproducible runs (``seed``; each run's own stream through
:func:`rng`), clear errors for broken models, no deep copy of the state per substep, and
:func:`simulate` to run one (subset, run) anywhere.
"""

from ._config import Job as Job
from ._config import config_sim as config_sim
from ._config import jobs as jobs
from ._configuration import Configuration as Configuration
from ._configuration import Experiment as Experiment
from ._engine import CadcadRun as CadcadRun
from ._engine import CadcadRuns as CadcadRuns
from ._engine import SeededRuns as SeededRuns
from ._engine import simulate as simulate
from ._errors import CadcadWarning as CadcadWarning
from ._errors import ConfigError as ConfigError
from ._errors import ModelError as ModelError
from ._executor import ExecutionContext as ExecutionContext
from ._executor import ExecutionMode as ExecutionMode
from ._executor import Executor as Executor
from ._executor import run_experiment as run_experiment
from ._frame import frame as frame
from ._helpers import env_trigger as env_trigger
from ._helpers import psub_list as psub_list
from ._helpers import var_substep_trigger as var_substep_trigger
from ._helpers import var_trigger as var_trigger
from ._model import INDEX_COLUMNS as INDEX_COLUMNS
from ._model import Model as Model
from ._model import compile_model as compile_model
from ._random import rng as rng
from ._run import run as run

__all__ = [
    "INDEX_COLUMNS",
    "CadcadRun",
    "CadcadRuns",
    "CadcadWarning",
    "ConfigError",
    "Configuration",
    "ExecutionContext",
    "ExecutionMode",
    "Executor",
    "Experiment",
    "Job",
    "Model",
    "ModelError",
    "SeededRuns",
    "compile_model",
    "config_sim",
    "env_trigger",
    "frame",
    "jobs",
    "psub_list",
    "rng",
    "run",
    "run_experiment",
    "simulate",
    "var_substep_trigger",
    "var_trigger",
]
