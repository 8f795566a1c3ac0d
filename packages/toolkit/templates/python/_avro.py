"""Avro binary and Confluent framing for the generated events, with fastavro.

A consumer reads every released version: the writer's schema comes from the schema id in the frame,
looked up in the release history the package ships (offline) or, for ids it does not know, in a
schema registry; fastavro then resolves it against the package's schema. The TypeScript package does
the same, with the same messages.

fastavro is an optional dependency: install ``eventcanon-openedx-events[avro]``. The dataclasses
work without it; only these functions need it, and they say so when it is missing.
"""

from __future__ import annotations

import io
import json
import struct
import threading
import weakref
from functools import lru_cache
from typing import Any, ClassVar, Dict, List, Literal, Optional, Protocol, Sequence, Tuple, Type, TypeVar, Union, cast

from ._decoder import Decoder
from ._decoder import build as build_decoder
from ._registry_client import Lru, SchemaRegistryClient, SchemaRegistryError
from ._resolution import Refusal, SchemaResolutionError, incompatibility, locate

_MAGIC_BYTE = 0
_HEADER = struct.Struct(">BI")
_STRATEGIES = ("topic-record", "topic", "record")


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


#: A parsed schema with the named types it defines, by full name.
_Parsed = Tuple[Any, Dict[str, Any]]


def _parse(schema: Any) -> _Parsed:
    named: Dict[str, Any] = {}
    return _fastavro().parse_schema(schema, named_schemas=named), named


@lru_cache(maxsize=None)
def _reader(event_type: str, role: str) -> _Parsed:
    from ._registry import EVENTS

    spec = EVENTS[event_type]
    return _parse(spec.avro_schema() if role == "value" else spec.key_schema)


def avro_schema(event_type: str) -> Any:
    """The parsed Avro schema of an event type, as shipped in the package."""
    return _reader(event_type, "value")[0]


def _event_type(data_class: Type[Any]) -> str:
    event_type: str = getattr(data_class, "EVENT_TYPE")
    return event_type


def _write(schema: Any, value: Any) -> bytes:
    buffer = io.BytesIO()
    _fastavro().schemaless_writer(buffer, schema, value)
    return buffer.getvalue()


def encode(value: EventData) -> bytes:
    """Avro binary of an event (no framing); the same bytes the TypeScript package writes."""
    return _write(avro_schema(value.EVENT_TYPE), value.to_dict())


def frame(schema_id: int, body: bytes) -> bytes:
    if not 0 <= schema_id <= 0xFFFFFFFF:
        raise ValueError(f"schema id must be an integer from 0 to 4294967295, got {schema_id}")
    return _HEADER.pack(_MAGIC_BYTE, schema_id) + body


def encode_framed(value: EventData, schema_id: int) -> bytes:
    """Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro body."""
    return frame(schema_id, encode(value))


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


def _read(event_type: str, data: bytes, writer: Any, reader: Any, what: str) -> Any:
    """fastavro's read of the whole of ``data``; anything else is an error naming the event."""
    stream = io.BytesIO(data)
    try:
        record = _fastavro().schemaless_reader(stream, writer, reader)
    except EOFError:
        raise ValueError(f"{event_type}: cannot decode {len(data)} bytes{what}: truncated buffer") from None
    except (ValueError, IndexError, KeyError, UnicodeDecodeError, struct.error) as error:
        raise ValueError(f"{event_type}: cannot decode {len(data)} bytes{what}: {error}") from None
    if stream.tell() != len(data):
        raise ValueError(f"{event_type}: cannot decode {len(data)} bytes{what}: trailing data")
    return record


def _build(data_class: Type[E], record: Any) -> E:
    # Not from_dict: what it checks, the schema fastavro read with already guarantees.
    value: E = getattr(data_class, "from_avro")(record)
    return value


