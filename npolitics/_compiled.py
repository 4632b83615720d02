"""Compiled populations: a channel's rule written once, per message, run as a loop over each batch.

A population channel marked ``@channel(compiled=True, sends={...})`` is a *rule*
``rule(s, i, m, ctx, *outboxes)``: agent ``i`` handles message ``m``, reading and writing the
population's columns through ``s`` and sending with :func:`send` into its outboxes. The
framework runs the rule over each batch in batch order, then hands each outbox to the kernel
as one checked :class:`~npolitics.Batch`. With numba (and a compiled run) the loop is
generated, compiled once per population type, channel and outbox layout, and cached on disk;
without, the very same rule runs as Python over the same arrays and the same Generator, with
the same results.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import inspect
import os
import re
import sys
import tempfile
import types
import typing
import warnings
from collections import namedtuple
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import attrs
import numpy as np

from ._errors import (
    ArgumentError,
    DefinitionError,
    MessageTypeError,
    UnknownAgentError,
    UnknownChannelError,
)

F = TypeVar("F", bound=Callable[..., Any])

#: Whether numba is installed (known without importing it: that takes half a second).
AVAILABLE = importlib.util.find_spec("numba") is not None

HINT = "compiled runs need numba: pip install 'npolitics[fast]' (or pip install numba)"

#: Bumped when generated code changes shape, so stale disk caches are never loaded.
_CODEGEN_VERSION = "5"


def compiled_mode(compiled: bool | None) -> bool:
    """Whether a run asked for ``compiled`` runs its compiled channels through numba: None is
    yes when numba is installed (and ``NPOLITICS_COMPILED`` is not ``0``)."""
    if compiled is None:
        return AVAILABLE and os.environ.get("NPOLITICS_COMPILED", "1") != "0"
    if not isinstance(compiled, bool | np.bool_):
        raise ArgumentError(f"compiled must be None, True or False, got {compiled!r}")
    if compiled and not AVAILABLE:
        raise ArgumentError(f"compiled=True: {HINT}; or run with compiled=False")
    return bool(compiled)


# -- what rules call ---------------------------------------------------------------------


def send(box: Any, to: int, *fields: Any) -> None:
    """Send one message (delay 0) from a compiled rule: to agent ``to`` of the outbox's
    target, with the message's fields in declaration order: ``npl.send(give, j, 1.0)``.

    The outbox's messages go to the kernel as one batch when the rule has handled the whole
    batch it was given (a target out of range is then an UnknownAgentError)."""
    box.send(to, fields)


class Jit:
    """A helper function of compiled rules (see :func:`jit`): called from Python it is the
    plain function; inside compiled code, its numba dispatcher."""

    __slots__ = ("__dict__", "__wrapped__", "_dispatcher")

    #: Read by numba's inliner (as a dispatcher's options): a helper's body is inlined into
    #: the rule that calls it, before typing, so that a rule passing its whole state ``s`` to
    #: a helper passes nothing at run time (a call would copy ``s`` and count references).
    targetoptions: typing.ClassVar[dict[str, str]] = {"inline": "always"}

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.__wrapped__ = fn
        self.__name__ = getattr(fn, "__name__", "helper")
        self.__qualname__ = getattr(fn, "__qualname__", self.__name__)
        self.__doc__ = fn.__doc__
        self.__module__ = getattr(fn, "__module__", __name__)
        self._dispatcher: Any = None

    @property
    def py_func(self) -> Callable[..., Any]:
        """The function as written."""
        return self.__wrapped__

    @property
    def dispatcher(self) -> Any:
        """The numba dispatcher of the function (made when compiled code first needs it)."""
        if self._dispatcher is None:
            import numba

            self._dispatcher = numba.njit(inline="always")(self.__wrapped__)
        return self._dispatcher

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.__wrapped__(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<npl.jit {self.__qualname__}>"

    def __reduce__(self) -> str:  # pickled by reference: the module's own helper
        return self.__qualname__


def jit(fn: F) -> F:
    """Mark a helper function that compiled rules call: compiled with them (numba's
    ``njit``) in a compiled run, the plain function otherwise. Write it in the numba subset
    of Python: numbers, numpy arrays, loops."""
    if not callable(fn):
        raise DefinitionError(f"npl.jit decorates a function, got {fn!r}")
    return typing.cast(F, Jit(fn))


class Ctx(NamedTuple):
    """What a rule is given besides the state and the message: the time (a float), the
    population's size and its own numpy Generator."""

    now: float
    n: int
    rng: np.random.Generator


