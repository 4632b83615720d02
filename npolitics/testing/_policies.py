"""Checks of explicit policies P(a | m, ψ): probabilities that sum to one, samples in proportion.

A world that writes its policies with :class:`~npolitics.Categorical`,
:class:`~npolitics.Bernoulli`, :class:`~npolitics.Deterministic` or
:class:`~npolitics.PolicyTable` can test them directly: :func:`assert_sums_to_one` for one
distribution, :func:`check_policy` for a table under generated messages and states, and
:func:`assert_samples_match` for a chi-square test that draws happen in proportion.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import attrs
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import npolitics as npl

#: Tolerance on Σ P(a) = 1 (the kernel's own validators use 1e-9).
TOLERANCE = 1e-9


class PolicyCheckError(npl.NpoliticsError, AssertionError):
    """A policy's probabilities do not form a distribution, or its samples do not follow them."""


def assert_sums_to_one(
    distribution: npl.Distribution[Any], *, tolerance: float = TOLERANCE
) -> None:
    """Every P(a) is finite and in [0, 1], and Σ P(a) = 1 within ``tolerance``."""
    probs = dict(distribution.probabilities())
    if not probs:
        raise PolicyCheckError(f"{distribution!r} lists no actions")
    bad = {a: p for a, p in probs.items() if not (math.isfinite(p) and 0.0 <= p <= 1.0)}
    if bad:
        raise PolicyCheckError(f"{distribution!r}: probabilities outside [0, 1]: {bad!r}")
    total = math.fsum(probs.values())
    if abs(total - 1.0) > tolerance:
        raise PolicyCheckError(
            f"{distribution!r}: probabilities sum to {total!r}, not 1 (tolerance {tolerance})"
        )


def check_policy(
    policy: npl.PolicyTable[Any, Any] | npl.Distribution[Any],
    *,
    messages: st.SearchStrategy[Any] | None = None,
    states: st.SearchStrategy[Any] | None = None,
    max_examples: int = 100,
    tolerance: float = TOLERANCE,
) -> None:
    """P(a | m, ψ) sums to one: for a table, for every drawn message and state.

    For a :class:`~npolitics.PolicyTable` every entry is checked, then (given ``messages``
    and ``states`` strategies) the distribution chosen for each drawn (m, ψ) — a missing
    entry is a failure too. A plain distribution is checked once.
    """
    if not isinstance(policy, npl.PolicyTable):
        assert_sums_to_one(policy, tolerance=tolerance)
        return
    for key, distribution in policy.table.items():
        try:
            assert_sums_to_one(distribution, tolerance=tolerance)
        except PolicyCheckError as exc:
            raise PolicyCheckError(f"entry {key!r} of the policy table: {exc}") from None
    if messages is None and states is None:
        return

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        m=messages if messages is not None else st.none(),
        psi=states if states is not None else st.none(),
    )
    def given_any(m: Any, psi: Any) -> None:
        try:
            distribution = policy.given(m, psi)
        except KeyError as exc:
            raise PolicyCheckError(
                f"no distribution for message {m!r} in state {psi!r}: {exc.args[0]}"
            ) from None
        assert_sums_to_one(distribution, tolerance=tolerance)

    given_any()


@attrs.frozen
class ChiSquare:
    """A chi-square goodness-of-fit test of ``n`` draws against a distribution's probabilities.

    ``counts`` and ``expected`` are per action (actions of probability zero excluded; drawing
    one is a failure of its own); ``p_value`` is from ``scipy.stats.chisquare``.
    """

    n: int
    counts: dict[Any, int]
    expected: dict[Any, float]
    statistic: float
    p_value: float

    def table(self) -> str:
        """Action, observed count and expected count, one line each."""
        return "\n".join(
            f"  {a!r}: observed {self.counts.get(a, 0)}, expected {e:.1f}"
            for a, e in self.expected.items()
        )


def chi_square(
    distribution: npl.Distribution[Any],
    *,
    n: int = 10_000,
    seed: int = 0,
    draw: Callable[[np.random.Generator, int], Sequence[Hashable]] | None = None,
) -> ChiSquare:
    """Draw ``n`` actions with a fresh ``default_rng(seed)`` and test them against P(a).

    ``draw(rng, n)`` returns the ``n`` actions (default: ``distribution.sample`` n times).
    Each action of positive probability must expect at least 5 draws (the usual condition
    for the chi-square approximation); raise ``n`` if not.
    """
    from scipy import stats  # scipy is needed only by this helper

    assert_sums_to_one(distribution)
    probs = {a: p for a, p in distribution.probabilities().items() if p > 0}
    expected = {a: n * p for a, p in probs.items()}
    scarce = {a: e for a, e in expected.items() if e < 5}
    if scarce:
        raise npl.ArgumentError(
            f"with n={n} draws, actions {list(scarce)} expect fewer than 5 draws each "
            f"({min(scarce.values()):.2g} at least); raise n to ≥ {_enough(probs):,}"
        )
    rng = np.random.default_rng(seed)
    drawn = draw(rng, n) if draw is not None else [distribution.sample(rng) for _ in range(n)]
    if len(drawn) != n:
        raise npl.ArgumentError(f"draw(rng, {n}) returned {len(drawn)} actions")
    counts = Counter(_plain(a) for a in drawn)
    impossible = {a: c for a, c in counts.items() if a not in probs}
    if impossible:
        raise PolicyCheckError(
            f"{distribution!r} drew actions of probability zero or unknown: {impossible!r}"
        )
    actions = list(expected)
    if len(actions) == 1:  # one possible action: every draw must be it, nothing to test
        return ChiSquare(n, dict(counts), expected, 0.0, 1.0)
    f_obs = np.array([counts.get(a, 0) for a in actions], dtype=float)
    f_exp = np.array([expected[a] for a in actions])
    f_exp *= f_obs.sum() / f_exp.sum()  # the tolerated rounding of Σ P(a) to 1
    result = stats.chisquare(f_obs, f_exp)
    return ChiSquare(n, dict(counts), expected, float(result.statistic), float(result.pvalue))


def assert_samples_match(
    distribution: npl.Distribution[Any],
    *,
    n: int = 10_000,
    seed: int = 0,
    alpha: float = 1e-4,
    draw: Callable[[np.random.Generator, int], Sequence[Hashable]] | None = None,
) -> ChiSquare:
    """Fail if ``n`` draws reject P(a) at level ``alpha`` (chi-square); return the test.

    With a fixed ``seed`` the verdict is deterministic; ``alpha`` is the chance that a
    correct sampler fails for that seed.
    """
    result = chi_square(distribution, n=n, seed=seed, draw=draw)
    if result.p_value < alpha:
        raise PolicyCheckError(
            f"{distribution!r}: {n} draws do not follow the probabilities "
            f"(chi-square {result.statistic:.1f}, p = {result.p_value:.2g} < {alpha}):\n"
            + result.table()
        )
    return result


def _enough(probs: dict[Any, float]) -> int:
    return math.ceil(5 / min(probs.values()))


def _plain(action: Any) -> Any:
    return action.item() if isinstance(action, np.generic) else action
