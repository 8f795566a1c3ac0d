"""The event catalog: data classes per domain, the registry of event types, Avro and envelope helpers,
and producers and consumers for the Open edX event bus on Kafka and Redis Streams."""

from __future__ import annotations

from typing import Any, Dict, Type

from ._avro import (
    avro_schema,
    decode,
    decode_framed,
    decode_key,
    deserialize,
    deserialize_key,
    encode,
    encode_framed,
    encode_key,
    key_of,
    key_subject,
    registration_text,
    serialize,
    serialize_key,
    serialize_key_value,
    subject,
    unframe,
)
from ._bus import DEAD_LETTER, BusError, BusLogger, ConsumerStats, DeadLetterNames, Delivery, Failure, Handler, Handlers, RetryPolicy
from ._envelope import SOURCELIB, EventMetadata, from_kafka_headers, from_redis_fields, to_kafka_headers, to_redis_fields
from ._kafka import CommitPolicy, KafkaEventConsumer, KafkaEventProducer, KafkaProducerClient, Sent
from ._openedx import from_openedx, to_openedx
from ._redis import SCHEMA_ID_FIELD, Appended, RedisClient, RedisEventConsumer, RedisEventProducer
from ._registry import EVENTS, EventSpec
from ._registry_client import RegisteredSchema, SchemaRegistryClient, SchemaRegistryError, SubjectVersion
from ._resolution import SchemaResolutionError

#: The data class of every event, keyed by event type string.
EVENT_DATA_CLASSES: Dict[str, Type[Any]] = {event_type: spec.data_class for event_type, spec in EVENTS.items()}

__all__ = [
    "DEAD_LETTER",
    "EVENTS",
    "EVENT_DATA_CLASSES",
    "SCHEMA_ID_FIELD",
    "SOURCELIB",
    "Appended",
    "BusError",
    "BusLogger",
    "ConsumerStats",
    "DeadLetterNames",
    "Delivery",
    "EventMetadata",
    "EventSpec",
    "Failure",
    "Handler",
    "Handlers",
    "CommitPolicy",
    "KafkaEventConsumer",
    "KafkaEventProducer",
    "KafkaProducerClient",
    "RedisClient",
    "RedisEventConsumer",
    "RedisEventProducer",
    "RegisteredSchema",
    "RetryPolicy",
    "SchemaRegistryClient",
    "SchemaRegistryError",
    "SchemaResolutionError",
    "Sent",
    "SubjectVersion",
    "avro_schema",
    "decode",
    "decode_framed",
    "decode_key",
    "deserialize",
    "deserialize_key",
    "encode",
    "encode_framed",
    "encode_key",
    "from_kafka_headers",
    "from_openedx",
    "from_redis_fields",
    "key_of",
    "key_subject",
    "registration_text",
    "serialize",
    "serialize_key",
    "serialize_key_value",
    "subject",
    "to_kafka_headers",
    "to_openedx",
    "to_redis_fields",
    "unframe",
]
