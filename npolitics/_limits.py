"""Limits on what a run or an experiment may cost, checked before anything is allocated.

A run costs memory (its groups' state, and the samples it records), instants (a run that
would need 10¹⁵ of them never ends) and, in an experiment, worker processes. Each is
estimated from the parameters and options alone, before a world is built or a process
started, and compared with a limit; beyond it the user gets a :class:`CostError` saying what
it would cost and which environment variable raises the limit on purpose. The environment is
the one place the limits live, so worker processes (which inherit it) apply the same ones:

- ``NPOLITICS_MAX_MEMORY``: bytes (``512M``, ``8G``, ``2.5e9``; ``inf`` for none); default
  half of this machine's physical memory.
- ``NPOLITICS_MAX_INSTANTS``: instants one run may take; default 10¹².
- ``NPOLITICS_MAX_WORKERS``: processes or Dask workers one experiment may start; default
  four per free core.
"""

from __future__ import annotations

import math
import os
import re

import attrs

from ._backends import free_cores
from ._errors import ArgumentError, CostError

MEMORY = "NPOLITICS_MAX_MEMORY"
INSTANTS = "NPOLITICS_MAX_INSTANTS"
WORKERS = "NPOLITICS_MAX_WORKERS"

#: Instants one run may take unless ``NPOLITICS_MAX_INSTANTS`` says otherwise: at a
#: microsecond each (a fast world), 10¹² instants are eleven days.
DEFAULT_INSTANTS = 10**12

#: What one run's record costs the experiment besides its samples: arrays, dict, objects.
RUN_OVERHEAD = 2048

_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40, "P": 2**50}


def physical_memory() -> int:
    """This machine's physical memory in bytes (16 GiB where the OS does not say)."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        return 16 * 2**30


@attrs.frozen
class Limits:
    """The limits in force: ``memory`` in bytes, ``instants`` per run, ``workers`` per
    experiment (``math.inf``: none). :meth:`current` reads them from the environment."""

    memory: float
    instants: float
    workers: float

    @classmethod
    def current(cls) -> Limits:
        """The limits set by ``NPOLITICS_MAX_MEMORY``, ``NPOLITICS_MAX_INSTANTS`` and
        ``NPOLITICS_MAX_WORKERS``, or their defaults; a malformed value is an ArgumentError."""
        return cls(
            memory=_read(MEMORY, physical_memory() // 2, units=True),
            instants=_read(INSTANTS, DEFAULT_INSTANTS, units=False),
            workers=_read(WORKERS, 4 * free_cores(), units=False),
        )

    def check_memory(self, need: float, what: str) -> None:
        """Refuse ``what`` if it needs more than :attr:`memory` bytes."""
        if need > self.memory and math.isinf(_float(need)):
            raise CostError(
                f"{what} would need unbounded memory; make it finite (the limit is "
                f"{format_bytes(self.memory)}, {MEMORY})"
            )
        if need > self.memory:
            raise CostError(
                f"{what} would need about {format_bytes(need)} of memory, more than the limit "
                f"of {format_bytes(self.memory)}; make it smaller, or set {MEMORY} "
                f"(e.g. {MEMORY}={_suggest_bytes(need)}) to allow it"
            )

    def check_instants(self, need: float, what: str) -> None:
        """Refuse ``what`` if it takes more than :attr:`instants` instants."""
        if need > self.instants:
            raise CostError(
                f"{what} would take about {format_count(need)} instants, more than the limit of "
                f"{format_count(self.instants)}; shorten the horizon or lengthen the period, or "
                f"set {INSTANTS} to allow it"
            )

    def check_workers(self, workers: int, what: str) -> None:
        """Refuse starting ``workers`` worker processes if that is more than :attr:`workers`."""
        if workers > self.workers:
            raise CostError(
                f"{what} would start {format_count(workers)} worker processes, more than the "
                f"limit of {format_count(self.workers)} (four per free core, by default); "
                f"ask for fewer, or set {WORKERS} to allow it"
            )


def parse_bytes(text: str) -> float:
    """``"512M"`` → 536870912: a number of bytes with an optional binary unit (K, M, G, T, P;
    ``B``/``iB`` allowed after it); ``inf`` means no limit."""
    match = re.fullmatch(r"\s*([0-9.eE+]+|inf)\s*([KMGTP]?)(i?B)?\s*", text, re.IGNORECASE)
    value = None
    if match:
        try:
            value = float(match[1]) * _UNITS[match[2].upper()]
        except ValueError:
            value = None
    if value is None or math.isnan(value) or value <= 0:
        raise ArgumentError(
            f"a memory size is a number > 0 of bytes with an optional unit, like 512M, 8G or "
            f"2.5e9 (inf: no limit), got {text!r}"
        )
    return value


def _read(name: str, default: float, *, units: bool) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        if units:
            return parse_bytes(text)
        value = float(text)
        if math.isnan(value) or value < 1:
            raise ValueError(text)
    except (ArgumentError, ValueError) as exc:
        kind = "a size like 512M or 8G (inf: no limit)" if units else "a number ≥ 1 (inf: none)"
        raise ArgumentError(f"{name} must be {kind}, got {text!r}") from exc
    return value


def _float(n: float) -> float:
    """``n`` as a float (an int beyond any float is infinite)."""
    try:
        return float(n)
    except OverflowError:
        return math.inf


def format_bytes(n: float) -> str:
    """``7.5 GiB``: bytes in the largest binary unit that keeps the number ≥ 1."""
    n = _float(n)
    if math.isinf(n):
        return "unlimited"
    for unit in ("PiB", "TiB", "GiB", "MiB", "KiB"):
        scale = _UNITS[unit[0]]
        if n >= scale:
            return f"{n / scale:.3g} {unit}" if n / scale < 1e6 else f"{n:.3g} bytes"
    return f"{n:.0f} bytes"


def format_count(n: float) -> str:
    """A count as people read it: ``65536``, or ``3e+300`` when long."""
    n = _float(n)
    if math.isinf(n):
        return "unlimited"
    return f"{int(n)}" if n < 1e9 else f"{n:.3g}"


def _suggest_bytes(need: float) -> str:
    """A value of ``NPOLITICS_MAX_MEMORY`` that would allow ``need`` bytes."""
    gib = need / 2**30
    if gib < 1:
        return f"{math.ceil(need / 2**20)}M"
    return f"{math.ceil(gib)}G" if gib < 1e6 else "inf"


def results_bytes(runs: float, samples: float, columns: int) -> float:
    """What ``runs`` runs of ``samples`` samples of ``columns`` float columns take in memory."""
    return runs * (samples * columns * 8 + RUN_OVERHEAD)
