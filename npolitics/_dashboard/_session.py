"""One run watched from the dashboard: its world, its samples so far, and its controls.

A session drives ``world.run_async`` and reads ``world.observe()``; pausing cancels the run
between instants (the world stays consistent), starting again continues it. Tabs never
touch the run: they read the samples list, so a slow or closed tab cannot slow or stop it.
"""

from __future__ import annotations

import json
import math
from typing import Any

import anyio
import attrs
import pandas as pd

from .._errors import ArgumentError
from .._registry import WorldSpec
from .._world import World


def sample_bytes(steps: int, columns: int) -> float:
    """About what ``steps`` samples of ``columns`` numbers take, kept as the session keeps
    them (a dict per sample, listed), for the dashboard's memory check of its runs."""
    return steps * (120 + 40 * columns)


@attrs.define(eq=False)
class Session:
    """A run of ``spec`` with ``params`` and ``seed``, ``steps`` sample intervals long, of
    ``world`` (built from them by the app, in a worker thread; ``need`` is its memory estimate
    in bytes).
    """

    id: str
    name: str
    spec: WorldSpec[Any]
    params: dict[str, Any]
    seed: int
    steps: int
    world: World
    need: float = 0.0
    samples: list[dict[str, float | None]] = attrs.field(init=False, factory=list)
    status: str = attrs.field(init=False, default="ready")  # ready running paused done failed
    error: str | None = attrs.field(init=False, default=None)
    speed: float | None = attrs.field(init=False, default=None)  # sample intervals per second
    _changed: anyio.Event = attrs.field(init=False, factory=anyio.Event)
    _scope: anyio.CancelScope | None = attrs.field(init=False, default=None)
    _view: tuple[int, Any] | None = attrs.field(init=False, default=None)

    # -- what tabs read ------------------------------------------------------------------

    @property
    def changed(self) -> anyio.Event:
        """Set at the next change of samples or status (a fresh event after each change)."""
        return self._changed

    def summary(self) -> dict[str, Any]:
        """What the runs list shows."""
        return {
            "id": self.id,
            "world": self.name,
            "params": {k: _shown(v) for k, v in self.params.items()},
            "seed": self.seed,
            "steps": self.steps,
            "status": self.status,
            "error": self.error,
            "speed": self.speed,
            "sample_count": len(self.samples),
            "now": _json_number(self.world.now),
            "columns": ["t", "omega", *self.world.metrics],
        }

    def view(self) -> Any:
        """The world's declared view of its state now (cached per instant)."""
        instants = self.world.statistics().instants
        if self._view is None or self._view[0] != instants:
            try:
                self._view = (instants, self.world.render_view())
            except Exception as exc:  # a broken view must not take the page down
                self._view = (instants, {"kind": "error", "message": f"view failed: {exc}"})
        return self._view[1]

    def frame(self) -> pd.DataFrame:
        """The samples so far, as the run's results frame."""
        return pd.DataFrame(self.samples, columns=["t", "omega", *self.world.metrics])

    # -- controls --------------------------------------------------------------------------

    def start(self, tg: anyio.abc.TaskGroup) -> None:
        """Run (or continue) to the end of the run, paced at ``speed``."""
        if self.status in ("ready", "paused"):
            tg.start_soon(self._advance, self.end())

    def step(self, tg: anyio.abc.TaskGroup) -> None:
        """Run to the next sample time only."""
        if self.status in ("ready", "paused"):
            tg.start_soon(self._advance, self._sample_time(len(self.samples)))

    def pause(self) -> None:
        """Stop between instants; ``start`` continues from there."""
        if self._scope is not None:
            self._scope.cancel()

    def cost(self) -> float:
        """About the memory this run holds: its world's estimate and its samples."""
        return self.need + sample_bytes(self.steps, 2 + len(self.world.metrics))

    def reset(self, world: World) -> None:
        """Back to ``world``, freshly built from the same parameters and seed."""
        self.pause()
        self.world = world
        self.samples = []
        self.status, self.error, self._view = "ready", None, None
        self._notify()

    def set_speed(self, speed: float | None, tg: anyio.abc.TaskGroup) -> None:
        """Pace at ``speed`` sample intervals per second (None: as fast as possible)."""
        if speed is not None and not (speed > 0 and math.isfinite(speed)):
            raise ArgumentError(
                f"speed must be a number > 0 (sample intervals per second), got {speed}"
            )
        self.speed = speed
        if self.status == "running":
            self.pause()
            tg.start_soon(self._restart_when_paused)
        self._notify()

    # -- running -----------------------------------------------------------------------

    def _sample_time(self, k: int) -> float:
        return float(self.world._sample_start + k * self.world._sample_every)

    def end(self) -> float:
        """The time of the run's last sample: where ``start`` stops."""
        return self._sample_time(self.steps - 1)

    async def _restart_when_paused(self) -> None:
        while self.status == "running":
            await self._changed.wait()
        if self.status == "paused":
            await self._advance(self.end())

    async def _advance(self, until: float) -> None:
        # The world and samples list of this run, kept: a reset while it winds down gives
        # the session new ones, which this task must leave alone.
        world, kept = self.world, self.samples
        if world.now is not None and until <= world.now:
            self.status = "done"
            self._notify()
            return
        realtime = None if self.speed is None else self.speed / world._sample_every
        failure: BaseException | None = None
        with anyio.CancelScope() as scope:
            self._scope = scope
            self.status = "running"
            self._notify()
            try:
                async with anyio.create_task_group() as tg, world.observe(256) as samples:
                    tg.start_soon(self._drive, world, until, realtime)
                    async for obs in samples:
                        row: dict[str, float | None] = {
                            "t": obs.t,
                            "omega": _json_number(obs.omega),
                        }
                        row.update({k: _json_number(v) for k, v in obs.metrics.items()})
                        kept.append(row)
                        self._notify()
            except Exception as exc:  # shown on the page; the server carries on
                failure = _first(exc)
            finally:
                if self._scope is scope:
                    self._scope = None
        if self.world is not world:  # reset meanwhile: the session is another run now
            return
        if failure is not None:
            self._fail(failure)
        elif scope.cancelled_caught:
            self.status = "paused"
        elif world.now is not None and world.now >= self.end():
            self.status = "done"
        else:
            self.status = "paused"
        self._notify()

    async def _drive(self, world: World, until: float, realtime: float | None) -> None:
        await world.run_async(until=until, realtime=realtime)

    def _fail(self, exc: BaseException) -> None:
        self.status = "failed"
        self.error = f"{type(exc).__name__}: {exc}"
        self._notify()

    def _notify(self) -> None:
        event, self._changed = self._changed, anyio.Event()
        event.set()


def _first(exc: BaseException) -> BaseException:
    """The first error inside (possibly nested) exception groups."""
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc


def _shown(value: Any) -> Any:
    """A parameter's value for JSON: as is if JSON has it, else as text (``inf``, a repr)."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return str(value) if isinstance(value, float) else repr(value)
    return value


def _json_number(value: Any) -> float | None:
    """A float for JSON: NaN and infinities become None (JSON has no such numbers)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
