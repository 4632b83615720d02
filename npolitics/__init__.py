"""npolitics: a laboratory for numerical politics.

Agents own named channels and answer messages with policies P(a | m, ψ); a scheduler delivers
the messages; collective wellbeing Ω = Σ W(ψ) tells how well a society does.
"""

from ._agent import Agent as Agent
from ._agent import Population as Population
from ._agent import column as column
from ._backends import BackendError as BackendError
from ._backends import WorkerLostError as WorkerLostError
from ._channel import Channel as Channel
from ._channel import channel as channel
from ._channel import channels as channels
from ._columns import wellbeing as wellbeing
from ._compiled import jit as jit
from ._compiled import send as send
from ._context import Context as Context
from ._errors import ArgumentError as ArgumentError
from ._errors import CostError as CostError
from ._errors import DefinitionError as DefinitionError
from ._errors import DelayError as DelayError
from ._errors import HandlerError as HandlerError
from ._errors import InvariantError as InvariantError
from ._errors import MessageTypeError as MessageTypeError
from ._errors import NpoliticsError as NpoliticsError
from ._errors import ParameterError as ParameterError
from ._errors import StalledError as StalledError
from ._errors import StopConditionError as StopConditionError
from ._errors import UnknownAgentError as UnknownAgentError
from ._errors import UnknownChannelError as UnknownChannelError
from ._errors import UnknownKeyError as UnknownKeyError
from ._errors import WellbeingError as WellbeingError
from ._errors import WorldStateError as WorldStateError
from ._experiment import Experiment as Experiment
from ._experiment import ExperimentInterrupted as ExperimentInterrupted
from ._grid import Grid as Grid
from ._limits import Limits as Limits
from ._message import Address as Address
from ._message import Batch as Batch
from ._message import Tick as Tick
from ._network import Network as Network
from ._params import Parameter as Parameter
from ._params import ParamInfo as ParamInfo
from ._params import param as param
from ._policy import Bernoulli as Bernoulli
from ._policy import Categorical as Categorical
from ._policy import Deterministic as Deterministic
from ._policy import Distribution as Distribution
from ._policy import PolicyTable as PolicyTable
from ._policy import categorical as categorical
from ._registry import UnknownWorldError as UnknownWorldError
from ._registry import WorldSpec as WorldSpec
from ._registry import load_world as load_world
from ._registry import world as world
from ._registry import world_names as world_names
from ._results import Results as Results
from ._results_file import ResultsFileError as ResultsFileError
from ._runtime import Observation as Observation
from ._stop import Threshold as Threshold
from ._sums import pairwise_sum as pairwise_sum
from ._sweep_results import ExperimentResults as ExperimentResults
from ._sweep_results import load_results as load_results
from ._view import BarsView as BarsView
from ._view import MatrixView as MatrixView
from ._view import PointsView as PointsView
from ._wellbeing import Omega as Omega
from ._world import Snapshot as Snapshot
from ._world import World as World
from ._world import WorldStatistics as WorldStatistics

__version__ = "0.1.0.dev0"

__all__ = [
    "Address",
    "Agent",
    "ArgumentError",
    "BackendError",
    "BarsView",
    "Batch",
    "Bernoulli",
    "Categorical",
    "Channel",
    "Context",
    "CostError",
    "DefinitionError",
    "DelayError",
    "Deterministic",
    "Distribution",
    "Experiment",
    "ExperimentInterrupted",
    "ExperimentResults",
    "Grid",
    "HandlerError",
    "InvariantError",
    "Limits",
    "MatrixView",
    "MessageTypeError",
    "Network",
    "NpoliticsError",
    "Observation",
    "Omega",
    "ParamInfo",
    "Parameter",
    "ParameterError",
    "PointsView",
    "PolicyTable",
    "Population",
    "Results",
    "ResultsFileError",
    "Snapshot",
    "StalledError",
    "StopConditionError",
    "Threshold",
    "Tick",
    "UnknownAgentError",
    "UnknownChannelError",
    "UnknownKeyError",
    "UnknownWorldError",
    "WellbeingError",
    "WorkerLostError",
    "World",
    "WorldSpec",
    "WorldStateError",
    "WorldStatistics",
    "categorical",
    "channel",
    "channels",
    "column",
    "jit",
    "load_results",
    "load_world",
    "pairwise_sum",
    "param",
    "send",
    "wellbeing",
    "world",
    "world_names",
]


def _publish() -> None:
    """Public classes pickle and print as ``npolitics.Name``, whichever private module
    defines them, so moving a module never breaks a saved snapshot or error."""
    for name in __all__:
        obj = globals()[name]
        if isinstance(obj, type) and obj.__module__.startswith(f"{__name__}._"):
            obj.__module__ = __name__


_publish()
