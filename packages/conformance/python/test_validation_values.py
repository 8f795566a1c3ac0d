"""The Python side of validation/values.json: from_dict accepts and refuses what the TypeScript
validators do (test/validation.test.ts reads the same file), naming the field on a refusal."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

import pytest

from eventcanon_openedx import EVENTS
from instances import HERE, example, with_value

FIELDS: List[Dict[str, Any]] = json.loads((HERE / "validation" / "values.json").read_text(encoding="utf-8"))["fields"]


CASES: List[Tuple[str, str, Any, bool]] = [
    (f["eventType"], f["pointer"], value, verdict) for f in FIELDS for verdict in (True, False) for value in f["valid" if verdict else "invalid"]
]


@pytest.mark.parametrize(("event_type", "pointer", "value", "valid"), CASES, ids=[f"{c[1]}={c[2]!r}" for c in CASES])
def test_from_dict_gives_the_shared_verdict(event_type: str, pointer: str, value: Any, valid: bool) -> None:
    data_class = EVENTS[event_type].data_class
    data = with_value(example(event_type), pointer, value)
    if valid:
        data_class.from_dict(data)
        return
    path = data_class.__name__ + pointer.replace("/", ".")
    with pytest.raises(ValueError) as refused:
        data_class.from_dict(data)
    assert str(refused.value).startswith(f"{path}: ")


def test_every_keyword_is_covered_both_ways() -> None:
    assert all(f["valid"] and f["invalid"] for f in FIELDS)
    print(f"\nvalidation values (Python): {len(CASES)} verdicts")
