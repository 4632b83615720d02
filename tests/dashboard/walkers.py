"""Small worlds for the dashboard's tests: random walkers, and walkers that trip."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

import npolitics as npl


@attrs.frozen
class WalkParams:
    walkers: int = npl.param(50, ge=1, help="number of walkers")
    step: float = npl.param(1.0, gt=0, help="step size")
    trip_at: int = npl.param(-1, ge=-1, help="tick at which a handler raises (-1: never)")


class Walkers(npl.Population):
    """Walkers on a line; W(ψ) = −|x| (they like home)."""

    step: float = 1.0
    trip_at: int = -1
    x: npt.NDArray[np.float64] = npl.column(float, 0.0)

    @npl.channel
    def tick(self, batch: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        if ctx.now == self.trip_at:
            raise RuntimeError("tripped")
        self.x[batch.to] += self.step * ctx.rng.standard_normal(batch.to.size)

    def wellbeing(self) -> npt.NDArray[np.float64]:
        return -np.abs(self.x)


@npl.world("walkers", params=WalkParams)
def walkers(p: WalkParams, world: npl.World) -> None:
    """Random walkers on a line, one tick at a time."""
    world.add("walkers", Walkers(n=p.walkers, step=p.step, trip_at=p.trip_at))
    world.clock("walkers", "tick")
    world.metric("spread", lambda w: float(np.std(w["walkers"].x)))
    world.view(
        lambda w: npl.PointsView(
            x=w["walkers"].x, y=np.arange(w["walkers"].n), title="walkers by position"
        )
    )
