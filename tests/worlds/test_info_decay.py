"""The information-decay world: its parameters, its invariants, and its mathematics.

Statistical tests use fixed seeds and tolerances derived from the sample size (4 standard
errors, or a p-value floor of 1e-3 for distribution tests); none was tuned to pass.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pytest
import trio
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

import npolitics as npl
from worlds.info_decay import (
    AsyncKnower,
    Knower,
    info_decay,
    make_world,
    summarise,
    sweep_modes,
)

Z = 4.0  # tolerance in standard errors


def environment(**params: object) -> npl.World:
    """The world without knowledge agents: the environment alone."""
    return info_decay(knowledge_agents=0, **params)


# -- the world as a user meets it ------------------------------------------------------


def test_registered_under_its_name() -> None:
    """``load_world("info-decay")`` finds this world, with the seed's parameter names."""
    spec = npl.load_world("info-decay")
    assert spec is info_decay
    names = {p.name for p in spec.parameters()}
    assert {
        "mode",
        "lifetime_mean_time",
        "appearance_mean_time",
        "initial_active_count",
        "snippets",
        "subjects",
        "sample_every",
        "knowledge_agents",
        "learning",
    } <= names


def test_frame_has_the_metrics_at_the_sample_times() -> None:
    """A continuous-time run samples at 0, sample_every, … up to ``until``."""
    res = info_decay(seed=1, sample_every=2.5).run(until=10)
    frame = res.frame()
    assert list(frame.columns[:2]) == ["t", "omega"]
    assert {"visible", "pool", "score"} <= set(frame.columns)
    assert frame["t"].tolist() == [0.0, 2.5, 5.0, 7.5, 10.0]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"lifetime_mean_time": 0.0}, "lifetime_mean_time"),
        ({"lifetime_mean_time": -3.0}, "lifetime_mean_time"),
        ({"appearance_mean_time": 0.0}, "appearance_mean_time"),
        ({"appearance_mean_time": -1.0}, "appearance_mean_time"),
        ({"lifetime_mean_time": math.inf}, "lifetime_mean_time"),
        (
            {"mode": "dynamic_pool", "snippets": 10, "initial_active_count": 11},
            "initial_active_count",
        ),
        ({"mode": "decay", "snippets": 10, "subjects": 11}, "subjects"),
        ({"sample_every": -1.0}, "sample_every"),
        ({"look_every": 0.0}, "look_every"),
        ({"speed": -1.0}, "speed"),
        ({"knowledge_agents": -1}, "knowledge_agents"),
        ({"mode": "churn"}, "mode"),
        ({"learning": "hive"}, "learning"),
    ],
)
def test_bad_parameters_are_refused_by_name(params: dict[str, object], name: str) -> None:
    """θ ≤ 0, α ≤ 0, counts above the pool, negative times: a ParameterError naming it."""
    with pytest.raises(npl.ParameterError, match=name):
        info_decay(**params)
    with pytest.raises(npl.ParameterError, match=name):
        make_world(**params)


def test_make_world_refuses_unknown_parameters() -> None:
    """A misspelt parameter is named, with the valid ones."""
    with pytest.raises(npl.ParameterError, match="lifetime_mean"):
        make_world(lifetime_mean=3.0)


def test_same_seed_same_results() -> None:
    """Same seed and parameters give bit-identical results; another seed does not."""
    a = info_decay(seed=3).run(until=60)
    b = info_decay(seed=3).run(until=60)
    c = info_decay(seed=4).run(until=60)
    assert a.equals(b)
    assert not a.equals(c)


def test_environment_is_event_driven() -> None:
    """Decay delivers one start, N0 activations and N0 expirations, however often one samples:
    no message is spent on polling."""
    counts = []
    for every in (0.01, 1.0, 50.0):
        world = environment(
            seed=2,
            mode="decay",
            snippets=500,
            subjects=500,
            lifetime_mean_time=1.0,
            sample_every=every,
        )
        world.run(until=50)
        counts.append(world.statistics().messages_delivered)
        assert world["subjects"].expired == 500  # P(a survivor at 50 θ) < 500·e⁻⁵⁰
    assert counts == [1 + 500 + 500] * 3


