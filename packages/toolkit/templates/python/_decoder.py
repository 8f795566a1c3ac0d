"""Per-class Avro decoders: the bytes straight into the frozen dataclasses, without fastavro's dicts.

decode() reading with fastavro and then building the dataclasses from its dicts pays twice for every
value; a decoder written for one class and one schema reads each field into a local and builds each
dataclass once. It is generated (at first use, with exec) from the Avro schema and the dataclass's
fields, and knows only the shapes the package's schemas use. What it does not know makes build()
return None, and anything it does not expect in the bytes (a truncated buffer, trailing data, a union
or enum index out of range, a long of more than 63 bits, invalid UTF-8, a string that is not a UUID
or date-time of the usual form) makes the decoder return None: decode() then reads the same bytes
with fastavro and from_avro, so every verdict and message stays theirs.
"""

from __future__ import annotations

import dataclasses
import struct
import typing
from datetime import date, datetime
from enum import Enum
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Type, cast
from uuid import UUID

from ._runtime import UNKNOWN_SAFETY, UUID_SLOTS_KNOWN, date_from_wire, datetime_from_wire, uuid_from_wire

#: Bytes -> the value, or None where fastavro must read them (see the module's docstring).
Decoder = Callable[[bytes], Any]


class _Unsupported(Exception):
    """A schema or class shape the generated decoders do not handle."""


class _Bail(Exception):
    """Bytes the generated decoder leaves to fastavro."""


def _varint(data: bytes, pos: int, first: int) -> Tuple[int, int]:
    """The rest of a varint whose first byte (>= 0x80) was read: (unsigned value, position after)."""
    value = first & 0x7F
    shift = 7
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
        # fastavro adds up in 64 bits; beyond 63 its result is its own, so it reads those.
        if shift > 56:
            raise _Bail


# A string's bytes with every digit (or hex digit) as "0": a set lookup then checks its shape.
_DIGITS = bytes(0x30 if 0x30 <= b <= 0x39 else b for b in range(256))
_HEX_DIGITS = bytes(0x30 if (0x30 <= b <= 0x39 or 0x41 <= b <= 0x46 or 0x61 <= b <= 0x66) else b for b in range(256))
_UUID_SHAPE = b"00000000-0000-0000-0000-000000000000"
# The forms _runtime's _ISOFORMAT_AWARE takes, for which datetime_from_wire is datetime.fromisoformat.
_DATE_TIME_SHAPES = frozenset(
    b"0000-00-00T00:00:00" + fraction + zone for fraction in (b"", b".000", b".000000") for zone in (b"+00:00", b"-00:00", b"Z")
)


def _slot_setter(owner: type, name: str) -> Any:
    for klass in owner.__mro__:
        descriptor = vars(klass).get(name)
        if descriptor is not None:
            return getattr(descriptor, "__set__")
    raise _Unsupported(f"{owner.__name__} has no {name}")


class _Source:
    """The decoder's source, and the objects it refers to by name."""

    def __init__(self) -> None:
        self.lines: List[str] = []
        self.env: Dict[str, Any] = {
            "_new": object.__new__,
            "_varint": _varint,
            "_Bail": _Bail,
            "_float": struct.Struct("<f").unpack_from,
            "_double": struct.Struct("<d").unpack_from,
            "_DIGITS": _DIGITS,
            "_HEX_DIGITS": _HEX_DIGITS,
            "_UUID_SHAPE": _UUID_SHAPE,
            "_DATE_TIME_SHAPES": _DATE_TIME_SHAPES,
            "_fromisoformat": datetime.fromisoformat,
            "datetime_from_wire": datetime_from_wire,
            "date_from_wire": date_from_wire,
            "uuid_from_wire": uuid_from_wire,
        }
        if UUID_SLOTS_KNOWN:
            self.env.update(_UUID=UUID, _uuid_int=_slot_setter(UUID, "int"), _uuid_safe=_slot_setter(UUID, "is_safe"), _UNKNOWN=UNKNOWN_SAFETY)
        self.count = 0

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def constant(self, prefix: str, value: Any) -> str:
        name = self.name(prefix)
        self.env[name] = value
        return name

    def add(self, indent: int, *lines: str) -> None:
        self.lines.extend("    " * indent + line for line in lines)


