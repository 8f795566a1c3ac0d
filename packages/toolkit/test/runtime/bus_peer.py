"""The Open edX bus's own code as a peer of the run-time tests (run with .venv-peers' Python 3.12).

It calls edx-event-bus-kafka's and confluent-kafka's functions as an edx-platform service does:
edx's key and value serializers for a real openedx-events signal, edx's consumer-side deserializer and
its header parsing, confluent-kafka's AvroSerializer/AvroDeserializer. Job on stdin:
{"registry": url, "ops": [...]}; one JSON line per op, {"ok": true, ...} or {"ok": false, "error": ...}.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Dict


def _setup(registry: str) -> None:
    import django
    from django.conf import settings

    settings.configure(EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL=registry, EVENTS_SERVICE_NAME="bus-peer", USE_TZ=True)
    django.setup()
    # The signals register themselves when their modules load, as edx-platform's apps load them.
    from openedx_events.tooling import load_all_signals

    load_all_signals()


def _run(op: Dict[str, Any]) -> Dict[str, Any]:
    from confluent_kafka.schema_registry import SchemaRegistryClient, topic_record_subject_name_strategy
    from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext
    from edx_event_bus_kafka.internal.config import get_schema_registry_client
    from openedx_events.event_bus.avro.deserializer import AvroSignalDeserializer
    from openedx_events.event_bus.avro.serializer import AvroSignalSerializer
    from openedx_events.tooling import OpenEdxPublicSignal

    kind = op["op"]
    if kind == "edx-metadata":
        from edx_event_bus_kafka.internal.utils import _get_metadata_from_headers

        metadata = _get_metadata_from_headers([(name, value.encode("utf-8")) for name, value in op["headers"]])
        return {"metadata": json.loads(json.dumps(metadata.to_json_data(), default=str))}
    if kind == "edx-produce":
        # What edx-event-bus-kafka's producer does with a signal's event data: its own serializers.
        from edx_event_bus_kafka.internal.producer import extract_event_key, get_serializers

        signal = OpenEdxPublicSignal.get_signal_by_type(op["event"])
        data = AvroSignalDeserializer(signal).from_dict(op["data"])
        key_serializer, value_serializer = get_serializers(signal, op["key_field"])
        key = key_serializer(extract_event_key(data, op["key_field"]), SerializationContext(op["topic"], MessageField.KEY))
        value = value_serializer(data, SerializationContext(op["topic"], MessageField.VALUE))
        return {"key": key.hex(), "value": value.hex()}
    if kind == "edx-key-text":
        # edx's extract_key_schema over a value schema: the text its key serializer registers.
        from types import SimpleNamespace

        from edx_event_bus_kafka.internal.producer import extract_key_schema

        return {"text": extract_key_schema(SimpleNamespace(schema=op["schema"]), op["key_field"]), "value_text": json.dumps(op["schema"], sort_keys=True)}
    if kind == "edx-consume":
        from edx_event_bus_kafka.internal.consumer import get_deserializer

        signal = OpenEdxPublicSignal.get_signal_by_type(op["event"])
        deserializer = get_deserializer(signal, get_schema_registry_client())
        data = deserializer(bytes.fromhex(op["hex"]), SerializationContext(op["topic"], MessageField.VALUE))
        return {"value": json.loads(json.dumps(AvroSignalSerializer(signal).to_dict(data), default=str))}
    if kind == "edx-serialize-bytes":
        # openedx-events' own serializer, as a producer's signal hands it event data: the datetimes
        # given as [year, month, day, hour, minute, second, microsecond(, "utc")] replace those fields,
        # naive unless marked "utc"; what it writes for them is its own isoformat().
        import attr
        from datetime import datetime, timezone

        from openedx_events.event_bus.avro.serializer import serialize_event_data_to_bytes

        def put(value: Any, path: list, new: Any) -> Any:
            head, rest = path[0], path[1:]
            inner = new if not rest else put(value[head] if isinstance(value, dict) else getattr(value, head), rest, new)
            return {**value, head: inner} if isinstance(value, dict) else attr.evolve(value, **{head: inner})

        signal = OpenEdxPublicSignal.get_signal_by_type(op["event"])
        data = AvroSignalDeserializer(signal).from_dict(op["data"])
        for dotted, parts in op["datetimes"].items():
            utc = parts[-1] == "utc"
            moment = datetime(*parts[:7], tzinfo=timezone.utc if utc else None)  # type: ignore[misc]
            data = put(data, dotted.split("."), moment)
        return {"hex": serialize_event_data_to_bytes(data, signal).hex()}
    client = SchemaRegistryClient({"url": op["registry"]})
    field = MessageField.KEY if op.get("field") == "key" else MessageField.VALUE
    if kind == "confluent-serialize":
        conf = {"subject.name.strategy": topic_record_subject_name_strategy, "auto.register.schemas": op.get("auto_register", True)}
        serializer = AvroSerializer(client, op["schema"], conf=conf)
        return {"hex": serializer(op["data"], SerializationContext(op["topic"], field)).hex()}
    if kind == "confluent-deserialize":
        deserializer = AvroDeserializer(client, op.get("schema"))
        return {"value": deserializer(bytes.fromhex(op["hex"]), SerializationContext(op["topic"], field))}
    raise ValueError(f"unknown op {kind}")


def main() -> None:
    job = json.load(sys.stdin)
    _setup(job["registry"])
    for op in job["ops"]:
        try:
            outcome = {"ok": True, **_run({"registry": job["registry"], **op})}
        except Exception as error:  # every failure is an outcome the test compares
            outcome = {"ok": False, "type": type(error).__name__, "error": str(error)}
        print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main()
