"""What the Kafka and Redis consumers share: handlers by event type, and the rule for one message
(decode with writer-schema resolution, hand it to its handler, retry with backoff, else send it to
the dead letters). The TypeScript package follows the same rule with the same codes and headers.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from types import FrameType, ModuleType
from typing import Any, Callable, Dict, Generic, List, Literal, Optional, Protocol, Tuple, Type, TypeVar, Union

from ._avro import EventData
from ._envelope import EventMetadata
from ._resolution import SchemaResolutionError

E = TypeVar("E")


class BusError(Exception):
    """The bus did not take a message: a producer's send, or a consumer's dead letter (run() then stops)."""


@dataclass(frozen=True)
class Delivery:
    """What a handler gets with each event besides its data."""

    metadata: EventMetadata
    #: The message key, decoded; None when the message has none (always on Redis).
    key: Any
    #: The writer's schema id; None for a Redis entry written without one (read with the package's schema).
    schema_id: Optional[int]
    #: The Kafka topic or Redis stream.
    topic: str
    #: ``partition:offset`` on Kafka, the entry id on Redis.
    position: str
    #: 1 on the first try, 2 on the first retry...
    attempt: int


Handler = Callable[[E, Delivery], object]


@dataclass(frozen=True)
class _Entry(Generic[E]):
    data_class: Type[E]
    handler: Handler[E]


class Handlers:
    """Handlers by event type, each typed by its data class: ``Handlers().on(ExamAttemptSubmittedV1, handle)``."""

    def __init__(self) -> None:
        self._by_type: Dict[str, _Entry[Any]] = {}

    def on(self, data_class: Type[E], handler: Handler[E]) -> Handlers:
        event_type: str = getattr(data_class, "EVENT_TYPE")
        if event_type in self._by_type:
            raise ValueError(f"a handler for {event_type} is already registered")
        self._by_type[event_type] = _Entry(data_class, handler)
        return self

    def get(self, event_type: str) -> Optional[_Entry[Any]]:
        return self._by_type.get(event_type)

    @property
    def event_types(self) -> List[str]:
        return list(self._by_type)


@dataclass(frozen=True)
class RetryPolicy:
    """How often a failing handler (or an unreachable registry) is tried again, and how long between tries."""

    #: Tries after the first.
    retries: int = 3
    #: First wait in seconds; it doubles per retry up to ``max_backoff``.
    backoff: float = 0.2
    max_backoff: float = 5.0

    def wait(self, attempt: int) -> float:
        return float(min(self.max_backoff, self.backoff * 2 ** (attempt - 1)))


@dataclass
class ConsumerStats:
    handled: int = 0
    #: Tries after a failure, of handlers or of the registry.
    retried: int = 0
    dead_lettered: int = 0
    #: Messages of event types no handler was given for: acknowledged, counted, logged.
    ignored: int = 0


class BusLogger(Protocol):
    """Where a consumer says what it does: a ``logging.Logger`` fits."""

    def info(self, message: str, /) -> None: ...

    def warning(self, message: str, /) -> None: ...

    def error(self, message: str, /) -> None: ...


#: The default logger: with logging unconfigured, Python prints its warnings and errors to stderr.
LOGGER = logging.getLogger("eventcanon_openedx.bus")


@dataclass(frozen=True)
class Failure:
    """Why a message went to the dead letters: ``code`` is ``bad-envelope`` (headers or fields that do
    not make an event's metadata), ``undecodable`` (bytes that do not read), a SchemaResolutionError
    code (``unknown-schema-id``, ``wrong-record``, ``incompatible-schema``, ``value-not-readable``,
    ``registry-error``), or ``handler-error``."""

    code: str
    reason: str
    attempts: int


@dataclass(frozen=True)
class DeadLetterNames:
    """Names of what a dead letter carries besides the message: Kafka headers, Redis fields."""

    code: str = "eventcanon-dlq-code"
    reason: str = "eventcanon-dlq-reason"
    attempts: str = "eventcanon-dlq-attempts"
    source: str = "eventcanon-dlq-source"
    position: str = "eventcanon-dlq-position"
    group: str = "eventcanon-dlq-group"
    time: str = "eventcanon-dlq-time"


DEAD_LETTER = DeadLetterNames()


def dead_letter_fields(failure: Failure, source: str, position: str, group: str) -> List[Tuple[str, str]]:
    return [
        (DEAD_LETTER.code, failure.code),
        (DEAD_LETTER.reason, failure.reason),
        (DEAD_LETTER.attempts, str(failure.attempts)),
        (DEAD_LETTER.source, source),
        (DEAD_LETTER.position, position),
        (DEAD_LETTER.group, group),
        (DEAD_LETTER.time, datetime.now(timezone.utc).isoformat()),
    ]


@dataclass(frozen=True)
class Read:
    data: Any
    key: Any
    schema_id: Optional[int]


@dataclass(frozen=True)
class Incoming:
    topic: str
    position: str
    #: The envelope, or why there is none.
    metadata: Union[EventMetadata, Exception]
    #: Decodes the value (and key) as the data class, resolving the writer's schema.
    read: Callable[[Type[Any]], Read]


#: "abandoned": the consumer is stopping, and the message is neither handled nor acknowledged, so it comes again.
OutcomeKind = Literal["handled", "ignored", "dead-letter", "abandoned"]


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    event_type: str = ""
    failure: Optional[Failure] = None


_ABANDONED = Outcome("abandoned")


def deliver(incoming: Incoming, handlers: Handlers, policy: RetryPolicy, stats: ConsumerStats, stopping: threading.Event) -> Outcome:
    """The rule for one message. ``stopping`` ends retries early: the message is then left for the next consumer."""
    if isinstance(incoming.metadata, Exception):
        return Outcome("dead-letter", failure=Failure("bad-envelope", str(incoming.metadata), 1))
    metadata = incoming.metadata
    entry = handlers.get(metadata.event_type)
    if entry is None:
        return Outcome("ignored", event_type=metadata.event_type)

    read: Optional[Read] = None
    attempt = 0
    while read is None:
        attempt += 1
        try:
            read = incoming.read(entry.data_class)
        except Exception as error:  # every reason a message does not read is its outcome
            code = error.code if isinstance(error, SchemaResolutionError) else "undecodable"
            # Only an unreachable registry may answer later; every other reason is in the message itself.
            if code != "registry-error" or attempt > policy.retries:
                return Outcome("dead-letter", failure=Failure(code, str(error), attempt))
            if stopping.is_set():
                return _ABANDONED
            stats.retried += 1
            if stopping.wait(policy.wait(attempt)):
                return _ABANDONED
    attempt = 0
    while True:
        attempt += 1
        try:
            entry.handler(read.data, Delivery(metadata, read.key, read.schema_id, incoming.topic, incoming.position, attempt))
            return Outcome("handled")
        except Exception as error:  # a handler's failure is retried, then dead-lettered with its reason
            reason = f"{type(error).__name__}: {error}"
            if attempt > policy.retries:
                return Outcome("dead-letter", failure=Failure("handler-error", reason, attempt))
            if stopping.is_set():
                return _ABANDONED
            stats.retried += 1
            if stopping.wait(policy.wait(attempt)):
                return _ABANDONED


def stop_on_signals(stop: Callable[[], None]) -> Callable[[], None]:
    """Stops a consumer on SIGTERM and SIGINT, once (a second signal does what it did before); returns
    what puts the previous handlers back. Python lets only the main thread set handlers: elsewhere, nothing."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous: Dict[int, Any] = {}

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)
        previous.clear()

    def on_signal(number: int, frame: Optional[FrameType]) -> None:
        restore()
        stop()

    for number in (signal.SIGTERM, signal.SIGINT):
        previous[number] = signal.signal(number, on_signal)
    return restore


def check_event(event: EventData) -> None:
    """The data class's own check of what a producer may have built by hand: from_dict of its to_dict."""
    try:
        getattr(type(event), "from_dict")(event.to_dict())
    except ValueError as error:
        raise ValueError(f"{event.EVENT_TYPE}: not sent, the data does not fit the schema: {error}") from None


def target_topic(event: EventData, topic: Optional[str], prefix: Optional[str]) -> str:
    """The topic (or stream) given, else the event's x-topic with the producer's prefix."""
    from ._registry import EVENTS

    if topic:
        return topic
    own = EVENTS[event.EVENT_TYPE].topic
    if not own:
        raise ValueError(f"{event.EVENT_TYPE} has no x-topic: pass the topic to send")
    return full_topic(own, prefix)


def full_topic(topic: str, prefix: Optional[str]) -> str:
    """``<prefix>-<topic>``, as the bus's EVENT_BUS_TOPIC_PREFIX makes it."""
    return topic if not prefix else f"{prefix}-{topic}"


def optional_client(module: str, bus: str, extra: str) -> ModuleType:
    """A bus client library, imported only when a producer or consumer of that bus is made."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(f"the {bus} bus needs {extra}: pip install 'eventcanon-openedx-events[{bus}]'") from error

