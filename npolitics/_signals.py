"""Stop signals: SIGTERM stops npolitics the way Ctrl-C does, and workers die with their parent.

A command stopped by ``kill`` (SIGTERM: a service manager, a batch scheduler, a container
stop) must close what it started (process pools, Dask clusters) and keep the runs that
finished, exactly as Ctrl-C does. :func:`terminate_as_interrupt` makes SIGTERM act as
SIGINT and remembers which signal came, so the command can exit with 128 + its number.

Where the parent cannot clean up (``kill -9``), :func:`die_with_parent` makes a worker
process exit when its parent does, so no worker outlives the process that started it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

import attrs

# prctl(2) option: the signal a process receives when the thread that started it exits.
_PR_SET_PDEATHSIG = 1


@attrs.define
class StopSignals:
    """Which stop signal (if any) reached the process while :func:`terminate_as_interrupt`
    was in force."""

    received: int | None = None

    def exit_status(self) -> int:
        """The shell's status for a process stopped by the signal: 128 + its number
        (143 for SIGTERM, 130 for SIGINT, the default when none was recorded)."""
        return 128 + (signal.SIGINT if self.received is None else self.received)


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[StopSignals]:
    """Inside, SIGTERM does what Ctrl-C does: it raises KeyboardInterrupt (through whatever
    handles SIGINT now, so that trio delivers it safely in ``npolitics serve``).

    A second SIGTERM stops the process at once, for a cleanup that hangs. Outside the main
    thread (where handlers cannot be set) and where SIGTERM already has a handler, nothing
    changes.
    """
    stop = StopSignals()
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL
    ):
        yield stop
        return

    def on_terminate(signum: int, frame: FrameType | None) -> None:
        if stop.received is not None:  # asked twice: no more waiting for a clean stop
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        stop.received = signum
        interrupt = signal.getsignal(signal.SIGINT)
        if not callable(interrupt):  # SIGINT ignored or default: interrupt all the same
            raise KeyboardInterrupt
        interrupt(signal.SIGINT, frame)  # Python's raises; trio's delivers it to its task

    signal.signal(signal.SIGTERM, on_terminate)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def die_with_parent(parent: int) -> None:
    """In a worker process: exit when process ``parent`` (which started it) exits.

    On Linux the kernel sends SIGKILL to the worker when the parent's starting thread
    ends (prctl PR_SET_PDEATHSIG); if the parent is already gone, the worker exits now.
    Elsewhere this does nothing.
    """
    if not sys.platform.startswith("linux"):  # pragma: no cover - Linux only
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl in this libc
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
