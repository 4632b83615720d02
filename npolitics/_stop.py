"""Stop conditions that travel: a run ends at the first instant where a condition holds.

``World.run(stop=fn)`` takes any function of the world. An experiment sends its stop
condition to worker processes and Dask workers, so there it must pickle, and to be repeated
from a results file it must be named. Two forms do both: a :class:`Threshold` on a metric
(written ``"score >= 0.99"``), and a function defined at the top level of a module (written
``"module:function"``). Any other function still works on the serial backend.
"""

from __future__ import annotations

import importlib
import math
import operator
import pickle
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from ._errors import ArgumentError

if TYPE_CHECKING:
    from ._world import World

Stop = Callable[["World"], Any]

#: The comparisons a threshold may make, as written.
OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}

_THRESHOLD = re.compile(r"^\s*(?P<metric>[^<>=]+?)\s*(?P<op><=|>=|<|>)\s*(?P<value>[^<>=]+?)\s*$")

_FORMS = (
    "a function of the world, an npl.Threshold, or a string: 'metric OP number' "
    "(OP one of <, <=, >, >=; e.g. 'score >= 0.99') or 'module:function'"
)


def _check_metric(instance: Threshold, attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ArgumentError(f"a threshold's metric is a metric name, got {value!r}")


def _check_op(instance: Threshold, attribute: Any, value: Any) -> None:
    if value not in OPERATORS:
        raise ArgumentError(
            f"a threshold compares with one of {', '.join(OPERATORS)}, got {value!r}"
        )


def _check_value(instance: Threshold, attribute: Any, value: Any) -> None:
    if (
        not isinstance(value, int | float | np.number)
        or isinstance(value, bool)
        or not math.isfinite(value)
    ):
        raise ArgumentError(f"a threshold's value is a finite number, got {value!r}")


def _number(value: Any) -> Any:
    """A number as a plain float (numpy scalars and ints too); anything else unchanged."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


@attrs.frozen
class Threshold:
    """Stop a run at the first instant after which ``metric op value`` holds.

    ``metric`` is ``"omega"`` (Ω) or one of the world's metrics; ``op`` is ``"<"``,
    ``"<="``, ``">"`` or ``">="``. It is checked after every instant, as any stop condition
    is, so the metric is computed once per instant. A threshold pickles (it can go to any
    backend) and is recorded in an experiment's description as ``str(threshold)``, e.g.
    ``"score >= 0.99"``, which :meth:`parse` reads back.
    """

    metric: str = attrs.field(validator=_check_metric)
    op: str = attrs.field(validator=_check_op)
    value: float = attrs.field(converter=_number, validator=_check_value)

    @classmethod
    def parse(cls, text: str) -> Threshold:
        """The threshold written ``"metric OP number"`` (spaces optional)."""
        match = _THRESHOLD.match(text) if isinstance(text, str) else None
        if match is None:
            raise ArgumentError(f"a threshold is written 'metric OP number', got {text!r}")
        raw = match["value"]
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ArgumentError(f"a threshold's value is a finite number, got {raw!r} in {text!r}")
        return cls(match["metric"], match["op"], value)

    def check(self, world: World) -> None:
        """Refuse a metric ``world`` does not record (before any run starts)."""
        if self.metric != "omega" and self.metric not in world.metrics:
            raise ArgumentError(
                f"stop condition {str(self)!r} names metric {self.metric!r}, which world "
                f"{world.name!r} does not record; it has "
                + ", ".join(repr(name) for name in ("omega", *world.metrics))
            )

    def __call__(self, world: World) -> bool:
        """Whether the condition holds in ``world`` now."""
        if self.metric == "omega":
            value = world.omega().total
        else:
            self.check(world)
            value = float(world._metrics[self.metric](world))
        return OPERATORS[self.op](value, self.value)

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.value!r}"


def stop_condition(stop: Any) -> Stop | None:
    """The condition ``stop`` gives: None, a Threshold, or a function of the world.

    A string is a threshold (``"score >= 0.99"``) or a function's reference
    (``"module:function"``).
    """
    if stop is None or isinstance(stop, Threshold):
        return stop
    if isinstance(stop, str):
        if any(op in stop for op in OPERATORS):
            return Threshold.parse(stop)
        module_name, colon, attribute = stop.partition(":")
        if not colon or not module_name.strip() or not attribute.strip():
            raise ArgumentError(f"stop must be {_FORMS}; got {stop!r}")
        return _import(module_name.strip(), attribute.strip(), stop)
    if callable(stop):
        return stop  # type: ignore[no-any-return]
    raise ArgumentError(f"stop must be {_FORMS}; got {stop!r}")


def _import(module_name: str, attribute: str, text: str) -> Stop:
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ArgumentError(f"stop {text!r}: cannot import {module_name!r} ({exc})") from None
    fn: Any = module
    for part in attribute.split("."):
        fn = getattr(fn, part, None)
    if fn is None or not callable(fn):
        raise ArgumentError(
            f"stop {text!r}: module {module_name!r} has no function {attribute!r}"
            + ("" if fn is None else f" (found {fn!r})")
        )
    return fn  # type: ignore[no-any-return]


def stop_reference(stop: Stop | None) -> str | None:
    """A string :func:`stop_condition` turns back into ``stop``; None if there is none (a
    lambda, a local function, a callable object)."""
    if stop is None:
        return None
    if isinstance(stop, Threshold):
        return str(stop)
    module, name = getattr(stop, "__module__", None), getattr(stop, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(name, str) or "<" in name:
        return None
    try:
        found: Any = importlib.import_module(module)
        for part in name.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return None
    return f"{module}:{name}" if found is stop else None


def stop_name(stop: Stop | None) -> str | None:
    """How ``stop`` reads in messages and descriptions."""
    if stop is None:
        return None
    if isinstance(stop, Threshold):
        return str(stop)
    reference = stop_reference(stop)
    if reference is not None:
        return reference
    name = getattr(stop, "__qualname__", None)
    code = getattr(stop, "__code__", None)
    if not isinstance(name, str):
        return repr(stop)
    if code is not None and name.endswith("<lambda>"):
        return f"<lambda> ({code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno})"
    return name


def check_travels(stop: Stop, backend: Any) -> None:
    """Refuse a stop condition that cannot reach ``backend``'s workers, before any run.

    The processes backend pickles it (so it must be importable: a module's top-level
    function, or a Threshold); Dask uses cloudpickle, which also sends lambdas by value.
    """
    if backend == "serial":
        return
    if backend == "processes":
        dumps: Callable[[Any], bytes] = pickle.dumps
    else:
        try:
            cloudpickle = importlib.import_module("cloudpickle")
        except ImportError:  # without Dask there is no Dask backend to reach
            return
        dumps = cloudpickle.dumps
    try:
        dumps(stop)
    except Exception as exc:
        raise ArgumentError(
            f"stop condition {stop_name(stop)} cannot be sent to the workers of backend "
            f"{backend!r} ({type(exc).__name__}: {exc}); define it at the top level of a "
            "module (def stop(world): ...), give a threshold such as "
            "npl.Threshold('score', '>=', 0.99), or run on backend='serial'"
        ) from None


@attrs.define
class Watch:
    """Wraps a run's stop condition and remembers the instant at which it first held."""

    fn: Stop
    at: Any = None

    def __call__(self, world: World) -> Any:
        done = self.fn(world)
        if self.at is None and (done is True or done is np.True_):
            self.at = world.now
        return done

    def __getattr__(self, name: str) -> Any:
        # World's errors name the condition by its __qualname__ and __code__: the user's own.
        if name in ("__qualname__", "__code__"):
            return getattr(self.fn, name)
        raise AttributeError(name)

    def __repr__(self) -> str:
        return repr(self.fn)
