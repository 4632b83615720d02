"""The voter model on a network (as a population) and on a grid (as scalar agents).

Every voter holds opinion 0 or 1. At every tick each voter, with probability ``p_update``,
adopts the opinion of one of its neighbours, chosen at random; all voters act on the
opinions at the start of the tick (simultaneous activation). A voter's wellbeing W(ψ) is
the share of its neighbours who agree with it, so Ω grows as the society settles.

Theory: the expected opinion of a voter after a tick is its neighbours' mean opinion, so
the degree-weighted share of opinion 1 (Σ degree·opinion / Σ degree) is a martingale. On a
connected network the voters end in consensus, and opinion 1 wins with probability equal to
its initial degree-weighted share; on a grid, where all degrees are equal, its plain share.
``p_update < 1`` keeps two neighbours from swapping opinions for ever.

Many independent runs at once are one run on a network of disjoint copies (``copies``):
the population draws for all of them in one array. Run it to see both worlds, and the
winning share measured against theory::

    python examples/voter_model.py
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

import npolitics as npl

VOTERS = "voters"


# --8<-- [start:population]
class Voters(npl.Population):
    """Voters on a network, as arrays: ψ = each voter's opinion."""

    network: npl.Network
    p_update: float = 0.5
    opinion: npt.NDArray[np.int8] = npl.column(np.int8, 0)

    @npl.channel
    def tick(self, batch: npl.Batch[npl.Tick], ctx: npl.Context) -> None:
        """Some voters, each with probability p_update, copy a random neighbour's opinion."""
        updating = batch.to[ctx.rng.random(batch.to.size) < self.p_update]
        source = self.network.random_neighbours(ctx.rng, updating)
        heard = source >= 0  # a voter with no neighbours keeps its opinion
        # The right side is read before any voter changes: every voter copies an opinion
        # held at the start of the tick.
        self.opinion[updating[heard]] = self.opinion[source[heard]]

    def wellbeing(self) -> npt.NDArray[np.float64]:
        """W(ψ) = the share of a voter's neighbours who agree with it (1 with none)."""
        ones = self.network.gather(self.opinion, "mean", fill=1.0)
        return np.where(self.opinion == 1, ones, 1.0 - ones)


# --8<-- [end:population]


# --8<-- [start:agent]
@attrs.frozen
class Changed:
    """Voter ``sender`` now holds ``opinion``."""

    sender: int
    opinion: int


class Voter(npl.Agent):
    """One voter on a grid: ψ = its opinion, and its neighbours' opinions as last heard."""

    neighbours: tuple[int, ...]
    opinion: int
    theirs: list[int]
    p_update: float = 0.5

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        """With probability p_update, copy a random neighbour; tell them all of a change."""
        if not self.neighbours or ctx.random.random() >= self.p_update:
            return
        heard = self.theirs[ctx.random.randrange(len(self.neighbours))]
        if heard != self.opinion:
            self.opinion = heard
            for k in self.neighbours:
                ctx.send(npl.Address(VOTERS, k), "hear", Changed(ctx.me.index, heard))

    @npl.channel
    def hear(self, m: Changed, ctx: npl.Context) -> None:
        """A neighbour's new opinion."""
        self.theirs[self.neighbours.index(m.sender)] = m.opinion

    def wellbeing(self) -> float:
        """W(ψ) = the share of its neighbours who agree with it (1 with none)."""
        if not self.theirs:
            return 1.0
        return sum(o == self.opinion for o in self.theirs) / len(self.theirs)


# --8<-- [end:agent]


def copies(network: npl.Network, k: int) -> npl.Network:
    """``k`` disjoint copies of ``network``: copy c holds nodes ``c·n .. c·n + n-1``."""
    n, edges = network.n, network.edges()
    shifted = np.concatenate([edges + c * n for c in range(k)]) if k else edges[:0]
    return npl.Network.from_edges(shifted, n=k * n, directed=network.directed)


def wheel(n: int) -> npl.Network:
    """A hub (node 0) joined to each node of a ring 1 .. n-1: degrees n-1 and 3."""
    ring = [(i, i % (n - 1) + 1) for i in range(1, n)]
    spokes = [(0, i) for i in range(1, n)]
    return npl.Network.from_edges(ring + spokes, n=n)


def weighted_share(network: npl.Network, opinion: npt.ArrayLike) -> float:
    """Σ degree·opinion / Σ degree: opinion 1's chance to win, by the martingale."""
    degree = network.degree
    return float(np.dot(degree, np.asarray(opinion)) / degree.sum())


def undecided(opinion: npt.NDArray[np.integer], k: int) -> int:
    """How many of ``k`` equal copies (consecutive blocks of voters) still disagree."""
    blocks = np.asarray(opinion).reshape(k, -1)
    return int(np.count_nonzero(blocks.min(axis=1) != blocks.max(axis=1)))


