"""What the dashboard lets one request, one run and all its runs cost.

The dashboard is a server left open in a browser tab: whatever a request asks, it must stay
quick to answer and small. Its own limits, each an environment variable (read when the app
is created) or an option of :func:`~npolitics._dashboard.create_app` and ``serve``:

- ``NPOLITICS_DASHBOARD_MAX_BODY``: bytes of one request's body (``64K``); default 64 KiB.
- ``NPOLITICS_DASHBOARD_MAX_RUNS``: runs the dashboard holds at once; default 32.
- ``NPOLITICS_DASHBOARD_MAX_AGENTS``: agents in one run's world; default 10⁶.
- ``NPOLITICS_DASHBOARD_MAX_SAMPLES``: samples (``steps``) of one run; default 10⁵.

The memory of a run's world, of its samples and of the instants its clocks tick are the
command line's limits (:class:`npolitics.Limits`, ``NPOLITICS_MAX_*``), checked by the same
functions, so the dashboard refuses a run with the line ``npolitics run`` would print.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable

import attrs

from .._errors import ArgumentError
from .._limits import format_bytes, format_count, parse_bytes

BODY = "NPOLITICS_DASHBOARD_MAX_BODY"
RUNS = "NPOLITICS_DASHBOARD_MAX_RUNS"
AGENTS = "NPOLITICS_DASHBOARD_MAX_AGENTS"
SAMPLES = "NPOLITICS_DASHBOARD_MAX_SAMPLES"


def _positive(name: str) -> Callable[[object, attrs.Attribute[int], int], None]:
    """A validator: the ``name`` limit is an integer ≥ 1."""

    def check(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ArgumentError(
                f"the dashboard's {name} limit must be an integer ≥ 1, got {value!r}"
            )

    return check


@attrs.frozen
class DashboardLimits:
    """The dashboard's own limits: ``body`` bytes per request, ``runs`` held at once,
    ``agents`` and ``samples`` per run. :meth:`current` reads them from the environment."""

    body: int = attrs.field(default=64 * 2**10, validator=_positive("body"))
    runs: int = attrs.field(default=32, validator=_positive("runs"))
    agents: int = attrs.field(default=10**6, validator=_positive("agents"))
    samples: int = attrs.field(default=10**5, validator=_positive("samples"))

    @classmethod
    def current(cls) -> DashboardLimits:
        """The limits set by the ``NPOLITICS_DASHBOARD_MAX_*`` variables, or their defaults;
        a malformed value is an ArgumentError naming the variable."""
        defaults = cls()
        return cls(
            body=_read(BODY, defaults.body, units=True),
            runs=_read(RUNS, defaults.runs, units=False),
            agents=_read(AGENTS, defaults.agents, units=False),
            samples=_read(SAMPLES, defaults.samples, units=False),
        )

    def body_message(self, size: int | None = None) -> str:
        """Why a body of ``size`` bytes (None: not said in advance, found out while reading)
        is refused."""
        what = "the request body" if size is None else f"the request body of {format_bytes(size)}"
        return (
            f"{what} is more than the dashboard's limit of {format_bytes(self.body)}; "
            f"set {BODY} to allow more"
        )

    def runs_message(self) -> str:
        """Why one more run is refused."""
        return (
            f"the dashboard holds {self.runs} runs, its limit; delete one first, or set "
            f"{RUNS} to allow more"
        )

    def agents_message(self, world: str, agents: int) -> str:
        """Why a world of ``agents`` agents is refused."""
        return (
            f"world {world!r} with these parameters has {format_count(agents)} agents, more "
            f"than the dashboard's limit of {format_count(self.agents)} per run; make it "
            f"smaller, run it with `npolitics run`, or set {AGENTS} to allow it"
        )

    def samples_message(self, steps: int) -> str:
        """Why a run of ``steps`` samples is refused."""
        return (
            f"steps={format_count(steps)} is more than the dashboard's limit of "
            f"{format_count(self.samples)} samples per run; ask for fewer, or set "
            f"{SAMPLES} to allow more"
        )


def _read(name: str, default: int, *, units: bool) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = parse_bytes(text) if units else float(text)
        if not (math.isfinite(value) and value >= 1 and (units or value == int(value))):
            raise ValueError(text)
    except (ArgumentError, ValueError, OverflowError) as exc:
        kind = "a finite size like 64K or 1M" if units else "a whole number ≥ 1"
        raise ArgumentError(f"{name} must be {kind}, got {text!r}") from exc
    return int(value)