class _Writer:
    """A writer schema to resolve against the package's: parsed once, checked once."""

    def __init__(self, event_type: str, role: str, schema: Any, label: str, schema_id: Optional[int]) -> None:
        self.event_type = event_type
        self.role = role
        self.label = label
        self.schema_id = schema_id
        self.parsed, self.named = _parse(schema)
        self.what = f" ({role} written with {'another schema' if schema_id is None else f'writer schema id {schema_id}'})"
        reader, named = _reader(event_type, role)
        if role == "value" and _full_name(schema) != _full_name(_schema_of(event_type, role)):
            raise SchemaResolutionError(
                "wrong-record", f"{event_type}: {label} is for record {_full_name(schema)}, not {_full_name(_schema_of(event_type, role))}", schema_id
            )
        mismatch = incompatibility(reader, self.parsed, named, self.named)
        if mismatch is not None:
            raise SchemaResolutionError(
                "incompatible-schema",
                f"{event_type}: {label} cannot be read as this package's {role} schema: {mismatch}",
                schema_id,
                mismatch.path,
            )

    def read(self, data: bytes) -> Any:
        reader, named = _reader(self.event_type, self.role)
        try:
            return _read(self.event_type, data, self.parsed, reader, self.what)
        except _fastavro().read.SchemaResolutionError as error:
            written = "another schema" if self.schema_id is None else f"writer schema id {self.schema_id}"
            # fastavro refused a value: read it with the writer's schema alone to say which and why.
            value = _fastavro().schemaless_reader(io.BytesIO(data), self.parsed, None, return_record_name=True)
            found: Optional[Refusal] = locate(reader, self.parsed, value, named, self.named)
            detail = str(found) if found is not None else f"/: {error}"
            raise SchemaResolutionError(
                "value-not-readable",
                f"{self.event_type}: cannot read a {self.role} written with {written}: {detail}",
                self.schema_id,
                None if found is None else found.path,
            ) from None


def _schema_of(event_type: str, role: str) -> Any:
    from ._registry import EVENTS

    spec = EVENTS[event_type]
    return spec.avro_schema() if role == "value" else spec.key_schema


def _full_name(schema: Any) -> str:
    if isinstance(schema, str):
        return schema
    if not isinstance(schema, dict):
        return "union"
    node = cast(Dict[str, Any], schema)
    name = node.get("name")
    if not isinstance(name, str):
        return str(node.get("type"))
    namespace = node.get("namespace")
    return name if "." in name or not isinstance(namespace, str) else f"{namespace}.{name}"


_Found = Union[_Writer, SchemaResolutionError]
_lock = threading.Lock()
# Writer schema id -> how to read it, or why not; the release history's ids, and each registry's
# (the same id may name other schemas in a registry with ids of its own).
_bundled: "Lru[Tuple[str, str, int], _Found]" = Lru(10_000)
_from_registry: "weakref.WeakKeyDictionary[SchemaRegistryClient, Lru[Tuple[str, str, int], _Found]]" = weakref.WeakKeyDictionary()
# By the schema object's identity (the object is kept with it, so the identity stays its own): a
# consumer passes the same object for every message, and dumping it to find it costs a read.
_given: "Lru[Tuple[str, str, int], Tuple[Any, _Writer]]" = Lru(1000)


def _compiled(cache: "Lru[Tuple[str, str, int], _Found]", event_type: str, role: str, schema_id: int, schema: Any, label: str) -> _Found:
    found: _Found
    try:
        found = _Writer(event_type, role, schema, label, schema_id)
    except SchemaResolutionError as error:
        found = error
    with _lock:
        cache.set((event_type, role, schema_id), found)
    return found


def _own_id(event_type: str, role: str) -> Optional[int]:
    from ._registry import EVENTS

    spec = EVENTS[event_type]
    return spec.schema_id if role == "value" else spec.key_schema_id


_Own = Literal["own"]


def _bundled_writer(event_type: str, role: str, schema_id: int) -> Union[_Found, _Own, None]:
    """The writer schema of an id from the release history: "own", an older one, or another's (an error)."""
    from ._history import KEYS, VALUES

    if schema_id == _own_id(event_type, role):
        return "own"
    with _lock:
        known = _bundled.get((event_type, role, schema_id))
    if known is not None:
        return known
    value = VALUES.get(schema_id)
    key = KEYS.get(schema_id)
    label = f"writer schema id {schema_id}"
    if role == "key" and key is not None:
        return _compiled(_bundled, event_type, role, schema_id, key, label)
    if role == "value" and value is not None and value[0] == event_type and value[2] is not None:
        return _compiled(_bundled, event_type, role, schema_id, value[2], label)
    if value is None and key is None:
        return None
    whose = "a key schema" if value is None else f"the value schema of {value[0]} version {value[1]}"
    error = SchemaResolutionError("wrong-record", f"{event_type}: writer schema id {schema_id} is {whose}, not a {role} schema of {event_type}", schema_id)
    with _lock:
        _bundled.set((event_type, role, schema_id), error)
    return error


def _read_framed(event_type: str, role: str, schema_id: int, body: bytes, writer: Union[_Found, _Own, None]) -> Any:
    if writer == "own":
        reader = _reader(event_type, role)[0]
        return _read(event_type, body, reader, None, "" if role == "value" else " (key)")
    if writer is None:
        raise SchemaResolutionError(
            "unknown-schema-id",
            f"{event_type}: writer schema id {schema_id} is not in this package's release history, and no schema registry was given: "
            "pass one to deserialize to read versions released after this package",
            schema_id,
        )
    if isinstance(writer, _Writer):
        return writer.read(body)
    raise writer  # a SchemaResolutionError found when the id was first seen


