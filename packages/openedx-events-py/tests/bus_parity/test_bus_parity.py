"""Every generated .avsc equals, in Parsing Canonical Form, what the Open edX event bus derives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict

import pytest
from fastavro.schema import to_parsing_canonical_form

from bus_parity.derive import bus_schemas

EXPECTED = Path(__file__).with_name("expected-pcf.json")
AVRO = Path(__file__).resolve().parents[4] / "packages" / "openedx-events" / "avro"
DERIVED = {event_type: to_parsing_canonical_form(schema) for event_type, schema in bus_schemas().items()}


def test_committed_fixtures_are_what_the_rules_derive() -> None:
    expected: Dict[str, str] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert expected == DERIVED


def test_every_event_type_of_the_source_is_in_the_catalog() -> None:
    assert sorted(p.stem for p in AVRO.glob("*.avsc")) == sorted(DERIVED)
    assert len(DERIVED) == 75


@pytest.mark.parametrize("event_type", sorted(DERIVED))
def test_generated_avsc_matches_the_bus(event_type: str) -> None:
    ours = json.loads((AVRO / f"{event_type}.avsc").read_text(encoding="utf-8"))
    assert to_parsing_canonical_form(ours) == DERIVED[event_type]
