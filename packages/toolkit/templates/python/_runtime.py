"""Conversion helpers shared by the generated dataclasses.

Every check raises ValueError naming the path of the offending value, so a consumer can tell
which field of which event was wrong; nothing here relies on ``assert``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from typing import Any, Callable, Dict, List, Mapping, Optional, Pattern, Sequence, Type, TypeVar, cast
from uuid import UUID, SafeUUID

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

#: A reader takes (value, path, key): the value found at ``path + key``. The two are joined only to
#: name a wrong value, so that reading a valid one builds no string.
Reader = Callable[[Any, str, str], T]


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _fail(path: str, expected: str, value: Any) -> ValueError:
    return ValueError(f"{path}: expected {expected}, got {_kind(value)}")


def read_str(value: Any, path: str, key: str) -> str:
    if not isinstance(value, str):
        raise _fail(path + key, "a string", value)
    return value


def read_int(value: Any, path: str, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path + key, "an integer", value)
    return value


def read_float(value: Any, path: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(path + key, "a number", value)
    return float(value)


def read_bool(value: Any, path: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path + key, "a boolean", value)
    return value


# The formats of the schema subset as the TypeScript validators check them (ajv-formats' "fast"
# regular expressions), so that both languages accept the same strings; date-time also reads the
# offset-less form openedx-events writes for naive datetimes (see "Date-times on the wire"). ASCII
# only, as in JavaScript: Python's \\d and case folding would take other scripts' digits and letters.
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-1][0-9]-[0-3][0-9][tT][0-2][0-9]:[0-5][0-9]:(?:[0-5][0-9]|60)(?:\.[0-9]+)?(?:[zZ]|[+-][0-9][0-9](?::?[0-9][0-9])?)?"
)
_DATE_TIME_PARTS = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2}).([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(?:[zZ]|([+-])([0-9]{2}):?([0-9]{2})?)?"
)
# The forms isoformat() writes for an aware datetime (openedx-events' and this package's) and
# toISOString() writes: a shorter check than the one above, and what it lets through that the one
# above would not, fromisoformat refuses.
_ISOFORMAT_AWARE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{3}|\.[0-9]{6})?(?:[+-][0-9]{2}:[0-9]{2}|Z)")
_DATE = re.compile(r"([0-9]{4})-([0-1][0-9])-([0-3][0-9])")
_UUID = re.compile(r"(?:[uU][rR][nN]:[uU][uU][iI][dD]:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# The form str(UUID) writes, which is what the wire nearly always carries.
_UUID_HYPHENATED = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
FORMATS: Dict[str, Pattern[str]] = {
    "email": re.compile(
        r"[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*",
        re.IGNORECASE | re.ASCII,
    ),
    "uri": re.compile(r"(?:[a-z][a-z0-9+\-.]*:)(?:/?/)?[^\s]*", re.IGNORECASE | re.ASCII),
}


def datetime_from_wire(value: Any, path: str, key: str = "") -> datetime:
    """An RFC 3339 date-time as an aware datetime; without an offset (as openedx-events writes a naive
    datetime), read as UTC, Open edX's convention."""
    if type(value) is str and _ISOFORMAT_AWARE.fullmatch(value) is not None:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass  # out of range (a 13th month, a 24-hour offset): the checks below say which
    return _datetime_any_form(value, path, key)


def _datetime_any_form(value: Any, path: str, key: str) -> datetime:
    if not isinstance(value, str) or _DATE_TIME.fullmatch(value) is None:
        raise ValueError(f"{path}{key}: expected an RFC 3339 date-time such as 2024-02-29T23:59:59.999999+00:00, got {value!r}")
    try:
        # C-fast, and (from Python 3.11) reads every form the pattern lets through but lowercase t and z.
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = _parse_date_time(value, path + key)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _parse_date_time(value: str, path: str) -> datetime:
    parts = _DATE_TIME_PARTS.fullmatch(value)
    if parts is None:  # not reached: every string _DATE_TIME matches matches this
        raise ValueError(f"{path}: expected an RFC 3339 date-time, got {value!r}")
    year, month, day, hour, minute, second, fraction, sign, zone_hours, zone_minutes = parts.groups()
    try:
        tz = timezone.utc
        if sign is not None:
            offset = timedelta(hours=int(zone_hours), minutes=int(zone_minutes or 0))
            tz = timezone(-offset if sign == "-" else offset) if offset else timezone.utc
        # Beyond microseconds, digits are dropped: a datetime holds no more.
        micro = int((fraction or "")[:6].ljust(6, "0"))
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tz)
    except ValueError as error:
        raise ValueError(f"{path}: {value!r} is not a date-time a datetime can hold ({error})") from None


