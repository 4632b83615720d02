"""World parameters and the registry: bad values name the parameter and the allowed range;
specs build worlds; an unknown world name gets suggestions."""

from __future__ import annotations

import math
from typing import Any

import attrs
import pytest

import npolitics as npl
from npolitics import _registry


@attrs.frozen
class Params:
    workers: int = npl.param(10, ge=1, help="how many workers")
    rate: float = npl.param(0.5, ge=0, le=1, help="a probability")
    spread: float = npl.param(1.0, gt=0, lt=10)
    variant: str = npl.param("calm", choices=["calm", "busy"])
    noisy: bool = npl.param(False)
    bosses: int = npl.param(1, ge=0)

    def __attrs_post_init__(self) -> None:
        if self.bosses > self.workers:
            raise npl.ParameterError(
                f"bosses ({self.bosses}) cannot outnumber workers ({self.workers})"
            )


@npl.world("tiny-office", params=Params)
def tiny_office(p: Params, world: npl.World) -> None:
    """A tiny office: nobody does anything."""
    world.metric("workers", lambda w: float(p.workers))


class TestParam:
    @pytest.mark.parametrize(
        ("values", "message"),
        [
            ({"workers": 0}, r"parameter 'workers' must be ≥ 1, got 0"),
            ({"rate": 1.5}, r"parameter 'rate' must be ≥ 0 and ≤ 1, got 1.5"),
            ({"rate": math.nan}, r"parameter 'rate' must be ≥ 0 and ≤ 1, got nan"),
            ({"spread": 10.0}, r"parameter 'spread' must be > 0 and < 10, got 10.0"),
            ({"spread": 0.0}, r"parameter 'spread' must be > 0 and < 10, got 0.0"),
            ({"variant": "lazy"}, r"parameter 'variant' must be one of 'calm', 'busy', got 'lazy'"),
            ({"workers": 2.5}, r"parameter 'workers' must be an integer \(≥ 1\), got 2.5"),
            ({"workers": True}, r"parameter 'workers' must be an integer \(≥ 1\), got True"),
            ({"noisy": 1}, r"parameter 'noisy' must be true or false \(any value\), got 1"),
            ({"rate": "high"}, r"parameter 'rate' must be a number \(≥ 0 and ≤ 1\), got 'high'"),
        ],
    )
    def test_bad_value_names_parameter_and_range(
        self, values: dict[str, Any], message: str
    ) -> None:
        with pytest.raises(npl.ParameterError, match=message):
            tiny_office(seed=0, **values)

    def test_cross_field_check(self) -> None:
        with pytest.raises(
            npl.ParameterError, match=r"bosses \(3\) cannot outnumber workers \(2\)"
        ):
            tiny_office(workers=2, bosses=3)

    def test_unknown_parameter_lists_the_valid_ones(self) -> None:
        with pytest.raises(
            npl.ParameterError,
            match=r"unknown parameter\(s\) 'wokers'; valid: bosses, noisy, rate, spread, "
            r"variant, workers",
        ):
            tiny_office(wokers=3)

    def test_ints_are_accepted_for_floats(self) -> None:
        world = tiny_office(rate=1, spread=2)
        assert world.params.rate == 1.0
        assert type(world.params.rate) is float

    def test_parse_from_the_command_line(self) -> None:
        params = {p.name: p for p in tiny_office.parameters()}
        assert params["workers"].parse("12") == 12
        assert params["rate"].parse("0.25") == 0.25
        assert params["noisy"].parse("yes") is True
        assert params["variant"].parse("busy") == "busy"
        with pytest.raises(npl.ParameterError, match=r"parameter 'workers' must be an integer"):
            params["workers"].parse("many")

    def test_parameters_are_introspectable(self) -> None:
        (workers, rate, *_) = tiny_office.parameters()
        assert (workers.name, workers.type, workers.default) == ("workers", "int", 10)
        assert workers.info.help == "how many workers"
        assert workers.info.describe() == "≥ 1"
        assert rate.info.describe() == "≥ 0 and ≤ 1"


class TestWorldSpec:
    def test_builds_a_world(self) -> None:
        world = tiny_office(seed=3, workers=4)
        assert isinstance(world, npl.World)
        assert world.name == "tiny-office"
        assert world.params == Params(workers=4)
        res = world.run(steps=2)
        assert res.frame()["workers"].tolist() == [4.0, 4.0]
        assert res.params["workers"] == 4

    def test_description_and_defaults(self) -> None:
        assert isinstance(tiny_office, npl.WorldSpec)
        assert tiny_office.description == "A tiny office: nobody does anything."
        assert tiny_office.defaults() == Params()


class TestRegistry:
    def test_our_worlds_are_registered(self) -> None:
        assert {"info-decay", "knowledge-office", "rosca", "sugar-spice"} <= set(npl.world_names())

    def test_unknown_world_suggests_near_names(self) -> None:
        with pytest.raises(
            npl.UnknownWorldError,
            match=r"no world named 'knowledge-ofice'; did you mean 'knowledge-office'\?",
        ):
            npl.load_world("knowledge-ofice")

    def test_unknown_world_without_near_names_lists_all(self) -> None:
        with pytest.raises(npl.UnknownWorldError, match=r"\(known worlds: .*rosca") as info:
            npl.load_world("zzz")
        assert "did you mean" not in str(info.value)

    def test_third_party_worlds_load_through_entry_points(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A world registered by any installed package loads like ours."""

        @attrs.frozen
        class EntryPoint:
            name: str
            value: str

            def load(self) -> Any:
                return tiny_office if self.value == "good" else object()

        def entry_points(group: str) -> list[EntryPoint]:
            assert group == "npolitics.worlds"
            return [EntryPoint("tiny-office", "good"), EntryPoint("broken", "bad")]

        monkeypatch.setattr(_registry, "entry_points", entry_points)
        monkeypatch.setattr(_registry, "_LOADED", {})  # what this process loaded before
        assert npl.load_world("tiny-office") is tiny_office
        assert npl.world_names() == ["broken", "tiny-office"]
        with pytest.raises(TypeError, match=r"entry point 'broken' \(bad\) is not a WorldSpec"):
            npl.load_world("broken")
        with pytest.raises(npl.UnknownWorldError, match=r"did you mean 'tiny-office'"):
            npl.load_world("tiny-ofice")
