"""Reads the canonical schemas (the source of truth) so tests can hold the generated code to them."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from uuid import UUID
from typing import Any, Dict, Iterator, List, Tuple

REPO = Path(__file__).resolve().parents[3]
SCHEMAS = REPO / "schemas"
AVRO = REPO / "packages" / "openedx-events" / "avro"

Json = Dict[str, Any]


def load(path: Path) -> Json:
    with path.open(encoding="utf-8") as handle:
        value: Json = json.load(handle)
    return value


REGISTRY = REPO / "registry"


def history() -> List[Json]:
    """Every line of registry/index.jsonl: the released versions, oldest first."""
    with (REGISTRY / "index.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def vectors() -> List[Tuple[str, str, Json, str]]:
    """The conformance vectors: (event type, name, JSON form, Avro bytes in hex), examples and seeded random instances."""
    return [
        (suite["eventType"], vector["name"], vector["data"], vector["avro"])
        for path in sorted((REPO / "packages" / "conformance" / "vectors").glob("*.json"))
        for suite in [load(path)]
        for vector in suite["vectors"]
    ]


def event_files() -> List[Path]:
    return sorted((SCHEMAS / "events").glob("*.json"))


def examples() -> Iterator[Tuple[str, int, Json, Json]]:
    """(event type, index, example, canonical form with every default filled in)."""
    for path in event_files():
        schema = load(path)
        for index, example in enumerate(schema["examples"]):
            yield schema["x-event-type"], index, example, with_defaults(example, schema, path)


def _resolve(schema: Json, base: Path) -> Tuple[Json, Path]:
    while "$ref" in schema:
        target, _, pointer = str(schema["$ref"]).partition("#")
        path = (base.parent / target).resolve() if target else base
        resolved: Any = load(path)
        for segment in [s for s in pointer.split("/") if s]:
            resolved = resolved[segment]
        schema, base = resolved, path
    return schema, base


def wire_form(value: str, format: Any) -> str:
    """A date-time or UUID as the Python package writes it, as openedx-events does: isoformat() of the
    instant (an offset-less one read as UTC) and str() of the UUID."""
    if format == "date-time":
        moment = datetime.fromisoformat(value)
        return (moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)).isoformat()
    if format == "uuid":
        return str(UUID(value))
    return value


def with_defaults(value: Any, schema: Json, base: Path) -> Any:
    """What a round trip gives back: absent fields that have a default get it; date-times and UUIDs
    come back in their wire form."""
    schema, base = _resolve(schema, base)
    if value is None:
        return None
    if isinstance(value, str):
        return wire_form(value, schema.get("format"))
    for branch in schema.get("anyOf", []):
        if branch.get("type") != "null":
            return with_defaults(value, branch, base)
    if isinstance(value, dict) and "properties" in schema:
        out: Json = {}
        for name, field in schema["properties"].items():
            if name in value:
                out[name] = with_defaults(value[name], field, base)
            elif "default" in field:
                out[name] = field["default"]
        return out
    if isinstance(value, dict) and isinstance(schema.get("additionalProperties"), dict):
        return {k: with_defaults(v, schema["additionalProperties"], base) for k, v in value.items()}
    if isinstance(value, list) and "items" in schema:
        return [with_defaults(v, schema["items"], base) for v in value]
    return value
