"""Mesa's spatial prisoner's dilemma, ported to npolitics scalar agents, under every activation.

A port of Mesa 3's example ``mesa/examples/advanced/pd_grid`` (``PdGrid`` and its
``PDAgent``; after NetLogo's PD Basic Evolutionary and Epstein's demographic prisoner's
dilemma), rewritten in the channel formalism. One player stands on each cell of a
``width`` × ``height`` torus, cooperating ("C") or defecting ("D"). At every step each player
adopts the move of the best-scoring player among its 8 neighbours and itself (the first in
Mesa's neighbourhood order wins a tie, itself last), then adds the payoff of its new move
against each neighbour's move to its score: 1 for C against C, 1.6 for D against C, 0 for the
rest. Scores accumulate over the whole run.

Mesa's model takes ``activation_order``, and each of its three regimes is one clock here:

- ``"Sequential"`` (``agents.do("step")``: one at a time, in creation order) is
  ``activation="sequential", order="fixed"``;
- ``"Random"`` (``agents.shuffle_do("step")``) is ``activation="sequential",
  order="shuffled"``;
- ``"Simultaneous"`` (``agents.do("step")`` then ``agents.do("advance")``, with a
  ``next_move`` kept aside so that nobody sees a move made in the same step) is
  ``activation="simultaneous"``: the same agent code, with no ``next_move`` and no flag.

A player changes only its own state. It keeps what its neighbours last told it (their moves
and scores); it tells them its new move, then its new score, as messages. After telling its
move it sends itself ``Settle`` with delay 0, and scores when that arrives. Under sequential
activation that is at once (its neighbours' moves are as they are now); under simultaneous
activation every neighbour's move of this step has been heard by then, because the
``hear_move`` channel is declared before ``settle`` and a round serves a group's channels in
declaration order. Run it to compare the regimes::

    python examples/mesa_pd_grid.py
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from operator import itemgetter
from typing import Any, Literal

import attrs
import numpy as np
from mesa_boltzmann import import_mesa_example

import npolitics as npl

PLAYERS = "players"
PAYOFF = {("C", "C"): 1, ("C", "D"): 0, ("D", "C"): 1.6, ("D", "D"): 0}
"""A player's payoff for (its move, a neighbour's move): Mesa's ``PdGrid.payoff``."""

Activation = Literal["sequential", "simultaneous"]
Order = Literal["fixed", "shuffled"]


# --8<-- [start:messages]
@attrs.frozen
class Moved:
    """Player ``sender`` now plays ``move``."""

    sender: int
    move: str


@attrs.frozen
class Scored:
    """Player ``sender``'s score is now ``score`` (payoff units, summed over the run)."""

    sender: int
    score: float


@attrs.frozen
class Settle:
    """A player's note to itself: add this step's payoff to the score."""


# --8<-- [end:messages]


# --8<-- [start:player]
class Player(npl.Agent):
    """Mesa's ``PDAgent``: ψ = its move and score, and what each neighbour last told it.

    ``neighbours`` are the indices of the 8 players around it in Mesa's order;
    ``their_moves[k]`` and ``their_scores[k]`` are neighbour k's, as last heard.
    """

    neighbours: tuple[int, ...]
    move: str
    their_moves: list[str]
    score: float = 0
    their_scores: list[float] = attrs.field(
        default=attrs.Factory(lambda p: [0] * len(p.neighbours), takes_self=True)
    )

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        """Adopt the move of the best scorer around: Mesa's ``max(neighbours + [self])``,
        where the first of equal scores wins and the player itself comes last."""
        heard = zip(self.their_scores, self.their_moves, strict=True)
        _, self.move = max([*heard, (self.score, self.move)], key=itemgetter(0))
        for k in self.neighbours:
            ctx.send(npl.Address(PLAYERS, k), "hear_move", Moved(ctx.me.index, self.move))
        ctx.send(ctx.me, "settle", Settle())

    @npl.channel
    def hear_move(self, m: Moved, ctx: npl.Context) -> None:
        """A neighbour's new move."""
        self.their_moves[self.neighbours.index(m.sender)] = m.move

    @npl.channel
    def settle(self, m: Settle, ctx: npl.Context) -> None:
        """Score the move against every neighbour's, and tell them the new score."""
        self.score += sum(PAYOFF[self.move, theirs] for theirs in self.their_moves)
        for k in self.neighbours:
            ctx.send(npl.Address(PLAYERS, k), "hear_score", Scored(ctx.me.index, self.score))

    @npl.channel
    def hear_score(self, m: Scored, ctx: npl.Context) -> None:
        """A neighbour's new score."""
        self.their_scores[self.neighbours.index(m.sender)] = m.score

    def wellbeing(self) -> float:
        """W(ψ) = the score: Ω is the society's total payoff so far."""
        return float(self.score)


