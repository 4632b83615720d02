"""The pytest plugin of ``npolitics.testing`` (entry point ``pytest11``: ``npolitics``).

It gives tests a ``check_world`` fixture, so a world's property test is one line::

    def test_my_world(check_world):
        check_world("my-world", steps=50)

and a ``--npolitics-examples N`` option that sets ``max_examples`` for every such call
(CI can ask for more examples than the everyday run). The plugin imports nothing heavy at
start-up: hypothesis is imported only when a test uses the fixture, so installing npolitics
without its ``testing`` extra leaves pytest working.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("npolitics")
    group.addoption(
        "--npolitics-examples",
        type=int,
        default=None,
        metavar="N",
        help="examples per check_world call made through the check_world fixture",
    )


@pytest.fixture
def check_world(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``npolitics.testing.check_world``, with ``--npolitics-examples`` applied if given."""
    from ._check import check_world as check

    examples = request.config.getoption("--npolitics-examples", default=None)

    def run(world: Any, **kwargs: Any) -> Any:
        if examples is not None:
            kwargs["max_examples"] = examples
        return check(world, **kwargs)

    return run