def test_static_subjects_stay() -> None:
    """In static mode the N0 subjects stay visible, and the rest of the pool stays put."""
    frame = environment(mode="static", snippets=30, subjects=20).run(until=100).frame()
    assert (frame["visible"] == 20).all()
    assert (frame["pool"] == 10).all()


# -- invariants and properties ---------------------------------------------------------

small_worlds = st.fixed_dictionaries(
    {
        "mode": st.sampled_from(["static", "decay", "dynamic_pool"]),
        "snippets": st.integers(1, 30),
        "lifetime_mean_time": st.sampled_from([0.3, 2.0, 10.0]),
        "appearance_mean_time": st.sampled_from([0.1, 1.0, 5.0]),
        "knowledge_agents": st.integers(0, 4),
        "learning": st.sampled_from(["self", "social"]),
        "space": st.sampled_from([10.0, 50.0]),
        "look_every": st.sampled_from([0.5, 1.0]),
    }
).flatmap(
    lambda d: st.fixed_dictionaries(
        {
            "subjects": st.integers(0, d["snippets"]),
            "initial_active_count": st.integers(0, d["snippets"]),
        }
    ).map(lambda counts: {**d, **counts})
)


@given(params=small_worlds, seed=st.integers(0, 2**16))
def test_snippets_are_conserved_after_every_event(params: dict[str, object], seed: int) -> None:
    """visible + pool (+ gone, in decay) == S after every instant; in dynamic_pool nothing is
    ever gone, so visible + pool == S."""
    res = info_decay(seed=seed, **params).run(until=20, check=True)
    frame = res.frame()
    if params["mode"] == "dynamic_pool":
        assert (frame["visible"] + frame["pool"] == params["snippets"]).all()
    else:
        assert (frame["visible"] + frame["pool"] <= params["snippets"]).all()


@given(params=small_worlds, seed=st.integers(0, 2**16))
def test_scores_are_fractions_that_never_fall(params: dict[str, object], seed: int) -> None:
    """Agents forget nothing: the score stays in [0, 1] and never decreases."""
    if params["knowledge_agents"] == 0:
        params = {**params, "knowledge_agents": 1}
    score = info_decay(seed=seed, **params).run(until=20).frame()["score"].to_numpy()
    assert ((score >= 0) & (score <= 1)).all()
    assert (np.diff(score) >= 0).all()


@given(params=small_worlds, seed=st.integers(0, 2**16))
def test_social_agents_know_at_least_what_self_agents_know(
    params: dict[str, object], seed: int
) -> None:
    """With one seed, self and social runs share the environment and the walks; telling only
    adds: each social agent knows a superset of what its self twin knows, at every time."""
    params = {**params, "knowledge_agents": max(2, int(params["knowledge_agents"]))}  # type: ignore[call-overload]
    alone = info_decay(seed=seed, **{**params, "learning": "self"})
    together = info_decay(seed=seed, **{**params, "learning": "social"})
    for until in (5, 10, 20):
        alone.run(until=until)
        together.run(until=until)
        for a, b in zip(alone["knowers"], together["knowers"], strict=True):
            assert a.known <= b.known
            assert (a.x, a.y) == (b.x, b.y)


def test_sharing_spreads_knowledge_between_agents_who_meet() -> None:
    """Two agents standing together (speed 0) in a static world: only the one in sight of a
    subject sees it; in social learning the other learns it from the first."""
    common = {
        "mode": "static",
        "snippets": 50,
        "subjects": 50,
        "knowledge_agents": 2,
        "speed": 0.0,
        "space": 1000.0,
        "sight_radius": 50.0,
        "meet_radius": 2000.0,
    }
    for seed in range(20):
        alone = info_decay(seed=seed, learning="self", **common)
        alone.run(until=3)
        a, b = alone["knowers"]
        if a.known != b.known:
            break
    else:
        pytest.fail("no seed gave two agents different sights")
    together = info_decay(seed=seed, learning="social", **common)
    together.run(until=3)
    c, d = together["knowers"]
    assert c.known == d.known == a.known | b.known


