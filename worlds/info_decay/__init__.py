"""Information decay: exact continuous-time decay and churn of information, and the
knowledge agents who gather it alone or socially (registered as ``info-decay``)."""

from ._environment import Pool as Pool
from ._environment import Subjects as Subjects
from ._knowers import AsyncKnower as AsyncKnower
from ._knowers import Digest as Digest
from ._knowers import InstantDigest as InstantDigest
from ._knowers import Knower as Knower
from ._knowers import Walker as Walker
from ._sweep import plot_sweep as plot_sweep
from ._sweep import summarise as summarise
from ._sweep import sweep_modes as sweep_modes
from ._world import LEARNING as LEARNING
from ._world import MODES as MODES
from ._world import Params as Params
from ._world import info_decay as info_decay
from ._world import make_world as make_world

__all__ = [
    "LEARNING",
    "MODES",
    "AsyncKnower",
    "Digest",
    "InstantDigest",
    "Knower",
    "Params",
    "Pool",
    "Subjects",
    "Walker",
    "info_decay",
    "make_world",
    "plot_sweep",
    "summarise",
    "sweep_modes",
]
