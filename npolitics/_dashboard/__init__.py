"""The live dashboard: watch a society evolve, change its parameters and compare runs.

``npolitics serve`` starts it; :func:`create_app` gives the ASGI app (for tests or other
servers) and :func:`serve` runs it on trio with hypercorn. Nothing is fetched from the
internet: the page, its script and its styles ship inside the package, and the charts'
plotly.js is the one bundled in the installed plotly package (the ``serve`` extra).
"""

from ._app import create_app as create_app
from ._guard import RefusedError as RefusedError
from ._limits import DashboardLimits as DashboardLimits
from ._server import serve as serve

__all__ = ["DashboardLimits", "RefusedError", "create_app", "serve"]
