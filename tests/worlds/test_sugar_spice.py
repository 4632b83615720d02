"""The sugar-and-spice world: policy codes, exact dynamics, the message flow, experiments."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import npolitics as npl
from worlds.sugar_spice import (
    ALWAYS_STEAL,
    GRIM,
    SEED_TABLE,
    TIT_FOR_TAT,
    codes_from_q,
    describe,
    evaluate,
    find_attractors,
    fixed_points,
    grow,
    is_fixed_point,
    long_run_payoff,
    moves_of,
    sugar_spice,
)

from .sugar_spice_oracle import Exploration

codes = st.integers(min_value=0, max_value=15)


# -- policy codes ---------------------------------------------------------------------------


def test_named_codes_follow_the_bit_rule() -> None:
    """Bit 2·my_last + your_last is set when the policy steals: the issue's three examples."""
    assert moves_of(ALWAYS_STEAL)[:4].tolist() == [1, 1, 1, 1]
    # tit-for-tat copies the partner's last move
    assert moves_of(TIT_FOR_TAT)[:4].tolist() == [0, 1, 0, 1]
    # the seed's table: TT→T, TS→S, ST→S, SS→T
    assert moves_of(SEED_TABLE)[:4].tolist() == [0, 1, 1, 0]
    assert describe(SEED_TABLE).startswith("0x6: TT→T, TS→S, ST→S, SS→T")


@given(codes)
def test_greedy_code_of_q_values_round_trips(code: int) -> None:
    """Q-values that prefer steal exactly where a code steals give back that code."""
    q = np.zeros((5, 2))
    q[:4, 1] = [((code >> k) & 1) * 2.0 - 1.0 for k in range(4)]
    assert codes_from_q(q, memory=1) == code


@given(st.floats(-1e6, 1e6, allow_nan=False))
def test_ties_go_to_trade(value: float) -> None:
    """Equal Q-values mean trade, in every state."""
    assert codes_from_q(np.full((5, 2), value), memory=1) == 0
    assert codes_from_q(np.full((5, 2), value), memory=0) == 0


# -- exact expected dynamics ----------------------------------------------------------------


def test_point_attractors_of_the_expected_dynamics_with_defaults() -> None:
    """With ε = 0.01 exactly three symmetric pairs are fixed points: the seed's three."""
    assert fixed_points(memory=1) == [
        (SEED_TABLE, SEED_TABLE),
        (GRIM, GRIM),
        (ALWAYS_STEAL, ALWAYS_STEAL),
    ]


def test_zero_memory_expected_dynamics_only_steal() -> None:
    """Steal beats trade by exactly 1 whatever the partner does, so only steal/steal is fixed."""
    assert fixed_points(memory=0) == [(1, 1)]
    qa, _ = evaluate(0, 0, memory=0)
    assert qa[4, 1] - qa[4, 0] == pytest.approx(1.0)


def test_tit_for_tat_is_not_a_fixed_point() -> None:
    """Against tit-for-tat the evaluated best reply trades in every state (0x0), so mutual
    tit-for-tat is not a point attractor."""
    qa, _ = evaluate(TIT_FOR_TAT, TIT_FOR_TAT)
    assert not is_fixed_point(TIT_FOR_TAT, TIT_FOR_TAT)
    assert codes_from_q(qa, memory=1) == 0x0


def test_long_run_payoffs_of_the_seed_claims() -> None:
    """0x6 with itself tends to 3 as ε → 0; an always-stealer against 0x6 averages 2.5."""
    assert long_run_payoff(ALWAYS_STEAL, SEED_TABLE, exploration=0.0) == pytest.approx((2.5, 0.5))
    values = [
        long_run_payoff(SEED_TABLE, SEED_TABLE, exploration=e)[0] for e in (0.1, 0.01, 0.001, 1e-6)
    ]
    assert values == sorted(values)
    assert values[-1] == pytest.approx(3.0, abs=1e-5)
    assert long_run_payoff(ALWAYS_STEAL, ALWAYS_STEAL, exploration=0.0) == pytest.approx((1, 1))
    assert long_run_payoff(TIT_FOR_TAT, TIT_FOR_TAT, exploration=0.05) == pytest.approx((2, 2))


