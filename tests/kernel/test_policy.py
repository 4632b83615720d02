"""Policies as explicit distributions P(a | m, ψ): inspectable, validated, sampled right."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import chisquare

import npolitics as npl

weights = st.lists(st.floats(min_value=0.01, max_value=10), min_size=1, max_size=6)

#: Significance level of the goodness-of-fit tests below: at a fixed seed each test either
#: passes or fails for good; a correct sampler fails with probability 0.001.
ALPHA = 1e-3


class TestCategorical:
    @given(w=weights)
    def test_probabilities_sum_to_one(self, w: list[float]) -> None:
        total = sum(w)
        policy = npl.Categorical(tuple(range(len(w))), tuple(x / total for x in w))
        assert math.isclose(sum(policy.probabilities().values()), 1.0)
        assert isinstance(policy, npl.Distribution)

    def test_repeated_actions_add_up(self) -> None:
        policy = npl.Categorical(("a", "b", "a"), (0.25, 0.5, 0.25))
        assert policy.probabilities() == {"a": 0.5, "b": 0.5}

    def test_from_a_mapping_or_pairs(self) -> None:
        by_map = npl.categorical({"steal": 0.3, "share": 0.7})
        by_pairs = npl.categorical([("steal", 0.3), ("share", 0.7)])
        assert by_map == by_pairs
        assert by_map.actions == ("steal", "share")

    @pytest.mark.parametrize(
        ("actions", "probs", "message"),
        [
            (("a", "b"), (1.0,), r"2 actions need 2 probabilities, got 1"),
            ((), (), r"a categorical policy needs at least one action"),
            (("a", "b"), (1.5, -0.5), r"probabilities must be finite and ≥ 0, got \[1.5, -0.5\]"),
            (("a", "b"), (math.nan, 1.0), r"probabilities must be finite and ≥ 0"),
            (("a", "b"), (math.inf, 0.0), r"probabilities must be finite and ≥ 0"),
            (("a", "b"), (0.5, 0.6), r"probabilities must sum to 1, got 1.1"),
        ],
    )
    def test_validation(self, actions: Any, probs: Any, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            npl.Categorical(actions, probs)

    def test_frequencies_match_probabilities(self) -> None:
        """20 000 draws one at a time pass a chi-square test against the probabilities."""
        probs = (0.5, 0.3, 0.15, 0.05)
        policy = npl.Categorical(("a", "b", "c", "d"), probs)
        rng = np.random.default_rng(2024)
        n = 20_000
        draws = [policy.sample(rng) for _ in range(n)]
        observed = [draws.count(a) for a in policy.actions]
        assert chisquare(observed, [p * n for p in probs]).pvalue > ALPHA

    def test_bulk_frequencies_match_probabilities(self) -> None:
        """``sample_indices`` (for populations) has the same distribution."""
        probs = (0.1, 0.0, 0.6, 0.3)
        policy = npl.Categorical((0, 1, 2, 3), probs)
        n = 100_000
        counts = np.bincount(policy.sample_indices(np.random.default_rng(7), n), minlength=4)
        assert counts[1] == 0
        keep = [0, 2, 3]
        assert chisquare(counts[keep], [probs[i] * n for i in keep]).pvalue > ALPHA


class TestBernoulli:
    def test_probabilities(self) -> None:
        assert npl.Bernoulli(0.25).probabilities() == {True: 0.25, False: 0.75}

    @pytest.mark.parametrize("p", [-0.1, 1.5, math.nan])
    def test_validation(self, p: float) -> None:
        with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\], got"):
            npl.Bernoulli(p)

    def test_frequency_within_four_standard_errors(self) -> None:
        p, n = 0.3, 20_000
        rng = np.random.default_rng(99)
        hits = sum(npl.Bernoulli(p).sample(rng) for _ in range(n))
        assert abs(hits / n - p) < 4 * math.sqrt(p * (1 - p) / n)

    def test_edges_are_certain(self) -> None:
        rng = np.random.default_rng(0)
        assert not any(npl.Bernoulli(0).sample(rng) for _ in range(100))
        assert all(npl.Bernoulli(1).sample(rng) for _ in range(100))


class TestDeterministic:
    def test_always_the_action_and_no_draw(self) -> None:
        rng = np.random.default_rng(3)
        state = rng.bit_generator.state
        policy = npl.Deterministic("wait")
        assert [policy.sample(rng) for _ in range(3)] == ["wait"] * 3
        assert policy.probabilities() == {"wait": 1.0}
        assert rng.bit_generator.state == state


class TestPolicyTable:
    table = npl.PolicyTable(
        table={
            ("ask", False): npl.Deterministic("answer"),
            ("ask", True): npl.categorical({"answer": 0.2, "ignore": 0.8}),
        },
        key=lambda m, state: (m, state["busy"]),
    )

    def test_given_picks_the_distribution_for_message_and_state(self) -> None:
        assert self.table.given("ask", {"busy": True}).probabilities() == {
            "answer": 0.2,
            "ignore": 0.8,
        }
        assert self.table.sample("ask", {"busy": False}, np.random.default_rng(0)) == "answer"

    def test_missing_key_names_it_and_the_keys(self) -> None:
        with pytest.raises(KeyError, match=r"policy table has no entry for key \('tell', False\)"):
            self.table.given("tell", {"busy": False})

    def test_frequencies_match_the_entry(self) -> None:
        n = 20_000
        rng = np.random.default_rng(5)
        draws = [self.table.sample("ask", {"busy": True}, rng) for _ in range(n)]
        observed = [draws.count("answer"), draws.count("ignore")]
        assert chisquare(observed, [0.2 * n, 0.8 * n]).pvalue > ALPHA
