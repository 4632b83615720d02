"""The ROSCA world: money is conserved, defaults and cheating follow their declared rules."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npolitics as npl
from worlds.rosca import Params, rosca


def run(seed: int = 0, **params: object) -> tuple[npl.World, pd.DataFrame]:
    world = rosca(seed=seed, **params)
    frame = world.run(steps=world.params.members, check=True).frame()
    return world, frame


def test_registered_under_its_name() -> None:
    assert npl.load_world("rosca") is rosca


@settings(max_examples=30)
@given(
    seed=st.integers(0, 2**32),
    members=st.integers(2, 12),
    mix=st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)),
    cheat=st.sampled_from(["stop", "steal"]),
    allocation=st.sampled_from(["rotation", "greedy"]),
    p=st.floats(0, 1),
)
def test_money_is_conserved_every_month(
    seed: int,
    members: int,
    mix: tuple[int, int, int],
    cheat: str,
    allocation: str,
    p: float,
) -> None:
    """The declared invariant holds after every instant, whatever the mix of strategies."""
    broke, influenced, cheaters = (min(k, members // 3) for k in mix)
    world, frame = run(
        seed,
        members=members,
        broke=broke,
        influenced=influenced,
        cheaters=cheaters,
        cheat=cheat,
        allocation=allocation,
        default_probability=p,
    )
    pot = world["pot"]
    assert frame["paid_in"].sum() == pytest.approx(pot.contributions)
    assert frame["paid_out"].sum() == pytest.approx(pot.payouts)
    assert (frame["defaults"] >= 0).all()


def test_an_honest_circle_pays_everyone_in_full() -> None:
    world, frame = run(members=10, contribution=300.0)
    assert (frame["paid_in"] == 3000.0).all()
    assert (frame["paid_out"] == 3000.0).all()
    assert (frame["defaults"] == 0).all()
    assert (frame["paid_in_full"] == 10).all()
    for member in world["members"]:
        assert member.received == member.paid == 3000.0
        assert member.wellbeing() == pytest.approx(0.4 * 300.0 * 10)


def test_pot_collected_in_full_with_probability_0_9_to_the_10() -> None:
    """Independent 10 % defaults: P(a month's pot is collected in full) = 0.9^10 ≈ 0.349."""
    runs = 300
    full = [
        (run(seed, members=10, broke=10, default_probability=0.1)[1]["defaults"] == 0).to_numpy()
        for seed in range(runs)
    ]
    months = np.concatenate(full)
    expected = 0.9**10
    standard_error = math.sqrt(expected * (1 - expected) / months.size)
    assert abs(months.mean() - expected) < 4 * standard_error


def test_defaults_spread_to_influenced_members() -> None:
    """One member who never pays makes every influenced member quit after month 0 (θ = 0.1)."""
    _, frame = run(members=10, broke=1, default_probability=1.0, influenced=9, theta=0.1)
    assert frame["defaults"].tolist() == [1] + [10] * 9


def test_influence_tolerates_failures_below_theta() -> None:
    _, frame = run(members=10, broke=1, default_probability=1.0, influenced=9, theta=0.2)
    assert (frame["defaults"] == 1).all()


def test_stop_cheaters_follow_their_rule() -> None:
    """A cheater stops after its payout iff (γ − δ)·m > β·(R + m), m payments still owed."""
    world, _ = run(seed=3, members=10, cheaters=10, cheat="stop")
    for member in world["members"]:
        owed = 9 - member.index  # rotation: member k receives in month k
        rating = member.index + 1
        stops = (1.0 - 0.25) * owed > 0.4 * (rating + owed)
        assert member.out == stops, member.index


def test_greedy_allocation_pays_the_best_rating_first() -> None:
    """Each month's pot goes to the highest rating (contributions so far) not yet paid."""
    world = rosca(seed=5, members=10, broke=5, default_probability=0.5, allocation="greedy")
    pot = world["pot"]
    for _ in range(10):
        waiting = [i for i in range(10) if not pot.received[i]]
        world.run(steps=1, check=True)
        (paid,) = [i for i in waiting if pot.received[i]]
        assert pot.ratings[paid] == max(pot.ratings[i] for i in waiting)
    assert all(pot.received)


def test_a_thief_takes_the_pot_and_leaves() -> None:
    world, frame = run(seed=2, members=10, cheaters=1, cheat="steal")
    (thief,) = [m for m in world["members"] if m.strategy == "cheater"]
    assert thief.out
    assert thief.stolen == frame["paid_in"].iloc[0]
    assert frame["thefts"].tolist() == [1] + [0] * 9
    assert world["pot"].stolen == thief.stolen


def test_same_seed_same_frame() -> None:
    params = {"broke": 3, "influenced": 3, "cheaters": 2}
    pd.testing.assert_frame_equal(run(7, **params)[1], run(7, **params)[1])


def test_too_many_strategies_is_refused() -> None:
    with pytest.raises(npl.ParameterError, match="broke \\+ influenced \\+ cheaters = 12"):
        Params(members=10, broke=5, influenced=5, cheaters=2)


def test_the_money_flow_view_has_one_bar_per_member() -> None:
    """The dashboard's view: net flows per member, which add up to minus the pot."""
    world = rosca(seed=1)
    world.run(steps=4)
    view = world.render_view()
    assert view is not None
    assert len(view["values"]) == 10
    assert sum(view["values"]) == -world["pot"].balance