@given(codes, codes, st.floats(0.001, 1.0))
def test_long_run_payoffs_are_means_of_the_table(a: int, b: int, eps: float) -> None:
    """Each agent's long-run payoff lies in [0, 4]; the pair's sum lies in [2, 6]."""
    pa, pb = long_run_payoff(a, b, exploration=eps)
    assert -1e-9 <= pa <= 4 + 1e-9
    assert 2 - 1e-9 <= pa + pb <= 6 + 1e-9


# -- the world: messages and learning ----------------------------------------------------------


def test_registered_under_its_name() -> None:
    """`npolitics run sugar-spice` finds this spec through the entry point."""
    assert npl.load_world("sugar-spice") is sugar_spice


def test_one_tick_is_one_encounter_per_society() -> None:
    """A tick: the clock, then an Encounter, a Move and an Outcome for each agent."""
    world = sugar_spice(seed=1, societies=3, exploration=0.0)
    world.run(steps=1)
    assert world.statistics().messages_delivered == 1 + 3 * 6
    assert world["traders"].encounters.tolist() == [1] * 6


def test_one_q_learning_step_is_exact() -> None:
    """First meeting, both trade (ties → trade): Q(first, trade) = 1 + α(3 + γ·1 − 1)."""
    world = sugar_spice(seed=1, societies=1, exploration=0.0)
    world.run(steps=1)
    q = world["traders"].q
    assert q[:, 4, 0].tolist() == [1 + 0.01 * (3 + 0.99 - 1)] * 2
    assert (q[:, :4] == 1.0).all()
    assert (q[:, 4, 1] == 1.0).all()


def test_same_seed_same_results() -> None:
    """Bit-identical runs from one seed; another seed differs."""
    frames = [
        sugar_spice(seed=s, societies=8, sample_every=100).run(steps=2000).frame()
        for s in (7, 7, 8)
    ]
    assert frames[0].equals(frames[1])
    assert not frames[0].equals(frames[2])


@given(st.lists(st.integers(0, 300), min_size=1, max_size=30), st.floats(0.0, 1.0))
def test_oracle_exploration_positions_are_sorted_and_in_range(sizes: list[int], p: float) -> None:
    """Each round's exploring decisions are distinct positions inside the round."""
    ex, rng = Exploration(p), np.random.default_rng(0)
    for n in sizes:
        pos = ex.positions(n, rng)
        assert np.all(np.diff(pos) > 0)
        assert np.all((pos >= 0) & (pos < n))


def test_oracle_exploration_rate_matches_its_probability() -> None:
    """The array oracle's exploration: over 10⁶ decisions in uneven rounds, the count of
    explorations is Binomial(10⁶, p):
    within 4 standard deviations."""
    ex, rng, p = Exploration(0.01), np.random.default_rng(3), 0.01
    sizes = np.random.default_rng(4).integers(0, 2000, 1000)
    count = sum(ex.positions(int(n), rng).size for n in sizes)
    total = int(sizes.sum())
    assert abs(count - total * p) < 4 * math.sqrt(total * p * (1 - p))


def test_fixed_pairs_pay_their_exact_long_run_payoff() -> None:
    """Learning all but off (α = 10⁻⁹), 0x6 against 0x6 at ε = 0.1 earns the exact stationary
    payoff: within 4 standard errors of the mean over 64 independent societies."""
    world = sugar_spice(
        seed=2,
        societies=64,
        initial_a=6,
        initial_b=6,
        exploration=0.1,
        learning_rate=1e-9,
        sample_every=10_000,
        rounds=50,
        check_every=50,
    )
    world.run(steps=100)  # blocks of 50: 5000 encounters
    t = world["traders"]
    per_society = t.payoff_total.reshape(-1, 2).mean(axis=1) / t.encounters[0]
    se = per_society.std(ddof=1) / math.sqrt(per_society.size)
    exact = long_run_payoff(6, 6, exploration=0.1)[0]
    assert abs(per_society.mean() - exact) < 4 * se