class _Compiler:
    def __init__(self, schema: Any) -> None:
        self.source = _Source()
        self.named: Dict[str, Tuple[Any, str]] = {}
        self.building: List[type] = []
        self.schema = schema

    def compile(self, data_class: type) -> Decoder:
        src = self.source
        src.add(0, "def decode(data):", "    try:", "        pos = 0")
        value = self.value(self.schema, data_class, 2, "", data_class.__name__)
        src.add(2, "if pos != len(data):", "    return None", f"return {value}")
        src.add(1, "except Exception:", "    return None")
        code = compile("\n".join(src.lines) + "\n", f"<eventcanon decoder of {data_class.__name__}>", "exec")
        exec(code, src.env)
        return cast(Decoder, src.env["decode"])

    def long(self, indent: int) -> str:
        target = self.source.name("n")
        self.source.add(
            indent,
            f"{target} = data[pos]",
            "pos += 1",
            f"if {target} > 127:",
            f"    {target}, pos = _varint(data, pos, {target})",
            f"{target} = ({target} >> 1) ^ -({target} & 1)",
        )
        return target

    def raw_string(self, indent: int) -> str:
        """Reads a string's bytes (not decoded) into a local."""
        size = self.source.name("n")
        target = self.source.name("b")
        # A negative length would move back; a length past the end is found by the final position check.
        self.source.add(
            indent,
            f"{size} = data[pos]",
            "pos += 1",
            f"if {size} > 127:",
            f"    {size}, pos = _varint(data, pos, {size})",
            f"if {size} & 1:",
            "    raise _Bail",
            f"{target} = data[pos:pos + ({size} >> 1)]",
            f"pos += {size} >> 1",
        )
        return target

    def resolve(self, schema: Any, namespace: str) -> Tuple[Any, str]:
        """The definition of a named type's reference (and its namespace); a definition is recorded."""
        if isinstance(schema, str) and schema not in _PRIMITIVES:
            found: Optional[Tuple[Any, str]] = self.named.get(schema) or self.named.get(f"{namespace}.{schema}")
            if found is None:
                raise _Unsupported(f"unknown type {schema}")
            return found
        if not isinstance(schema, dict):
            return schema, namespace
        node = cast(Dict[str, Any], schema)
        name: Any = node.get("name")
        if not isinstance(name, str) or node.get("type") not in ("record", "enum", "fixed"):
            return node, namespace
        own: str = name.rpartition(".")[0] if "." in name else node.get("namespace", namespace)
        full = name if "." in name else (f"{own}.{name}" if own else name)
        self.named[full] = self.named[name] = (node, own)
        return node, own

    def value(self, schema: Any, hint: Any, indent: int, namespace: str, path: str) -> str:
        """Emits the reading of one value of ``schema`` as ``hint`` (the dataclass annotation); returns its local."""
        src = self.source
        schema, namespace = self.resolve(schema, namespace)
        if isinstance(schema, list):
            return self.union(cast(Sequence[Any], schema), hint, indent, namespace, path)
        kind: Any = cast(Dict[str, Any], schema).get("type") if isinstance(schema, dict) else schema
        if isinstance(kind, (dict, list)) or (isinstance(schema, dict) and kind in _PRIMITIVES and len(cast(Dict[str, Any], schema)) > 1):
            raise _Unsupported("a nested or annotated type")
        if kind == "null" and hint is type(None):
            return "None"
        if kind == "boolean" and hint is bool:
            target = src.name("v")
            src.add(indent, f"{target} = data[pos]", "pos += 1", f"if {target} > 1:", "    raise _Bail", f"{target} = {target} == 1")
            return target
        if kind in ("long", "int") and hint is int:
            return self.long(indent)
        if kind in ("float", "double") and hint is float:
            target = src.name("v")
            src.add(indent, f"{target} = _{kind}(data, pos)[0]", f"pos += {4 if kind == 'float' else 8}")
            return target
        if kind == "string":
            return self.string(hint, indent, path)
        if kind == "enum" and isinstance(hint, type) and issubclass(hint, Enum):
            node = cast(Dict[str, Any], schema)
            members = src.constant("members", tuple(hint(symbol) for symbol in node["symbols"]))
            index = self.long(indent)
            src.add(indent, f"if {index} < 0:", "    raise _Bail")
            return f"{members}[{index}]"
        if kind == "array" and typing.get_origin(hint) is list:
            return self.array(cast(Dict[str, Any], schema)["items"], typing.get_args(hint)[0], indent, namespace, path)
        if kind == "map" and typing.get_origin(hint) is dict and typing.get_args(hint)[0] is str:
            return self.map(cast(Dict[str, Any], schema)["values"], typing.get_args(hint)[1], indent, namespace, path)
        if kind == "record" and isinstance(hint, type):
            return self.record(cast(Dict[str, Any], schema), hint, indent, namespace)
        raise _Unsupported(f"{kind} as {hint!r}")

    def string(self, hint: Any, indent: int, path: str) -> str:
        src = self.source
        raw = self.raw_string(indent)
        target = src.name("v")
        if hint is str:
            src.add(indent, f"{target} = {raw}.decode()")
        elif hint is UUID and UUID_SLOTS_KNOWN:
            # As uuid_from_wire builds it for the hyphenated form, which this shape check matches exactly.
            src.add(
                indent,
                f"if {raw}.translate(_HEX_DIGITS) == _UUID_SHAPE:",
                f"    {target} = _new(_UUID)",
                f"    _uuid_int({target}, int({raw}.replace(b'-', b''), 16))",
                f"    _uuid_safe({target}, _UNKNOWN)",
                "else:",
                f"    {target} = uuid_from_wire({raw}.decode(), {path!r})",
            )
        elif hint is UUID:
            src.add(indent, f"{target} = uuid_from_wire({raw}.decode(), {path!r})")
        elif hint is datetime:
            src.add(
                indent,
                f"if {raw}.translate(_DIGITS) in _DATE_TIME_SHAPES:",
                f"    {target} = _fromisoformat({raw}.decode())",
                "else:",
                f"    {target} = datetime_from_wire({raw}.decode(), {path!r})",
            )
        elif hint is date:
            src.add(indent, f"{target} = date_from_wire({raw}.decode(), {path!r})")
        elif isinstance(hint, type) and issubclass(hint, Enum):
            # from_avro's Enum(value), as a lookup that fails (to fastavro's path) where it would.
            members = src.constant("members", {member.value: member for member in hint})
            src.add(indent, f"{target} = {members}[{raw}.decode()]")
        else:
            raise _Unsupported(f"string as {hint!r}")
        return target

    def union(self, branches: Sequence[Any], hint: Any, indent: int, namespace: str, path: str) -> str:
        inner = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        nulls = [index for index, branch in enumerate(branches) if branch == "null"]
        if len(branches) != 2 or len(nulls) != 1 or typing.get_origin(hint) is not typing.Union or len(inner) != 1:
            raise _Unsupported("a union other than a nullable type")
        src = self.source
        target = src.name("v")
        index = src.name("n")
        # The branch index is one byte: 0 and 2 are branches 0 and 1 in zigzag.
        src.add(indent, f"{index} = data[pos]", "pos += 1", f"if {index} == {nulls[0] * 2}:", f"    {target} = None", f"elif {index} == {(1 - nulls[0]) * 2}:")
        value = self.value(branches[1 - nulls[0]], inner[0], indent + 1, namespace, path)
        src.add(indent + 1, f"{target} = {value}")
        src.add(indent, "else:", "    raise _Bail")
        return target

    def block_count(self, indent: int) -> str:
        """Emits the loop head over an array's or map's blocks; returns the local with the block's count."""
        src = self.source
        src.add(indent, "while True:")
        count = self.long(indent + 1)
        size = src.name("n")
        # A negative count is followed by the block's size in bytes, which reading item by item skips.
        src.add(
            indent + 1,
            f"if {count} == 0:",
            "    break",
            f"if {count} < 0:",
            f"    {count} = -{count}",
            f"    {size} = data[pos]",
            "    pos += 1",
            f"    if {size} > 127:",
            f"        {size}, pos = _varint(data, pos, {size})",
        )
        return count

    def array(self, items: Any, hint: Any, indent: int, namespace: str, path: str) -> str:
        target = self.source.name("v")
        self.source.add(indent, f"{target} = []")
        count = self.block_count(indent)
        self.source.add(indent + 1, f"for _ in range({count}):")
        item = self.value(items, hint, indent + 2, namespace, path)
        self.source.add(indent + 2, f"{target}.append({item})")
        return target

    def map(self, values: Any, hint: Any, indent: int, namespace: str, path: str) -> str:
        target = self.source.name("v")
        self.source.add(indent, f"{target} = {{}}")
        count = self.block_count(indent)
        self.source.add(indent + 1, f"for _ in range({count}):")
        key = self.raw_string(indent + 2)
        item = self.value(values, hint, indent + 2, namespace, path)
        self.source.add(indent + 2, f"{target}[{key}.decode()] = {item}")
        return target

    def record(self, schema: Dict[str, Any], data_class: type, indent: int, namespace: str) -> str:
        name = data_class.__name__
        if not dataclasses.is_dataclass(data_class) or hasattr(data_class, "__post_init__") or data_class in self.building:
            # __post_init__ is not run by from_avro either, but a class with one is not a generated one.
            raise _Unsupported(f"{name}: not a generated dataclass, or recursive")
        fields = [f for f in dataclasses.fields(data_class)]
        wire: List[Dict[str, Any]] = schema["fields"]
        # The generated classes declare their fields in wire order, as _WIRE_FIELDS lists them.
        names = list(getattr(data_class, "_WIRE_FIELDS", {}))
        if names != [f["name"] for f in wire] or len(fields) != len(wire):
            raise _Unsupported(f"{name}: fields not in wire order")
        hints = typing.get_type_hints(data_class)
        self.building.append(data_class)
        values = [self.value(f["type"], hints[attribute.name], indent, namespace, f"{name}.{f['name']}") for f, attribute in zip(wire, fields)]
        self.building.pop()
        src = self.source
        klass = src.constant("cls", data_class)
        setter = src.constant("set_dict", _slot_setter(data_class, "__dict__"))
        target = src.name("v")
        entries = ", ".join(f"{attribute.name!r}: {value}" for attribute, value in zip(fields, values))
        # As from_avro: the instance's attributes in one step (see its comment in the generated class).
        src.add(indent, f"{target} = _new({klass})", f"{setter}({target}, {{{entries}}})")
        return target


_PRIMITIVES = frozenset(("null", "boolean", "int", "long", "float", "double", "bytes", "string"))


def build(data_class: Type[Any], schema: Any) -> Optional[Decoder]:
    """The decoder of ``data_class`` from bytes written with ``schema`` (its own), or None for a shape it does not handle."""
    try:
        return _Compiler(schema).compile(data_class)
    except Exception:
        # A shape it cannot make sense of (an annotation that does not resolve, an enum symbol the
        # class lacks) is as much fastavro's to read as one it does not know; the package's tests
        # hold every event to having a decoder.
        return None
