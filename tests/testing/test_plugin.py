"""The pytest plugin: a world's property test is one line, and CI can ask for more examples."""

from __future__ import annotations

import textwrap

import pytest

from ._plugin_loading import ARGS

pytest_plugins = ["pytester"]

WORLD = '''
import attrs
import npolitics as npl

class Counter(npl.Agent):
    count: int = 0

    @npl.channel
    def tick(self, m: npl.Tick, ctx: npl.Context) -> None:
        self.count += 1

@attrs.frozen
class P:
    start: int = npl.param(0, ge=0, le=3)

@npl.world("counting", params=P)
def counting(p: P, world: npl.World) -> None:
    """Counts ticks; the count never runs ahead of time."""
    c = world.add("c", Counter(count=p.start))
    world.clock("c", "tick")
    world.invariant("count ≤ start + t + 1", lambda w: c.count <= p.start + (w.now or 0) + 1)
    world.invariant("count is 3 at most", lambda w: c.count <= 3)
'''


def test_the_fixture_makes_a_one_line_test(pytester: pytest.Pytester) -> None:
    """A passing world passes; a broken invariant fails with the shrunk report."""
    pytester.makepyfile(counting_world=WORLD)
    pytester.makepyfile(
        test_counting=textwrap.dedent(
            """
            from counting_world import counting

            def test_short(check_world):
                check_world(counting, steps=1, max_examples=5, params={"start": 0})

            def test_long(check_world):
                check_world(counting, steps=8, max_examples=20)
            """
        )
    )
    result = pytester.runpytest_inprocess(*ARGS, "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*WorldCheckError: world 'counting' broke invariant 'count is 3 at most' at t=3*",
            "*minimal example: parameters {start=0}, seed 0*",
            "*reproduce: from counting_world import counting; counting(seed=0, start=0).run(*",
        ]
    )


def test_the_examples_option_applies_to_every_fixture_call(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(counting_world=WORLD)
    pytester.makepyfile(
        test_counting=textwrap.dedent(
            """
            from counting_world import counting

            def test_short(check_world):
                report = check_world(counting, steps=1, max_examples=5, params={"start": 0})
                assert report.examples == 7
            """
        )
    )
    result = pytester.runpytest_inprocess(*ARGS, "-p", "no:cacheprovider", "--npolitics-examples=7")
    result.assert_outcomes(passed=1)
