"""Conversion helpers shared by the generated dataclasses.

Every check raises ValueError naming the path of the offending value, so a consumer can tell
which field of which event was wrong; nothing here relies on ``assert``.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Callable, Dict, List, Mapping, Optional, Type, TypeVar

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


def read_list(item: Reader[T]) -> Reader[List[T]]:
    def read(value: Any, path: str, key: str) -> List[T]:
        if not isinstance(value, list):
            raise _fail(path + key, "a list", value)
        path += key
        return [item(element, path, f"[{index}]") for index, element in enumerate(value)]

    return read


def read_map(item: Reader[T]) -> Reader[Dict[str, T]]:
    def read(value: Any, path: str, key: str) -> Dict[str, T]:
        if not isinstance(value, dict):
            raise _fail(path + key, "an object", value)
        path += key
        out: Dict[str, T] = {}
        for name, element in value.items():
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
    if value.keys() == fields.keys():
        return value
    for name, required in fields.items():
        if required and name not in value:
            raise ValueError(f"{path}.{name}: required field is missing")
    for name in value:
        if name not in fields:
            raise ValueError(f"{path}.{name}: unknown field")
    return value

