"""Serving the dashboard on trio with hypercorn, bound to the loopback interface by default."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Mapping
from typing import Any

import trio

from .._registry import WorldSpec
from ._app import create_app
from ._guard import is_wildcard
from ._limits import DashboardLimits


def serve(
    worlds: Mapping[str, WorldSpec[Any]] | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    started: Any = None,
    limits: DashboardLimits | None = None,
) -> None:
    """Serve the dashboard at http://host:port until interrupted (Ctrl-C).

    ``started(url)`` is called once the server listens (the CLI prints the address).
    The dashboard answers requests naming loopback or ``host``; binding another host than
    loopback lets other machines reach it (the command line warns). ``limits`` bound what a
    request and a run may cost (default: ``NPOLITICS_DASHBOARD_MAX_*``, see
    :class:`DashboardLimits`).
    """
    try:
        from hypercorn.config import Config
        from hypercorn.trio import serve as hypercorn_serve
    except ImportError as exc:
        raise ImportError("the dashboard needs its server: pip install 'npolitics[serve]'") from exc
    config = Config()
    config.bind = [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"]
    config.accesslog = None
    config.errorlog = None
    app = create_app(worlds, host=host, limits=limits)
    on_terminate = None
    if threading.current_thread() is threading.main_thread():
        handler = signal.getsignal(signal.SIGTERM)
        on_terminate = handler if callable(handler) else None

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            if on_terminate is not None:
                nursery.start_soon(_forward_terminate, on_terminate)
            await nursery.start(_listen, hypercorn_serve, app, config)
            if started is not None:
                started(address(host, port))

    trio.run(main)


async def _forward_terminate(handler: Callable[[int, Any], Any]) -> None:
    """Call the SIGTERM handler the caller had set (the command line's: stop as Ctrl-C does)
    from a task, where the KeyboardInterrupt it raises unwinds trio cleanly; called from the
    signal itself, it could land inside trio's run loop and abandon it mid-step."""
    with trio.open_signal_receiver(signal.SIGTERM) as signals:
        async for signum in signals:
            handler(signum, None)


def address(host: str, port: int) -> str:
    """The dashboard's address to open in a browser: bound to every interface (0.0.0.0,
    ::), it is the loopback one, as the dashboard answers at no wildcard address."""
    if is_wildcard(host):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


async def _listen(
    hypercorn_serve: Any, app: Any, config: Any, *, task_status: Any = trio.TASK_STATUS_IGNORED
) -> None:
    await hypercorn_serve(app, config, task_status=task_status)