# -- layouts -----------------------------------------------------------------------------

_SCALARS: dict[Any, np.dtype[Any]] = {
    float: np.dtype(np.float64),
    int: np.dtype(np.int64),
    bool: np.dtype(np.bool_),
    "float": np.dtype(np.float64),
    "int": np.dtype(np.int64),
    "bool": np.dtype(np.bool_),
}


@attrs.frozen
class MessageLayout:
    """A message type as compiled rules see it: its fields' names and numpy dtypes."""

    type: type[Any]
    names: tuple[str, ...]
    dtypes: tuple[np.dtype[Any], ...]
    tuple_class: Any = attrs.field(eq=False, repr=False)


@functools.cache
def message_layout(cls: type) -> MessageLayout:
    """The layout of message type ``cls``, whose fields must be annotated with numbers
    (int, float, bool or a numpy scalar type)."""
    if not attrs.has(cls):
        raise DefinitionError(
            f"{cls.__qualname__} is not a message type: decorate it with @attrs.frozen"
        )
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # unresolvable string annotations: read them as written
        hints = {}
    names, dtypes = [], []
    for a in attrs.fields(cls):
        hint = hints.get(a.name, a.type)
        dtype = _SCALARS.get(hint)
        if dtype is None and isinstance(hint, type) and issubclass(hint, np.generic):
            dtype = np.dtype(hint)
        if dtype is None or dtype.kind not in "biuf":
            raise DefinitionError(
                f"message type {cls.__qualname__} travels to or from a compiled channel, so "
                f"its fields must be annotated with numbers (int, float, bool or a numpy scalar "
                f"type such as np.float32); field {a.name!r} is annotated {hint!r}"
            )
        names.append(a.name)
        dtypes.append(dtype)
    tuple_class = namedtuple(cls.__name__, names)  # type: ignore[misc]
    return MessageLayout(cls, tuple(names), tuple(dtypes), tuple_class)


# -- the rule of a channel ---------------------------------------------------------------


@attrs.frozen
class Rule:
    """A compiled channel's rule and its outboxes: (outbox name, where it goes) in order."""

    fn: Callable[..., Any] = attrs.field(repr=False)
    sends: tuple[tuple[str, str], ...]


def check_rule(owner: str, fn: Callable[..., Any], sends: Any) -> tuple[tuple[str, str], ...]:
    """The outboxes ``sends`` of rule ``fn`` as (name, target) pairs, checked against the
    rule's parameters ``(s, i, m, ctx, *outboxes)``."""
    if sends is None:
        sends = {}
    if not isinstance(sends, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in sends.items()
    ):
        raise DefinitionError(
            f"compiled channel {owner}: sends must map outbox names to targets, "
            f'"channel" or "group.channel", e.g. sends={{"give": "give"}}; got {sends!r}'
        )
    if inspect.iscoroutinefunction(fn):
        raise DefinitionError(f"compiled channel {owner} cannot be async")
    params = list(inspect.signature(fn).parameters)
    want = ["s", "i", "m", "ctx", *sends]
    if len(params) != len(want):
        raise DefinitionError(
            f"compiled channel {owner} must take (s, i, m, ctx) and then one outbox per entry "
            f"of sends ({', '.join(want)}); it takes ({', '.join(params)})"
        )
    return tuple(sends.items())


def rule_message_type(owner: str, fn: Callable[..., Any]) -> type:
    """The message type a rule accepts, from the annotation of its third parameter."""
    params = list(inspect.signature(fn).parameters)
    hint: Any = fn.__annotations__.get(params[2]) if len(params) > 2 else None
    note = ""
    if isinstance(hint, str):
        module = sys.modules.get(fn.__module__)
        try:
            hint = eval(hint, vars(module) if module else {})  # the author's own annotation
        except Exception as exc:
            note = f" (its annotation {hint!r} cannot be resolved: {exc})"
            hint = None
    if not isinstance(hint, type):
        raise DefinitionError(
            f"compiled channel {owner} needs the message type it accepts: annotate its "
            f"message parameter ({params[2] if len(params) > 2 else 'm'}: MessageType) or "
            f"write @channel(compiled=True, accepts=MessageType){note}"
        )
    return hint


# -- running a rule ----------------------------------------------------------------------


@attrs.frozen
class Outbox:
    """Where one outbox of a compiled channel goes, resolved in a world."""

    name: str
    group: str
    channel: str
    layout: MessageLayout

    def describe(self) -> str:
        return f"outbox {self.name!r} (to channel {self.channel!r} of group {self.group!r})"