def datetime_to_wire(value: Any, path: str) -> str:
    """``isoformat()``, as openedx-events writes it; refuses a naive datetime, whose instant is unknown."""
    # A fixed-offset timezone always has an offset; asking for it costs as much as the rest.
    if type(value) is datetime and type(value.tzinfo) is timezone:
        return value.isoformat()
    if not isinstance(value, datetime):
        raise _fail(path, "a datetime", value)
    if value.utcoffset() is None:
        raise ValueError(f"{path}: a naive datetime has no offset; give it one, e.g. value.replace(tzinfo=timezone.utc)")
    return value.isoformat()


def date_from_wire(value: Any, path: str, key: str = "") -> date:
    match = _DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{path}{key}: expected a date such as 2024-02-29, got {value!r}")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as error:
        raise ValueError(f"{path}{key}: {value!r} is not a date ({error})") from None


def date_to_wire(value: Any, path: str) -> str:
    # A datetime is a date too, but its isoformat() is not a date's.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise _fail(path, "a date", value)
    return value.isoformat()


# UUID(text) and str(uuid) are Python code that costs more than fastavro's read or write of the
# string: for the hyphenated form, the value is built as UUID.__init__ builds it (the two slots it
# sets, nothing else), which the layout check keeps to the Pythons whose UUID has exactly those.
UUID_SLOTS_KNOWN = getattr(UUID, "__slots__", None) == ("int", "is_safe", "__weakref__")
UNKNOWN_SAFETY = SafeUUID.unknown
_new = object.__new__
_set = object.__setattr__


def uuid_from_wire(value: Any, path: str, key: str = "") -> UUID:
    if type(value) is str and UUID_SLOTS_KNOWN and _UUID_HYPHENATED.fullmatch(value) is not None:
        uuid: UUID = _new(UUID)
        _set(uuid, "int", int(value.replace("-", ""), 16))
        _set(uuid, "is_safe", UNKNOWN_SAFETY)
        return uuid
    return _uuid_any_form(value, path, key)


def _uuid_any_form(value: Any, path: str, key: str) -> UUID:
    if not isinstance(value, str) or _UUID.fullmatch(value) is None:
        raise ValueError(f"{path}{key}: expected a UUID such as 123e4567-e89b-12d3-a456-426614174000, got {value!r}")
    return UUID(value)


def uuid_to_wire(value: Any, path: str) -> str:
    """``str(value)``, as openedx-events writes it."""
    if type(value) is UUID:  # UUID.__str__'s own formatting, without its call; a subclass may have another
        digits = "%032x" % value.int
        return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
    if not isinstance(value, UUID):
        raise _fail(path, "a UUID", value)
    return str(value)


def read_datetime(value: Any, path: str, key: str) -> datetime:
    return datetime_from_wire(value, path, key)


def read_date(value: Any, path: str, key: str) -> date:
    return date_from_wire(value, path, key)


def read_uuid(value: Any, path: str, key: str) -> UUID:
    return uuid_from_wire(value, path, key)


def read_text(
    min_length: Optional[int] = None,
    max_length: Optional[int] = None,
    pattern: Optional[str] = None,
    format: Optional[str] = None,
) -> Reader[str]:
    """A string reader with the schema's checks; lengths count code points, as JSON Schema does."""
    compiled = None if pattern is None else re.compile(pattern)
    shape = None if format is None else FORMATS[format]

    def read(value: Any, path: str, key: str) -> str:
        if not isinstance(value, str):
            raise _fail(path + key, "a string", value)
        if min_length is not None and len(value) < min_length:
            raise ValueError(f"{path}{key}: expected at least {min_length} character(s), got {value!r}")
        if max_length is not None and len(value) > max_length:
            raise ValueError(f"{path}{key}: expected at most {max_length} character(s), got {value!r}")
        if compiled is not None and compiled.search(value) is None:
            raise ValueError(f"{path}{key}: expected a string matching {pattern}, got {value!r}")
        if shape is not None and shape.fullmatch(value) is None:
            raise ValueError(f"{path}{key}: expected a string of format {format}, got {value!r}")
        return value

    return read


