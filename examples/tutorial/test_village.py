"""Tutorial step 3: property tests of the village (run with ``pytest examples/tutorial``)."""

# --8<-- [start:tests]
from hypothesis import given
from hypothesis import strategies as st
from village import village

from npolitics.testing import world_test

seeds = st.integers(min_value=0, max_value=2**32 - 1)


@given(
    farmers=st.integers(min_value=1, max_value=30),
    tax_rate=st.floats(min_value=0.0, max_value=1.0),
    effort=st.floats(min_value=0.0, max_value=3.0),
    seed=seeds,
)
def test_coins_are_conserved(
    farmers: int,
    tax_rate: float,
    effort: float,
    seed: int,
) -> None:
    """Whatever the parameters, no coin is made or lost between harvests."""
    params = {"farmers": farmers, "tax_rate": tax_rate, "effort": effort}
    world = village(seed=seed, **params)
    # A broken invariant raises InvariantError, naming it and the time.
    world.run(steps=20, check=True)


@given(seed=seeds)
def test_same_seed_same_results(seed: int) -> None:
    """A run is a function of its seed and parameters: bit for bit."""
    first = village(seed=seed, farmers=10).run(steps=20)
    again = village(seed=seed, farmers=10).run(steps=20)
    assert first.equals(again)


def test_no_tax_no_treasury() -> None:
    """With a tax rate of 0 the treasury never holds a coin."""
    results = village(seed=3, tax_rate=0.0).run(steps=20)
    assert (results.frame()["treasury"] == 0).all()


# The same check in one line: parameters drawn from their declared ranges,
# every invariant checked after every instant, failures shrunk.
test_village_invariants = world_test(village, steps=20)
# --8<-- [end:tests]