class PyBox:
    """An outbox in an interpreted run: Python lists, one per column."""

    __slots__ = ("columns", "outbox", "to")

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.to: list[Any] = []
        self.columns: list[list[Any]] = [[] for _ in outbox.layout.names]

    def send(self, to: Any, fields: tuple[Any, ...]) -> None:
        layout = self.outbox.layout
        if len(fields) != len(layout.names):
            raise MessageTypeError(
                f"npl.send: wrong number of fields: {self.outbox.describe()} sends "
                f"{layout.type.__qualname__} messages with {len(layout.names)} field(s) "
                f"({', '.join(layout.names) or 'none'}), given in that order after the "
                f"target; got {len(fields)}"
            )
        if isinstance(to, bool | np.bool_) or not isinstance(to, int | np.integer):
            raise UnknownAgentError(
                f"npl.send: the target must be an agent index (an integer), got {to!r}"
            )
        self.to.append(to)
        for column, value in zip(self.columns, fields, strict=True):
            column.append(value)

    def arrays(self) -> tuple[np.ndarray[Any, Any], ...]:
        layout = self.outbox.layout
        return (
            np.array(self.to, dtype=np.int64),
            *(np.array(c, dtype=d) for c, d in zip(self.columns, layout.dtypes, strict=True)),
        )


class Runner:
    """Runs one compiled channel of one group over each batch it is given, interpreted or
    compiled, and sends what the outboxes hold."""

    def __init__(
        self,
        world: str,
        group: str,
        channel: str,
        rule: Rule,
        layout: MessageLayout,
        outboxes: tuple[Outbox, ...],
        state_names: tuple[str, ...],
        compiled: bool,
    ) -> None:
        self.world, self.group, self.channel = world, group, channel
        self.rule, self.layout, self.outboxes = rule, layout, outboxes
        self.state_names = state_names
        self.compiled = compiled
        self.state_class: Any = state_class(state_names)
        self.fn: Any = None
        self._rng: Any = None  # the Generator whose pointers were read last, and them
        self._pointers: tuple[int, ...] = ()

    def pointers(self, rng: np.random.Generator) -> tuple[int, ...]:
        """``rng``'s bit generator as compiled code reaches it (read again when a restore
        has given the group another Generator)."""
        if rng is not self._rng:
            from ._numba_glue import rng_pointers

            self._pointers, self._rng = rng_pointers(rng), rng
        return self._pointers

    def state(self, population: Any) -> Any:
        """The population's state as the rule sees it."""
        values = [getattr(population, name) for name in self.state_names]
        if not self.compiled:  # numbers as numba types them
            values = [_as_numpy(v) for v in values]
        return self.state_class(*values)

    def columns(self, batch: Any) -> list[np.ndarray[Any, Any]]:
        n = len(batch)
        out = []
        for name, dtype in zip(self.layout.names, self.layout.dtypes, strict=True):
            value = batch.column(name)
            if isinstance(value, np.ndarray) and value.ndim > 0:
                out.append(np.ascontiguousarray(value, dtype=dtype))
            else:
                out.append(np.full(n, value, dtype=dtype))
        return out

    def __call__(self, population: Any, batch: Any, ctx: Any) -> None:
        to = np.ascontiguousarray(batch.to, dtype=np.int64)
        columns = self.columns(batch)
        now = np.float64(ctx.now)
        n = len(population)
        if self.compiled:
            if self.fn is None:
                self.fn = self.build(population, ctx.rng)
            values = [getattr(population, name) for name in self.state_names]
            outs = self.fn(*values, to, *columns, now, n, self.pointers(ctx.rng))
        else:
            s = self.state(population)
            boxes = [PyBox(o) for o in self.outboxes]
            rule_ctx = Ctx(now, np.int64(n), ctx.rng)  # type: ignore[arg-type]  # as numba types it
            make: Any = self.layout.tuple_class
            rule = self.rule.fn
            for k in range(to.size):
                rule(s, to[k], make(*[c[k] for c in columns]), rule_ctx, *boxes)
            outs = tuple(b.arrays() for b in boxes)
        self.flush(outs, ctx)

    def flush(self, outs: tuple[tuple[np.ndarray[Any, Any], ...], ...], ctx: Any) -> None:
        """Hand each non-empty outbox to the kernel as one batch, in declaration order."""
        from ._message import Batch

        for outbox, (to, *cols) in zip(self.outboxes, outs, strict=True):
            if to.size:
                fields = dict(zip(outbox.layout.names, cols, strict=True))
                ctx.send(outbox.group, outbox.channel, Batch(outbox.layout.type, to, **fields))

    def build(self, population: Any, rng: np.random.Generator) -> Any:
        """The compiled loop, compiled now (on an empty batch): an error names the world,
        the group, the channel and numba's own message."""
        fn = compile_loop(self)
        empty = [np.empty(0, dtype=d) for d in self.layout.dtypes]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", _numba_warning())
                values = [getattr(population, name) for name in self.state_names]
                fn(*values, np.empty(0, np.int64), *empty, 0.0, 0, self.pointers(rng))
        except Exception as exc:
            raise build_error(self.world, self.group, self.channel, exc) from None
        return fn

    def key(self) -> tuple[Any, ...]:
        """What the compiled loop depends on besides the argument types numba sees."""
        return (
            self.rule.fn,
            self.layout.type,
            self.state_names,
            tuple(o.layout.type for o in self.outboxes),
        )