# -- decay: E[N(t)] = N0·exp(-t/θ), lifetimes Exp(θ) ---------------------------------------


def test_decay_expected_visible_count() -> None:
    """N(t) ~ Binomial(N0, e^(-t/θ)): its mean N0·e^(-t/θ), within 4 binomial SDs, at 4 times."""
    n0, theta = 20_000, 10.0
    world = environment(
        seed=11,
        mode="decay",
        snippets=n0,
        subjects=n0,
        lifetime_mean_time=theta,
        sample_every=5.0,
    )
    frame = world.run(until=30).frame().set_index("t")
    for t in (5.0, 10.0, 20.0, 30.0):
        p = math.exp(-t / theta)
        sd = math.sqrt(n0 * p * (1 - p))
        assert abs(frame.loc[t, "visible"] - n0 * p) < Z * sd, t


def test_decay_lifetimes_are_exponential() -> None:
    """The lifetimes (expiry − appearance) pass a KS test against Exp(mean θ), and their mean
    is θ within 4 standard errors (θ/√n)."""
    n0, theta = 5_000, 7.0
    world = environment(
        seed=12,
        mode="decay",
        snippets=n0,
        subjects=n0,
        lifetime_mean_time=theta,
        sample_every=100.0,
    )
    world.run(until=40 * theta)  # P(some survivor) < n0·e⁻⁴⁰
    subjects = world["subjects"]
    lifetimes = subjects.died - subjects.born
    assert np.isfinite(lifetimes).all()
    assert stats.kstest(lifetimes, "expon", args=(0, theta)).pvalue > 1e-3
    assert abs(lifetimes.mean() - theta) < Z * theta / math.sqrt(n0)


# -- dynamic_pool: Poisson arrivals, E[A(t)], stationary Poisson(θ/α) ---------------------


def test_arrivals_are_a_poisson_process_while_the_pool_is_full() -> None:
    """With a pool that never runs dry, arrivals per unit window are iid Poisson(w/α): mean,
    variance (4 SEs each) and a chi-square goodness of fit."""
    alpha, windows = 0.2, 2_000  # 5 arrivals per window on average
    world = environment(
        seed=13,
        mode="dynamic_pool",
        snippets=1_000,
        initial_active_count=0,
        lifetime_mean_time=1.0,
        appearance_mean_time=alpha,
        sample_every=1.0,
    )
    frame = world.run(until=windows).frame()
    assert frame["pool"].min() > 0  # the pool never ran dry
    counts = np.diff(frame["appearances"].to_numpy()).astype(int)
    lam = 1.0 / alpha
    assert abs(counts.mean() - lam) < Z * math.sqrt(lam / windows)
    assert abs(counts.var(ddof=1) - lam) < Z * math.sqrt((lam + 2 * lam**2) / windows)
    assert _poisson_fit(counts, lam) > 1e-3


@pytest.mark.slow
def test_expected_active_count_relaxes_to_theta_over_alpha() -> None:
    """E[A(t)] = θ/α + (A0 − θ/α)·e^(−t/θ) over 300 runs, within 4 SEs of the exact variance
    A0·p(1−p) + (θ/α)(1−p), p = e^(−t/θ) (M/M/∞ from A0; the pool never runs dry)."""
    theta, alpha, a0, runs = 10.0, 0.5, 50, 300
    lam = theta / alpha
    times = (5.0, 10.0, 20.0, 40.0)
    samples = np.array(
        [
            environment(
                seed=1000 + r,
                mode="dynamic_pool",
                snippets=300,
                initial_active_count=a0,
                lifetime_mean_time=theta,
                appearance_mean_time=alpha,
                sample_every=5.0,
            )
            .run(until=40)
            .frame()
            .set_index("t")
            .loc[list(times), ["visible", "pool"]]
            .to_numpy()
            for r in range(runs)
        ]
    )
    assert samples[:, :, 1].min() > 0  # the pool never ran dry
    for k, t in enumerate(times):
        p = math.exp(-t / theta)
        expected = lam + (a0 - lam) * p
        var = a0 * p * (1 - p) + lam * (1 - p)
        assert abs(samples[:, k, 0].mean() - expected) < Z * math.sqrt(var / runs), t


