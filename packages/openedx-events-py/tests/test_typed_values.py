"""date-time, date and uuid fields as datetime, date and UUID: read from both wire forms, written as
openedx-events writes them, a naive datetime refused on write; and the runtime's keyword checks that
the catalog does not use yet (patterns, lengths, ranges, sizes)."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta, timezone
from uuid import UUID

import pytest

from catalog import SCHEMAS, load
from eventcanon_openedx import decode, encode
from eventcanon_openedx._runtime import (
    date_from_wire,
    date_to_wire,
    datetime_from_wire,
    read_int,
    read_list,
    read_range,
    read_sized,
    read_str,
    read_text,
)
from eventcanon_openedx.enterprise import SubsidyLedgerTransactionCommittedV1

EXAMPLE = load(SCHEMAS / "events" / "org.openedx.enterprise.subsidy_ledger_transaction.committed.v1.json")["examples"][0]


def test_fields_are_typed() -> None:
    value = SubsidyLedgerTransactionCommittedV1.from_dict(EXAMPLE)
    assert value.ledger_transaction.created == datetime(2026, 3, 14, 9, 26, 53, tzinfo=timezone.utc)
    assert value.ledger_transaction.uuid == UUID(EXAMPLE["ledger_transaction"]["uuid"])
    assert decode(SubsidyLedgerTransactionCommittedV1, encode(value)) == value
    assert value.to_dict()["ledger_transaction"]["created"] == "2026-03-14T09:26:53+00:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-29T23:59:59.999999", datetime(2024, 2, 29, 23, 59, 59, 999999, timezone.utc)),
        ("2024-02-29T23:59:59", datetime(2024, 2, 29, 23, 59, 59, tzinfo=timezone.utc)),
        ("2024-02-29t23:59:59z", datetime(2024, 2, 29, 23, 59, 59, tzinfo=timezone.utc)),
        ("2024-02-29T23:59:59.1234567+05:30", datetime(2024, 2, 29, 23, 59, 59, 123456, timezone(timedelta(hours=5, minutes=30)))),
        ("2024-02-29T23:59:59-0800", datetime(2024, 2, 29, 23, 59, 59, tzinfo=timezone(timedelta(hours=-8)))),
        ("2024-02-29T23:59:59+05", datetime(2024, 2, 29, 23, 59, 59, tzinfo=timezone(timedelta(hours=5)))),
    ],
)
def test_date_times_read_with_and_without_offset(text: str, expected: datetime) -> None:
    moment = datetime_from_wire(text, "X.at")
    assert moment == expected and moment.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", ["2024-02-30T00:00:00Z", "2024-13-01T00:00:00Z", "2024-02-29T24:00:00Z", "2016-12-31T23:59:60Z", "2024-02-29T00:00:00+99:00"])
def test_date_times_a_datetime_cannot_hold_are_refused_by_path(text: str) -> None:
    with pytest.raises(ValueError, match=rf"^X\.at: {re.escape(repr(text))} is not a date-time a datetime can hold"):
        datetime_from_wire(text, "X", ".at")


def test_a_naive_datetime_is_refused_on_write_with_the_fix() -> None:
    value = SubsidyLedgerTransactionCommittedV1.from_dict(EXAMPLE)
    naive = dataclasses.replace(value.ledger_transaction, created=datetime(2026, 3, 14, 9, 26, 53))
    event = dataclasses.replace(value, ledger_transaction=naive)
    message = r"^LedgerTransaction\.created: a naive datetime has no offset; give it one, e.g\. value\.replace\(tzinfo=timezone\.utc\)$"
    with pytest.raises(ValueError, match=message):
        event.to_dict()
    with pytest.raises(ValueError, match=message):
        encode(event)
    fixed = dataclasses.replace(value, ledger_transaction=dataclasses.replace(naive, created=naive.created.replace(tzinfo=timezone.utc)))
    assert encode(fixed) == encode(value)


def test_a_string_where_a_datetime_belongs_is_refused_on_write() -> None:
    value = SubsidyLedgerTransactionCommittedV1.from_dict(EXAMPLE)
    wrong = dataclasses.replace(value, ledger_transaction=dataclasses.replace(value.ledger_transaction, uuid="x"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^LedgerTransaction\.uuid: expected a UUID, got a string$"):
        wrong.to_dict()


def test_dates() -> None:
    assert date_from_wire("2024-02-29", "X.on") == date(2024, 2, 29)
    assert date_to_wire(date(2024, 2, 29), "X.on") == "2024-02-29"
    with pytest.raises(ValueError, match=r"^X\.on: expected a date"):
        date_to_wire(datetime(2024, 2, 29, tzinfo=timezone.utc), "X.on")
    for text in ("2024-02-30", "2024-02-29T00:00:00Z", "29/02/2024"):
        with pytest.raises(ValueError, match=r"^X\.on: "):
            date_from_wire(text, "X.on")


def test_string_keywords() -> None:
    read = read_text(min_length=2, max_length=3, pattern="^[A-Z]+$")
    assert read("ABC", "X", ".code") == "ABC"
    for value, why in [("A", "at least 2"), ("ABCD", "at most 3"), ("abc", "matching"), (3, "a string")]:
        with pytest.raises(ValueError, match=rf"^X\.code: expected .*{why}"):
            read(value, "X", ".code")
    # Lengths count code points, as JSON Schema does (one emoji, two UTF-16 units, is one).
    assert read_text(max_length=1)("🎓", "X", ".c") == "🎓"
    email = read_text(format="email")
    assert email("ada@example.com", "X", ".e") == "ada@example.com"
    with pytest.raises(ValueError, match=r"^X\.e: expected a string of format email"):
        email("ada at example", "X", ".e")


def test_number_and_size_keywords() -> None:
    read = read_range(read_int, minimum=1, exclusive_maximum=10)
    assert read(1, "X", ".n") == 1
    for value in (0, 10):
        with pytest.raises(ValueError, match=rf"^X\.n: {value} is out of range \(minimum 1, exclusiveMaximum 10\)$"):
            read(value, "X", ".n")
    sized = read_sized(read_list(read_str), min_items=1)
    with pytest.raises(ValueError, match=r"^X\.l: expected between 1 and any number of items, got 0$"):
        sized([], "X", ".l")