def _registry_writer(registry: SchemaRegistryClient, event_type: str, role: str, schema_id: int) -> _Found:
    with _lock:
        cache = _from_registry.get(registry)
        if cache is None:
            cache = Lru[Tuple[str, str, int], _Found](1000)
            _from_registry[registry] = cache
        known = cache.get((event_type, role, schema_id))
    if known is not None:
        return known
    try:
        registered = registry.schema_by_id(schema_id)
    except SchemaRegistryError as error:
        if error.error_code == 40403 or error.status == 404:
            raise SchemaResolutionError(
                "unknown-schema-id",
                f"{event_type}: writer schema id {schema_id} is neither in this package's release history nor in the schema registry at {registry.url}",
                schema_id,
            ) from None
        raise SchemaResolutionError("registry-error", f"{event_type}: cannot fetch writer schema id {schema_id}: {error}", schema_id) from None
    if registered.schema_type != "AVRO":
        raise SchemaResolutionError(
            "wrong-record",
            f"{event_type}: writer schema id {schema_id} is a {registered.schema_type} schema in the schema registry at {registry.url}, not Avro",
            schema_id,
        )
    return _compiled(cache, event_type, role, schema_id, json.loads(registered.schema), f"writer schema id {schema_id} (from the registry)")


def _writer_of(event_type: str, role: str, schema_id: int, registry: Optional[SchemaRegistryClient]) -> Union[_Found, _Own, None]:
    """The writer schema of an id: the release history's, unless the registry assigns ids of its own, then the registry's."""
    writer: Union[_Found, _Own, None] = None if registry is not None and registry.assigns_own_ids else _bundled_writer(event_type, role, schema_id)
    if writer is None and registry is not None:
        writer = _registry_writer(registry, event_type, role, schema_id)
    return writer


def _deserialize(event_type: str, role: str, data: bytes, registry: Optional[SchemaRegistryClient]) -> Tuple[int, Any]:
    schema_id, body = unframe(data)
    return schema_id, _read_framed(event_type, role, schema_id, body, _writer_of(event_type, role, schema_id, registry))


def _given_writer(event_type: str, role: str, writer_schema: Any) -> _Writer:
    key = (event_type, role, id(writer_schema))
    with _lock:
        known = _given.get(key)
    if known is not None and known[0] is writer_schema:
        return known[1]
    writer = _Writer(event_type, role, writer_schema, "the writer schema", None)
    with _lock:
        _given.set(key, (writer_schema, writer))
    return writer


# Per data class, what decode() looks up: its event type, the parsed schema, from_avro and the class's
# own decoder (None where it has none); found once, as each lookup is a call that costs a few percent
# of decoding a small event.
_decoding: Dict[Type[Any], Tuple[str, Any, Any, Optional[Decoder]]] = {}


def _decoding_of(data_class: Type[Any]) -> Tuple[str, Any, Any, Optional[Decoder]]:
    event_type = _event_type(data_class)
    fast = build_decoder(data_class, _schema_of(event_type, "value"))
    found = _decoding[data_class] = (event_type, avro_schema(event_type), getattr(data_class, "from_avro"), fast)
    return found


def decode(data_class: Type[E], data: bytes, writer_schema: Any = None) -> E:
    """Reads Avro binary (no framing) into the event's data class. Without ``writer_schema`` the bytes
    must have been written with this package's schema; with it, the writer's schema is resolved."""
    event_type, schema, from_avro, fast = _decoding.get(data_class) or _decoding_of(data_class)
    value: E
    if writer_schema is None:
        # The class's decoder, or where it gives up (bytes it does not expect), fastavro's read: its
        # verdict and message, or the value where the decoder was only cautious.
        found: Any = None if fast is None else fast(data)
        value = from_avro(_read(event_type, data, schema, None, "")) if found is None else found
    else:
        value = from_avro(_given_writer(event_type, "value", writer_schema).read(data))
    return value


def decode_framed(data_class: Type[E], data: bytes) -> Tuple[int, E]:
    """(schema id, value) from Confluent wire format whose writer schema is in the release history (offline)."""
    event_type = _event_type(data_class)
    schema_id, body = unframe(data)
    writer = _bundled_writer(event_type, "value", schema_id)
    if writer == "own":  # decode's read of the package's own schema, which _read_framed would do the slow way
        return schema_id, decode(data_class, body)
    return schema_id, _build(data_class, _read_framed(event_type, "value", schema_id, body, writer))