Number = TypeVar("Number", int, float)


def read_range(
    item: Reader[Number],
    minimum: Optional[float] = None,
    maximum: Optional[float] = None,
    exclusive_minimum: Optional[float] = None,
    exclusive_maximum: Optional[float] = None,
) -> Reader[Number]:
    """A number reader with the schema's bounds."""

    def read(value: Any, path: str, key: str) -> Number:
        number = item(value, path, key)
        if (
            (minimum is not None and number < minimum)
            or (maximum is not None and number > maximum)
            or (exclusive_minimum is not None and number <= exclusive_minimum)
            or (exclusive_maximum is not None and number >= exclusive_maximum)
        ):
            bounds = ", ".join(
                f"{name} {bound}"
                for name, bound in (
                    ("minimum", minimum),
                    ("maximum", maximum),
                    ("exclusiveMinimum", exclusive_minimum),
                    ("exclusiveMaximum", exclusive_maximum),
                )
                if bound is not None
            )
            raise ValueError(f"{path}{key}: {number!r} is out of range ({bounds})")
        return number

    return read


def read_sized(item: Reader[List[T]], min_items: Optional[int] = None, max_items: Optional[int] = None) -> Reader[List[T]]:
    """A list reader with the schema's minItems / maxItems."""

    def read(value: Any, path: str, key: str) -> List[T]:
        items = item(value, path, key)
        if (min_items is not None and len(items) < min_items) or (max_items is not None and len(items) > max_items):
            raise ValueError(f"{path}{key}: expected between {min_items or 0} and {max_items or 'any number of'} items, got {len(items)}")
        return items

    return read


def read_list(item: Reader[T]) -> Reader[List[T]]:
    def read(value: Any, path: str, key: str) -> List[T]:
        if not isinstance(value, list):
            raise _fail(path + key, "a list", value)
        path += key
        elements = cast(Sequence[Any], value)
        return [item(element, path, f"[{index}]") for index, element in enumerate(elements)]

    return read


def read_map(item: Reader[T]) -> Reader[Dict[str, T]]:
    def read(value: Any, path: str, key: str) -> Dict[str, T]:
        if not isinstance(value, dict):
            raise _fail(path + key, "an object", value)
        path += key
        out: Dict[str, T] = {}
        entries = cast(Dict[object, Any], value)
        for name, element in entries.items():
            if not isinstance(name, str):
                raise ValueError(f"{path}: map keys must be strings, got {_kind(name)}")
            out[name] = item(element, path, f"[{name!r}]")
        return out

    return read


def read_nullable(item: Reader[T]) -> Reader[Optional[T]]:
    def read(value: Any, path: str, key: str) -> Optional[T]:
        return None if value is None else item(value, path, key)

    return read


def read_enum(enum: Type[E]) -> Reader[E]:
    def read(value: Any, path: str, key: str) -> E:
        if isinstance(value, enum):
            return value
        for member in enum:
            if member.value == value:
                return member
        allowed = ", ".join(repr(member.value) for member in enum)
        raise ValueError(f"{path}{key}: expected one of {allowed}, got {value!r}")

    return read


def read_record(value: Any, path: str, fields: Mapping[str, bool]) -> Mapping[str, Any]:
    """Checks that ``value`` is an object with every required field and no unknown one.

    ``fields`` maps each field's wire name to whether it is required.
    """
    if not isinstance(value, dict):
        raise _fail(path, "an object", value)
    record = cast(Dict[str, Any], value)
    if record.keys() == fields.keys():
        return record
    for name, required in fields.items():
        if required and name not in record:
            raise ValueError(f"{path}.{name}: required field is missing")
    for name in record:
        if name not in fields:
            raise ValueError(f"{path}.{name}: unknown field")
    return record