def _as_numpy(value: Any) -> Any:
    if isinstance(value, bool):
        return np.bool_(value)
    if isinstance(value, int):
        return np.int64(value)
    if isinstance(value, float):
        return np.float64(value)
    return value


@functools.cache
def state_class(names: tuple[str, ...]) -> Any:
    """The namedtuple class of a state with fields ``names`` (one per set of names: making
    a class takes ~0.2 ms, and every run makes a state per compiled channel)."""
    return namedtuple("State", names)


def state_names(population: Any) -> tuple[str, ...]:
    """The attributes of ``population`` a rule sees: its fields and public class attributes
    that are numbers or numeric arrays (columns among them), fields first."""
    from ._agent import Population

    names = [a.name for a in attrs.fields(type(population))]
    for klass in reversed(type(population).__mro__):
        if klass is not Population and issubclass(klass, Population):
            names += [k for k in vars(klass) if not k.startswith("_") and k not in names]
    names += [k for k in vars(population) if not k.startswith("_") and k not in names]
    out = []
    for name in names:
        value = getattr(population, name, None)
        if isinstance(value, np.ndarray):
            if value.dtype.kind in "biuf":
                out.append(name)
        elif isinstance(value, bool | int | float | np.bool_ | np.integer | np.floating):
            out.append(name)
    return tuple(out)


def _numba_warning() -> type[Warning]:
    from numba.core.errors import NumbaWarning

    return NumbaWarning


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def build_error(world: str, group: str, channel: str, exc: BaseException) -> Exception:
    """The error for a rule numba could not compile: where, and numba's own message."""
    from ._numba_glue import SEND_FIELDS, SEND_TARGET

    text = _ANSI.sub("", str(exc)).strip()
    where = f"in world {world!r}: compiled channel {channel!r} of group {group!r}"
    for marker, kind in ((SEND_FIELDS, MessageTypeError), (SEND_TARGET, UnknownAgentError)):
        found = re.search(re.escape(marker) + r"[^\n]*", text)
        if found:
            return kind(f"{where}: {found.group(0)}\n\nnumba's message:\n{text}")
    return DefinitionError(
        f"{where} cannot be compiled (run with compiled=False to run it as Python, or fix the "
        f"rule: numba compiles numbers, numpy arrays and loops); numba's message:\n{text}"
    )


# -- code generation and the disk cache --------------------------------------------------

_LOOPS: dict[tuple[Any, ...], Any] = {}


def compile_loop(runner: Runner) -> Any:
    """The compiled ``batch(s, to, *columns, now, n, rng)`` of ``runner``'s rule: one per
    rule, message layout, state names and outbox layouts in this process, and cached on
    disk across processes (the file is named by a digest of the rule's code)."""
    return loop_module(runner).batch


def loop_module(runner: Runner) -> Any:
    """The generated module of ``runner``'s rule: ``batch``, and ``core`` (the loop over rows
    ``lo`` to ``hi`` of a batch, sending into outboxes made by ``box0``, ``box1``, …)."""
    key = runner.key()
    module = _LOOPS.get(key)
    if module is None:
        module = _LOOPS[key] = _generate(runner)
    return module


