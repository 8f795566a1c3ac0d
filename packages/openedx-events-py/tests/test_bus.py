"""What the bus clients decide before any server is asked; the live behaviour is tested against real
Kafka and Redis servers in packages/toolkit/test/bus (python-kafka.test.ts, python-redis.test.ts)."""

from __future__ import annotations

import re
from datetime import datetime

import confluent_kafka
import pytest
import redis

from eventcanon_openedx import (
    DEAD_LETTER,
    Failure,
    Handlers,
    KafkaEventConsumer,
    KafkaEventProducer,
    RedisEventConsumer,
    RedisEventProducer,
    RetryPolicy,
)
from eventcanon_openedx._bus import dead_letter_fields, full_topic, optional_client
from eventcanon_openedx._kafka import producer_config
from eventcanon_openedx.learning import ExamAttemptSubmittedV1, ExamAttemptVerifiedV1

SUBMITTED = "org.openedx.learning.exam.attempt.submitted.v1"


def test_handlers_by_event_type_once_each() -> None:
    handlers = Handlers().on(ExamAttemptSubmittedV1, lambda event, delivery: None).on(ExamAttemptVerifiedV1, lambda event, delivery: None)
    assert handlers.event_types == [SUBMITTED, "org.openedx.learning.exam.attempt.verified.v1"]
    with pytest.raises(ValueError) as twice:
        handlers.on(ExamAttemptSubmittedV1, lambda event, delivery: None)
    assert str(twice.value) == f"a handler for {SUBMITTED} is already registered"


def test_retries_back_off_doubling_up_to_the_maximum() -> None:
    assert [RetryPolicy().wait(attempt) for attempt in range(1, 7)] == [0.2, 0.4, 0.8, 1.6, 3.2, 5.0]
    assert RetryPolicy(backoff=1, max_backoff=1.5).wait(3) == 1.5


def test_the_starting_offset_is_a_choice_without_a_default() -> None:
    for make in (
        lambda: KafkaEventConsumer({}, group_id="g", topics=["t"], handlers=Handlers(), start="beginning"),
        lambda: RedisEventConsumer("redis://127.0.0.1:1", group="g", streams=["t"], handlers=Handlers(), start="beginning"),
    ):
        with pytest.raises(ValueError) as wrong:
            make()
        assert str(wrong.value) == "start must be \"earliest\" or \"latest\", got 'beginning'"


def test_redis_clients_must_give_bytes() -> None:
    with pytest.raises(ValueError) as text:
        RedisEventProducer(redis.Redis(decode_responses=True))
    assert str(text.value) == "the Redis client must be made with decode_responses=False: event_data is binary Avro"
    # The ecosystems' own clients fit the parts of them the producers use (mypy holds them to it).
    producer = RedisEventProducer(redis.Redis(host="127.0.0.1", port=1))
    producer.close()
    assert KafkaEventProducer(confluent_kafka.Producer({"bootstrap.servers": "127.0.0.1:1"})).flush(0) == 0


def test_producers_wait_for_all_replicas_and_do_not_linger() -> None:
    assert producer_config({"bootstrap.servers": "b", "acks": "1"}) == {"linger.ms": 0, "bootstrap.servers": "b", "acks": "all"}
    assert producer_config({"linger.ms": 20})["linger.ms"] == 20


def test_a_missing_client_library_says_what_to_install() -> None:
    with pytest.raises(ImportError) as missing:
        optional_client("eventcanon_no_such_client", "kafka", "confluent-kafka")
    assert str(missing.value) == "the kafka bus needs confluent-kafka: pip install 'eventcanon-openedx-events[kafka]'"


def test_dead_letters_carry_the_failure_in_named_fields() -> None:
    fields = dead_letter_fields(Failure("handler-error", "RuntimeError: down", 4), "topic", "0:7", "group")
    assert [name for name, _ in fields] == [
        "eventcanon-dlq-code",
        "eventcanon-dlq-reason",
        "eventcanon-dlq-attempts",
        "eventcanon-dlq-source",
        "eventcanon-dlq-position",
        "eventcanon-dlq-group",
        "eventcanon-dlq-time",
    ]
    assert [name for name, _ in fields] == [getattr(DEAD_LETTER, f) for f in ("code", "reason", "attempts", "source", "position", "group", "time")]
    assert [value for _, value in fields][:6] == ["handler-error", "RuntimeError: down", "4", "topic", "0:7", "group"]
    time = fields[6][1]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00", time)
    assert datetime.fromisoformat(time).utcoffset() is not None


def test_topics_take_the_bus_prefix() -> None:
    assert full_topic("learning-exam-attempt-lifecycle", "dev") == "dev-learning-exam-attempt-lifecycle"
    assert full_topic("learning-exam-attempt-lifecycle", "") == "learning-exam-attempt-lifecycle"
    assert full_topic("learning-exam-attempt-lifecycle", None) == "learning-exam-attempt-lifecycle"
