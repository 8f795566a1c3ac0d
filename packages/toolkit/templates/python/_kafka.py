"""Kafka producer and consumer for the Open edX event bus, over confluent-kafka (the client
edx-event-bus-kafka uses), imported only when one is made: install ``eventcanon-openedx-events[kafka]``.
Messages are the bus's: the event's topic (with EVENT_BUS_TOPIC_PREFIX), the key and value in
Confluent wire format, the envelope in edx-event-bus-kafka's headers.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Protocol, Sequence, Tuple, Union

from ._avro import EventData, deserialize, deserialize_key, serialize, serialize_key, serialize_key_value
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
from ._envelope import EventMetadata, from_kafka_headers, to_kafka_headers
from ._registry_client import SchemaRegistryClient

#: Kafka's rule for a topic's name (org.apache.kafka.common.internals.Topic.validate). Checked before producing
#: because librdkafka reports a bad name either at produce() or in the delivery report, by whether it has the
#: topic's metadata yet, with two different errors.
_TOPIC_NAME = re.compile(r"[a-zA-Z0-9._-]{1,249}")
_NOT_A_TOPIC_NAME = 'not a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, ".", "_" and "-", and not "." or "..")'


def _is_topic_name(topic: str) -> bool:
    return _TOPIC_NAME.fullmatch(topic) is not None and topic not in (".", "..")


#: How long one poll waits for a message: how soon run() sees stop() when the topics are quiet.
_POLL_SECONDS = 0.2


class KafkaProducerClient(Protocol):
    """The part of a confluent-kafka ``Producer`` this module uses."""

    def produce(
        self,
        topic: str,
        value: Optional[Union[str, bytes]] = None,
        key: Optional[Union[str, bytes]] = None,
        partition: int = -1,
        callback: Any = None,
        on_delivery: Optional[Callable[[Any, Any], None]] = None,
        timestamp: int = 0,
        headers: Any = None,
    ) -> None: ...

    def poll(self, timeout: float = -1) -> int: ...

    def flush(self, timeout: float = -1) -> int: ...


class KafkaMessage(Protocol):
    """The part of a confluent-kafka ``Message`` this module reads."""

    def topic(self) -> Optional[str]: ...

    def partition(self) -> Optional[int]: ...

    def offset(self) -> Optional[int]: ...

    def key(self) -> Optional[bytes]: ...

    def value(self) -> Optional[bytes]: ...

    def headers(self) -> Any: ...

    def error(self) -> Any: ...


@dataclass(frozen=True)
class Sent:
    """Where a message went."""

    topic: str
    partition: int
    offset: int


def _header_bytes(metadata: EventMetadata) -> List[Tuple[str, bytes]]:
    """Headers as bytes, in edx-event-bus-kafka's order."""
    return [(name, value.encode("utf-8")) for name, value in to_kafka_headers(metadata).items()]


def producer_config(config: Mapping[str, Any]) -> Dict[str, Any]:
    """Acknowledged by all in-sync replicas; and no lingering by default, as each send waits for its
    delivery report (librdkafka's 5 ms linger made one send take four times as long)."""
    return {"linger.ms": 0, **config, "acks": "all"}


def _await_delivery(producer: KafkaProducerClient, produce: Callable[[Callable[[Any, Any], None]], None]) -> Any:
    """Produces one message and serves the producer's callbacks until its delivery report; returns
    the delivered message, or raises BusError with the broker's reason."""
    report: List[Tuple[Any, Any]] = []
    produce(lambda error, message: report.append((error, message)))
    # The report comes within librdkafka's message.timeout.ms, as a success or an error.
    while not report:
        producer.poll(0.1)
    error, message = report[0]
    if error is not None:
        raise BusError(error.str())
    return message