# --8<-- [end:player]


def torus(width: int, height: int) -> list[tuple[int, ...]]:
    """The 8 neighbours of each cell of a width × height torus, in Mesa's order.

    Cell (x, y) is number x·height + y (Mesa's order of cells, so player i is Mesa's i-th
    agent); its neighbours come in Mesa's order of offsets (-1, -1), (-1, 0), (-1, 1),
    (0, -1), (0, 1), (1, -1), (1, 0), (1, 1).
    """
    if width < 3 or height < 3:
        raise ValueError(
            f"the torus needs at least 3 × 3 cells so that 8 neighbours are 8 players, "
            f"got {width} × {height}"
        )
    offsets = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (dx, dy) != (0, 0)]
    return [
        tuple((x + dx) % width * height + (y + dy) % height for dx, dy in offsets)
        for x in range(width)
        for y in range(height)
    ]


def cooperating(world: npl.World) -> int:
    """How many players cooperate: Mesa's ``"Cooperating_Agents"``."""
    return sum(p.move == "C" for p in world[PLAYERS])


# --8<-- [start:world]
def pd_grid(
    width: int = 50,
    height: int = 50,
    *,
    activation: Activation = "sequential",
    order: Order = "shuffled",
    moves: Sequence[str] | None = None,
    seed: int = 1,
) -> npl.World:
    """The spatial prisoner's dilemma world; Mesa's ``PdGrid(width, height, "Random")`` is
    the default. ``moves`` are the players' first moves (default: C or D at random)."""
    world = npl.World("pd-grid", seed=seed)
    grid = torus(width, height)
    if moves is None:
        moves = world.rng.choice(["C", "D"], size=len(grid)).tolist()
    if len(moves) != len(grid) or not set(moves) <= {"C", "D"}:
        raise ValueError(
            f"moves must be {len(grid)} values (one per cell), each 'C' or 'D'; "
            f"got {len(moves)} values among {sorted(set(moves))}"
        )
    # Each player starts knowing its neighbours' first moves (and their scores, all 0).
    players = [
        Player(near, move, [moves[k] for k in near]) for near, move in zip(grid, moves, strict=True)
    ]
    world.add(PLAYERS, players)
    world.clock(PLAYERS, "tick", order=order, activation=activation)
    world.metric("cooperating", cooperating)
    return world


# --8<-- [end:world]

REGIMES: dict[str, tuple[Activation, Order]] = {
    "Sequential": ("sequential", "fixed"),
    "Random": ("sequential", "shuffled"),
    "Simultaneous": ("simultaneous", "fixed"),
}
"""Mesa's ``activation_order`` values and the clock that runs each."""


def cooperation(regime: str, steps: int, seed: int, width: int = 50, height: int = 50) -> float:
    """The share of players cooperating after ``steps`` steps of one run under a Mesa regime."""
    activation, order = REGIMES[regime]
    world = pd_grid(width, height, activation=activation, order=order, seed=seed)
    world.run(steps=steps)
    return cooperating(world) / (width * height)


def mesa_model() -> Any:
    """Mesa's ``PdGrid`` class, the model this file ports."""
    return import_mesa_example("advanced.pd_grid.model").PdGrid


def mesa_cooperation(
    regime: str, steps: int, seed: int, width: int = 50, height: int = 50
) -> float:
    """The share of players cooperating after ``steps`` steps of one run of Mesa's model."""
    model = mesa_model()(width, height, regime, seed=seed)
    model.run(steps)
    return float(sum(a.move == "C" for a in model.agents) / (width * height))


def summary(values: Sequence[float]) -> str:
    """Mean ± standard error of the mean."""
    x = np.asarray(values, float)
    return f"{x.mean():.3f} ± {x.std(ddof=1) / np.sqrt(x.size):.3f}"


if __name__ == "__main__":
    quick = "--quick" in sys.argv or bool(os.environ.get("NPOLITICS_QUICK"))
    runs, side, steps = (3, 12, 3) if quick else (20, 20, 3)
    print(f"Share cooperating after {steps} steps on {side} × {side} cells, {runs} runs each")
    for regime, (activation, order) in REGIMES.items():
        values = [cooperation(regime, steps, seed, side, side) for seed in range(runs)]
        clock = f"activation={activation}, order={order}"
        print(f"  npolitics, {clock:<40} {summary(values)}")
        try:
            values = [mesa_cooperation(regime, steps, seed, side, side) for seed in range(runs)]
        except ImportError as missing:
            print(f"  Mesa: not run ({missing})")
        else:
            print(f"  Mesa, {'activation_order=' + repr(regime):<45} {summary(values)}")
