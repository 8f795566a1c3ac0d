"""The release history the package ships is registry/'s, id for id: what a consumer reads offline."""

from __future__ import annotations

import json
from typing import Any, Dict

from catalog import REGISTRY, history, load
from eventcanon_openedx import EVENTS
from eventcanon_openedx._history import KEYS, VALUES


def test_every_released_schema_ships_under_its_id() -> None:
    values: Dict[int, Any] = {}
    keys: Dict[int, Any] = {}
    for entry in history():
        values[entry["value"]["id"]] = (entry["event"], entry["version"], load(REGISTRY / entry["value"]["file"]))
        if "key" in entry:
            keys[entry["key"]["id"]] = json.loads((REGISTRY / entry["key"]["file"]).read_text(encoding="utf-8"))
    assert sorted(VALUES) == sorted(values)
    assert KEYS == keys
    for schema_id, (event, version, schema) in values.items():
        shipped_event, shipped_version, shipped = VALUES[schema_id]
        assert (shipped_event, shipped_version) == (event, version)
        # Left out only where it is the event's current schema, which the package's .avsc holds.
        assert (shipped if shipped is not None else EVENTS[event].avro_schema()) == schema
        assert (shipped is None) == (EVENTS[event].schema_id == schema_id)


def test_every_current_schema_is_released() -> None:
    latest = {entry["event"]: entry for entry in history()}
    for event_type, spec in EVENTS.items():
        assert spec.schema_id == latest[event_type]["value"]["id"]
        assert spec.key_schema_id == latest[event_type]["key"]["id"]