def _generate(runner: Runner) -> Any:
    import numba

    from . import _numba_glue  # noqa: F401 - registers the outbox type and npl.send

    layout = runner.layout
    nf = len(layout.names)
    cols = [f"c{k}" for k in range(nf)]
    boxes = [f"b{k}" for k in range(len(runner.outboxes))]
    lines = [
        f'"""Generated by npolitics for a compiled channel of {runner.rule.fn.__qualname__}."""',
        "import numpy as np",
        "from collections import namedtuple",
        "from numba.experimental.structref import new as _new",
        "from npolitics._compiled import Ctx",
        "from npolitics._numba_glue import borrowed, box_type, generator_from, lend",
        "",
        f"State = namedtuple('State', {runner.state_names!r})",
        f"Msg = namedtuple({layout.type.__name__!r}, {layout.names!r})",
        "rule = None  # the author's rule, compiled: set by npolitics",
    ]
    for k, o in enumerate(runner.outboxes):
        lo = o.layout
        lines.append(f"B{k} = box_type({lo.names!r}, {tuple(str(d) for d in lo.dtypes)!r})")
        lines += [
            "",
            f"def box{k}(cap):",
            f"    b = _new(B{k})",
            "    b.count = 0",
            "    b.to = np.empty(cap, np.int64)",
            *(
                f"    b.m_{f} = np.empty(cap, np.{d.name})"
                for f, d in zip(lo.names, lo.dtypes, strict=True)
            ),
            "    return b",
        ]
    args = ", ".join(["s", "to", *cols])
    state_args = [f"s_{k}" for k in range(len(runner.state_names))]
    outs = ", ".join(boxes)
    msg = ", ".join(f"{c}[k]" for c in cols)
    lent = ", ".join(f"l{b}" for b in boxes)  # counted no references: see LentBoxType
    lines += [
        "",
        f"def core({args}, lo, hi, now, n, rng{', ' if boxes else ''}{outs}):",
        "    ctx = Ctx(now, n, rng)",
        *(f"    l{b} = lend({b})" for b in boxes),
        "    for k in range(lo, hi):",
        f"        rule(s, to[k], Msg({msg}), ctx{', ' if boxes else ''}{lent})",
        "",
        f"def batch({', '.join([*state_args, 'to', *cols])}, now, n, pointers):",
        f"    s = State({', '.join(f'borrowed({a})' for a in state_args)})",
        "    rng = generator_from(pointers)",
        *(f"    {b} = box{k}(16)" for k, b in enumerate(boxes)),
        f"    core({args}, 0, to.size, now, n, rng{', ' if boxes else ''}{outs})",
        "    return ("
        + "".join(f"({_trimmed(b, o)}), " for b, o in zip(boxes, runner.outboxes, strict=True))
        + ")",
        "",
    ]
    source = "\n".join(lines)
    digest = source_digest(source, fingerprint(runner.rule.fn))
    stem = re.sub(r"\W", "_", runner.rule.fn.__qualname__)[:60]
    module = _load(f"_npl_{stem}_{digest}", source)
    if getattr(module, "ready", False):  # the same code, reached by another path
        return module
    cache = module.__file__ is not None
    module.rule = numba.njit(inline="always")(runner.rule.fn)  # type: ignore[attr-defined]
    for name in [f"box{k}" for k in range(len(boxes))] + ["core", "batch"]:
        setattr(module, name, numba.njit(cache=cache)(getattr(module, name)))
    module.ready = True  # type: ignore[attr-defined]
    return module


def source_digest(source: str, *extra: bytes) -> str:
    """A digest naming generated code: its source, what it calls, and the versions of the
    tools that compile it (a cached file is reused only when all are the same)."""
    import numba

    from . import _numba_glue

    digest = hashlib.sha256()
    for part in (
        _CODEGEN_VERSION,
        numba.__version__,
        np.__version__,
        sys.version,
        source,
        inspect.getsource(_numba_glue),
    ):
        digest.update(part.encode())
    for more in extra:
        digest.update(more)
    return digest.hexdigest()[:20]


def load_module(name: str, source: str) -> types.ModuleType:
    """Generated module ``name`` (see :func:`_load`)."""
    return _load(name, source)


def _trimmed(box: str, outbox: Outbox) -> str:
    """The filled part of outbox ``box``'s columns, as generated code returns them."""
    columns = ["to", *(f"m_{f}" for f in outbox.layout.names)]
    return ", ".join(f"{box}.{c}[:{box}.count]" for c in columns)