def deserialize(data_class: Type[E], data: bytes, *, registry: Optional[SchemaRegistryClient] = None) -> Tuple[int, E]:
    """(schema id, value) from Confluent wire format written with any schema the release history or the
    registry knows, resolved to the package's."""
    event_type = _event_type(data_class)
    schema_id, body = unframe(data)
    writer = _writer_of(event_type, "value", schema_id, registry)
    if writer == "own":  # as decode_framed
        return schema_id, decode(data_class, body)
    return schema_id, _build(data_class, _read_framed(event_type, "value", schema_id, body, writer))


def key_of(value: EventData) -> Any:
    """The message key: the value at the event's key field."""
    from ._registry import EVENTS

    spec = EVENTS[value.EVENT_TYPE]
    if spec.key_field is None:
        raise ValueError(f"{value.EVENT_TYPE} declares no event key field")
    key: Any = value.to_dict()
    for segment in spec.key_field.split("."):
        key = key[segment]
    return key


def encode_key(value: EventData) -> bytes:
    """The message key's Avro binary (no framing): the Avro encoding of the value at the event's key field."""
    key = key_of(value)
    return _write(_reader(value.EVENT_TYPE, "key")[0], key)


def decode_key(data_class: Type[Any], data: bytes, writer_schema: Any = None) -> Any:
    event_type = _event_type(data_class)
    _require_key(event_type)
    if writer_schema is None:
        return _read(event_type, data, _reader(event_type, "key")[0], None, " (key)")
    return _given_writer(event_type, "key", writer_schema).read(data)


def deserialize_key(data_class: Type[Any], data: bytes, *, registry: Optional[SchemaRegistryClient] = None) -> Tuple[int, Any]:
    event_type = _event_type(data_class)
    _require_key(event_type)
    return _deserialize(event_type, "key", data, registry)


def _require_key(event_type: str) -> str:
    from ._registry import EVENTS

    key_field = EVENTS[event_type].key_field
    if key_field is None:
        raise ValueError(f"{event_type} declares no event key field")
    return key_field


def subject(data_class: Type[Any], *, topic: Optional[str] = None, subject_name_strategy: str = "topic-record") -> str:
    """The value subject under a strategy (default topic-record: ``<topic>-<record full name>``)."""
    return _subject(_event_type(data_class), "value", topic, subject_name_strategy)


def key_subject(data_class: Type[Any], *, topic: Optional[str] = None, subject_name_strategy: str = "topic-record") -> str:
    """The key subject, named as edx-event-bus-kafka names it: ``<topic>-<key schema name>`` by default."""
    return _subject(_event_type(data_class), "key", topic, subject_name_strategy)


def _subject(event_type: str, role: str, topic: Optional[str], strategy: str) -> str:
    from ._registry import EVENTS

    if strategy not in _STRATEGIES:
        raise ValueError(f"subject name strategy must be one of {', '.join(_STRATEGIES)}, got {strategy!r}")
    if role == "key":
        _require_key(event_type)
    topic = EVENTS[event_type].topic if topic is None else topic
    name = _full_name(_schema_of(event_type, role))
    if strategy == "record":
        return name
    if not topic:
        raise ValueError(f"{event_type} has no x-topic: pass the topic, or use the record subject name strategy")
    return f"{topic}-{role}" if strategy == "topic" else f"{topic}-{name}"


def registration_text(schema: Any) -> str:
    """The text the bus registers: ``json.dumps(schema, sort_keys=True)``, as openedx-events'
    AvroSignalSerializer.schema_string and edx-event-bus-kafka's extract_key_schema write it."""
    return json.dumps(schema, sort_keys=True)


def _key_field_schema(value_schema: Any, key_field: str) -> Any:
    """The key field's entry in the value schema, which edx-event-bus-kafka registers as the key schema."""
    named: Dict[str, Any] = {}
    _parse(value_schema)  # refuses a malformed schema before the walk below
    _collect(value_schema, "", named)
    record: Any = value_schema
    field: Any = None
    for segment in key_field.split("."):
        record = _named_or(record, named)
        if isinstance(record, dict) and "fields" not in record:
            record = _named_or(cast(Dict[str, Any], record)["type"], named)
        fields: List[Any] = cast(Dict[str, Any], record).get("fields", []) if isinstance(record, dict) else []
        field = next((f for f in fields if f["name"] == segment), None)
        if field is None:
            raise ValueError(f'key field {key_field}: no field "{segment}" in the value schema')
        record = field["type"]
    return field


