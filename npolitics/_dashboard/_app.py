"""The dashboard's ASGI app: the page, the worlds' parameter specs, runs and their streams."""

from __future__ import annotations

import functools
import importlib.resources
import io
import itertools
import json
import math
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import aclosing, asynccontextmanager
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import anyio
import attrs
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .._errors import NpoliticsError
from .._limits import Limits
from .._registry import WorldSpec, load_world, world_names
from .._world import World
from ._guard import Guard, RefusedError
from ._limits import DashboardLimits
from ._session import Session

STATIC = Path(__file__).parent / "static"
FRAME_INTERVAL = 0.1  # seconds: at most ten frames a second per run, per tab
VIEW_INTERVAL = 0.25  # seconds between views of the society sent to one tab
HEARTBEAT = 1.0  # seconds: a quiet stream sends a comment, so a closed tab is noticed
PLOTLY_MISSING = "the charts need plotly (its bundled plotly.js): pip install 'npolitics[serve]'"


def create_app(
    worlds: Mapping[str, WorldSpec[Any]] | None = None,
    *,
    host: str = "127.0.0.1",
    limits: DashboardLimits | None = None,
) -> Guard:
    """The dashboard for ``worlds`` (by name; default: every registered world), an ASGI app.

    It answers only requests naming its address (loopback, or ``host`` it is bound to) and
    takes changes only from its own page, in JSON (see :mod:`._guard`). ``limits`` bound a
    request's body, the runs held and each run's agents and samples (default: from the
    environment, :meth:`DashboardLimits.current`); a run's memory and instants are checked
    against :class:`npolitics.Limits`, as the command line checks them.
    """
    limits = DashboardLimits.current() if limits is None else limits
    Limits.current()  # a malformed NPOLITICS_MAX_* is refused now, not at the first run
    specs: dict[str, WorldSpec[Any]] = dict(worlds) if worlds is not None else {}
    problems: dict[str, str] = {}
    if worlds is None:
        for name in world_names():
            try:
                specs[name] = load_world(name)
            except Exception as exc:  # one broken world must not hide the others
                problems[name] = f"{type(exc).__name__}: {exc}"
    sessions: dict[str, Session] = {}
    ids = itertools.count(1)
    state: dict[str, Any] = {}
    # One world is built at a time, in a worker thread: the event loop keeps serving the
    # page meanwhile, and many requests at once cannot build many big worlds at once.
    builds = anyio.CapacityLimiter(1)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with anyio.create_task_group() as tg:
            state["tg"] = tg
            yield
            tg.cancel_scope.cancel()

    def session(request: Request) -> Session:
        found = sessions.get(request.path_params["run"])
        if found is None:
            raise RefusedError(404, f"no run {request.path_params['run']!r}")
        return found

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html")

    async def plotly_js(request: Request) -> Response:
        found = _plotly_js()
        if found is None:
            raise RefusedError(501, PLOTLY_MISSING)
        if not isinstance(found, Path):  # plotly inside a zip archive
            return Response(found.read_bytes(), media_type="text/javascript")
        # Revalidated on each load (no-cache), so an upgraded plotly shows at once, and an
        # unchanged one is not sent again: its 4.8 MB are answered by a 304.
        headers = {"Cache-Control": "no-cache"}
        response = FileResponse(found, headers=headers, stat_result=found.stat())
        etag = response.headers["etag"]
        if etag in request.headers.get("if-none-match", "").replace("W/", "").split(", "):
            return Response(status_code=304, headers={"ETag": etag, **headers})
        return response

    async def list_worlds(request: Request) -> Response:
        return JSONResponse(
            {
                "worlds": [_describe(name, spec) for name, spec in sorted(specs.items())],
                "problems": problems,
            }
        )

    async def create_run(request: Request) -> Response:
        body = await _json_body(request, limits)
        name = body.get("world")
        spec = specs.get(name) if isinstance(name, str) else None
        if spec is None or not isinstance(name, str):
            raise RefusedError(
                400, f"unknown world {name!r}; choose one of {', '.join(sorted(specs))}"
            )
        params = _parse_params(spec, body.get("params") or {})
        seed = _integer(body.get("seed", 0), "seed", low=0)
        steps = _integer(body.get("steps", 200), "steps", low=1)
        if steps > limits.samples:
            raise RefusedError(400, limits.samples_message(steps))
        if len(sessions) >= limits.runs:
            raise RefusedError(429, limits.runs_message())
        # The world's memory, from its declared estimate, as the command line checks it
        # (and with the runs already held), before anything is built.
        try:
            need = spec.estimate(spec.validate(params)) or 0.0
            _check_together(sessions.values(), need, name)
        except NpoliticsError as exc:
            raise RefusedError(400, str(exc)) from exc
        world = await _build(spec, seed, params, builds)
        agents = _agents(world)
        if agents > limits.agents:
            raise RefusedError(400, limits.agents_message(name, agents))
        run = Session("", name, spec, params, seed, steps, world, need)  # its id once stored
        try:
            world._check_cost(run.end())  # its samples and instants, as the CLI checks them
            _check_together(sessions.values(), run.cost(), name)
        except NpoliticsError as exc:
            raise RefusedError(400, str(exc)) from exc
        if len(sessions) >= limits.runs:  # others were made while this one was built
            raise RefusedError(429, limits.runs_message())
        if not _jsonable(run.summary()):  # never store a run the runs list could not show
            raise RefusedError(400, f"the run's description is not JSON: {run.summary()!r}")
        run.id = str(next(ids))
        summary = run.summary()
        sessions[run.id] = run
        return JSONResponse(summary, status_code=201)

    async def list_runs(request: Request) -> Response:
        return JSONResponse({"runs": [s.summary() for s in sessions.values()]})

    async def control(request: Request) -> Response:
        run = session(request)
        action = request.path_params["action"]
        tg = state["tg"]
        if action == "start":
            run.start(tg)
        elif action == "pause":
            run.pause()
        elif action == "step":
            run.step(tg)
        elif action == "reset":
            run.pause()
            run.reset(await _build(run.spec, run.seed, run.params, builds))
        elif action == "speed":
            body = await _json_body(request, limits)
            speed = body.get("speed")
            try:
                if isinstance(speed, bool):
                    raise TypeError(f"speed must be a number, got {speed!r}")
                run.set_speed(None if speed in (None, "", 0) else float(speed), tg)
            except (TypeError, ValueError) as exc:
                raise RefusedError(400, str(exc)) from exc
        else:
            raise RefusedError(
                404, f"unknown action {action!r}; use start, pause, step, reset, speed"
            )
        return JSONResponse(run.summary())

    async def delete_run(request: Request) -> Response:
        run = session(request)
        run.pause()
        del sessions[run.id]
        return JSONResponse({"deleted": run.id})

    async def events(request: Request) -> Response:
        only = session(request).id if "run" in request.path_params else None
        return StreamingResponse(
            _frames(sessions, only),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store"},
        )

    async def download(request: Request) -> Response:
        run = session(request)
        fmt = request.path_params["fmt"]
        frame = run.frame()
        filename = f"{run.name}-run{run.id}.{fmt}"
        headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
        if fmt == "csv":
            return Response(frame.to_csv(index=False), media_type="text/csv", headers=headers)
        if fmt == "parquet":
            buffer = io.BytesIO()
            try:
                frame.to_parquet(buffer, index=False)
            except ImportError as exc:
                raise RefusedError(
                    501, "Parquet needs pyarrow: pip install 'npolitics[parquet]'"
                ) from exc
            return Response(
                buffer.getvalue(), media_type="application/octet-stream", headers=headers
            )
        raise RefusedError(404, f"results come as csv or parquet, not {fmt!r}")

    async def plot(request: Request) -> Response:
        run = session(request)
        fmt = request.path_params["fmt"]
        metric = request.query_params.get("metric", "omega")
        if fmt not in ("png", "svg"):
            raise RefusedError(404, f"plots come as png or svg, not {fmt!r}")
        frame = run.frame()
        if metric not in frame.columns:
            raise RefusedError(
                400, f"unknown metric {metric!r}; choose one of {', '.join(frame.columns[1:])}"
            )
        body = await anyio.to_thread.run_sync(_plot, frame, metric, f"{run.name} run {run.id}", fmt)
        media = "image/png" if fmt == "png" else "image/svg+xml"
        headers = {
            "Content-Disposition": f'attachment; filename="{run.name}-run{run.id}-{metric}.{fmt}"'
        }
        return Response(body, media_type=media, headers=headers)

    async def problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RefusedError)
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/vendor/plotly.min.js", plotly_js),
            Route("/api/worlds", list_worlds),
            Route("/api/runs", list_runs, methods=["GET"]),
            Route("/api/runs", create_run, methods=["POST"]),
            Route("/api/runs/{run}", delete_run, methods=["DELETE"]),
            Route("/api/events", events),
            Route("/api/runs/{run}/events", events),
            Route("/api/runs/{run}/results.{fmt}", download),
            Route("/api/runs/{run}/plot.{fmt}", plot),
            Route("/api/runs/{run}/{action}", control, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        lifespan=lifespan,
        exception_handlers={RefusedError: problem},
    )
    return Guard.around(app, [host], limits)


