"""Fuzzing the worlds' parameters: any value of any type, for any parameter of any world,
either builds a world or is refused with ``npl.ParameterError`` (or, for a world too big for
the memory limit, ``npl.CostError``, before it is built) — never another exception."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import npolitics as npl

WORLDS = ("knowledge-office", "info-decay", "rosca", "sugar-spice")

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.integers(-3, 12),
    st.floats(),
    st.floats(0, 2),
    st.text(max_size=6),
    st.sampled_from(["researcher", "database", "decay", "social", "steal", "growth", "3,0,4,1"]),
    st.tuples(st.integers(-2, 5), st.integers(-2, 5)),
    st.lists(st.floats(allow_nan=False), max_size=4),
    st.just(object()),
)

#: Examples per world: 100 by default; set NPOLITICS_FUZZ_EXAMPLES for a longer hunt.
EXAMPLES = int(os.environ.get("NPOLITICS_FUZZ_EXAMPLES", "100"))


@pytest.fixture(scope="module", autouse=True)
def _low_memory_limit() -> Iterator[None]:
    """Worlds over 32 MiB are refused by their estimate: what is built is quick to build."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NPOLITICS_MAX_MEMORY", "32M")
        yield


@pytest.mark.parametrize("name", WORLDS)
@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_any_parameter_value_builds_or_is_a_parameter_error(name: str, data: st.DataObject) -> None:
    try:
        spec = npl.load_world(name)
    except (ImportError, AttributeError, npl.UnknownWorldError) as exc:
        pytest.skip(f"world {name!r} is not importable: {exc}")
    declared = [p.name for p in spec.parameters()]
    junk_keys = st.text(max_size=5).filter(lambda k: k != "seed")  # seed= is not a parameter
    keys = st.one_of(st.sampled_from(declared), junk_keys)
    params = data.draw(st.dictionaries(keys, anything, max_size=3), label="params")
    try:
        spec(seed=0, **params)
    except (npl.ParameterError, npl.CostError) as exc:
        event(type(exc).__name__)
        if "\n" in str(exc):
            raise AssertionError(f"not one line: {exc}") from exc
        return
    event("built")
