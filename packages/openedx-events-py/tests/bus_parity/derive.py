"""The Open edX event bus's Avro derivation, re-stated from its rules (not its code).

Rules: a top-level record named CloudEvent in the event type's namespace, one field per data key;
a data class becomes a record named after the class with no namespace of its own, fields in
declaration order, defined on first use and referenced by name afterwards; str/int/float/bool/bytes
map to string/long/double/boolean/bytes; opaque keys, datetimes and UUIDs are strings; List[T] is an
array and Dict[str, T] a map; a field whose default is None is ["null", T] with default null.

One extension closes a gap the bus leaves open: a file (BinaryIO) travels as base64 text, a string.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Set

INVENTORY = Path(__file__).with_name("inventory.json")
STRING_TYPES = {"str", "datetime", "UUID", "CourseKey", "UsageKey", "LibraryLocatorV2", "LibraryUsageLocatorV2",
                "LibraryCollectionLocator", "LibraryContainerLocator", "CCXLocator"}
SIMPLE = {"int": "long", "float": "double", "bool": "boolean", "bytes": "bytes"}
EXTENSIONS = {"BinaryIO": "string"}


def _split_args(inner: str) -> List[str]:
    depth, start, parts = 0, 0, []
    for i, ch in enumerate(inner):
        depth += ch == "["
        depth -= ch == "]"
        if ch == "," and depth == 0:
            parts.append(inner[start:i].strip())
            start = i + 1
    parts.append(inner[start:].strip())
    return parts


def _type(expr: str, classes: Dict[str, Any], seen: Set[str]) -> Any:
    if expr.startswith("List["):
        return {"type": "array", "items": _type(expr[5:-1], classes, seen)}
    if expr.startswith("Dict["):
        key, value = _split_args(expr[5:-1])
        assert key == "str", expr
        return {"type": "map", "values": _type(value, classes, seen)}
    if expr in STRING_TYPES:
        return "string"
    if expr in SIMPLE:
        return SIMPLE[expr]
    if expr in EXTENSIONS:
        return EXTENSIONS[expr]
    cls = classes[expr]
    if cls["class_name"] in seen:
        return cls["class_name"]
    seen.add(cls["class_name"])
    return {"name": cls["class_name"], "type": "record",
            "fields": [_field(f["name"], f["type"], f["default_is_none"], classes, seen) for f in cls["fields"]]}


def _field(name: str, expr: str, default_is_none: bool, classes: Dict[str, Any], seen: Set[str]) -> Dict[str, Any]:
    field: Dict[str, Any] = {"name": name, "type": _type(expr, classes, seen)}
    if default_is_none:
        field = {"name": name, "type": ["null", field["type"]], "default": None}
    return field


def bus_schemas() -> Dict[str, Dict[str, Any]]:
    """Every event type's schema as the Open edX event bus derives it."""
    inventory = json.loads(INVENTORY.read_text(encoding="utf-8"))
    out = {}
    for event in inventory["events"]:
        seen: Set[str] = set()
        out[event["event_type"]] = {
            "name": "CloudEvent", "type": "record", "namespace": event["event_type"],
            "fields": [_field(key, expr, False, inventory["classes"], seen) for key, expr in event["data"]],
        }
    return out