def _named_or(schema: Any, named: Dict[str, Any]) -> Any:
    return named.get(schema, schema) if isinstance(schema, str) else schema


def _collect(schema: Any, namespace: str, named: Dict[str, Any]) -> None:
    if isinstance(schema, list):
        branches = cast(Sequence[Any], schema)
        for branch in branches:
            _collect(branch, namespace, named)
        return
    if not isinstance(schema, dict):
        return
    node = cast(Dict[str, Any], schema)
    if isinstance(node.get("name"), str) and node.get("type") in ("record", "enum", "fixed"):
        full = _full_name({**node, "namespace": node.get("namespace", namespace)})
        named[full] = named[node["name"]] = node
        fields: List[Any] = node.get("fields", [])
        for field in fields:
            _collect(field["type"], full.rsplit(".", 1)[0], named)
        return
    for part in ("type", "items", "values"):
        _collect(node.get(part), namespace, named)


def serialize(
    value: EventData,
    *,
    registry: Optional[SchemaRegistryClient] = None,
    topic: Optional[str] = None,
    subject_name_strategy: str = "topic-record",
    auto_register: bool = False,
    use_latest_version: bool = False,
) -> bytes:
    """Confluent wire format, as Confluent's serializers write it: the id is the released id of the
    package's schema (offline), or with a registry the id under the event's subject (looked up,
    registered with ``auto_register``, or the subject's latest with ``use_latest_version``)."""
    return _serialize(value.EVENT_TYPE, "value", value.to_dict(), registry, topic, subject_name_strategy, auto_register, use_latest_version)


def serialize_key(
    value: EventData,
    *,
    registry: Optional[SchemaRegistryClient] = None,
    topic: Optional[str] = None,
    subject_name_strategy: str = "topic-record",
    auto_register: bool = False,
    use_latest_version: bool = False,
) -> bytes:
    """The key in Confluent wire format, under the bus's key subject (``<topic>-string`` for a string key)."""
    return _serialize(value.EVENT_TYPE, "key", key_of(value), registry, topic, subject_name_strategy, auto_register, use_latest_version)


def serialize_key_value(
    data_class: Type[Any],
    key: Any,
    *,
    registry: Optional[SchemaRegistryClient] = None,
    topic: Optional[str] = None,
    subject_name_strategy: str = "topic-record",
    auto_register: bool = False,
    use_latest_version: bool = False,
) -> bytes:
    """A key given as it is (not taken from an event) in Confluent wire format, as serialize_key frames it."""
    event_type = _event_type(data_class)
    _require_key(event_type)
    return _serialize(event_type, "key", key, registry, topic, subject_name_strategy, auto_register, use_latest_version)


_latest: "Lru[Tuple[int, str], Any]" = Lru(100)


def _serialize(
    event_type: str,
    role: str,
    datum: Any,
    registry: Optional[SchemaRegistryClient],
    topic: Optional[str],
    strategy: str,
    auto_register: bool,
    use_latest_version: bool,
) -> bytes:
    """``datum`` is the event's dict (value) or the key itself, written with the package's schema of ``role``."""
    key_field = _require_key(event_type) if role == "key" else ""

    def body() -> bytes:
        return _write(_reader(event_type, role)[0], datum)

    if registry is None:
        own = _own_id(event_type, role)
        if own is None:
            raise SchemaResolutionError(
                "unknown-schema-id",
                f"{event_type}: the package's {role} schema is not in its release history (not released yet: run canon release), "
                "so it has no id to frame with offline; pass a schema registry to look it up",
            )
        return frame(own, body())
    name = _subject(event_type, role, topic, strategy)
    if use_latest_version:
        latest = registry.latest(name)
        if latest.schema_type != "AVRO":
            raise ValueError(f"{event_type}: the latest schema of {name} is {latest.schema_type}, not AVRO")
        with _lock:
            parsed = _latest.get((latest.id, registry.url))
        if parsed is None:
            parsed = _parse(json.loads(latest.schema))[0]
            with _lock:
                _latest.set((latest.id, registry.url), parsed)
        return frame(latest.id, _write(parsed, datum))
    schema = _schema_of(event_type, "value")
    text = registration_text(schema if role == "value" else _key_field_schema(schema, key_field))
    try:
        schema_id = registry.register(name, text) if auto_register else registry.lookup(name, text)
    except SchemaRegistryError as error:
        if error.status != 404:
            raise
        raise SchemaResolutionError(
            "unknown-schema-id",
            f"{event_type}: the package's {role} schema is not registered under subject {name} at {registry.url}; "
            "register it with canon registry push, or let serialize register it (auto_register)",
        ) from None
    return frame(schema_id, body())
