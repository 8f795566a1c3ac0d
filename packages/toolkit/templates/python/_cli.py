"""Console tools, as Confluent's kafka-avro-console-producer/consumer are for Avro: ``consume`` prints
one JSON line per message, ``produce`` sends one event per JSON line of stdin. The TypeScript package
has the same tools with the same options, output and exit codes; the JSON lines are written as
JavaScript's JSON.stringify writes them, so that the two print the same bytes for the same messages.
"""

from __future__ import annotations

import json
import math
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO, Union, cast

from ._bus import Delivery, Handlers, optional_client
from ._kafka import CommitPolicy, KafkaEventConsumer, KafkaEventProducer
from ._redis import RedisClient, RedisEventConsumer, RedisEventProducer
from ._registry_client import SchemaRegistryClient

USAGE = """usage:
  consume --bus kafka|redis --bootstrap HOST:PORT --topic T [--topic T ...] [--group G] [--from-beginning]
          [--max N] [--idle-ms MS] [--registry URL]
      prints one JSON line per message: event_type, schema_id, key, metadata, data, topic, position
  produce --bus kafka|redis --bootstrap HOST:PORT --event-type TYPE [--topic T] [--topic-prefix P] [--registry URL]
      sends one event per JSON line of stdin; a line that does not fit the schema is reported and not sent
exit codes: 0 done, 1 some input lines were not sent, 2 usage"""

_STRING_OPTIONS = ("bus", "bootstrap", "topic", "topic-prefix", "group", "max", "idle-ms", "registry", "event-type")
_BOOLEAN_OPTIONS = ("from-beginning",)


class UsageError(Exception):
    pass


@dataclass(frozen=True)
class CliIo:
    stdin: TextIO
    stdout: Callable[[str], None]
    stderr: Callable[[str], None]


def _print_to(stream: Callable[[], TextIO]) -> Callable[[str], None]:
    # Flushed per line: whoever reads the output reads each message as it comes.
    def write(line: str) -> None:
        out = stream()
        out.write(line + "\n")
        out.flush()

    return write


def _process_io() -> CliIo:
    return CliIo(sys.stdin, _print_to(lambda: sys.stdout), _print_to(lambda: sys.stderr))


Values = Dict[str, Union[str, bool, List[str]]]


def parse_options(args: Sequence[str]) -> Values:
    """Long options as Node's util.parseArgs reads them (strict, no positionals), with its messages."""
    values: Values = {}
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            if index < len(args):
                raise UsageError(f"Unexpected argument '{args[index]}'. This command does not take positional arguments")
            break
        if not arg.startswith("-") or arg == "-":
            raise UsageError(f"Unexpected argument '{arg}'. This command does not take positional arguments")
        if not arg.startswith("--"):
            raise UsageError(f"Unknown option '-{arg[1]}'")
        name, equals, inline = arg[2:].partition("=")
        if name in _BOOLEAN_OPTIONS:
            if equals:
                raise UsageError(f"Option '--{name}' does not take an argument")
            values[name] = True
            continue
        if name not in _STRING_OPTIONS:
            raise UsageError(f"Unknown option '--{name}'")
        if equals:
            value = inline
        elif index >= len(args):
            raise UsageError(f"Option '--{name} <value>' argument missing")
        else:
            value = args[index]
            index += 1
            if len(value) > 1 and value.startswith("-"):
                raise UsageError(
                    f"Option '--{name}' argument is ambiguous.\n"
                    f"Did you forget to specify the option argument for '--{name}'?\n"
                    f"To specify an option argument starting with a dash use '--{name}=-XYZ'."
                )
        if name == "topic":
            topics = values.setdefault("topic", [])
            if isinstance(topics, list):
                topics.append(value)
        else:
            values[name] = value
    return values


_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_RADIX = {"0x": 16, "0o": 8, "0b": 2}


def js_number_of(text: str) -> float:
    """JavaScript's Number(text): what TypeScript's tool makes of --max and --idle-ms."""
    stripped = text.strip()
    if stripped == "":
        return 0.0
    if _DECIMAL.fullmatch(stripped):
        return float(stripped)
    if stripped in ("Infinity", "+Infinity", "-Infinity"):
        return -math.inf if stripped.startswith("-") else math.inf
    radix = _RADIX.get(stripped[:2].lower())
    if radix is not None:
        try:
            return float(int(stripped[2:], radix))
        except ValueError:
            return math.nan
    return math.nan


