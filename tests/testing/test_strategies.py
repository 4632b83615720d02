"""Strategies draw only what a world declares valid, near the scale it was designed for."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npolitics as npl
from npolitics.testing import (
    agents,
    messages,
    parameter_values,
    populations,
    seeds,
    world_params,
)

from ._worlds import Holders, Moody, Params, coin_world


@given(world_params(coin_world))
def test_drawn_parameters_build_the_world(values: dict[str, object]) -> None:
    """Every draw is complete and passes the declared ranges and cross-field checks."""
    assert set(values) == {p.name for p in coin_world.parameters()}
    p = Params(**values)  # type: ignore[arg-type]
    assert p.coins <= 2 * p.holders
    assert 0 < p.rate < 1
    assert p.mood in ("calm", "lively")


@given(world_params(coin_world, {"holders": 4, "rate": st.just(0.25)}))
def test_overrides_fix_a_value_or_give_a_strategy(values: dict[str, object]) -> None:
    assert values["holders"] == 4
    assert values["rate"] == 0.25


def test_unknown_overrides_are_refused() -> None:
    with pytest.raises(npl.ParameterError, match="'workers'"):
        world_params(coin_world, {"workers": 3})


def _parameter(kind: str, default: object, **info: object) -> npl.Parameter:
    return npl.Parameter("x", kind, default, npl.ParamInfo(**info))  # type: ignore[arg-type]


@given(st.data())
def test_integers_start_at_their_lower_bound_and_stay_small(data: st.DataObject) -> None:
    """Counts (``ge=1``, default 1000) are drawn in [1, 1 + int_span]."""
    value = data.draw(parameter_values(_parameter("int", 1000, ge=1), int_span=5))
    assert 1 <= value <= 6
    value = data.draw(parameter_values(_parameter("int", 5, gt=2, lt=5)))
    assert 3 <= value <= 4
    value = data.draw(parameter_values(_parameter("int", 3)))
    assert 0 <= value <= 8


@given(st.data())
def test_floats_stay_in_range_and_near_their_default(data: st.DataObject) -> None:
    """Exclusive bounds are excluded; without bounds a float stays within ×scale of its default."""
    value = data.draw(parameter_values(_parameter("float", 0.5, gt=0.0, lt=1.0)))
    assert 0.0 < value < 1.0
    value = data.draw(parameter_values(_parameter("float", 30.0, gt=0.0), scale=10))
    assert 3.0 <= value <= 300.0
    value = data.draw(parameter_values(_parameter("float", 0.0)))
    assert math.isfinite(value)
    assert -10 <= value <= 10
    value = data.draw(parameter_values(_parameter("float", 50.0, ge=0.0, le=1.0)))
    assert 0.0 <= value <= 1.0


@given(st.data())
def test_choices_flags_and_free_strings(data: st.DataObject) -> None:
    assert data.draw(parameter_values(_parameter("str", "a", choices=("a", "b")))) in ("a", "b")
    assert isinstance(data.draw(parameter_values(_parameter("bool", False))), bool)
    assert data.draw(parameter_values(_parameter("str", "free"))) == "free"


def test_an_empty_integer_range_is_refused() -> None:
    with pytest.raises(ValueError, match="holds no integer"):
        parameter_values(_parameter("int", 1, gt=1, lt=2))


@given(seeds())
def test_seeds_are_valid(seed: int) -> None:
    npl.World(seed=seed)


@attrs.frozen
class Offer:
    price: float
    units: int
    buyer: bool
    note: str = "x"


@given(messages(Offer))
def test_messages_have_fields_of_their_annotated_types(m: Offer) -> None:
    assert isinstance(m.price, float)
    assert math.isfinite(m.price)
    assert isinstance(m.units, int)
    assert isinstance(m.buyer, bool)
    assert isinstance(m.note, str)


@given(messages(Offer, units=st.integers(1, 3), note="fixed"))
def test_message_fields_can_be_given(m: Offer) -> None:
    assert 1 <= m.units <= 3
    assert m.note == "fixed"


def test_messages_refuse_non_message_types_and_unknown_fields() -> None:
    with pytest.raises(TypeError, match="not a message type"):
        messages(int)
    with pytest.raises(TypeError, match="no field"):
        messages(Offer, colour="red")


@given(populations(Holders, max_n=5, leak_at=2))
def test_populations_are_small_with_columns_of_their_dtype(crowd: Holders) -> None:
    assert 0 <= crowd.n <= 5
    assert crowd.coins.shape == (crowd.n,)
    assert crowd.coins.dtype == np.int64
    assert crowd.leak_at == 2


@given(populations(Holders, n=3))
def test_a_population_size_can_be_fixed(crowd: Holders) -> None:
    assert crowd.n == 3
    world = npl.World()
    world.add("crowd", crowd)


@given(agents(Moody, at=st.integers(0, 4)))
def test_agents_are_built_from_their_fields(agent: Moody) -> None:
    assert 0 <= agent.at <= 4
    assert agent.mood == 0.0


def _world_types(name: str) -> tuple[list[type], list[type[npl.Population]]]:
    try:
        spec = npl.load_world(name)
    except (ImportError, AttributeError, npl.UnknownWorldError) as exc:
        pytest.skip(f"world {name!r} is not importable: {exc}")
    world = spec(seed=0, **({"societies": 1} if name == "sugar-spice" else {}))
    kinds = [g["type"] for g in world.describe().values()]
    assert kinds
    groups = [world[g] for g in world]
    types = [type(g[0]) if isinstance(g, list) else type(g) for g in groups]
    accepts = [c.accepts for t in types for c in t.channels().values()]
    return accepts, [t for t in types if issubclass(t, npl.Population)]


@pytest.mark.parametrize("name", ["knowledge-office", "info-decay", "rosca", "sugar-spice"])
def test_every_message_and_population_of_the_shipped_worlds_can_be_drawn(name: str) -> None:
    """The strategies read real worlds' message classes and population columns."""
    accepts, populations_ = _world_types(name)
    for message_type in accepts:
        drawn = _draw(messages(message_type))
        assert drawn
        assert all(isinstance(m, message_type) for m in drawn)
    for population_type in populations_:
        assert all(0 <= len(p) <= 3 for p in _draw(populations(population_type, max_n=3)))


def _draw(strategy: st.SearchStrategy[object]) -> list[object]:
    """Ten examples of ``strategy``."""
    drawn: list[object] = []

    @settings(max_examples=10)
    @given(strategy)
    def collect(x: object) -> None:
        drawn.append(x)

    collect()
    return drawn