class KafkaEventProducer:
    """Sends events and waits for the broker's acknowledgement (all in-sync replicas); a failure is
    an exception, never a log line only (edx-event-bus-kafka only logs it).

    Pass a confluent-kafka configuration (``{"bootstrap.servers": ...}``; ``acks`` is set to ``all``,
    ``linger.ms`` defaults to 0) or a ``Producer`` of your own, which is then used as it is configured.
    """

    def __init__(
        self,
        config_or_producer: Union[Mapping[str, Any], KafkaProducerClient],
        *,
        registry: Optional[SchemaRegistryClient] = None,
        topic_prefix: Optional[str] = None,
        validate: bool = True,
    ) -> None:
        if isinstance(config_or_producer, Mapping):
            kafka = optional_client("confluent_kafka", "kafka", "confluent-kafka")
            self._producer: KafkaProducerClient = kafka.Producer(producer_config(config_or_producer))
            self._owned = True
        else:
            self._producer = config_or_producer
            self._owned = False
        self._registry = registry
        self._prefix = topic_prefix
        self._validate = validate

    def send(
        self,
        event: EventData,
        *,
        key: Any = None,
        metadata: Optional[Mapping[str, Any]] = None,
        topic: Optional[str] = None,
    ) -> Sent:
        """Sends one event: ``key`` defaults to the value at the event's key field, ``metadata`` holds
        envelope fields (the rest are the bus's defaults), ``topic`` (prefix included) to the event's."""
        from ._registry import EVENTS

        if self._validate:
            check_event(event)
        target = target_topic(event, topic, self._prefix)
        if not _is_topic_name(target):
            raise BusError(f"{event.EVENT_TYPE}: not sent to {target}: {_NOT_A_TOPIC_NAME}")
        value = serialize(event, registry=self._registry, topic=target)
        key_bytes: Optional[bytes] = None
        if EVENTS[event.EVENT_TYPE].key_field is not None:
            key_bytes = (
                serialize_key(event, registry=self._registry, topic=target)
                if key is None
                else serialize_key_value(type(event), key, registry=self._registry, topic=target)
            )
        headers = _header_bytes(EventMetadata(event_type=event.EVENT_TYPE, **dict(metadata or {})))
        try:
            delivered = _await_delivery(
                self._producer,
                lambda report: self._producer.produce(target, value=value, key=key_bytes, headers=headers, on_delivery=report),
            )
        except BusError as error:
            raise BusError(f"{event.EVENT_TYPE}: not sent to {target}: {error}") from None
        return Sent(target, delivered.partition(), delivered.offset())

    def flush(self, timeout: float = -1) -> int:
        """Waits for every message in flight; returns how many are still waiting."""
        return self._producer.flush(timeout)

    def close(self) -> None:
        self._producer.flush()

    def __enter__(self) -> KafkaEventProducer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class CommitPolicy:
    """How often finished messages are committed: every ``messages`` messages or ``seconds``, and on stop.

    A consumer that dies re-reads what it finished since; ``CommitPolicy(messages=1)`` commits each
    message as it finishes, as edx-event-bus-kafka's consumer does.
    """

    messages: int = 100
    seconds: float = 1.0


def _dead_letter_topic(topic: str) -> str:
    return f"{topic}-dead-letter"