def js_number(value: float) -> str:
    """A float as JavaScript prints it (Number.prototype.toString): the same shortest digits as repr,
    placed by ECMAScript's rule; JSON.stringify writes NaN and the infinities as null."""
    if math.isnan(value) or math.isinf(value):
        return "null"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    written = "".join(map(str, digit_tuple))
    digits = written.rstrip("0")
    exponent = int(exponent) + len(written) - len(digits)
    k = len(digits)
    n = exponent + k  # the value is 0.<digits> times 10^n
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    power = n - 1
    mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{sign}{mantissa}e{'+' if power >= 0 else '-'}{abs(power)}"


def js_json(value: Any) -> str:
    """JSON as JavaScript's JSON.stringify writes it: no spaces, numbers as JavaScript prints them,
    bytes as a Node Buffer's toJSON."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (bytes, bytearray)):
        return js_json({"type": "Buffer", "data": list(value)})
    if isinstance(value, dict):
        entries = cast(Dict[object, Any], value)
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{js_json(v)}" for k, v in entries.items()) + "}"
    if isinstance(value, (list, tuple)):
        items = cast(Sequence[Any], value)
        return "[" + ",".join(js_json(v) for v in items) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


@dataclass
class _Connection:
    bus: str
    kafka: Dict[str, Any]
    redis: Optional[RedisClient]

    def close(self) -> None:
        if self.redis is not None:
            getattr(self.redis, "close")()


def _connect(bus: str, bootstrap: str) -> _Connection:
    """The optional client, loaded only by the command that needs it, with what to install when missing."""
    try:
        if bus == "kafka":
            optional_client("confluent_kafka", "kafka", "confluent-kafka")
            return _Connection(bus, {"bootstrap.servers": bootstrap}, None)
        redis = optional_client("redis", "redis", "redis")
    except ImportError as error:
        raise UsageError(str(error)) from None
    url = bootstrap if "://" in bootstrap else f"redis://{bootstrap}"
    client: RedisClient = redis.Redis.from_url(url)
    return _Connection(bus, {}, client)


def main(argv: Optional[Sequence[str]] = None, io: Optional[CliIo] = None) -> int:
    """Runs a console tool; returns its exit code."""
    io = io or _process_io()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        command = args[0] if args else ""
        values = parse_options(args[1:])
        if command not in ("consume", "produce"):
            raise UsageError(f"unknown command {json.dumps(command, ensure_ascii=False)}")
        bus = values.get("bus")
        if bus not in ("kafka", "redis"):
            raise UsageError("--bus must be kafka or redis")
        bootstrap = values.get("bootstrap")
        if not isinstance(bootstrap, str):
            raise UsageError("--bootstrap HOST:PORT is required")
        registry_url = values.get("registry")
        registry = SchemaRegistryClient(registry_url) if isinstance(registry_url, str) else None
        connection = _connect(str(bus), bootstrap)
        try:
            if command == "produce":
                return _produce(values, connection, registry, io)
            return _consume(values, connection, registry, io)
        finally:
            connection.close()
    except UsageError as error:
        io.stderr(f"eventcanon-openedx: {error}\n{USAGE}")
        return 2


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _produce(values: Values, connection: _Connection, registry: Optional[SchemaRegistryClient], io: CliIo) -> int:
    from ._registry import EVENTS

    event_type = values.get("event-type")
    if not isinstance(event_type, str):
        raise UsageError("produce needs --event-type TYPE")
    spec = EVENTS.get(event_type)
    if spec is None:
        raise UsageError(f"unknown event type {event_type}")
    topics = values.get("topic")
    topic = topics[0] if isinstance(topics, list) else None
    prefix = values.get("topic-prefix")
    prefix = prefix if isinstance(prefix, str) else None
    # from_dict below has checked every event: the producers need not check it again.
    producer: Union[KafkaEventProducer, RedisEventProducer] = (
        KafkaEventProducer(connection.kafka, registry=registry, topic_prefix=prefix, validate=False)
        if connection.redis is None
        else RedisEventProducer(connection.redis, registry=registry, topic_prefix=prefix, validate=False)
    )
    refused = 0
    try:
        for number, text in enumerate(io.stdin, start=1):
            line = text.rstrip("\r\n")
            if line.strip() == "":
                continue
            try:
                data = json.loads(line, parse_constant=_reject_constant)
            except ValueError as error:
                io.stderr(f"line {number}: not JSON: {error}")
                refused += 1
                continue
            try:
                event = spec.data_class.from_dict(data)
            except ValueError as error:
                io.stderr(f"line {number}: not sent: {error}")
                refused += 1
                continue
            if isinstance(producer, KafkaEventProducer):
                sent = producer.send(event, topic=topic)
                # The offset as TypeScript's tool prints it: a string, as Kafka's 64-bit offsets are in JavaScript.
                io.stdout(js_json({"topic": sent.topic, "partition": sent.partition, "offset": str(sent.offset)}))
            else:
                appended = producer.send(event, topic=topic)
                io.stdout(js_json({"stream": appended.stream, "id": appended.id}))
    finally:
        if isinstance(producer, KafkaEventProducer):
            producer.close()
    return 1 if refused else 0


def _consume(values: Values, connection: _Connection, registry: Optional[SchemaRegistryClient], io: CliIo) -> int:
    from ._registry import EVENTS

    topics = values.get("topic")
    if not isinstance(topics, list) or not topics:
        raise UsageError("consume needs --topic T")
    raw_max, raw_idle = values.get("max"), values.get("idle-ms")
    most = math.inf if not isinstance(raw_max, str) else js_number_of(raw_max)
    idle_ms = None if not isinstance(raw_idle, str) else js_number_of(raw_idle)
    if not most > 0 or (idle_ms is not None and not idle_ms > 0):
        raise UsageError("--max and --idle-ms take positive numbers")
    raw_group = values.get("group")
    group = raw_group if isinstance(raw_group, str) else f"eventcanon-console-{uuid.uuid4()}"
    start = "earliest" if values.get("from-beginning") is True else "latest"
    seen = 0
    last = time.monotonic()
    stops: List[Callable[[], None]] = []

    def show(data: Any, delivery: Delivery) -> None:
        nonlocal seen, last
        meta = delivery.metadata
        # The metadata in TypeScript's key order.
        metadata = {
            "event_type": meta.event_type,
            "id": meta.id,
            "minorversion": meta.minorversion,
            "source": meta.source,
            "sourcehost": meta.sourcehost,
            "time": meta.time,
            "sourcelib": meta.sourcelib,
        }
        line = {
            "event_type": meta.event_type,
            "schema_id": delivery.schema_id,
            "key": delivery.key,
            "metadata": metadata,
            "data": data.to_dict(),
            "topic": delivery.topic,
            "position": delivery.position,
        }
        io.stdout(js_json(line))
        last = time.monotonic()
        seen += 1
        if seen >= most:
            stops[0]()

    handlers = Handlers()
    for spec in EVENTS.values():
        handlers.on(spec.data_class, show)
    consumer: Union[KafkaEventConsumer, RedisEventConsumer] = (
        # A console consumer that was killed leaves its group quickly, for the next one to start, and commits
        # each message it printed: the next one starts right after the last line printed.
        KafkaEventConsumer(
            {**connection.kafka, "session.timeout.ms": 10_000, "heartbeat.interval.ms": 1_000},
            group_id=group,
            topics=topics,
            handlers=handlers,
            start=start,
            registry=registry,
            commit=CommitPolicy(messages=1),
        )
        if connection.redis is None
        else RedisEventConsumer(connection.redis, group=group, streams=topics, handlers=handlers, start=start, registry=registry)
    )
    stops.append(consumer.stop)
    done = threading.Event()
    if idle_ms is not None:
        limit = idle_ms / 1000

        def watch() -> None:
            while not done.wait(min(limit, 0.25)):
                if time.monotonic() - last > limit:
                    consumer.stop()

        threading.Thread(target=watch, daemon=True).start()
    try:
        consumer.run()
    finally:
        done.set()
    return 0