@pytest.mark.slow
def test_long_run_active_count_is_poisson() -> None:
    """Sampled every 5θ (correlation e⁻⁵) over 2 000 samples, A is Poisson(θ/α): mean and
    variance within 4 SEs, and a chi-square goodness of fit."""
    theta, alpha, n = 1.0, 0.1, 2_000
    lam = theta / alpha
    world = environment(
        seed=14,
        mode="dynamic_pool",
        snippets=500,
        initial_active_count=10,
        lifetime_mean_time=theta,
        appearance_mean_time=alpha,
        sample_every=5 * theta,
    )
    a = world.run(until=5 * theta * n).frame()["visible"].to_numpy()[1:].astype(int)
    assert abs(a.mean() - lam) < Z * math.sqrt(lam / n)
    assert abs(a.var(ddof=1) - lam) < Z * math.sqrt((lam + 2 * lam**2) / n)
    assert _poisson_fit(a, lam) > 1e-3


@pytest.mark.slow
def test_a_small_pool_truncates_the_poisson_law() -> None:
    """With S = 12 snippets and θ/α = 10 the pool often runs dry; arrivals that find it empty
    are lost, so A follows Poisson(10) truncated to 0…S (the Erlang loss law), not Poisson(10)."""
    theta, alpha, s, n = 1.0, 0.1, 12, 2_000
    world = environment(
        seed=15,
        mode="dynamic_pool",
        snippets=s,
        initial_active_count=s,
        lifetime_mean_time=theta,
        appearance_mean_time=alpha,
        sample_every=5 * theta,
    )
    a = world.run(until=5 * theta * n, check=True).frame()["visible"].to_numpy()[1:].astype(int)
    pmf = stats.poisson.pmf(np.arange(s + 1), theta / alpha)
    pmf /= pmf.sum()
    assert _chi_square(a, pmf) > 1e-3
    assert _poisson_fit(a, theta / alpha) < 1e-3  # and the untruncated law is rejected


def _poisson_fit(counts: np.ndarray, lam: float) -> float:
    """p-value of a chi-square test of ``counts`` against Poisson(lam)."""
    top = int(counts.max()) + 1
    pmf = stats.poisson.pmf(np.arange(top), lam)
    pmf[-1] += stats.poisson.sf(top - 1, lam)
    return _chi_square(counts, pmf)


def _chi_square(counts: np.ndarray, pmf: np.ndarray) -> float:
    """p-value of a chi-square test; cells pooled from both tails until each expects ≥ 5."""
    n = counts.size
    observed = np.bincount(counts, minlength=pmf.size).astype(float)
    expected = pmf * n
    cells_o, cells_e = _pool(observed, expected)
    return float(stats.chisquare(cells_o, cells_e * cells_o.sum() / cells_e.sum()).pvalue)


