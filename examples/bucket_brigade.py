"""What one step means under each activation: a bucket passed down a line of people.

``people`` stand in a line and the first holds a bucket. At every tick, whoever holds the
bucket (unless last in line) passes it to the next person, with delay 0. Nothing else
happens, and nothing is random, so every difference below comes from the clock alone:

- ``activation="sequential", order="fixed"``: person 0 acts and passes the bucket; person 1
  has it before being activated, and passes it on in the same tick, and so on: the bucket
  reaches the end of the line in the first tick.
- ``activation="simultaneous"``: everyone acts on the state at the start of the tick, and
  the bucket arrives after all have acted: it moves one place per tick, whatever the order.
- ``activation="sequential", order="shuffled"``: the bucket moves on for as long as the
  next person in line happens to be activated after the one who passed it.

Run it to see where the bucket is after each tick::

    python examples/bucket_brigade.py
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

import npolitics as npl

LINE = "line"

Activation = Literal["sequential", "simultaneous"]
Order = Literal["fixed", "shuffled"]


# --8<-- [start:brigade]
@attrs.frozen
class Bucket:
    """The bucket, handed over."""


class Person(npl.Agent):
    """One person in the line: ψ = whether it holds the bucket, and who is next."""

    next_in_line: npl.Address | None
    holds: bool = False

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        """Holding the bucket, pass it to the next person in line (if any)."""
        if self.holds and self.next_in_line is not None:
            self.holds = False
            ctx.send(self.next_in_line, "take", Bucket())

    @npl.channel
    def take(self, m: Bucket, ctx: npl.Context) -> None:
        """The bucket arrives."""
        self.holds = True


def brigade(
    people: int = 5,
    *,
    activation: Activation = "sequential",
    order: Order = "fixed",
    seed: int = 1,
) -> npl.World:
    """A line of ``people``, the first holding the bucket, ticked by one clock."""
    world = npl.World("bucket-brigade", seed=seed)
    line = [npl.Address(LINE, i + 1) for i in range(people - 1)]
    world.add(LINE, [Person(nxt, holds=i == 0) for i, nxt in enumerate([*line, None])])
    world.clock(LINE, "tick", activation=activation, order=order)
    world.metric("bucket", where)
    return world


def where(world: npl.World) -> int:
    """The place in line of the person holding the bucket."""
    return next(i for i, person in enumerate(world[LINE]) if person.holds)


# --8<-- [end:brigade]


def trail(ticks: int = 4, **clock: Any) -> list[int]:
    """Where the bucket is after each of the first ``ticks`` ticks of one run."""
    return [int(x) for x in brigade(**clock).run(steps=ticks).frame()["bucket"]]


if __name__ == "__main__":
    print("Where the bucket is after ticks 1, 2, 3 and 4 (5 people; person 0 starts with it)")
    for activation in ("sequential", "simultaneous"):
        for order in ("fixed", "shuffled"):
            trails = [trail(activation=activation, order=order, seed=s) for s in (1, 2, 3)]
            print(f"  activation={activation:<13} order={order:<9} seeds 1, 2, 3:", *trails)
