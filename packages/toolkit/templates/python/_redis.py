"""Redis Streams producer and consumer for the Open edX event bus, over redis-py (the client
edx-event-bus-redis uses), imported only when one is made from a URL: install
``eventcanon-openedx-events[redis]``. Entries are edx-event-bus-redis's: the envelope fields and
``event_data`` (unframed Avro) on the stream named by the topic, trimmed with ``MAXLEN ~``. They also
carry ``schema_id``, the writer's schema id, which edx's consumer ignores and ours uses to resolve the
writer's schema; an entry without it is read with the package's schema, as edx reads every entry.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Protocol, Sequence, Tuple, Union, cast

from ._avro import EventData, frame, decode, deserialize, encode, serialize, unframe
from ._bus import (
    LOGGER,
    BusError,
    BusLogger,
    ConsumerStats,
    Handlers,
    Incoming,
    Read,
    RetryPolicy,
    check_event,
    dead_letter_fields,
    deliver,
    optional_client,
    stop_on_signals,
    target_topic,
)
from ._envelope import EventMetadata, from_redis_fields, to_redis_fields
from ._registry_client import SchemaRegistryClient
from ._resolution import SchemaResolutionError

#: The field carrying the writer's schema id, beside edx-event-bus-redis's fields.
SCHEMA_ID_FIELD = "schema_id"


class RedisClient(Protocol):
    """The part of a redis-py client this module uses: raw commands, replies as bytes."""

    def execute_command(self, *args: Any, **options: Any) -> Any: ...

    def get_connection_kwargs(self) -> Dict[str, Any]: ...


def _client(client_or_url: Union[str, RedisClient]) -> Tuple[RedisClient, bool]:
    """The client given, or one made from a ``redis://`` URL (then owned, and closed by close())."""
    if isinstance(client_or_url, str):
        redis = optional_client("redis", "redis", "redis")
        url = client_or_url if "://" in client_or_url else f"redis://{client_or_url}"
        made: RedisClient = redis.Redis.from_url(url)
        return made, True
    if client_or_url.get_connection_kwargs().get("decode_responses"):
        raise ValueError("the Redis client must be made with decode_responses=False: event_data is binary Avro")
    return client_or_url, False


def _close(client: RedisClient, owned: bool) -> None:
    if owned:
        getattr(client, "close")()


@dataclass(frozen=True)
class Appended:
    """Where an entry went: the stream and the id Redis gave it."""

    stream: str
    id: str


class RedisEventProducer:
    """Appends events to their streams (``XADD <stream> MAXLEN ~ N``), as edx-event-bus-redis does."""

    def __init__(
        self,
        client_or_url: Union[str, RedisClient],
        *,
        registry: Optional[SchemaRegistryClient] = None,
        topic_prefix: Optional[str] = None,
        max_len: int = 10_000,
        validate: bool = True,
    ) -> None:
        self._redis, self._owned = _client(client_or_url)
        self._registry = registry
        self._prefix = topic_prefix
        #: Streams are trimmed to about this many entries (edx-event-bus-redis's EVENT_BUS_REDIS_STREAM_MAX_LEN).
        self._max_len = max_len
        self._validate = validate

    def send(self, event: EventData, *, metadata: Optional[Mapping[str, Any]] = None, topic: Optional[str] = None) -> Appended:
        if self._validate:
            check_event(event)
        stream = target_topic(event, topic, self._prefix)
        schema_id: Optional[int]
        try:
            schema_id, body = unframe(serialize(event, registry=self._registry, topic=stream))
        except SchemaResolutionError:
            # Not released and no registry: the entry goes without an id, as every edx-event-bus-redis entry does.
            if self._registry is not None:
                raise
            schema_id, body = None, encode(event)
        fields: List[Union[str, bytes]] = []
        for name, value in to_redis_fields(EventMetadata(event_type=event.EVENT_TYPE, **dict(metadata or {})), body).items():
            fields += [name, value]
        if schema_id is not None:
            fields += [SCHEMA_ID_FIELD, str(schema_id)]
        entry_id = self._redis.execute_command("XADD", stream, "MAXLEN", "~", self._max_len, "*", *fields)
        return Appended(stream, _text(entry_id))

    def close(self) -> None:
        _close(self._redis, self._owned)

    def __enter__(self) -> RedisEventProducer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _text(value: Union[str, bytes]) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