def _pool(observed: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    out_o: list[float] = []
    out_e: list[float] = []
    acc_o = acc_e = 0.0
    for o, e in zip(observed, expected, strict=True):
        acc_o, acc_e = acc_o + o, acc_e + e
        if acc_e >= 5:
            out_o.append(acc_o)
            out_e.append(acc_e)
            acc_o = acc_e = 0.0
    out_o[-1] += acc_o
    out_e[-1] += acc_e
    return np.array(out_o), np.array(out_e)


# -- the digest hook ---------------------------------------------------------------------


class Forgetful:
    """A digest that keeps only even snippets."""

    def digest(self, agent: int, snippets: frozenset[int]) -> Iterable[int]:
        return {s for s in snippets if s % 2 == 0}


class Slow:
    """An async digest that keeps everything, after an await."""

    async def digest(self, agent: int, snippets: frozenset[int]) -> frozenset[int]:
        import anyio

        await anyio.sleep(0)
        return snippets


def test_a_digest_decides_what_is_kept() -> None:
    """A custom synchronous digest replaces the instant one."""
    world = make_world(seed=5, digest=Forgetful(), mode="static")
    world.run(until=50)
    known = set().union(*(k.known for k in world["knowers"]))
    assert known
    assert all(s % 2 == 0 for s in known)
    assert all(type(k) is Knower for k in world["knowers"])


def test_an_async_digest_needs_run_async() -> None:
    """An async digest makes async knowledge agents; ``run()`` refuses them clearly."""
    world = make_world(seed=5, digest=Slow())
    assert all(type(k) is AsyncKnower for k in world["knowers"])
    with pytest.raises(TypeError, match="run_async"):
        world.run(until=5)


def test_an_async_digest_gives_the_results_of_the_instant_one() -> None:
    """Under ``run_async``, an async digest that keeps everything gives the same results as
    the instant digest under ``run`` (Ω and every metric at every sample)."""
    expected = info_decay(seed=6).run(until=30)
    world = make_world(seed=6, digest=Slow())
    got = trio.run(lambda: world.run_async(until=30))
    # Frames, not Results.equals: Ω's breakdown by type names AsyncKnower instead of Knower.
    pd.testing.assert_frame_equal(got.frame(), expected.frame())


# -- the sweep -------------------------------------------------------------------------


def test_sweep_covers_mode_by_learning() -> None:
    """One call runs every mode × learning cell; the summary pairs self and social by run."""
    frame = sweep_modes(
        runs=2, until=20, knowledge_agents=4, snippets=20, subjects=20, backend="serial"
    )
    assert list(frame.columns) == [
        "mode", "learning", "run", "t", "omega", "visible", "pool", "appearances",
        "expirations", "score", "snippets",
    ]  # fmt: skip
    cells = frame.groupby(["mode", "learning"])["run"].nunique()
    assert len(cells) == 6
    assert (cells == 2).all()
    assert (frame["snippets"] == 20).all()
    table = summarise(frame)
    assert list(table["mode"]) == ["static", "decay", "dynamic_pool"]
    assert (table["gain"] >= 0).all()  # telling only adds (see the coupling test)


def test_sweep_runs_share_their_draws_across_cells() -> None:
    """The sweep is an experiment with common random numbers: run r of every cell is the
    world's own run from the seed ``SeedSequence(seed).spawn(runs)[r]``, so self and social
    run r see the same environment and walks, and social knows at least as much at every
    sample (a paired comparison)."""
    params = {"knowledge_agents": 6, "snippets": 30, "subjects": 30}
    frame = sweep_modes(modes=("decay",), runs=2, until=40, seed=3, backend="serial", **params)
    seeds = np.random.SeedSequence(3).spawn(2)
    for how in ("self", "social"):
        for r in range(2):
            own = info_decay(seed=seeds[r], mode="decay", learning=how, **params).run(until=40)
            cell = frame[(frame["learning"] == how) & (frame["run"] == r)]
            pd.testing.assert_frame_equal(
                cell.drop(columns=["mode", "learning", "run", "snippets"]).reset_index(drop=True),
                own.frame(),
                check_exact=True,
            )
    alone, told = (frame[frame["learning"] == how] for how in ("self", "social"))
    for column in ("visible", "appearances", "expirations"):  # one environment
        assert alone[column].to_numpy().tolist() == told[column].to_numpy().tolist()
    assert (told["score"].to_numpy() >= alone["score"].to_numpy()).all()


def test_the_map_view_shows_visible_subjects_and_agents() -> None:
    """The dashboard's view: one point per visible subject, then one per knowledge agent."""
    world = info_decay(seed=1, knowledge_agents=5)
    world.run(until=10)
    view = world.render_view()
    assert view is not None
    visible = int(world["subjects"].active.sum())
    assert view["group"] == [0] * visible + [1] * 5
    assert view["xlim"] == [0.0, 100.0]