class KafkaEventConsumer:
    """Consumes with a group, at least once: a message's offset is committed only after its handler
    returned, or after it was written to the dead-letter topic (in batches: see CommitPolicy). A handler that raises is tried again
    with backoff, then dead-lettered with the error in headers; a message that cannot be decoded is
    dead-lettered at once; the loop never stops on one message. stop() (from another thread) or
    SIGTERM/SIGINT finishes the message in hand, commits it and closes.

    ``start`` is where a group with no committed offsets starts, and has no default:
    edx-event-bus-kafka's consumer sets no auto.offset.reset, so a new group silently misses earlier
    records. ``config`` is confluent-kafka's (``{"bootstrap.servers": ...}``); group, commits and the
    offset reset are set here.
    """

    def __init__(
        self,
        config: Mapping[str, Any],
        *,
        group_id: str,
        topics: Sequence[str],
        handlers: Handlers,
        start: str,
        registry: Optional[SchemaRegistryClient] = None,
        dead_letter_topic: Callable[[str], str] = _dead_letter_topic,
        retry: RetryPolicy = RetryPolicy(),
        commit: CommitPolicy = CommitPolicy(),
        stop_on_signals: bool = True,
        logger: BusLogger = LOGGER,
    ) -> None:
        if start not in ("earliest", "latest"):
            raise ValueError(f'start must be "earliest" or "latest", got {start!r}')
        self.stats = ConsumerStats()
        self._config = dict(config)
        self._group_id = group_id
        self._topics = list(topics)
        self._handlers = handlers
        self._start = start
        self._registry = registry
        self._dead_letter_topic = dead_letter_topic
        self._retry = retry
        self._commit = commit
        self._stop_on_signals = stop_on_signals
        self._logger = logger
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Asks run() to finish the message in hand, commit it, and close; returns at once."""
        self._stopping.set()

    def run(self) -> None:
        """Runs until stop() or a signal; raises when a message could neither be handled nor dead-lettered."""
        kafka = optional_client("confluent_kafka", "kafka", "confluent-kafka")
        consumer_config: Dict[str, Any] = {"allow.auto.create.topics": True, **self._config}
        consumer_config.update({"group.id": self._group_id, "enable.auto.commit": False, "auto.offset.reset": self._start})
        consumer = kafka.Consumer(consumer_config)
        dead_letters: KafkaProducerClient = kafka.Producer(producer_config(self._config))
        restore = stop_on_signals(self.stop) if self._stop_on_signals else (lambda: None)
        # Within a partition messages come in order, so its newest finished offset covers every earlier one.
        finished: Dict[Tuple[str, int], int] = {}
        since, last = 0, time.monotonic()

        def commit() -> None:
            nonlocal since, last
            if finished:
                consumer.commit(offsets=[kafka.TopicPartition(t, p, o + 1) for (t, p), o in finished.items()], asynchronous=False)
                finished.clear()
            since, last = 0, time.monotonic()

        try:
            consumer.subscribe(self._topics)
            while not self._stopping.is_set():
                message: Optional[KafkaMessage] = consumer.poll(_POLL_SECONDS)
                if since > 0 and time.monotonic() - last >= self._commit.seconds:
                    commit()
                if message is None:
                    continue
                error = message.error()
                if error is not None:
                    if error.fatal():
                        raise kafka.KafkaException(error)
                    # Not a message: the client's news (a topic not there yet, a broker away), which it recovers from.
                    self._logger.warning(f"kafka consumer {self._group_id}: {error.str()}")
                    continue
                partition, offset = message.partition(), message.offset()
                if self._each(message, dead_letters) and partition is not None and offset is not None:
                    finished[(message.topic() or "", partition)] = offset
                    since += 1
                    if since >= self._commit.messages or self._stopping.is_set():
                        commit()
        finally:
            restore()
            try:
                commit()  # what finished before the stop (or the failure) is done, and is not read again
            except Exception as error:  # the consumer closes all the same; those messages come again
                self._logger.warning(f"kafka consumer {self._group_id}: last commit failed: {error}")
            consumer.close()
            dead_letters.flush(10)

    def _each(self, message: KafkaMessage, dead_letters: KafkaProducerClient) -> bool:
        """Delivers one message; True when it may be committed."""
        topic, partition, offset = message.topic() or "", message.partition(), message.offset()
        position = f"{partition}:{offset}"
        raw_headers: List[Tuple[str, Any]] = list(message.headers() or [])
        metadata: Union[EventMetadata, Exception]
        try:
            metadata = from_kafka_headers([(name, value) for name, value in raw_headers if value is not None])
        except Exception as error:  # any envelope that does not read is the reason it is dead-lettered
            metadata = error
        registry = self._registry

        def read(data_class: Any) -> Read:
            from ._registry import EVENTS

            value, key = message.value(), message.key()
            event_type = getattr(data_class, "EVENT_TYPE")
            if value is None:
                raise ValueError(f"{event_type}: the message at {topic} {position} has no value")
            schema_id, data = deserialize(data_class, value, registry=registry)
            decoded_key = None if key is None or EVENTS[event_type].key_field is None else deserialize_key(data_class, key, registry=registry)[1]
            return Read(data, decoded_key, schema_id)

        outcome = deliver(Incoming(topic, position, metadata, read), self._handlers, self._retry, self.stats, self._stopping)
        if outcome.kind == "abandoned":
            return False
        if outcome.kind == "handled":
            self.stats.handled += 1
        elif outcome.kind == "ignored":
            self.stats.ignored += 1
            self._logger.info(f"{topic} {position}: no handler for {outcome.event_type}; acknowledged")
        elif outcome.failure is not None:
            target = self._dead_letter_topic(topic)
            headers = raw_headers + [(n, v.encode("utf-8")) for n, v in dead_letter_fields(outcome.failure, topic, position, self._group_id)]
            try:
                if not _is_topic_name(target):
                    raise BusError(_NOT_A_TOPIC_NAME)
                _await_delivery(
                    dead_letters,
                    lambda report: dead_letters.produce(target, value=message.value(), key=message.key(), headers=headers, on_delivery=report),
                )
            except Exception as error:  # not dead-lettered, so not committed: run() stops, and the message comes again
                reason = str(error) if isinstance(error, BusError) else f"{type(error).__name__}: {error}"
                raise BusError(f"{topic} {position}: cannot write to the dead-letter topic {target}: {reason}") from None
            self.stats.dead_lettered += 1
            self._logger.warning(f"{topic} {position}: dead-lettered to {target} ({outcome.failure.code}: {outcome.failure.reason})")
        return True