def test_decaying_exploration_stops_exploring() -> None:
    """With ε = 1 halving every 5 encounters, agents are greedy after a few hundred: two agents
    whose Q-values hold 0x6 by a wide margin then trade every time and earn exactly 3."""
    world = sugar_spice(
        seed=1,
        societies=8,
        exploration=1.0,
        schedule="exponential",
        half_life=5.0,
        learning_rate=1e-9,
    )
    world.run(steps=300)
    t = world["traders"]
    t.q[:] = 0.0
    t.q[:, np.arange(5), moves_of(SEED_TABLE)] = 1000.0
    world.run(steps=10)  # 0x6/0x6 is back at trade/trade within two encounters
    before = t.payoff_total.copy()
    world.run(steps=1000)
    assert (t.payoff_total - before).tolist() == [3.0 * 1000] * 16


def test_constant_full_exploration_plays_at_random() -> None:
    """With ε = 1 every move is a fair coin: the mean payoff is (3 + 0 + 4 + 1)/4 = 2,
    within 4 standard errors (payoff s.d. √2.5 per encounter, 16·2000 encounters)."""
    world = sugar_spice(seed=2, societies=8, exploration=1.0)
    world.run(steps=2000)
    t = world["traders"]
    n = t.encounters.sum()
    assert abs(t.payoff_total.sum() / n - 2.0) < 4 * math.sqrt(2.5 / n) * math.sqrt(2)


def test_each_decision_explores_with_probability_epsilon() -> None:
    """Agents sure to trade (Q margin 1000, α ≈ 0) steal only when they explore, with
    probability ε/2 per decision: a couple's payoff is 6 − 2·(stealers), so the mean payoff is
    3 − ε, within 4 standard errors over 32 couples × 5000 encounters."""
    world = sugar_spice(
        seed=6, societies=32, exploration=0.1, learning_rate=1e-12, rounds=50, check_every=50
    )
    t = world["traders"]
    t.q[:, :, 0] = 1000.0
    world.run(steps=100)  # blocks of 50: 5000 encounters
    couples = t.encounters.sum() / 2
    se = math.sqrt(2 * 0.05 * 0.95 / couples)  # per couple-encounter: (6 − 2k)/2, k ~ B(2, ε/2)
    assert abs(t.payoff_total.sum() / (2 * couples) - (3 - 0.1)) < 4 * se


def test_zero_memory_uses_one_state() -> None:
    """memory=0: every encounter is state 4; the other states' Q-values never move."""
    world = sugar_spice(seed=1, societies=4, memory=0, exploration=0.2)
    world.run(steps=500)
    q = world["traders"].q
    assert (q[:, :4] == 1.0).all()
    assert set(world["traders"].codes().tolist()) <= {0, 1}


def test_find_attractors_table() -> None:
    """One row per pair with the documented columns; counts add up to the runs."""
    df = find_attractors(
        memory=1, runs=8, seed=1, window=4_000, max_encounters=4_000, check_every=1_000
    )
    assert {"policy_a", "policy_b", "count", "mean_wellbeing"} <= set(df.columns)
    assert df["count"].sum() == 8
    assert ((df["mean_wellbeing"] >= 0) & (df["mean_wellbeing"] <= 4)).all()


def test_find_attractors_stops_each_run_once_settled() -> None:
    """Started at always-steal, a pair never changes: each run stops at the first check at
    which it has been unchanged for the window, far before max_encounters."""
    df = find_attractors(
        runs=4,
        seed=2,
        initial=(ALWAYS_STEAL, ALWAYS_STEAL),
        window=2000,
        check_every=1000,
        max_encounters=1_000_000,
    )
    assert df[["policy_a", "policy_b", "settled", "count"]].values.tolist() == [[15, 15, True, 4]]
    assert df.attrs["runs"]["encounters"].tolist() == [2000] * 4


def test_grow_is_an_experiment_over_seeds() -> None:
    """grow: one growing society per run, settings swept as lists; each run ends with every
    agent joined."""
    df = grow(runs=2, seed=1, agents=8, join_every=5, sample_every=10, memory=[0, 1])
    assert {"run", "memory", "t", "omega", "agents", "mean_payoff", "trade_share"} <= set(df)
    last = df.groupby(["memory", "run"])["agents"].last()
    assert last.tolist() == [8.0] * 4


