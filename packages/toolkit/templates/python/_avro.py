"""Avro binary and Confluent framing for the generated events, with fastavro.

fastavro is an optional dependency: install ``eventcanon-openedx-events[avro]``. The dataclasses
work without it; only these functions need it, and they say so when it is missing.
"""

from __future__ import annotations

import io
import struct
from functools import lru_cache
from typing import Any, ClassVar, Dict, Protocol, Tuple, Type, TypeVar

_MAGIC_BYTE = 0
_HEADER = struct.Struct(">BI")


class EventData(Protocol):
    """What every generated event data class provides."""

    EVENT_TYPE: ClassVar[str]

    def to_dict(self) -> Dict[str, Any]: ...


E = TypeVar("E")


# Cached: the import statement's lookup alone is a few percent of encoding a small event.
@lru_cache(maxsize=None)
def _fastavro() -> Any:
    try:
        import fastavro
    except ImportError as error:  # pragma: no cover - exercised in the wheel smoke test
        raise ImportError("Avro helpers need fastavro: pip install 'eventcanon-openedx-events[avro]'") from error
    return fastavro


@lru_cache(maxsize=None)
def avro_schema(event_type: str) -> Any:
    """The parsed Avro schema of an event type, as shipped in the package."""
    from ._registry import EVENTS

    return _fastavro().parse_schema(EVENTS[event_type].avro_schema())


def encode(value: EventData) -> bytes:
    """Avro binary of an event (no framing); the same bytes the TypeScript package writes."""
    buffer = io.BytesIO()
    _fastavro().schemaless_writer(buffer, avro_schema(value.EVENT_TYPE), value.to_dict())
    return buffer.getvalue()


def decode(data_class: Type[E], data: bytes) -> E:
    """Reads Avro binary written with this event type's schema into its data class."""
    event_type: str = getattr(data_class, "EVENT_TYPE")
    record = _fastavro().schemaless_reader(io.BytesIO(data), avro_schema(event_type), None)
    # Not from_dict: what it checks, the schema fastavro read with already guarantees.
    value: E = getattr(data_class, "_from_avro")(record)
    return value


def encode_framed(value: EventData, schema_id: int) -> bytes:
    """Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro body."""
    if not 0 <= schema_id <= 0xFFFFFFFF:
        raise ValueError(f"schema id must be an integer from 0 to 4294967295, got {schema_id}")
    return _HEADER.pack(_MAGIC_BYTE, schema_id) + encode(value)


def unframe(data: bytes) -> Tuple[int, bytes]:
    """Splits Confluent wire format into (schema id, Avro body); rejects anything else."""
    if len(data) < _HEADER.size:
        raise ValueError(f"not Confluent wire format: {len(data)} bytes is shorter than the 5-byte header")
    magic, schema_id = _HEADER.unpack_from(data)
    if magic != _MAGIC_BYTE:
        raise ValueError(
            f"not Confluent wire format: magic byte is 0x{magic:02x}, expected 0x00 "
            "(was the message framed by a schema-registry serializer?)"
        )
    return schema_id, data[_HEADER.size :]


def decode_framed(data_class: Type[E], data: bytes) -> Tuple[int, E]:
    """(schema id, value) from Confluent wire format."""
    schema_id, body = unframe(data)
    return schema_id, decode(data_class, body)


def encode_key(value: EventData) -> bytes:
    """The message key: the Avro encoding of the value at the event's key field."""
    from ._registry import EVENTS

    spec = EVENTS[value.EVENT_TYPE]
    if spec.key_field is None:
        raise ValueError(f"{value.EVENT_TYPE} declares no event key field")
    key: Any = value.to_dict()
    for segment in spec.key_field.split("."):
        key = key[segment]
    buffer = io.BytesIO()
    _fastavro().schemaless_writer(buffer, _fastavro().parse_schema(spec.key_schema), key)
    return buffer.getvalue()
