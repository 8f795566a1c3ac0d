"""Avro schema resolution (the reader reads what a writer with another schema wrote), as the Avro
specification has it, with the TypeScript package's rules and messages.

fastavro resolves while it reads and refuses only a value the reader cannot hold. What makes every
value unreadable (a field the writer lacks and the reader gives no default, types that never
resolve) is found here first, with the field's path; when fastavro refuses a value, the value is
read again with the writer's schema alone to say which field and why.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple, cast

_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
_NAMED = {"record", "error", "enum", "fixed"}
_PROMOTIONS: Dict[str, Tuple[str, ...]] = {
    "int": ("long", "float", "double"),
    "long": ("float", "double"),
    "float": ("double",),
    "string": ("bytes",),
    "bytes": ("string",),
}

#: A parsed schema's named types, by full name (what fastavro's parse_schema fills in).
Named = Mapping[str, Any]


class SchemaResolutionError(ValueError):
    """Why a message could not be read: which event, which writer schema id, and (where known) the field.

    ``code`` is one of unknown-schema-id, wrong-record, incompatible-schema, value-not-readable,
    registry-error; ``path`` is a JSON pointer into the data.
    """

    def __init__(self, code: str, message: str, schema_id: Optional[int] = None, path: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code
        self.schema_id = schema_id
        self.path = path


class Refusal(Exception):
    """A reason found at a path: a JSON pointer into the data, ``*`` standing for any array item or map value."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path or '/'}: {reason}")
        self.path = path
        self.reason = reason


def _pointer(path: str, segment: Any) -> str:
    return f"{path}/{str(segment).replace('~', '~0').replace('/', '~1')}"


def _deref(schema: Any, named: Named) -> Any:
    while True:
        if isinstance(schema, str) and schema not in _PRIMITIVES:
            schema = named[schema]
            continue
        if not isinstance(schema, dict):
            return schema
        node = cast(Dict[str, Any], schema)
        inner = node.get("type")
        if isinstance(inner, (dict, list)) and "fields" not in node:
            schema = cast(Any, inner)
        elif isinstance(inner, str) and inner not in _PRIMITIVES | _NAMED | {"array", "map"}:
            schema = named[inner]
        else:
            return node


def _kind(schema: Any) -> str:
    if isinstance(schema, list):
        return "union"
    if isinstance(schema, str):
        return schema
    kind: str = schema["type"]
    return "record" if kind == "error" else kind


def _name(schema: Any) -> str:
    name: str = schema.get("name", "")
    return name


def _branch_name(schema: Any, named: Named) -> str:
    schema = _deref(schema, named)
    kind = _kind(schema)
    return _name(schema) if kind in _NAMED else kind


def describe(schema: Any, named: Named) -> str:
    """How a type is named in messages: ``string``, ``record a.B``, ``["null", "string"]``."""
    schema = _deref(schema, named)
    kind = _kind(schema)
    if kind == "union":
        return "[" + ", ".join(json.dumps(_branch_name(b, named)) for b in schema) + "]"
    if kind in _NAMED:
        return f"{kind} {_name(schema)}"
    if kind == "array":
        return f"array of {describe(schema['items'], named)}"
    if kind == "map":
        return f"map of {describe(schema['values'], named)}"
    return kind


def _aliases(schema: Any) -> List[str]:
    name = _name(schema)
    namespace = name.rsplit(".", 1)[0] if "." in name else ""
    return [a if "." in a or not namespace else f"{namespace}.{a}" for a in schema.get("aliases", [])]


def _names_match(reader: Any, writer: Any) -> bool:
    return bool(_name(reader) == _name(writer) or _name(writer) in _aliases(reader))


def _same_type(reader: Any, writer: Any) -> bool:
    kind = _kind(reader)
    if kind != _kind(writer):
        return False
    return _names_match(reader, writer) if kind in _NAMED else True


def _branch_for(reader: List[Any], writer: Any, rn: Named) -> Optional[Any]:
    options = [_deref(b, rn) for b in reader]
    for branch in options:
        if _same_type(branch, writer):
            return branch
    promotions = _PROMOTIONS.get(_kind(writer), ())
    for branch in options:
        if _kind(branch) in promotions:
            return branch
    return None


def _writer_field(writer: Any, field: Mapping[str, Any]) -> Optional[Mapping[str, Any]]:
    fields: List[Mapping[str, Any]] = writer["fields"]
    for candidate in fields:
        if candidate["name"] == field["name"]:
            return candidate
    for candidate in fields:
        if candidate["name"] in field.get("aliases", []):
            return candidate
    return None