def _load(name: str, source: str) -> types.ModuleType:
    """The generated module ``name``, from a file in the cache directory (so numba can cache
    its compiled code), or from memory when no directory is writable."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    path = None
    for folder in _cache_dirs():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{name}.py"
            if not path.exists() or path.read_text() != source:
                tmp = folder / f"{name}.{os.getpid()}.tmp"
                tmp.write_text(source)
                os.replace(tmp, path)
            break
        except OSError:
            path = None
    if path is None:
        module = types.ModuleType(name)
        module.__file__ = None
        sys.modules[name] = module
        exec(compile(source, f"<npolitics {name}>", "exec"), module.__dict__)
        return module
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _cache_dirs() -> list[Path]:
    """Where generated modules may be written: ``NPOLITICS_CACHE_DIR``, the user's cache
    directory, then the temporary directory."""
    out = []
    if os.environ.get("NPOLITICS_CACHE_DIR"):
        out.append(Path(os.environ["NPOLITICS_CACHE_DIR"]))
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    out.append(Path(base) / "npolitics" / "compiled")
    out.append(Path(tempfile.gettempdir()) / f"npolitics-{os.getuid()}" / "compiled")
    return out


def fingerprint(fn: Any, seen: set[int] | None = None) -> bytes:
    """A digest of what compiled code built from ``fn`` depends on: its code, its defaults,
    the helpers it calls and the numbers it reads from its module (numba freezes them)."""
    seen = set() if seen is None else seen
    fn = getattr(fn, "py_func", fn)
    fn = getattr(fn, "__wrapped__", fn)
    code = getattr(fn, "__code__", None)
    if code is None or id(code) in seen:
        return b""
    seen.add(id(code))
    digest = hashlib.sha256(_code_bytes(code))
    digest.update(repr(getattr(fn, "__defaults__", None)).encode())
    for cell in getattr(fn, "__closure__", None) or ():
        digest.update(_value_bytes(cell.cell_contents, seen))
    glob = getattr(fn, "__globals__", {})
    for name in sorted(_names(code)):
        if name in glob:
            digest.update(name.encode() + _value_bytes(glob[name], seen))
    return digest.digest()


def _code_bytes(code: types.CodeType) -> bytes:
    """What ``code`` does, as bytes that depend on nothing else. Not ``marshal.dumps``: it
    marks the constants that other objects also refer to, so its bytes change when numba,
    compiling the function, takes references to them (and the cached code would be missed)."""
    parts = [
        code.co_code,
        repr((code.co_name, code.co_argcount, code.co_posonlyargcount)).encode(),
        repr((code.co_kwonlyargcount, code.co_flags, code.co_names)).encode(),
        repr((code.co_varnames, code.co_freevars, code.co_cellvars)).encode(),
        *(_const_bytes(const) for const in code.co_consts),
    ]
    return b"\0".join(parts)


def _const_bytes(const: Any) -> bytes:
    if isinstance(const, types.CodeType):
        return _code_bytes(const)
    if isinstance(const, tuple | frozenset):
        items = [_const_bytes(c) for c in const]
        if isinstance(const, frozenset):  # its order follows the string hash seed
            items.sort()
        return type(const).__name__.encode() + b"(" + b",".join(items) + b")"
    return repr(const).encode()


def _names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def _value_bytes(value: Any, seen: set[int]) -> bytes:
    if isinstance(value, Jit) or hasattr(value, "py_func"):
        return fingerprint(value, seen)
    if isinstance(value, types.FunctionType):
        return fingerprint(value, seen)
    if isinstance(value, int | float | bool | str | bytes | complex | tuple | type(None)):
        return repr(value).encode()
    if isinstance(value, np.ndarray):
        return str((value.dtype, value.shape)).encode() + value.tobytes()
    if isinstance(value, np.generic):
        return repr(value).encode()
    return b""


def resolve_outboxes(
    world: str, group: str, channel: str, rule: Rule, route: Callable[[str, str], Any]
) -> tuple[Outbox, ...]:
    """The outboxes of ``rule`` in a world: ``route(group, channel)`` finds each target (and
    raises the interpreted send's error for an unknown one)."""
    out = []
    for name, target in rule.sends:
        tgroup, _, tchannel = target.rpartition(".")
        tgroup = tgroup or group
        try:
            r = route(tgroup, tchannel)
        except (UnknownAgentError, UnknownChannelError) as exc:
            raise type(exc)(
                f"in world {world!r}: compiled channel {channel!r} of group {group!r} sends "
                f"outbox {name!r} to {target!r}: {exc}"
            ) from None
        out.append(Outbox(name, tgroup, tchannel, message_layout(r.accepts)))
    return tuple(out)
