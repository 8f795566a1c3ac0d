"""The Python side of validation/date-times.json (test/date-times.test.ts reads the same file): reading
takes what the verdict says it reads, an offset-less value as UTC; writing needs an offset, and refuses
a naive datetime at its field."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timezone
from typing import Any, Dict, List

import pytest

from eventcanon_openedx import EVENTS
from instances import HERE, example, with_value

VALUES: List[Dict[str, Any]] = json.loads((HERE / "validation" / "date-times.json").read_text(encoding="utf-8"))["values"]
EVENT = "org.openedx.learning.course.enrollment.created.v1"
DATA = EVENTS[EVENT].data_class


def _with_creation_date(value: str) -> Dict[str, Any]:
    return with_value(example(EVENT), "/enrollment/creation_date", value)


@pytest.mark.parametrize("verdict", VALUES, ids=[v["value"] for v in VALUES])
def test_reading_and_writing_give_the_shared_verdict(verdict: Dict[str, Any]) -> None:
    value: str = verdict["value"]
    if not verdict["read"]:
        with pytest.raises(ValueError) as refused:
            DATA.from_dict(_with_creation_date(value))
        assert str(refused.value).startswith(f"{DATA.__name__}.enrollment.creation_date: "), verdict["why"]
        return
    read = DATA.from_dict(_with_creation_date(value))
    written = read.enrollment.creation_date
    assert written.tzinfo is not None, "what is read is always aware"
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert written == (parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)), verdict["why"]
    # Writing: the value as a producer holds it (naive where the string had no offset).
    held = dataclasses.replace(read, enrollment=dataclasses.replace(read.enrollment, creation_date=parsed))
    if verdict["write"]:
        assert held.to_dict()["enrollment"]["creation_date"] == parsed.isoformat()
    else:
        with pytest.raises(ValueError) as refused:
            held.to_dict()
        assert str(refused.value).startswith("CourseEnrollmentData.creation_date: a naive datetime has no offset"), verdict["why"]