def incompatibility(
    reader: Any, writer: Any, rn: Named, wn: Named, path: str = "", seen: Optional[Set[str]] = None
) -> Optional[Refusal]:
    """What makes every value of the writer's schema unreadable by the reader's, or None when some
    (or all) values can be read. Value-dependent refusals (a union branch, an enum symbol) are not
    reported here: they are refused when such a value comes."""
    seen = set() if seen is None else seen
    reader = _deref(reader, rn)
    writer = _deref(writer, wn)
    rk, wk = _kind(reader), _kind(writer)
    if wk == "union":
        found = [incompatibility(reader, b, rn, wn, path, seen) for b in writer]
        return found[0] if all(f is not None for f in found) else None
    if rk == "union":
        branch = _branch_for(reader, writer, rn)
        if branch is None:
            return Refusal(path, f"the writer's {describe(writer, wn)} cannot be read as the reader's {describe(reader, rn)}")
        return incompatibility(branch, writer, rn, wn, path, seen)
    cannot = Refusal(path, f"the writer's {describe(writer, wn)} cannot be read as the reader's {describe(reader, rn)}")
    if rk != wk:
        return None if rk in _PROMOTIONS.get(wk, ()) else cannot
    if rk in _NAMED and not _names_match(reader, writer):
        return cannot
    if rk == "fixed" and reader["size"] != writer["size"]:
        return Refusal(path, f"the writer's {describe(writer, wn)} has size {writer['size']}, the reader's {reader['size']}")
    if rk == "enum" and "default" not in reader and not set(writer["symbols"]) & set(reader["symbols"]):
        return Refusal(path, f"the writer's {describe(writer, wn)} has no symbol the reader's has, and the reader's has no default")
    if rk == "array":
        return incompatibility(reader["items"], writer["items"], rn, wn, _pointer(path, "*"), seen)
    if rk == "map":
        return incompatibility(reader["values"], writer["values"], rn, wn, _pointer(path, "*"), seen)
    if rk == "record":
        # A recursive pair is checked once: its inner occurrence is the same pair.
        pair = f"{_name(reader)}:{_name(writer)}"
        if pair in seen:
            return None
        seen.add(pair)
        for field in reader["fields"]:
            source = _writer_field(writer, field)
            at = _pointer(path, field["name"])
            if source is None:
                if "default" not in field:
                    return Refusal(at, f'the writer has no field "{field["name"]}" and the reader gives it no default')
                continue
            inner = incompatibility(field["type"], source["type"], rn, wn, at, seen)
            if inner is not None:
                return inner
    return None


def _written(writer: Any, value: Any) -> str:
    kind = _kind(writer)
    if kind == "null":
        return "null"
    if kind == "enum":
        return f"the symbol {json.dumps(value, ensure_ascii=False)}"
    if kind in ("record", "fixed"):
        return f"a {kind} {_name(writer)}"
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _holds(schema: Any, value: Any, named: Named) -> bool:
    """Whether a value fastavro read (records in unions as (name, value)) is of this writer branch."""
    schema = _deref(schema, named)
    kind = _kind(schema)
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("int", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("float", "double"):
        return isinstance(value, float)
    if kind == "string":
        return isinstance(value, str)
    if kind == "enum":
        return isinstance(value, str) and value in schema["symbols"]
    if kind == "bytes":
        return isinstance(value, bytes)
    if kind == "fixed":
        return isinstance(value, bytes) and len(value) == schema["size"]
    if kind == "array":
        return isinstance(value, list)
    if kind == "map":
        return isinstance(value, dict)
    return isinstance(value, tuple) and cast(Sequence[Any], value)[0] == _name(schema)


def locate(reader: Any, writer: Any, value: Any, rn: Named, wn: Named, path: str = "") -> Optional[Refusal]:
    """The first part of a value (read with the writer's schema alone) that the reader cannot hold."""
    reader = _deref(reader, rn)
    writer = _deref(writer, wn)
    if _kind(writer) == "union":
        branch = next((b for b in writer if _holds(b, value, wn)), None)
        if branch is None:
            return None
        inner: Any = cast(Sequence[Any], value)[1] if isinstance(value, tuple) else value
        return locate(reader, branch, inner, rn, wn, path)
    if isinstance(value, tuple):
        value = cast(Sequence[Any], value)[1]
    rk, wk = _kind(reader), _kind(writer)
    if rk == "union":
        option = _branch_for(reader, writer, rn)
        if option is None:
            return Refusal(path, f"the writer wrote {_written(writer, value)}, which the reader's {describe(reader, rn)} has no branch for")
        return locate(option, writer, value, rn, wn, path)
    cannot = Refusal(path, f"the writer wrote {_written(writer, value)}, which the reader's {describe(reader, rn)} cannot hold")
    if rk != wk:
        return None if rk in _PROMOTIONS.get(wk, ()) else cannot
    if rk in _NAMED and not _names_match(reader, writer):
        return cannot
    if rk == "record":
        for field in reader["fields"]:
            source = _writer_field(writer, field)
            at = _pointer(path, field["name"])
            if source is None:
                if "default" not in field:
                    return Refusal(at, f'the writer has no field "{field["name"]}" and the reader gives it no default')
                continue
            found = locate(field["type"], source["type"], value[source["name"]], rn, wn, at)
            if found is not None:
                return found
        return None
    if rk == "enum":
        if value in reader["symbols"] or "default" in reader:
            return None
        return Refusal(
            path,
            f"the writer wrote the symbol {json.dumps(value, ensure_ascii=False)}, "
            f"which the reader's {describe(reader, rn)} does not have and has no default for",
        )
    if rk == "fixed" and reader["size"] != writer["size"]:
        return cannot
    if rk == "array":
        items = cast(Sequence[Any], value)
        for index, item in enumerate(items):
            found = locate(reader["items"], writer["items"], item, rn, wn, _pointer(path, index))
            if found is not None:
                return found
    if rk == "map":
        entries = cast(Dict[str, Any], value)
        for key, item in entries.items():
            found = locate(reader["values"], writer["values"], item, rn, wn, _pointer(path, key))
            if found is not None:
                return found
    return None