def test_growth_adds_one_agent_every_join_every_ticks() -> None:
    """Experiment 2: from 2 agents, one joins every `join_every` ticks; the rest wait."""
    world = sugar_spice(seed=1, experiment="growth", agents=20, join_every=10, sample_every=10)
    df = world.run(steps=101).frame()
    assert df["agents"].tolist() == [min(20, 2 + t // 10) for t in range(0, 101, 10)]
    assert (world["traders"].encounters[12:] == 0).all()


@pytest.mark.slow
@pytest.mark.parametrize("pair", [(ALWAYS_STEAL, ALWAYS_STEAL), (SEED_TABLE, SEED_TABLE)])
def test_point_attractors_hold_in_simulation(pair: tuple[int, int]) -> None:
    """Started at their evaluated Q-values, 0xF/0xF and 0x6/0x6 stay put for 2·10⁵ encounters
    in every one of 8 runs."""
    df = find_attractors(
        memory=1,
        runs=8,
        seed=3,
        initial=pair,
        window=200_000,
        max_encounters=200_000,
    )
    assert df[["policy_a", "policy_b", "count"]].values.tolist() == [[*pair, 8]]


@pytest.mark.slow
def test_tit_for_tat_does_not_stay() -> None:
    """Started at mutual tit-for-tat, the pair leaves it in some runs within 3·10⁵ encounters."""
    df = find_attractors(
        memory=1,
        runs=8,
        seed=3,
        initial=(TIT_FOR_TAT, TIT_FOR_TAT),
        window=300_000,
        max_encounters=300_000,
    )
    stayed = df[(df.policy_a == TIT_FOR_TAT) & (df.policy_b == TIT_FOR_TAT)]["count"].sum()
    assert stayed < 8


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"payoff": [[3, 0, 1], [4, 1, 1]]},
        {"payoff": "3,0,4"},
        {"payoff": [[3, 0], [4, float("nan")]]},
        {"exploration": 1.5},
        {"exploration": -0.1},
        {"learning_rate": 0.0},
        {"discount": 1.0},
        {"societies": -1},
        {"agents": 0},
        {"known_partners": -1},
        {"initial_a": 16, "initial_b": 0},
        {"initial_a": 3},
        {"memory": 0, "initial_a": 2, "initial_b": 0},
        {"memory": 2},
    ],
)
def test_bad_parameters_are_refused(params: dict[str, object]) -> None:
    """Each bad value is a ParameterError."""
    with pytest.raises(npl.ParameterError):
        sugar_spice(seed=0, **params)


def test_payoff_tables_as_text() -> None:
    """'3,0,4,1' and '[[3, 0], [4, 1]]' are the seed's table."""
    for text in ("3,0,4,1", "[[3, 0], [4, 1]]"):
        assert sugar_spice(seed=0, payoff=text).params.payoff == ((3, 0), (4, 1))


def test_bad_codes_are_refused() -> None:
    """A code out of range names the allowed range."""
    with pytest.raises(npl.ParameterError, match="0…15"):
        describe(16)
    with pytest.raises(npl.ParameterError):
        find_attractors(runs=1, initial=(0, 16))
    with pytest.raises(ValueError, match="runs"):
        find_attractors(runs=-1)


@pytest.mark.parametrize("experiment", ["attractors", "growth"])
def test_invariants_hold(experiment: str) -> None:
    """The declared invariants hold after every instant of a short run of either experiment."""
    world = sugar_spice(
        seed=3, experiment=experiment, societies=4, agents=12, join_every=5, exploration=0.3
    )
    assert len(world.invariants) == 4
    world.run(steps=200, check=True)


def test_the_census_view_counts_every_agent_once() -> None:
    """The dashboard's view: agents per policy code, 16 codes with memory 1."""
    world = sugar_spice(seed=2, societies=5)
    world.run(steps=20)
    view = world.render_view()
    assert view is not None
    assert view["labels"][6] == "0x6"
    assert sum(view["values"]) == 10