# --8<-- [start:network-world]
def network_world(
    network: npl.Network,
    opinion: Sequence[int] | npt.ArrayLike,
    *,
    k: int = 1,
    p_update: float = 0.5,
    seed: int = 1,
) -> npl.World:
    """The voter model on ``k`` copies of ``network``, each starting from ``opinion`` (one
    0 or 1 per node); the run stops when every copy has reached consensus."""
    start = np.asarray(opinion, dtype=np.int8)
    if start.shape != (network.n,) or not set(start.tolist()) <= {0, 1}:
        raise ValueError(
            f"opinion must be {network.n} values (one per node), each 0 or 1; got {start!r}"
        )
    voters = Voters(
        n=k * network.n, network=copies(network, k), p_update=p_update, opinion=np.tile(start, k)
    )
    world = npl.World("voter-network", seed=seed)
    world.add(VOTERS, voters)
    world.clock(VOTERS, "tick")
    world.metric("share", lambda w: float(voters.opinion.mean()))
    world.metric("undecided", lambda w: undecided(voters.opinion, k))
    world.stop_when(lambda w: undecided(voters.opinion, k) == 0)
    return world


# --8<-- [end:network-world]


# --8<-- [start:grid-world]
def grid_world(
    width: int = 20,
    height: int = 20,
    *,
    share: float = 0.5,
    k: int = 1,
    p_update: float = 0.5,
    seed: int = 1,
) -> npl.World:
    """The voter model on ``k`` copies of a ``width × height`` torus, one voter per cell,
    each with its 8 Moore neighbours; a random ``share`` of each copy starts with opinion 1
    (the same voters in every copy). The run stops when every copy has reached consensus."""
    grid = npl.Grid(width, height, agents=width * height)
    voters = np.arange(width * height)
    grid.place(voters, voters)  # voter i stands on cell i
    world = npl.World("voter-grid", seed=seed)
    ones = world.rng.permutation(voters.size) < round(share * voters.size)
    people = []
    for c in range(k):
        offset = c * voters.size
        for i in voters:
            near = grid.neighbours(int(i))
            people.append(
                Voter(
                    neighbours=tuple((near + offset).tolist()),
                    opinion=int(ones[i]),
                    theirs=ones[near].astype(int).tolist(),
                    p_update=p_update,
                )
            )
    world.add(VOTERS, people)
    world.clock(VOTERS, "tick")

    def opinions(w: npl.World) -> npt.NDArray[np.int64]:
        return np.array([v.opinion for v in w[VOTERS]])

    world.metric("share", lambda w: float(opinions(w).mean()))
    world.metric("undecided", lambda w: undecided(opinions(w), k))
    world.stop_when(lambda w: undecided(opinions(w), k) == 0)
    return world


# --8<-- [end:grid-world]


def winners(world: npl.World, k: int) -> npt.NDArray[np.float64]:
    """After a run to consensus: 1 for each copy where opinion 1 won, else 0."""
    group = world[VOTERS]
    opinion = (
        group.opinion
        if isinstance(group, Voters)
        else np.array([v.opinion for v in group])  # scalar voters
    )
    return np.asarray(opinion, float).reshape(k, -1)[:, 0]


def against_theory(won: npt.NDArray[np.float64], theory: float) -> str:
    """The share of copies opinion 1 won, ± its standard error, and the distance from
    ``theory`` in standard errors (z)."""
    se = np.sqrt(theory * (1 - theory) / won.size)
    return (
        f"{won.mean():.3f} ± {se:.3f} (theory {theory:.3f}, z = {(won.mean() - theory) / se:+.1f})"
    )


if __name__ == "__main__":
    quick = "--quick" in sys.argv or bool(os.environ.get("NPOLITICS_QUICK"))
    k = 500 if quick else 4000
    hub = wheel(20)
    start = np.zeros(20, np.int8)
    start[0] = 1  # only the hub holds opinion 1: 1 voter in 20, but a quarter of all degree
    world = network_world(hub, start, k=k, seed=1)
    res = world.run(steps=10_000)
    print(f"Voter model on {k} wheels of 20 voters (a population of {k * 20}), hub alone for 1:")
    print(res.frame().iloc[[0, 1, 2, 5, 10, -1]].to_string(index=False))
    print(f"  opinion 1 won in {against_theory(winners(world, k), weighted_share(hub, start))}")
    print(f"  (its share of voters was {start.mean():.3f})")
    print()
    k = 100 if quick else 400
    world = grid_world(4, 4, share=0.25, k=k, seed=2)
    res = world.run(steps=10_000)
    print(f"Voter model on {k} tori of 4 × 4 scalar voters (Moore neighbours), 4 for 1:")
    print(res.frame().iloc[[0, 1, 2, 5, 10, -1]].to_string(index=False))
    print(f"  opinion 1 won in {against_theory(winners(world, k), 0.25)}")
