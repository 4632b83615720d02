"""Whether the traders' compiled kernels can run, known without importing numba (half a
second): a world that is refused or runs in numpy never pays for it."""

from __future__ import annotations

import importlib.util

AVAILABLE = importlib.util.find_spec("numba") is not None
"""Whether numba is installed, so ``implementation="compiled"`` can run."""

HINT = "implementation='compiled' needs numba: pip install 'npolitics[fast]' (or pip install numba)"
