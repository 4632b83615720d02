"""What compiled rules need of numba: outboxes, ``npl.send`` in compiled code, ``npl.jit``.

Imported only when a run compiles (numba takes half a second to import), never by
``import npolitics``. An outbox is a numba *structref*: a mutable record holding a count and
one growable array per column (the targets, then each field of the message type), so a rule
sends any number of messages without knowing how many in advance. ``npl.send`` is overloaded
for outboxes: it appends one row, doubling the arrays when they are full.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np
from numba import njit, types
from numba.core import cgutils
from numba.core.datamodel import models
from numba.core.errors import TypingError
from numba.experimental import structref
from numba.extending import intrinsic, overload, register_model, typeof_impl
from numba.np.numpy_support import from_dtype

from ._compiled import Jit, send

#: Marks the errors ``npl.send`` raises while numba types a rule, so a failed build can
#: report them as the interpreted path would (MessageTypeError, UnknownAgentError).
SEND_FIELDS = "npl.send: wrong number of fields"
SEND_TARGET = "npl.send: the target must be an agent index"
SEND_BOX = "npl.send: the first argument must be an outbox"

_PREFIX = "m_"  # message fields in an outbox, apart from its own "count" and "to"


@structref.register
class BoxType(types.StructRef):
    """The numba type of an outbox: ``count``, ``to`` and one ``m_<field>`` array per field."""

    def preprocess_fields(self, fields: Any) -> Any:
        return tuple((name, types.unliteral(typ)) for name, typ in fields)  # type: ignore[no-untyped-call]

    @property
    def message_fields(self) -> tuple[str, ...]:
        return tuple(n[len(_PREFIX) :] for n in self.field_dict if n.startswith(_PREFIX))


class LentBoxType(BoxType):
    """An outbox lent to a rule for one batch (:func:`lend`): the same record, reached
    through a pointer that counts no references. A rule's outbox arguments are copied at
    every message (the rule is inlined into the batch's loop), and each copy of an outbox
    would count a reference twice, atomically: 10 atomic operations a message for a rule
    with 5 outboxes. The loop that lends it keeps the outbox alive."""


class _LentBoxModel(models.StructModel):
    """The lent outbox's data: the outbox's meminfo as a plain pointer (not counted)."""

    def __init__(self, dmm: Any, fe_type: Any) -> None:
        super().__init__(dmm, fe_type, [("meminfo", types.voidptr)])  # type: ignore[no-untyped-call]


register_model(LentBoxType)(_LentBoxModel)
structref.define_attributes(LentBoxType)  # type: ignore[no-untyped-call]


@intrinsic
def lend(typingctx, box):  # type: ignore[no-untyped-def]
    """Outbox ``box`` as a :class:`LentBoxType` (the caller keeps ``box`` alive while the
    lent one is used; it never goes back to Python); other values unchanged."""
    if not isinstance(box, BoxType) or isinstance(box, LentBoxType):
        sig = box(box)

        def same(context, builder, signature, args):  # type: ignore[no-untyped-def]
            return args[0]

        return sig, same
    lent = LentBoxType(list(box.field_dict.items()))  # type: ignore[no-untyped-call]
    sig = lent(box)

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        src = cgutils.create_struct_proxy(signature.args[0])(context, builder, value=args[0])  # type: ignore[no-untyped-call]
        dst = cgutils.create_struct_proxy(signature.return_type)(context, builder)  # type: ignore[no-untyped-call]
        dst.meminfo = builder.bitcast(src.meminfo, dst.meminfo.type)
        return dst._getvalue()

    return sig, codegen


def box_type(names: tuple[str, ...], dtypes: tuple[str, ...]) -> BoxType:
    """The outbox type for a message type with fields ``names`` of ``dtypes``."""
    fields: list[tuple[str, Any]] = [("count", types.int64), ("to", types.int64[::1])]
    for name, dtype in zip(names, dtypes, strict=True):
        fields.append((_PREFIX + name, types.Array(from_dtype(np.dtype(dtype)), 1, "C")))
    return BoxType(fields)  # type: ignore[no-untyped-call]


@njit(cache=True)
def grown(a: Any, count: int) -> Any:  # pragma: no cover - compiled
    """``a`` copied into an array twice as long (at least 16 entries)."""
    b = np.empty(max(2 * a.size, 16), a.dtype)
    b[:count] = a[:count]
    return b


_IMPLS: dict[tuple[str, ...], Any] = {}


def _send_impl(fields: tuple[str, ...]) -> Any:
    """``send(box, to, *values)`` for an outbox with message fields ``fields``: grow the
    columns when full (rarely), then write one row (without touching reference counts)."""
    impl = _IMPLS.get(fields)
    if impl is None:
        cols = [_PREFIX + f for f in fields]
        lines = [
            "def impl(box, to, *values):",
            "    if box.count == capacity(box):",
            "        c = box.count",
            "        box.to = grown(box.to, c)",
            *(f"        box.{col} = grown(box.{col}, c)" for col in cols),
            "    write_row(box, to, values)",
        ]
        namespace: dict[str, Any] = {"grown": grown, "capacity": capacity, "write_row": write_row}
        exec("\n".join(lines), namespace)
        impl = _IMPLS[fields] = namespace["impl"]
    return impl


def _columns(context: Any, builder: Any, box_type: Any, box: Any) -> Any:
    """The data of outbox ``box``, read in place (no reference is taken)."""
    utils = structref._Utils(context, builder, box_type)  # type: ignore[no-untyped-call]
    return utils.get_data_struct(box)  # type: ignore[no-untyped-call]


@intrinsic
def capacity(typingctx, box):  # type: ignore[no-untyped-def]
    """How many rows outbox ``box``'s columns hold."""
    sig = types.intp(box)

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        (box_type,), (value,) = signature.args, args
        data = _columns(context, builder, box_type, value)
        array = context.make_array(box_type.field_dict["to"])(context, builder, value=data.to)
        return builder.extract_value(array.shape, 0)

    return sig, codegen


@intrinsic
def write_row(typingctx, box, to, values):  # type: ignore[no-untyped-def]
    """Write ``to`` and ``values`` at row ``count`` of outbox ``box`` and count it (there is
    room: the caller made sure)."""
    sig = types.void(box, to, values)

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        box_type, to_type, values_type = signature.args
        value, to_value, row = args
        data = _columns(context, builder, box_type, value)
        count = data.count
        names = ["to", *(_PREFIX + f for f in box_type.message_fields)]
        for k, name in enumerate(names):
            array_type = box_type.field_dict[name]
            array = context.make_array(array_type)(context, builder, value=getattr(data, name))
            where = cgutils.get_item_pointer(  # type: ignore[no-untyped-call]
                context, builder, array_type, array, [count]
            )
            item, item_type = (
                (to_value, to_type)
                if k == 0
                else (builder.extract_value(row, k - 1), values_type[k - 1])
            )
            item = context.cast(builder, item, item_type, array_type.dtype)
            context.pack_value(builder, array_type.dtype, item, where)
        data.count = builder.add(count, count.type(1))
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def columns(typingctx, box):  # type: ignore[no-untyped-def]
    """The columns of outbox ``box`` (``to``, then each field), borrowed: no reference is
    counted (the outbox keeps them alive; each count is an atomic operation)."""
    if not isinstance(box, BoxType):
        return None
    names = ["to", *(_PREFIX + f for f in box.message_fields)]
    sig = types.Tuple([box.field_dict[n] for n in names])(box)  # type: ignore[no-untyped-call]

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        (box_type,), (value,) = signature.args, args
        data = _columns(context, builder, box_type, value)
        out = []
        for name in names:
            array = context.make_array(box_type.field_dict[name])(
                context, builder, value=getattr(data, name)
            )
            array.meminfo = cgutils.get_null_value(array.meminfo.type)  # type: ignore[no-untyped-call]
            array.parent = cgutils.get_null_value(array.parent.type)  # type: ignore[no-untyped-call]
            out.append(array._getvalue())
        return context.make_tuple(builder, signature.return_type, out)

    return sig, codegen


@intrinsic
def copy_rows(typingctx, dst, src, at, count):  # type: ignore[no-untyped-def]
    """Copy rows ``0 … count - 1`` of outbox ``src`` to rows ``at …`` of ``dst`` (an outbox
    of the same message type, with room for them), column by column."""
    sig = types.void(dst, src, at, count)

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        dst_type, src_type, at_type, count_type = signature.args
        d = _columns(context, builder, dst_type, args[0])
        s = _columns(context, builder, src_type, args[1])
        k = context.cast(builder, args[2], at_type, types.intp)
        c = context.cast(builder, args[3], count_type, types.intp)
        for name in ["to", *(_PREFIX + f for f in dst_type.message_fields)]:
            typ = dst_type.field_dict[name]
            target = context.make_array(typ)(context, builder, value=getattr(d, name))
            source = context.make_array(src_type.field_dict[name])(
                context, builder, value=getattr(s, name)
            )
            size = context.get_abi_sizeof(context.get_data_type(typ.dtype))
            start = cgutils.gep(builder, target.data, k)  # type: ignore[no-untyped-call]
            cgutils.raw_memcpy(builder, start, source.data, c, size)  # type: ignore[no-untyped-call]
        return context.get_dummy_value()

    return sig, codegen


@overload(send)  # numba compares this signature with the implementation's: no annotations
def _send(box, to, *values):  # type: ignore[no-untyped-def]
    if not isinstance(box, BoxType):
        raise TypingError(f"{SEND_BOX} (one of the rule's outbox arguments), got {box}")
    fields = box.message_fields
    if len(values) != len(fields):
        raise TypingError(
            f"{SEND_FIELDS}: this outbox sends messages with {len(fields)} field(s) "
            f"({', '.join(fields) or 'none'}), given in that order after the target; "
            f"got {len(values)}"
        )
    if not isinstance(to, types.Integer | types.IntegerLiteral) or isinstance(to, types.Boolean):
        raise TypingError(f"{SEND_TARGET} (an integer), got {to}")
    return _send_impl(fields)


@typeof_impl.register(Jit)
def _typeof_jit(value: Jit, c: Any) -> Any:
    """A helper marked ``@npl.jit`` is, inside compiled code, its numba dispatcher."""
    return types.Dispatcher(value.dispatcher)


def rng_pointers(rng: np.random.Generator) -> tuple[int, ...]:
    """What compiled code needs to draw from ``rng``'s own bit generator: its state and
    functions, as numba's unboxing of a Generator reads them (once here, not at every call:
    unboxing a Generator costs about 25 µs a call)."""
    ct = rng.bit_generator.ctypes

    def address(fn: Any) -> int:
        return int(ctypes.cast(fn, ctypes.c_void_p).value or 0)

    return (
        int(ct.state_address),
        int(ct.state.value or 0),
        address(ct.next_uint64),
        address(ct.next_uint32),
        address(ct.next_double),
        int(ct.bit_generator.value or 0),
    )


@intrinsic
def generator_from(typingctx, pointers):  # type: ignore[no-untyped-def]
    """The Generator whose bit generator :func:`rng_pointers` described (the caller keeps
    the Generator alive; this one holds no reference and must not go back to Python)."""
    rng_type = types.npy_rng
    sig = rng_type(pointers)

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        (values,) = args
        bitgen_type = rng_type_model_member(context, rng_type, "bit_generator")
        bitgen = cgutils.create_struct_proxy(bitgen_type)(context, builder)  # type: ignore[no-untyped-call]
        names = (
            "state_address",
            "state",
            "fnptr_next_uint64",
            "fnptr_next_uint32",
            "fnptr_next_double",
            "bit_generator",
        )
        for k, name in enumerate(names):
            value = builder.extract_value(values, k)
            setattr(bitgen, name, context.cast(builder, value, types.int64, types.uintp))
        bitgen.parent = cgutils.get_null_value(bitgen.parent.type)  # type: ignore[no-untyped-call]
        gen = cgutils.create_struct_proxy(rng_type)(context, builder)  # type: ignore[no-untyped-call]
        gen.bit_generator = bitgen._getvalue()
        gen.meminfo = cgutils.get_null_value(gen.meminfo.type)  # type: ignore[no-untyped-call]
        gen.parent = cgutils.get_null_value(gen.parent.type)  # type: ignore[no-untyped-call]
        return gen._getvalue()

    return sig, codegen


@intrinsic
def borrowed(typingctx, value):  # type: ignore[no-untyped-def]
    """``value``, an array the caller keeps alive, without its reference count: copies of it
    in compiled code count no references (each count is an atomic operation, and a rule
    reading its columns from ``s`` makes dozens a message). Other values are unchanged."""
    sig = value(value)

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        (typ,), (arg,) = signature.args, args
        if not isinstance(typ, types.Array):
            return arg
        array = context.make_array(typ)(context, builder, value=arg)
        array.meminfo = cgutils.get_null_value(array.meminfo.type)  # type: ignore[no-untyped-call]
        array.parent = cgutils.get_null_value(array.parent.type)  # type: ignore[no-untyped-call]
        return array._getvalue()

    return sig, codegen


def rng_type_model_member(context: Any, typ: Any, name: str) -> Any:
    """The numba type of member ``name`` of ``typ``'s data model."""
    model = context.data_model_manager[typ]
    return model.get_member_fe_type(name)
