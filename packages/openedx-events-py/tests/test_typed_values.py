"""date-time, date and uuid fields as datetime, date and UUID: read from both wire forms, written as
openedx-events writes them, a naive datetime refused on write; and the runtime's keyword checks that
the catalog does not use yet (patterns, lengths, ranges, sizes)."""

from __future__ import annotations

import dataclasses
import pickle
import re
import weakref
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, List, Tuple
from uuid import UUID, uuid4

import pytest

from catalog import SCHEMAS, load
from eventcanon_openedx import decode, encode
from eventcanon_openedx._runtime import (
    _datetime_any_form,
    _uuid_any_form,
    date_from_wire,
    date_to_wire,
    datetime_from_wire,
    datetime_to_wire,
    read_int,
    read_list,
    read_range,
    read_sized,
    read_str,
    read_text,
    uuid_from_wire,
    uuid_to_wire,
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



# The fast paths of the wire conversions hold to the general ones: every one-character change,
# deletion and insertion of the common forms reads to the same value, or fails with the same message.
_CHARACTERS = ["0", "1", "2", "3", "5", "6", "9", "a", "f", "F", "g", "x", "X", "T", "t", "Z", "z", "-", "+", ":", ".", ",", "_", " ", "\u0663"]


def _mutants(text: str) -> List[str]:
    out = [text, text[:-1], text + "0", f" {text}", f"urn:uuid:{text}", f"0x{text[2:]}"]
    for index in range(len(text)):
        out.append(text[:index] + text[index + 1 :])
        for character in _CHARACTERS:
            out.append(text[:index] + character + text[index + 1 :])
            out.append(text[:index] + character + text[index:])
    return out


def _outcome(read: Callable[[Any, str, str], Any], text: str) -> Tuple[str, Any]:
    try:
        value = read(text, "X", ".at")
    except ValueError as error:
        return ("error", str(error))
    # The offset and the exact type too: equal datetimes may differ in both.
    return ("value", (type(value), value, getattr(value, "utcoffset", lambda: None)(), getattr(value, "is_safe", None)))


@pytest.mark.parametrize("text", ["2024-02-29T23:59:59.999999+00:00", "2026-03-14T09:26:53-05:30", "2026-03-14T09:26:53Z", "2026-03-14T09:26:53.120Z"])
def test_date_time_fast_path_reads_as_the_general_one(text: str) -> None:
    for mutant in _mutants(text):
        assert _outcome(datetime_from_wire, mutant) == _outcome(_datetime_any_form, mutant), mutant


def test_uuid_fast_path_reads_as_the_general_one() -> None:
    for mutant in _mutants("123e4567-e89b-12d3-a456-426614174000") + _mutants("FFFFFFFF-ffff-0000-AAAA-000000000000"):
        assert _outcome(uuid_from_wire, mutant) == _outcome(_uuid_any_form, mutant), mutant


def test_a_uuid_read_fast_is_a_uuid_in_every_way() -> None:
    text = "123e4567-e89b-12d3-a456-426614174000"
    fast, built = uuid_from_wire(text, "X"), UUID(text)
    assert type(fast) is UUID and fast == built and hash(fast) == hash(built) and repr(fast) == repr(built)
    assert fast.is_safe is built.is_safe and not hasattr(fast, "__dict__")
    assert pickle.loads(pickle.dumps(fast)) == built and weakref.ref(fast)() is fast
    with pytest.raises(TypeError):
        fast.int = 0  # type: ignore[misc]


def test_uuids_and_date_times_are_written_as_str_and_isoformat_write_them() -> None:
    class Later(UUID):
        def __str__(self) -> str:
            return "subclass"

    for value in [UUID(int=0), UUID(int=2**128 - 1), *(uuid4() for _ in range(200))]:
        assert uuid_to_wire(value, "X.id") == str(value)
    assert uuid_to_wire(Later(int=1), "X.id") == "subclass"
    for moment in [datetime(2024, 2, 29, 23, 59, 59, 999999, timezone.utc), datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=-5, minutes=-30)))]:
        assert datetime_to_wire(moment, "X.at") == moment.isoformat()


def test_a_decoded_value_is_the_value_the_constructor_builds() -> None:
    """from_avro sets __dict__ at once rather than calling __init__: the same fields, in the same order, frozen."""
    value = SubsidyLedgerTransactionCommittedV1.from_dict(EXAMPLE)
    decoded = decode(SubsidyLedgerTransactionCommittedV1, encode(value))

    def same(built: Any, read: Any) -> None:
        assert type(read) is type(built) and vars(read) == vars(built)
        assert list(vars(read)) == [field.name for field in dataclasses.fields(built)]
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(read, dataclasses.fields(built)[0].name, None)
        for field in dataclasses.fields(built):
            if dataclasses.is_dataclass(getattr(built, field.name)):
                same(getattr(built, field.name), getattr(read, field.name))

    same(value, decoded)
    assert hash(decoded) == hash(value) and repr(decoded) == repr(value) and dataclasses.asdict(decoded) == dataclasses.asdict(value)
