"""A consumer as a service would write it; mypy --strict checks it against the generated package."""

from __future__ import annotations

from typing import Any, Dict, Optional

from eventcanon_openedx.learning import ExamAttemptSubmittedV1
from eventcanon_openedx.shared import UserData


def grader_user(payload: Dict[str, Any]) -> int:
    event = ExamAttemptSubmittedV1.from_dict(payload)
    requester: Optional[UserData] = event.exam_attempt.requesting_user
    return requester.id if requester is not None else event.exam_attempt.student_user.id
