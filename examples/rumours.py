"""Rumours spreading through a random network, as scalar agents and as a population.

Each person who first hears the rumour tells each of their friends a tick later, each with
probability ``p_pass``; W(ψ) is 1 for a person who has heard it. Both versions are the same
model in the channel formalism; run this file to see them side by side.

    python examples/rumours.py
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

import npolitics as npl


@attrs.frozen
class Rumour:
    """The rumour, as told by ``source`` (an index in the crowd)."""

    source: int


class Gossip(npl.Agent):
    """One person: ψ = whether they have heard, and who their friends are."""

    friends: tuple[int, ...]
    p_pass: float = 0.5
    heard: bool = False

    @npl.channel
    def hear(self, m: Rumour, ctx: npl.Context) -> None:
        """Hearing it for the first time, tell each friend with probability p_pass."""
        if self.heard:
            return
        self.heard = True
        for friend in self.friends:
            if ctx.rng.random() < self.p_pass:
                ctx.send(npl.Address(ctx.me.group, friend), "hear", Rumour(ctx.me.index), delay=1)

    def wellbeing(self) -> float:
        return 1.0 if self.heard else 0.0


class Crowd(npl.Population):
    """The same people as arrays: ``friends[i]`` lists person i's friends."""

    friends: npt.NDArray[np.int64] = attrs.field(factory=lambda: np.zeros((0, 0), np.int64))
    p_pass: float = 0.5
    heard: npt.NDArray[np.bool_] = npl.column(bool, False)

    @npl.channel
    def hear(self, batch: npl.Batch[Rumour], ctx: npl.Context) -> None:
        """Everyone who hears it for the first time passes it on, all at once."""
        to = batch.to
        first = np.zeros(to.size, bool)
        # Two tellers reaching one person in the same instant: only the first one counts.
        _, first_row = np.unique(to, return_index=True)
        first[first_row] = True
        new = to[first & ~self.heard[to]]
        self.heard[new] = True
        # Row-major order: teller by teller, friend by friend, as the scalar version draws.
        told = ctx.rng.random((new.size, self.friends.shape[1])) < self.p_pass
        tellers, slot = np.nonzero(told)
        if tellers.size:
            source = new[tellers]
            targets = self.friends[source, slot]
            ctx.send(ctx.me.group, "hear", npl.Batch(Rumour, targets, source=source), delay=1)

    def wellbeing(self) -> npt.NDArray[np.float64]:
        return self.heard.astype(float)


def network(people: int, degree: int, seed: int) -> npt.NDArray[np.int64]:
    """Each person's ``degree`` friends, drawn at random (a directed random graph)."""
    rng = np.random.default_rng(seed)
    return rng.integers(people, size=(people, degree))


def scalar_world(people: int = 1000, degree: int = 4, seed: int = 1) -> npl.World:
    """The rumour world with one Gossip agent per person."""
    friends = network(people, degree, seed)
    world = npl.World("rumours", seed=seed, sample_every=1)
    world.add("crowd", [Gossip(friends=tuple(f.tolist())) for f in friends])
    world.metric("informed", lambda w: w.omega().total / people)
    world.send(npl.Address("crowd", 0), "hear", Rumour(source=-1))
    return world


def population_world(people: int = 1000, degree: int = 4, seed: int = 1) -> npl.World:
    """The rumour world with one Crowd population."""
    world = npl.World("rumours", seed=seed, sample_every=1)
    world.add("crowd", Crowd(n=people, friends=network(people, degree, seed)))
    world.metric("informed", lambda w: w.omega().total / people)
    world.send("crowd", "hear", npl.Batch(Rumour, [0], source=-1))
    return world


if __name__ == "__main__":
    for build in (scalar_world, population_world):
        res = build().run(steps=30)
        print(build.__doc__)
        print(res.frame().iloc[::5].to_string(index=False))
