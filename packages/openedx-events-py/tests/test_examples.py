"""Every example of every event round-trips through the generated dataclasses."""

from __future__ import annotations

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