async def _frames(sessions: Mapping[str, Session], only: str | None = None) -> AsyncIterator[str]:
    """Server-sent events for one tab, about every run (or ``only`` one), at a bounded rate.

    The page takes one stream for all the runs: a browser opens at most six connections to a
    server over HTTP/1.1, and with a stream per run, six runs left none for the page's
    requests. A run's frame comes when it has news or is new to the tab; a removed run is
    announced as ``{"removed": id}`` (which ends a stream of that run only).
    """
    watched: dict[str, _Watch] = {}
    last_sent = anyio.current_time()
    while True:
        events = []
        for run_id in [run_id for run_id in watched if run_id not in sessions]:
            del watched[run_id]
            events.append(_event({"removed": run_id}))
        if only is not None and events:
            yield "".join(events)
            return
        now = anyio.current_time()
        for run in list(sessions.values()):
            if only is not None and run.id != only:
                continue
            payload = watched.setdefault(run.id, _Watch(run)).news(now)
            if payload is not None:
                events.append(_event(payload))
        if not events and now - last_sent >= HEARTBEAT:
            events.append(":\n\n")
        if events:
            last_sent = now
            yield "".join(events)
        await anyio.sleep(FRAME_INTERVAL)


@attrs.define
class _Watch:
    """What one tab has been sent of one run.

    Each frame says at which sample its samples start (``from``): after a reset (a new
    samples list) the run's samples start again at 0, and the tab drops what it had from
    there. The view of the society comes at most every ``VIEW_INTERVAL`` seconds, and only
    when the run has changed since the last one was sent.
    """

    run: Session
    samples: list[dict[str, float | None]] = attrs.field(init=False)
    cursor: int = 0
    summary: dict[str, Any] | None = None
    view_at: float = -math.inf
    view_stale: bool = True

    def __attrs_post_init__(self) -> None:
        self.samples = self.run.samples

    def news(self, now: float) -> dict[str, Any] | None:
        """The next frame for this run, or None if the tab has seen all there is."""
        if self.run.samples is not self.samples:
            self.samples, self.cursor = self.run.samples, 0
        fresh = self.samples[self.cursor :]
        summary = self.run.summary()
        changed = bool(fresh) or summary != self.summary
        self.view_stale = self.view_stale or changed
        view_due = self.view_stale and now - self.view_at >= VIEW_INTERVAL
        if not (changed or view_due):
            return None
        payload: dict[str, Any] = {"run": summary, "from": self.cursor, "samples": fresh}
        self.cursor += len(fresh)
        self.summary = summary
        if view_due:
            payload["view"] = self.run.view()
            self.view_at, self.view_stale = now, False
        return payload


