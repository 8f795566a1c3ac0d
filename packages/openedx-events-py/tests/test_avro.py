"""The generated Avro schemas parse in fastavro and every example round-trips through them."""

from __future__ import annotations

import io
import json
from typing import Any, Dict

import fastavro
import pytest

from catalog import AVRO, examples, vectors
from eventcanon_openedx import EVENTS, avro_schema, decode

CASES = list(examples())
VECTORS = vectors()


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


def test_there_are_conformance_vectors_for_every_event() -> None:
    assert sorted({v[0] for v in VECTORS}) == sorted(EVENTS)


@pytest.mark.parametrize(("event_type", "name", "data", "avro"), VECTORS, ids=[f"{v[0]}:{v[1]}" for v in VECTORS])
def test_decode_builds_what_from_dict_builds(event_type: str, name: str, data: Dict[str, Any], avro: str) -> None:
    """decode() skips from_dict's checks (fastavro's output already passes them): the value must not differ."""
    data_class = EVENTS[event_type].data_class
    record = fastavro.schemaless_reader(io.BytesIO(bytes.fromhex(avro)), avro_schema(event_type), None)
    trusted = data_class.from_avro(record)
    # repr as well as ==, which takes 1 for 1.0: a float field must not come back holding an int.
    assert trusted == data_class.from_dict(record)
    assert repr(trusted) == repr(data_class.from_dict(record)) == repr(data_class.from_dict(data))
    assert repr(decode(data_class, bytes.fromhex(avro))) == repr(trusted)
