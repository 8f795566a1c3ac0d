"""The Avro, framing, key and envelope helpers mirror the TypeScript package."""

from __future__ import annotations

import builtins
import copy
import os
import re
import sys
from typing import Any, Dict

import pytest

from catalog import examples, history, load, SCHEMAS
from eventcanon_openedx import (
    EVENTS,
    SOURCELIB,
    EventMetadata,
    SchemaResolutionError,
    decode,
    decode_framed,
    deserialize,
    deserialize_key,
    encode,
    encode_framed,
    encode_key,
    key_subject,
    serialize,
    serialize_key,
    serialize_key_value,
    subject,
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
    with pytest.raises(ValueError, match=r"^not Confluent wire format: magic byte is 0x7b, expected 0x00 \(was the message framed"):
        decode_framed(ExamAttemptSubmittedV1, b"\x7b" + framed[1:])
    with pytest.raises(ValueError, match="^not Confluent wire format: 2 bytes is shorter than the 5-byte header$"):
        decode_framed(ExamAttemptSubmittedV1, b"\x00\x01")
    with pytest.raises(ValueError, match="^schema id must be an integer from 0 to 4294967295, got -1$"):
        encode_framed(value, -1)


def test_framed_with_the_released_id_and_read_only_from_this_events_ids() -> None:
    released = next(e for e in history() if e["event"] == SUBMITTED)
    other = next(e for e in history() if e["event"] == "org.openedx.learning.exam.attempt.verified.v1")
    spec = EVENTS[SUBMITTED]
    assert (spec.schema_id, spec.key_schema_id) == (released["value"]["id"], released["key"]["id"])
    value = ExamAttemptSubmittedV1.from_dict(EXAMPLE)
    framed = serialize(value)
    assert framed[1:5] == released["value"]["id"].to_bytes(4, "big")
    assert decode_framed(ExamAttemptSubmittedV1, framed) == (released["value"]["id"], value)
    # An id no registry gave out is refused; it used to decode "fine" with the package's own schema.
    with pytest.raises(SchemaResolutionError) as unknown:
        decode_framed(ExamAttemptSubmittedV1, encode_framed(value, 999))
    assert str(unknown.value) == (
        f"{SUBMITTED}: writer schema id 999 is not in this package's release history, and no schema registry was given: "
        "pass one to deserialize to read versions released after this package"
    )
    assert (unknown.value.code, unknown.value.schema_id) == ("unknown-schema-id", 999)
    with pytest.raises(SchemaResolutionError, match=f"^{SUBMITTED}: writer schema id {other['value']['id']} is the value schema of "):
        deserialize(ExamAttemptSubmittedV1, encode_framed(value, other["value"]["id"]))
    with pytest.raises(SchemaResolutionError, match=f"writer schema id {released['key']['id']} is a key schema, not a value schema of {SUBMITTED}$"):
        decode_framed(ExamAttemptSubmittedV1, encode_framed(value, released["key"]["id"]))
    key = serialize_key(value)
    assert key[1:5] == released["key"]["id"].to_bytes(4, "big")
    assert deserialize_key(ExamAttemptSubmittedV1, key) == (released["key"]["id"], EXAMPLE["exam_attempt"]["course_key"])


def test_a_given_key_is_framed_as_the_events_own_key() -> None:
    value = ExamAttemptSubmittedV1.from_dict(EXAMPLE)
    assert serialize_key_value(ExamAttemptSubmittedV1, EXAMPLE["exam_attempt"]["course_key"]) == serialize_key(value)
    key = serialize_key_value(ExamAttemptSubmittedV1, "course-v1:other+key+run")
    assert deserialize_key(ExamAttemptSubmittedV1, key)[1] == "course-v1:other+key+run"
    # fastavro's refusal, as for any value that does not fit the schema.
    with pytest.raises(TypeError, match="^must be string$"):
        serialize_key_value(ExamAttemptSubmittedV1, 42)


def test_subjects_as_the_bus_names_them() -> None:
    assert subject(ExamAttemptSubmittedV1) == f"learning-exam-attempt-lifecycle-{SUBMITTED}.CloudEvent"
    assert key_subject(ExamAttemptSubmittedV1) == "learning-exam-attempt-lifecycle-string"
    assert key_subject(ExamAttemptSubmittedV1, topic="dev-learning-exam-attempt-lifecycle") == "dev-learning-exam-attempt-lifecycle-string"
    assert subject(ExamAttemptSubmittedV1, subject_name_strategy="topic") == "learning-exam-attempt-lifecycle-value"
    assert key_subject(ExamAttemptSubmittedV1, subject_name_strategy="record") == "string"


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
    # In edx-event-bus-kafka's order.
    assert list(headers) == [
        "ce_specversion",
        "content-type",
        "ce_datacontenttype",
        "ce_type",
        "ce_id",
        "ce_source",
        "ce_time",
        "ce_minorversion",
        "sourcehost",
        "sourcelib",
    ]
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
    assert defaulted.sourcelib == SOURCELIB == "11.2.0"
    with pytest.raises(ValueError, match='^Kafka header "sourcelib" is not a version of integers joined by dots: \'\'$'):
        from_kafka_headers({"ce_id": "a", "sourcelib": ""})


def test_redis_fields() -> None:
    body = encode(ExamAttemptSubmittedV1.from_dict(EXAMPLE))
    fields = to_redis_fields(METADATA, body)
    assert list(fields) == ["type", "id", "source", "time", "minorversion", "sourcehost", "sourcelib", "event_data"]
    as_redis_py_gives_them = {k.encode(): (v if isinstance(v, bytes) else v.encode()) for k, v in fields.items()}
    assert from_redis_fields(as_redis_py_gives_them) == (METADATA, body)
    with pytest.raises(ValueError, match='^Redis message has no "event_data" field$'):
        from_redis_fields({"id": "a"})


def test_fresh_metadata() -> None:
    """The bus's defaults; sourcelib is what the bus's consumer parses as integers (see tests/bus_peers for the real one)."""
    fresh = EventMetadata(event_type=SUBMITTED)
    assert len(fresh.id) == 36 and fresh.minorversion == 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", fresh.time)
    assert fresh.sourcelib == "11.2.0"
    assert fresh.source == f"openedx/{os.environ.get('EVENTS_SERVICE_NAME') or 'SERVICE_NAME_UNSET'}/web"
    with pytest.raises(ValueError, match=r"^sourcelib must be a version of integers joined by dots \(the bus's consumers parse it so\), got ''$"):
        EventMetadata(event_type=SUBMITTED, sourcelib="")