def _event(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, allow_nan=False)}\n\n"


def _plotly_js() -> Traversable | None:
    """plotly.js as bundled by the installed plotly package (the ``serve`` extra), if any."""
    try:
        found = importlib.resources.files("plotly") / "package_data" / "plotly.min.js"
    except ModuleNotFoundError:
        return None
    return found if found.is_file() else None


def _describe(name: str, spec: WorldSpec[Any]) -> dict[str, Any]:
    return {
        "name": name,
        "description": spec.description,
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "default": p.default if _jsonable(p.default) else repr(p.default),
                "allowed": p.info.describe(),
                "choices": list(p.info.choices) if p.info.choices is not None else None,
                "help": p.info.help,
            }
            for p in spec.parameters()
        ],
    }


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def _parse_params(spec: WorldSpec[Any], raw: Any) -> dict[str, Any]:
    """Form values (text, as on the command line) converted by each parameter's type; ranges
    are checked when the session builds its world."""
    if not isinstance(raw, dict):
        raise RefusedError(400, "params must be an object of name: value")
    values: dict[str, Any] = {}
    try:
        for key, value in raw.items():
            param = spec.parameter(key)
            values[key] = param.parse(value) if isinstance(value, str) else value
    except NpoliticsError as exc:
        raise RefusedError(400, str(exc)) from exc
    return values


