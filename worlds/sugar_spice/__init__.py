"""Sugar and spice: Q-learning agents who trade or steal, their attractors, a growing society.

The world ``sugar-spice`` (seeds/001, version 1) and the experiments run on it, each an
:class:`npolitics.Experiment`: :func:`find_attractors` (experiment 1, two-agent societies)
and :func:`grow` (experiment 2, a growing society, over several seeds).
Policy codes, their exact fixed points and long-run payoffs are in the ``_codes`` helpers
re-exported here.
"""

from ._agents import Encounter as Encounter
from ._agents import Matchmaker as Matchmaker
from ._agents import Move as Move
from ._agents import Outcome as Outcome
from ._agents import Traders as Traders
from ._attractors import find_attractors as find_attractors
from ._codes import ALWAYS_STEAL as ALWAYS_STEAL
from ._codes import ALWAYS_TRADE as ALWAYS_TRADE
from ._codes import GRIM as GRIM
from ._codes import PAYOFF as PAYOFF
from ._codes import SEED_TABLE as SEED_TABLE
from ._codes import TIT_FOR_TAT as TIT_FOR_TAT
from ._codes import check_code as check_code
from ._codes import codes_from_q as codes_from_q
from ._codes import describe as describe
from ._codes import evaluate as evaluate
from ._codes import fixed_points as fixed_points
from ._codes import is_fixed_point as is_fixed_point
from ._codes import long_run_payoff as long_run_payoff
from ._codes import moves_of as moves_of
from ._growth import grow as grow
from ._spec import Params as Params
from ._spec import sugar_spice as sugar_spice

__all__ = [
    "ALWAYS_STEAL",
    "ALWAYS_TRADE",
    "GRIM",
    "PAYOFF",
    "SEED_TABLE",
    "TIT_FOR_TAT",
    "Encounter",
    "Matchmaker",
    "Move",
    "Outcome",
    "Params",
    "Traders",
    "check_code",
    "codes_from_q",
    "describe",
    "evaluate",
    "find_attractors",
    "fixed_points",
    "grow",
    "is_fixed_point",
    "long_run_payoff",
    "moves_of",
    "sugar_spice",
]
