"""Explicit policies: P(a | m, ψ) sums to one, and draws follow it (chi-square)."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import strategies as st

import npolitics as npl
from npolitics.testing import (
    PolicyCheckError,
    assert_samples_match,
    assert_sums_to_one,
    check_policy,
    chi_square,
)

POLICIES: list[npl.Distribution[Any]] = [
    npl.Categorical(("cooperate", "defect"), (0.3, 0.7)),
    npl.categorical({0: 0.1, 1: 0.2, 2: 0.3, 3: 0.4}),
    npl.Bernoulli(0.25),
    npl.Deterministic("stay"),
]


@pytest.mark.parametrize("policy", POLICIES, ids=repr)
def test_kernel_policies_sum_to_one_and_sample_in_proportion(policy: Any) -> None:
    """10 000 draws; a correct sampler fails for this seed with probability α = 1e-4."""
    assert_sums_to_one(policy)
    result = assert_samples_match(policy, n=10_000, seed=1)
    assert sum(result.counts.values()) == 10_000


def test_categorical_vectorised_draws_follow_the_probabilities() -> None:
    """``sample_indices`` (the population path) is checked through ``draw``."""
    policy = npl.Categorical(("a", "b", "c"), (0.5, 0.25, 0.25))

    def draw(rng: np.random.Generator, n: int) -> list[str]:
        return [policy.actions[i] for i in policy.sample_indices(rng, n)]

    assert_samples_match(policy, n=10_000, seed=2, draw=draw)


@attrs.frozen
class Skewed:
    """A distribution whose sampler ignores its own probabilities (0.5 claimed, 0.6 drawn)."""

    def probabilities(self) -> dict[str, float]:
        return {"a": 0.5, "b": 0.5}

    def sample(self, rng: np.random.Generator) -> str:
        return "a" if rng.random() < 0.6 else "b"


def test_a_skewed_sampler_is_rejected() -> None:
    """With 10 000 draws a bias of 0.1 is 20 standard errors: p is astronomically small."""
    with pytest.raises(PolicyCheckError, match="do not follow") as info:
        assert_samples_match(Skewed(), n=10_000, seed=0)
    assert "'a': observed" in str(info.value)


@attrs.frozen
class Leaky:
    """Probabilities summing to 0.9."""

    def probabilities(self) -> dict[str, float]:
        return {"a": 0.4, "b": 0.5}

    def sample(self, rng: np.random.Generator) -> str:
        return "a"


@attrs.frozen
class Impossible:
    """Draws an action it gives probability zero."""

    def probabilities(self) -> dict[str, float]:
        return {"a": 1.0, "b": 0.0}

    def sample(self, rng: np.random.Generator) -> str:
        return "b"


def test_probabilities_that_do_not_sum_to_one_are_rejected() -> None:
    with pytest.raises(PolicyCheckError, match=r"sum to 0\.9"):
        assert_sums_to_one(Leaky())


def test_drawing_an_impossible_action_is_rejected() -> None:
    with pytest.raises(PolicyCheckError, match="probability zero"):
        chi_square(Impossible(), n=100)


def test_too_few_draws_are_refused_with_the_number_needed() -> None:
    with pytest.raises(ValueError, match="raise n to ≥ 500"):
        chi_square(npl.Categorical((0, 1), (0.99, 0.01)), n=100)


def _table(table: dict[int, Any]) -> npl.PolicyTable[int, Any]:
    return npl.PolicyTable(table, key=lambda m, psi: min(m, 2))


def test_a_policy_table_sums_to_one_for_every_message_and_state() -> None:
    policy = _table({0: npl.Bernoulli(0.1), 1: npl.Bernoulli(0.9), 2: npl.Deterministic(True)})
    check_policy(policy, messages=st.integers(0, 10), states=st.none(), max_examples=30)


def test_a_policy_table_with_a_bad_entry_is_rejected() -> None:
    with pytest.raises(PolicyCheckError, match="entry 1"):
        check_policy(_table({0: npl.Bernoulli(0.1), 1: Leaky()}))


def test_a_policy_table_missing_an_entry_is_rejected() -> None:
    """The key for message 2 has no distribution: a generated message finds it."""
    policy = _table({0: npl.Bernoulli(0.1), 1: npl.Bernoulli(0.2)})
    with pytest.raises(PolicyCheckError, match="no distribution for message 2"):
        check_policy(policy, messages=st.integers(0, 5), max_examples=50)
