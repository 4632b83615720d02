"""ROSCA: a rotating savings and credit association of agents (registered as ``rosca``).

Members send ``Contribution`` messages to the circle's pot each month; the pot pays the
month's recipient a ``Payout``; some members default, some follow the crowd, some cheat.
"""

from ._member import STRATEGIES as STRATEGIES
from ._member import Member as Member
from ._messages import Contribution as Contribution
from ._messages import Ledger as Ledger
from ._messages import Payout as Payout
from ._messages import Settle as Settle
from ._messages import Steal as Steal
from ._pot import ALLOCATIONS as ALLOCATIONS
from ._pot import Pot as Pot
from ._world import Params as Params
from ._world import money_conserved as money_conserved
from ._world import rosca as rosca
from ._world import strategies as strategies

__all__ = [
    "ALLOCATIONS",
    "STRATEGIES",
    "Contribution",
    "Ledger",
    "Member",
    "Params",
    "Payout",
    "Pot",
    "Settle",
    "Steal",
    "money_conserved",
    "rosca",
    "strategies",
]
