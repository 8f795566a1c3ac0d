"""The Avro, framing, key and envelope helpers mirror the TypeScript package."""

from __future__ import annotations

import builtins
import copy
import sys
from typing import Any, Dict

import pytest

from catalog import examples, load, SCHEMAS
from eventcanon_openedx import (
    EVENTS,
    EventMetadata,
    decode,
    decode_framed,
    encode,
    encode_framed,
    encode_key,
    from_kafka_headers,
    from_redis_fields,
    to_kafka_headers,
    to_redis_fields,
)
from eventcanon_openedx._avro import _fastavro
from eventcanon_openedx.learning import ExamAttemptSubmittedV1

CASES = list(examples())
SUBMITTED = "org.openedx.learning.exam.attempt.submitted.v1"
EXAMPLE: Dict[str, Any] = load(SCHEMAS / "events" / f"{SUBMITTED}.json")["examples"][0]


@pytest.mark.parametrize(("event_type", "index", "example", "canonical"), CASES, ids=[f"{c[0]}#{c[1]}" for c in CASES])
def test_encode_decode_round_trip(event_type: str, index: int, example: Dict[str, Any], canonical: Dict[str, Any]) -> None:
    data_class = EVENTS[event_type].data_class
    value = data_class.from_dict(example)
    assert decode(data_class, encode(value)) == value
    assert decode(data_class, encode(value)).to_dict() == canonical


def test_registry_matches_the_schemas() -> None:
    for event_type, spec in EVENTS.items():
        source = load(SCHEMAS / "events" / f"{event_type}.json")
        assert spec.event_type == event_type == spec.data_class.EVENT_TYPE
        assert spec.topic == source.get("x-topic")
        assert spec.key_field == source.get("x-event-key-field")
        assert spec.avro_schema()["namespace"] == event_type
        assert spec.json_schema()["x-event-type"] == event_type


def test_framing() -> None:
    value = ExamAttemptSubmittedV1.from_dict(EXAMPLE)
    framed = encode_framed(value, 0x01020304)
    assert framed[:5] == bytes([0, 1, 2, 3, 4])
    assert framed[5:] == encode(value)
    assert decode_framed(ExamAttemptSubmittedV1, framed) == (0x01020304, value)
    with pytest.raises(ValueError, match=r"^not Confluent wire format: magic byte is 0x7b, expected 0x00 \(was the message framed"):
        decode_framed(ExamAttemptSubmittedV1, b"\x7b" + framed[1:])
    with pytest.raises(ValueError, match="^not Confluent wire format: 2 bytes is shorter than the 5-byte header$"):
        decode_framed(ExamAttemptSubmittedV1, b"\x00\x01")
    with pytest.raises(ValueError, match="^schema id must be an integer from 0 to 4294967295, got -1$"):
        encode_framed(value, -1)


def test_key_is_the_avro_value_at_the_key_field() -> None:
    value = ExamAttemptSubmittedV1.from_dict(EXAMPLE)
    course = value.exam_attempt.course_key.encode("utf-8")
    assert encode_key(value) == bytes([len(course) * 2]) + course


def test_longs_beyond_64_bits_are_refused() -> None:
    data = copy.deepcopy(EXAMPLE)
    data["exam_attempt"]["student_user"]["id"] = 2**63
    with pytest.raises((ValueError, OverflowError)):
        encode(ExamAttemptSubmittedV1.from_dict(data))
    data["exam_attempt"]["student_user"]["id"] = 2**60
    value = ExamAttemptSubmittedV1.from_dict(data)
    assert decode(ExamAttemptSubmittedV1, encode(value)).exam_attempt.student_user.id == 2**60


def test_missing_fastavro_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_fastavro(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "fastavro":
            raise ImportError("No module named 'fastavro'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "fastavro", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_fastavro)
    _fastavro.cache_clear()  # it holds the module an earlier test imported; a failed import is not cached
    with pytest.raises(ImportError, match=r"pip install 'eventcanon-openedx-events\[avro\]'"):
        encode(ExamAttemptSubmittedV1.from_dict(EXAMPLE))


METADATA = EventMetadata(
    event_type=SUBMITTED,
    id="b1c2d3e4-0000-4000-8000-000000000001",
    time="2026-03-14T09:26:53.000Z",
    source="openedx/edx-exams/web",
    sourcehost="exams-1",
    sourcelib="11.2.0",
)


def test_kafka_headers_as_the_event_bus_writes_them() -> None:
    headers = to_kafka_headers(METADATA)
    assert headers == {
        "ce_type": SUBMITTED,
        "ce_id": "b1c2d3e4-0000-4000-8000-000000000001",
        "ce_source": "openedx/edx-exams/web",
        "ce_specversion": "1.0",
        "ce_time": "2026-03-14T09:26:53.000Z",
        "ce_minorversion": "0",
        "ce_datacontenttype": "application/avro",
        "content-type": "application/avro",
        "sourcehost": "exams-1",
        "sourcelib": "11.2.0",
    }
    assert from_kafka_headers(headers) == METADATA
    assert from_kafka_headers([(k, v.encode("utf-8")) for k, v in headers.items()]) == METADATA


def test_kafka_header_rules() -> None:
    with pytest.raises(ValueError, match='^missing Kafka header "ce_id": every event needs its id$'):
        from_kafka_headers({"ce_type": "x"})
    with pytest.raises(ValueError, match='^duplicated Kafka header "ce_id"$'):
        from_kafka_headers([("ce_id", "a"), ("ce_id", "b")])
    with pytest.raises(ValueError, match='^Kafka header "ce_minorversion" is not a whole number: one$'):
        from_kafka_headers({"ce_id": "a", "ce_minorversion": "one"})
    defaulted = from_kafka_headers({"ce_id": "a"}, fallback_type="fallback.v1")
    assert (defaulted.event_type, defaulted.minorversion, defaulted.source, defaulted.time) == ("fallback.v1", 0, "", "")


def test_redis_fields() -> None:
    body = encode(ExamAttemptSubmittedV1.from_dict(EXAMPLE))
    fields = to_redis_fields(METADATA, body)
    assert list(fields) == ["type", "id", "source", "time", "minorversion", "sourcehost", "sourcelib", "event_data"]
    as_redis_py_gives_them = {k.encode(): (v if isinstance(v, bytes) else v.encode()) for k, v in fields.items()}
    assert from_redis_fields(as_redis_py_gives_them) == (METADATA, body)
    with pytest.raises(ValueError, match='^Redis message has no "event_data" field$'):
        from_redis_fields({"id": "a"})


def test_fresh_metadata() -> None:
    fresh = EventMetadata(event_type=SUBMITTED, source="openedx/lms/web", sourcelib="11.2.0")
    assert len(fresh.id) == 36 and fresh.minorversion == 0 and fresh.time.endswith("Z")
