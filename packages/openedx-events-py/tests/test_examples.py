"""Every example of every event round-trips through the generated dataclasses."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any, Dict

import pytest

from catalog import event_files, examples, load
from eventcanon_openedx import EVENT_DATA_CLASSES

CASES = list(examples())


def test_every_event_has_a_data_class() -> None:
    declared = sorted(load(path)["x-event-type"] for path in event_files())
    assert sorted(EVENT_DATA_CLASSES) == declared
    assert len(declared) >= 5


@pytest.mark.parametrize(("event_type", "index", "example", "canonical"), CASES, ids=[f"{c[0]}#{c[1]}" for c in CASES])
def test_example_round_trips(event_type: str, index: int, example: Dict[str, Any], canonical: Dict[str, Any]) -> None:
    data_class = EVENT_DATA_CLASSES[event_type]
    value = data_class.from_dict(example)
    assert value.to_dict() == canonical
    assert data_class.from_dict(value.to_dict()) == value


def _shares_a_container(value: Any, form: Any) -> bool:
    """Whether the JSON form holds one of the value's own lists or dicts (fields are in schema order)."""
    if is_dataclass(value):
        return any(_shares_a_container(getattr(value, f.name), v) for f, v in zip(fields(value), form.values()))
    if isinstance(value, list):
        return form is value or any(_shares_a_container(a, b) for a, b in zip(value, form))
    if isinstance(value, dict):
        return form is value or any(_shares_a_container(value[k], form[k]) for k in value)
    return False


@pytest.mark.parametrize(("event_type", "index", "example", "canonical"), CASES, ids=[f"{c[0]}#{c[1]}" for c in CASES])
def test_to_dict_copies_lists_and_maps(event_type: str, index: int, example: Dict[str, Any], canonical: Dict[str, Any]) -> None:
    value = EVENT_DATA_CLASSES[event_type].from_dict(example)
    assert not _shares_a_container(value, value.to_dict())
