"""The Open edX event bus envelope: metadata beside every event, as Kafka headers or Redis fields."""

from __future__ import annotations

import os
import re
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Dict, Iterable, Mapping, Optional, Tuple, Union, cast

_SPEC_VERSION = "1.0"
_CONTENT_TYPE = "application/avro"
#: The version of the event definitions this package follows (eventcanon.config.json's envelope.sourcelib).
SOURCELIB = "$EVENTCANON_SOURCELIB"
_VERSION = re.compile(r"[0-9]+(\.[0-9]+)*")

HeaderValue = Union[str, bytes]


def _now() -> str:
    # As the bus writes it: datetime.isoformat(), "+00:00" rather than "Z".
    return datetime.now(timezone.utc).isoformat()


def _source() -> str:
    # As openedx-events makes it from the EVENTS_SERVICE_NAME setting, here from the environment.
    return f"openedx/{os.environ.get('EVENTS_SERVICE_NAME') or 'SERVICE_NAME_UNSET'}/web"


@dataclass(frozen=True)
class EventMetadata:
    """What travels with an event besides its data; the defaults are the Open edX bus's for a fresh event.

    The bus's consumers read ``sourcelib`` as integers joined by dots, so anything else is refused.
    """

    event_type: str
    source: str = field(default_factory=_source)
    sourcelib: str = SOURCELIB
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    minorversion: int = 0
    sourcehost: str = field(default_factory=socket.gethostname)
    time: str = field(default_factory=_now)

    def __post_init__(self) -> None:
        if not _VERSION.fullmatch(self.sourcelib):
            raise ValueError(
                f"sourcelib must be a version of integers joined by dots (the bus's consumers parse it so), got {self.sourcelib!r}"
            )


def to_kafka_headers(metadata: EventMetadata) -> Dict[str, str]:
    """Headers as the Open edX event bus writes them (CloudEvents binary mode)."""
    # In edx-event-bus-kafka's order: the three fixed headers, then one per metadata field.
    return {
        "ce_specversion": _SPEC_VERSION,
        "content-type": _CONTENT_TYPE,
        "ce_datacontenttype": _CONTENT_TYPE,
        "ce_type": metadata.event_type,
        "ce_id": metadata.id,
        "ce_source": metadata.source,
        "ce_time": metadata.time,
        "ce_minorversion": str(metadata.minorversion),
        "sourcehost": metadata.sourcehost,
        "sourcelib": metadata.sourcelib,
    }


def _text(value: HeaderValue) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def from_kafka_headers(
    headers: Union[Iterable[Tuple[str, HeaderValue]], Mapping[str, HeaderValue]], fallback_type: str = ""
) -> EventMetadata:
    """Reads the envelope back; a missing ce_id or a repeated header is an error, the rest default."""
    # A cast: narrowing the union by isinstance leaves a Mapping of tuples possible to the checkers.
    pairs = cast(Iterable[Tuple[str, HeaderValue]], headers.items() if isinstance(headers, Mapping) else headers)
    values: Dict[str, str] = {}
    for raw_name, value in pairs:
        name = raw_name.lower()
        if name in values:
            raise ValueError(f'duplicated Kafka header "{name}"')
        values[name] = _text(value)
    return _from_fields(values.get, "ce_", fallback_type, "Kafka header")


def to_redis_fields(metadata: EventMetadata, event_data: bytes) -> Dict[str, Union[str, bytes]]:
    """Fields as the Open edX Redis event bus writes them to a stream."""
    return {
        "type": metadata.event_type,
        "id": metadata.id,
        "source": metadata.source,
        "time": metadata.time,
        "minorversion": str(metadata.minorversion),
        "sourcehost": metadata.sourcehost,
        "sourcelib": metadata.sourcelib,
        "event_data": event_data,
    }


def from_redis_fields(
    fields: Union[Mapping[str, HeaderValue], Mapping[bytes, HeaderValue]], fallback_type: str = ""
) -> Tuple[EventMetadata, bytes]:
    """(metadata, Avro bytes) from a Redis stream entry; field names may be bytes, as redis-py gives them."""
    values = {_text(k): v for k, v in fields.items()}
    data = values.get("event_data")
    if data is None:
        raise ValueError('Redis message has no "event_data" field')
    text = {k: _text(v) for k, v in values.items() if k != "event_data"}
    return _from_fields(text.get, "", fallback_type, "Redis field"), data if isinstance(data, bytes) else data.encode("utf-8")


def _from_fields(get: Callable[[str], Optional[str]], prefix: str, fallback_type: str, what: str) -> EventMetadata:
    event_id = get(f"{prefix}id")
    if not event_id:
        raise ValueError(f'missing {what} "{prefix}id": every event needs its id')
    minor = get(f"{prefix}minorversion")
    try:
        minorversion = 0 if minor is None else int(minor)
    except ValueError:
        raise ValueError(f'{what} "{prefix}minorversion" is not a whole number: {minor}') from None
    if minorversion < 0:
        raise ValueError(f'{what} "{prefix}minorversion" is not a whole number: {minor}')
    # A missing sourcelib takes the default, as the bus's consumer does; a malformed one is refused.
    sourcelib = get("sourcelib")
    if sourcelib is not None and not _VERSION.fullmatch(sourcelib):
        raise ValueError(f'{what} "sourcelib" is not a version of integers joined by dots: {sourcelib!r}')
    return EventMetadata(
        event_type=get(f"{prefix}type") or fallback_type,
        id=event_id,
        minorversion=minorversion,
        source=get(f"{prefix}source") or "",
        sourcehost=get("sourcehost") or "",
        time=get(f"{prefix}time") or "",
        sourcelib=SOURCELIB if sourcelib is None else sourcelib,
    )
