"""edx-event-bus-kafka and edx-event-bus-redis, run as an edx-platform service runs them, for the bus tests
(with .venv-peers' Python 3.12). Job on stdin: {"settings": {...Django settings...}, "op": ..., ...};
prints one JSON document.

- send: the bus's own producer (create_producer().send(signal=..., ...)) for each {"event", "data"}; prints
  the metadata each was sent with and its data as the bus puts it on the wire (AvroSignalSerializer.to_dict).
- normalize: each {"event", "data"} as openedx-events reads it and writes it back (dates in isoformat).
- receive: the bus's own consumer on a topic until `count` events fired their signals (asserted in a
  signal receiver), or `timeout` seconds; prints each event's data (AvroSignalSerializer.to_dict) and metadata.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any, Dict, List


def _setup(settings_values: Dict[str, Any]) -> None:
    import django
    from django.conf import settings

    settings.configure(USE_TZ=True, **settings_values)
    django.setup()
    from openedx_events.tooling import load_all_signals

    load_all_signals()


def _metadata(metadata: Any) -> Dict[str, Any]:
    return {
        "event_type": metadata.event_type,
        "id": str(metadata.id),
        "minorversion": metadata.minorversion,
        "source": metadata.source,
        "sourcehost": metadata.sourcehost,
        "time": metadata.time.isoformat(),
        "sourcelib": ".".join(map(str, metadata.sourcelib)),
    }


def send(bus: str, events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    from openedx_events.data import EventsMetadata
    from openedx_events.event_bus.avro.deserializer import AvroSignalDeserializer
    from openedx_events.event_bus.avro.serializer import AvroSignalSerializer
    from openedx_events.tooling import OpenEdxPublicSignal

    if bus == "kafka":
        from edx_event_bus_kafka.internal.producer import create_producer
    else:
        from edx_event_bus_redis.internal.producer import create_producer
    producer = create_producer()
    if producer is None:
        raise SystemExit(f"edx-event-bus-{bus}'s create_producer() gave None: its settings are incomplete")
    sent = []
    for event in events:
        signal = OpenEdxPublicSignal.get_signal_by_type(event["event"])
        metadata = EventsMetadata(event_type=event["event"], source="openedx/edx-platform/web")
        producer.send(
            signal=signal,
            topic=event["topic"],
            event_key_field=event["key_field"],
            event_data=AvroSignalDeserializer(signal).from_dict(event["data"]),
            event_metadata=metadata,
        )
        sent.append({"metadata": _metadata(metadata), "data": json.loads(json.dumps(AvroSignalSerializer(signal).to_dict(AvroSignalDeserializer(signal).from_dict(event["data"])), default=str))})
    if bus == "kafka":
        producer.prepare_for_shutdown()
    return sent


def receive(bus: str, topic: str, group: str, event_types: List[str], count: int, timeout: float) -> List[Dict[str, Any]]:
    from openedx_events.event_bus.avro.serializer import AvroSignalSerializer
    from openedx_events.tooling import OpenEdxPublicSignal

    received: List[Dict[str, Any]] = []
    done = threading.Event()

    def receiver(sender: Any, signal: Any, **kwargs: Any) -> None:
        metadata = kwargs.pop("metadata")
        kwargs.pop("from_event_bus", None)
        received.append({"data": json.loads(json.dumps(AvroSignalSerializer(signal).to_dict(kwargs), default=str)), "metadata": _metadata(metadata)})
        if len(received) >= count:
            done.set()

    for event_type in event_types:
        OpenEdxPublicSignal.get_signal_by_type(event_type).connect(receiver, weak=False)
    if bus == "kafka":
        from edx_event_bus_kafka.internal.consumer import KafkaEventConsumer

        consumer = KafkaEventConsumer(topic, group)
    else:
        from edx_event_bus_redis.internal.consumer import RedisEventConsumer

        consumer = RedisEventConsumer(topic, group, "edx-consumer", check_backlog=True)
    threading.Thread(target=lambda: (done.wait(timeout), consumer._shut_down()), daemon=True).start()
    consumer._consume_indefinitely()
    return received


def main() -> None:
    job = json.load(sys.stdin)
    _setup(job["settings"])
    if job["op"] == "normalize":
        from openedx_events.event_bus.avro.deserializer import AvroSignalDeserializer
        from openedx_events.event_bus.avro.serializer import AvroSignalSerializer
        from openedx_events.tooling import OpenEdxPublicSignal

        out = []
        for event in job["events"]:
            signal = OpenEdxPublicSignal.get_signal_by_type(event["event"])
            out.append(json.loads(json.dumps(AvroSignalSerializer(signal).to_dict(AvroSignalDeserializer(signal).from_dict(event["data"])), default=str)))
        print(json.dumps(out))
    elif job["op"] == "send":
        print(json.dumps(send(job["bus"], job["events"])))
    elif job["op"] == "receive":
        started = time.monotonic()
        got = receive(job["bus"], job["topic"], job["group"], job["event_types"], job["count"], job["timeout"])
        print(json.dumps({"received": got, "seconds": round(time.monotonic() - started, 1)}))
    else:
        raise SystemExit(f"unknown op {job['op']}")


if __name__ == "__main__":
    main()
