"""The knowledge office: workers who need facts research, forget, ask colleagues and share a
database (the knowledge-office notebook of the seed documents).

``knowledge_office`` is the registered world spec (``npolitics run knowledge-office``).
"""

from ._database import Database as Database
from ._floor import Floor as Floor
from ._office import Office as Office
from ._params import VARIANTS as VARIANTS
from ._params import Alone as Alone
from ._params import Answer as Answer
from ._params import Ask as Ask
from ._params import Find as Find
from ._params import Leave as Leave
from ._params import Params as Params
from ._params import Query as Query
from ._params import Write as Write
from ._world import knowledge_office as knowledge_office

__all__ = [
    "VARIANTS",
    "Alone",
    "Answer",
    "Ask",
    "Database",
    "Find",
    "Floor",
    "Leave",
    "Office",
    "Params",
    "Query",
    "Write",
    "knowledge_office",
]
