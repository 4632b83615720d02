"""Serving the dashboard on trio with hypercorn, bound to the loopback interface."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import trio

from .._registry import WorldSpec
from ._app import create_app


def serve(
    worlds: Mapping[str, WorldSpec[Any]] | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    started: Any = None,
) -> None:
    """Serve the dashboard at http://host:port until interrupted (Ctrl-C).

    ``started(url)`` is called once the server listens (the CLI prints the address).
    """
    try:
        from hypercorn.config import Config
        from hypercorn.trio import serve as hypercorn_serve
    except ImportError as exc:
        raise ImportError("the dashboard needs its server: pip install 'npolitics[serve]'") from exc
    config = Config()
    config.bind = [f"{host}:{port}"]
    config.accesslog = None
    config.errorlog = None
    app = create_app(worlds)

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            await nursery.start(_listen, hypercorn_serve, app, config)
            if started is not None:
                started(f"http://{host}:{port}/")

    trio.run(main)


async def _listen(
    hypercorn_serve: Any, app: Any, config: Any, *, task_status: Any = trio.TASK_STATUS_IGNORED
) -> None:
    await hypercorn_serve(app, config, task_status=task_status)
