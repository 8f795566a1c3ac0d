"""The generated Avro schemas parse in fastavro and every example round-trips through them."""

from __future__ import annotations

import io
import json
from typing import Any, Dict

import fastavro
import pytest

from catalog import AVRO, examples

CASES = list(examples())


def test_every_event_has_an_avro_schema() -> None:
    assert sorted(p.stem for p in AVRO.glob("*.avsc")) == sorted({c[0] for c in CASES})


@pytest.mark.parametrize(("event_type", "index", "example", "canonical"), CASES, ids=[f"{c[0]}#{c[1]}" for c in CASES])
def test_example_round_trips_through_fastavro(event_type: str, index: int, example: Dict[str, Any], canonical: Dict[str, Any]) -> None:
    with (AVRO / f"{event_type}.avsc").open(encoding="utf-8") as handle:
        schema = fastavro.parse_schema(json.load(handle))
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, schema, canonical)
    buffer.seek(0)
    assert fastavro.schemaless_reader(buffer, schema, None) == canonical
