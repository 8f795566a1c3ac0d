"""The Python side of the bus tests: one process runs a producer or a consumer of a generated package
on a real Kafka broker or Redis server, as a service would, and reports what happens as JSON lines.

Job (one JSON object on stdin): {"path": [folders for sys.path], "package": importable package,
"bus": "kafka" | "redis", "address": "HOST:PORT" or a redis:// URL, "op": "produce" | "consume", ...}.

produce: "messages": [{"event", "data", "replace"?: {"path", "value"}, "topic"?, "key"?, "metadata"?}], "topic_prefix"?, "max_len"?,
"registry"?; prints {"sent": {...}} or {"error": {"type", "message"}} per message.

consume: "group", "topics", "start", "retry"?, "dead_letter"?, "consumer"?, "claim_idle"?, "registry"?,
"config"? (more of confluent-kafka's),
"fail": {ce_id: times (-1: always)}, "slow": {ce_id: seconds}, "until": outcomes to stop after;
prints {"call": delivery} as each handler call begins, {"log": {"level", "message"}} per log line, and
at the end {"stats": {...}}, or {"error": {"type", "message"}} (exit 1) when run() raised. Without
"until" it runs until SIGTERM.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys
import threading
import time
from typing import Any, Callable, Dict, List

_print_lock = threading.Lock()


def emit(line: Dict[str, Any]) -> None:
    with _print_lock:
        print(json.dumps(line), flush=True)


class JsonLogger:
    """A BusLogger that reports each line, so that a test can hold the words to their exact text."""

    def info(self, message: str, /) -> None:
        emit({"log": {"level": "info", "message": message}})

    def warning(self, message: str, /) -> None:
        emit({"log": {"level": "warning", "message": message}})

    def error(self, message: str, /) -> None:
        emit({"log": {"level": "error", "message": message}})


def _error(error: BaseException) -> Dict[str, Any]:
    return {"error": {"type": type(error).__name__, "message": str(error)}}


def _metadata(metadata: Any) -> Dict[str, Any]:
    return dataclasses.asdict(metadata)


def _replaced(value: Any, path: List[str], new: Any) -> Any:
    """``value`` with the field at ``path`` set to ``new``, unchecked: as a service may build an event by hand."""
    head, *rest = path
    return dataclasses.replace(value, **{head: _replaced(getattr(value, head), rest, new) if rest else new})


def produce(package: Any, job: Dict[str, Any]) -> int:
    registry = package.SchemaRegistryClient(job["registry"]) if job.get("registry") else None
    if job["bus"] == "kafka":
        producer: Any = package.KafkaEventProducer({"bootstrap.servers": job["address"]}, registry=registry, topic_prefix=job.get("topic_prefix"))
    else:
        options = {"max_len": job["max_len"]} if "max_len" in job else {}
        producer = package.RedisEventProducer(job["address"], registry=registry, topic_prefix=job.get("topic_prefix"), **options)
    started = time.monotonic()
    for message in job["messages"]:
        data_class = package.EVENTS[message["event"]].data_class
        options = {name: message[name] for name in ("topic", "key", "metadata") if name in message}
        try:
            event = data_class.from_dict(message["data"])
            if "replace" in message:
                event = _replaced(event, message["replace"]["path"].split("."), message["replace"]["value"])
            sent = producer.send(event, **options)
            emit({"sent": dataclasses.asdict(sent)})
        except Exception as error:  # each failure is an outcome the test compares
            emit(_error(error))
    emit({"seconds": time.monotonic() - started})
    producer.close()
    return 0


def consume(package: Any, job: Dict[str, Any]) -> int:
    fail: Dict[str, int] = dict(job.get("fail", {}))
    slow: Dict[str, float] = job.get("slow", {})

    def handler(data: Any, delivery: Any) -> None:
        emit(
            {
                "call": {
                    "event_type": delivery.metadata.event_type,
                    "data": data.to_dict(),
                    "key": delivery.key,
                    "schema_id": delivery.schema_id,
                    "topic": delivery.topic,
                    "position": delivery.position,
                    "attempt": delivery.attempt,
                    "metadata": _metadata(delivery.metadata),
                }
            }
        )
        event_id = delivery.metadata.id
        if event_id in slow:
            time.sleep(slow[event_id])
        if fail.get(event_id, 0) != 0:
            fail[event_id] -= 1
            raise RuntimeError(f"grading service is down for {event_id}")

    handlers = package.Handlers()
    for event_type in job.get("events", list(package.EVENTS)):
        handlers.on(package.EVENTS[event_type].data_class, handler)
    registry = package.SchemaRegistryClient(job["registry"], retries=job.get("registry_retries", 3)) if job.get("registry") else None
    common: Dict[str, Any] = {
        "handlers": handlers,
        "start": job["start"],
        "registry": registry,
        "retry": package.RetryPolicy(**job.get("retry", {})),
        "logger": JsonLogger(),
    }
    if "dead_letter" in job:
        target: str = job["dead_letter"]
        dead_letter: Callable[[str], str] = lambda _topic: target  # noqa: E731
        common["dead_letter_topic" if job["bus"] == "kafka" else "dead_letter_stream"] = dead_letter
    if job["bus"] == "kafka":
        config = {"bootstrap.servers": job["address"], **job.get("config", {})}
        consumer: Any = package.KafkaEventConsumer(config, group_id=job["group"], topics=job["topics"], **common)
    else:
        extra = {name: job[name] for name in ("consumer", "claim_idle", "block") if name in job}
        consumer = package.RedisEventConsumer(job["address"], group=job["group"], streams=job["topics"], **common, **extra)
    if "until" in job:
        until: int = job["until"]

        def watch() -> None:
            stats = consumer.stats
            while stats.handled + stats.dead_lettered + stats.ignored < until:
                time.sleep(0.02)
            consumer.stop()

        threading.Thread(target=watch, daemon=True).start()
    try:
        consumer.run()
    except Exception as error:  # run() raising is the outcome some tests wait for
        emit(_error(error))
        return 1
    finally:
        if job["bus"] == "redis":
            consumer.close()
    emit({"stats": dataclasses.asdict(consumer.stats)})
    return 0


def main() -> int:
    job: Dict[str, Any] = json.loads(sys.stdin.readline())
    paths: List[str] = job["path"]
    sys.path[:0] = paths
    package = importlib.import_module(job["package"])
    return produce(package, job) if job["op"] == "produce" else consume(package, job)


if __name__ == "__main__":
    sys.exit(main())