def _integer(value: Any, name: str, *, low: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise RefusedError(400, f"{name} must be an integer ≥ {low}, got {value!r}") from None
    if number < low or str(number) != str(value).strip():
        raise RefusedError(400, f"{name} must be an integer ≥ {low}, got {value!r}")
    return number


async def _json_body(request: Request, limits: DashboardLimits) -> dict[str, Any]:
    """The request's body, a JSON object of finite numbers, read up to the body limit.

    ``NaN``, ``Infinity`` and numbers beyond a float (``1e999``) are refused: JSON has no
    such numbers (Python's parser takes them), and a run holding one could not be listed.
    """
    chunks, size = [], 0
    async with aclosing(request.stream()) as stream:
        async for chunk in stream:
            size += len(chunk)
            if size > limits.body:  # a body sent without a length, or longer than it said
                raise RefusedError(413, limits.body_message())
            chunks.append(chunk)
    try:
        body = json.loads(b"".join(chunks), parse_constant=_no_constant, parse_float=_finite)
    except RefusedError:
        raise
    except (ValueError, RecursionError):
        raise RefusedError(400, "the request body must be JSON") from None
    if not isinstance(body, dict):
        raise RefusedError(400, "the request body must be a JSON object")
    return body


def _no_constant(name: str) -> Any:
    raise RefusedError(400, f"numbers must be finite: JSON has no {name}")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise RefusedError(400, f"numbers must be finite, got {text} (beyond a float)")
    return value


async def _build(
    spec: WorldSpec[Any], seed: int, params: dict[str, Any], builds: anyio.CapacityLimiter
) -> World:
    """``spec``'s world, built in a worker thread (one at a time), so that a big world does
    not stop the event loop; a refused parameter is a 400 with the CLI's message."""
    try:
        return await anyio.to_thread.run_sync(
            functools.partial(spec, seed=seed, **params), limiter=builds
        )
    except NpoliticsError as exc:
        raise RefusedError(400, str(exc)) from exc
    except MemoryError as exc:
        raise RefusedError(
            400, f"world {spec.name!r} does not fit in memory ({exc or 'MemoryError'})"
        ) from exc


def _agents(world: World) -> int:
    """How many agents ``world`` holds, in all its groups."""
    return sum(group.size for group in world._kernel.groups.values())


def _check_together(held: Iterable[Session], need: float, world: str) -> None:
    """Refuse (CostError) a new run of ``world`` needing ``need`` bytes if, with the runs the
    dashboard holds, that is more memory than ``NPOLITICS_MAX_MEMORY`` allows."""
    held = list(held)
    Limits.current().check_memory(
        need + sum(s.cost() for s in held),
        f"world {world!r} beside the dashboard's other runs ({len(held)})",
    )


def _plot(frame: Any, metric: str, title: str, fmt: str) -> bytes:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise RefusedError(501, "plots need matplotlib: pip install 'npolitics[plot]'") from exc
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(frame["t"], frame[metric])
    ax.set_xlabel("t")
    ax.set_ylabel(metric)
    ax.set_title(title)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()