#: An entry as redis-py gives it: its id and fields; the fields are empty when it was trimmed while pending
#: (and the id is None in some servers' replies for an entry deleted meanwhile).
_Entry = Tuple[Optional[bytes], Dict[bytes, bytes]]


def _streams(reply: Any) -> List[Tuple[str, List[_Entry]]]:
    """XREADGROUP's reply, as RESP2 (a list of [stream, entries]) or RESP3 (a dict) gives it."""
    if not reply:
        return []
    if isinstance(reply, dict):
        table = cast(Mapping[Any, Any], reply)
        pairs: Iterable[Any] = table.items()
    else:
        pairs = reply
    return [(_text(stream), list(entries or [])) for stream, entries in pairs]


def _schema_id(text: bytes) -> int:
    try:
        return int(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise ValueError(f'Redis field "{SCHEMA_ID_FIELD}" is not a schema id: {text.decode("utf-8", "replace")!r}') from None


def _dead_letter_stream(stream: str) -> str:
    return f"{stream}-dead-letter"


class RedisEventConsumer:
    """Consumes with a consumer group, at least once: an entry is acknowledged (XACK) only after its
    handler returned, or after it was added to the dead-letter stream. It first reads the entries it
    left pending itself (a restart after a crash), then claims those a dead consumer left pending
    longer than ``claim_idle`` seconds (XAUTOCLAIM), then reads new ones; the rest is as the Kafka
    consumer does it. ``start``: where a new group starts, ``earliest`` reading what the streams
    already hold.
    """

    def __init__(
        self,
        client_or_url: Union[str, RedisClient],
        *,
        group: str,
        streams: Sequence[str],
        handlers: Handlers,
        start: str,
        consumer: Optional[str] = None,
        registry: Optional[SchemaRegistryClient] = None,
        dead_letter_stream: Callable[[str], str] = _dead_letter_stream,
        retry: RetryPolicy = RetryPolicy(),
        claim_idle: float = 60.0,
        block: float = 1.0,
        stop_on_signals: bool = True,
        logger: BusLogger = LOGGER,
    ) -> None:
        if start not in ("earliest", "latest"):
            raise ValueError(f'start must be "earliest" or "latest", got {start!r}')
        self.stats = ConsumerStats()
        self._redis, self._owned = _client(client_or_url)
        self._group = group
        self._streams = list(streams)
        self._handlers = handlers
        self._start = start
        #: This consumer's name in the group; default host and process. A name that outlives the process
        #: (a pod's) lets a restart read its own pending entries at once, not after claim_idle.
        self.name = consumer or f"{socket.gethostname()}-{os.getpid()}"
        self._registry = registry
        self._dead_letter_stream = dead_letter_stream
        self._retry = retry
        self._claim_idle_ms = int(claim_idle * 1000)
        self._block_ms = int(block * 1000)
        self._stop_on_signals = stop_on_signals
        self._logger = logger
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Asks run() to finish the entry in hand, acknowledge it, and return; returns at once."""
        self._stopping.set()

    def run(self) -> None:
        """Runs until stop() or a signal; raises when an entry could neither be handled nor dead-lettered."""
        redis = self._redis
        for stream in self._streams:
            try:
                redis.execute_command("XGROUP", "CREATE", stream, self._group, "0" if self._start == "earliest" else "$", "MKSTREAM")
            except Exception as error:  # redis-py's ResponseError; BUSYGROUP: the group is there already
                if not str(error).startswith("BUSYGROUP"):
                    raise
        restore = stop_on_signals(self.stop) if self._stop_on_signals else (lambda: None)
        try:
            # What this consumer read and did not acknowledge before it stopped comes first.
            for stream in self._streams:
                reply = redis.execute_command("XREADGROUP", "GROUP", self._group, self.name, "COUNT", 1000, "STREAMS", stream, "0")
                for _, entries in _streams(reply):
                    self._handle(stream, entries)
            while not self._stopping.is_set():
                for stream in self._streams:
                    claimed = redis.execute_command("XAUTOCLAIM", stream, self._group, self.name, self._claim_idle_ms, "0-0", "COUNT", 100)
                    self._handle(stream, list(claimed[1] or []))
                    # Pending, claimable, but trimmed (MAXLEN) first: Redis took them off the pending list itself.
                    trimmed: List[Any] = claimed[2] if len(claimed) > 2 else []
                    for gone in trimmed:
                        self._logger.error(f"{stream} {_text(gone)}: {_TRIMMED}")
                if self._stopping.is_set():
                    break
                streams = self._streams
                reply = redis.execute_command(
                    "XREADGROUP", "GROUP", self._group, self.name, "COUNT", 100, "BLOCK", self._block_ms, "STREAMS", *streams, *[">"] * len(streams)
                )
                for stream, entries in _streams(reply):
                    self._handle(stream, entries)
        finally:
            restore()

    def close(self) -> None:
        _close(self._redis, self._owned)

    def _handle(self, stream: str, entries: List[_Entry]) -> None:
        for raw_id, fields in entries:
            if self._stopping.is_set():
                return
            if raw_id is None:
                continue
            entry_id = _text(raw_id)
            if not fields:
                # Pending, but trimmed from the stream (MAXLEN) before anyone acknowledged it: nothing is left to read.
                self._logger.error(f"{stream} {entry_id}: {_TRIMMED}")
                self._redis.execute_command("XACK", stream, self._group, entry_id)
                continue
            if self._deliver(stream, entry_id, fields):
                self._redis.execute_command("XACK", stream, self._group, entry_id)

    def _deliver(self, stream: str, entry_id: str, fields: Dict[bytes, bytes]) -> bool:
        """Delivers one entry; True when it may be acknowledged."""
        metadata: Union[EventMetadata, Exception]
        event_data = b""
        try:
            metadata, event_data = from_redis_fields(fields)
        except Exception as error:  # any envelope that does not read is the reason it is dead-lettered
            metadata = error
        raw_schema_id = fields.get(SCHEMA_ID_FIELD.encode("ascii"))
        registry = self._registry

        def read(data_class: Any) -> Read:
            if raw_schema_id is None:
                return Read(decode(data_class, event_data), None, None)
            schema_id = _schema_id(raw_schema_id)
            return Read(deserialize(data_class, frame(schema_id, event_data), registry=registry)[1], None, schema_id)

        outcome = deliver(Incoming(stream, entry_id, metadata, read), self._handlers, self._retry, self.stats, self._stopping)
        if outcome.kind == "abandoned":
            return False
        if outcome.kind == "handled":
            self.stats.handled += 1
        elif outcome.kind == "ignored":
            self.stats.ignored += 1
            self._logger.info(f"{stream} {entry_id}: no handler for {outcome.event_type}; acknowledged")
        elif outcome.failure is not None:
            target = self._dead_letter_stream(stream)
            pairs: List[Union[str, bytes]] = []
            for name, value in fields.items():
                pairs += [name, value]
            for extra, text in dead_letter_fields(outcome.failure, stream, entry_id, self._group):
                pairs += [extra, text]
            try:
                self._redis.execute_command("XADD", target, "*", *pairs)
            except Exception as error:  # not dead-lettered, so not acknowledged: run() stops, and the entry comes again
                raise BusError(f"{stream} {entry_id}: cannot write to the dead-letter stream {target}: {error}") from None
            self.stats.dead_lettered += 1
            self._logger.warning(f"{stream} {entry_id}: dead-lettered to {target} ({outcome.failure.code}: {outcome.failure.reason})")
        return True


_TRIMMED = "trimmed from the stream before it was handled; acknowledged, as nothing of it is left"
