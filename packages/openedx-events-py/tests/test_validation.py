"""from_dict rejects bad input with a ValueError naming the field path, and keeps falsy values."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, Dict

import pytest

from eventcanon_openedx.learning import ExamAttemptSubmittedV1
from eventcanon_openedx.shared import CertificateConfigData, CourseNotificationData, ExamAttemptData, UserData, UserPersonalData

GOOD: Dict[str, Any] = {
    "exam_attempt": {
        "student_user": {"id": 42, "is_active": True, "pii": {"username": "ada", "email": "ada@example.com", "name": "Ada"}},
        "course_key": "course-v1:edX+DemoX+Demo_Course",
        "usage_key": "block-v1:edX+DemoX+Demo_Course+type@sequential+block@exam1",
        "exam_type": "timed",
        "requesting_user": None,
    }
}


def changed(path: str, value: Any) -> Dict[str, Any]:
    data = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[key]
    target[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("exam_attempt.student_user.id", "42", "ExamAttemptSubmittedV1.exam_attempt.student_user.id: expected an integer, got a string"),
        ("exam_attempt.student_user.id", True, "ExamAttemptSubmittedV1.exam_attempt.student_user.id: expected an integer, got a boolean"),
        ("exam_attempt.student_user.is_active", 1, "ExamAttemptSubmittedV1.exam_attempt.student_user.is_active: expected a boolean, got a number"),
        ("exam_attempt.course_key", None, "ExamAttemptSubmittedV1.exam_attempt.course_key: expected a string, got null"),
        ("exam_attempt.student_user.pii", [], "ExamAttemptSubmittedV1.exam_attempt.student_user.pii: expected an object, got a list"),
        ("exam_attempt.requesting_user", {"id": 1}, "ExamAttemptSubmittedV1.exam_attempt.requesting_user.is_active: required field is missing"),
        ("exam_attempt.surprise", 1, "ExamAttemptSubmittedV1.exam_attempt.surprise: unknown field"),
    ],
)
def test_wrong_input_names_the_field(path: str, value: Any, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        ExamAttemptSubmittedV1.from_dict(changed(path, value))
    assert str(caught.value) == message


def test_missing_required_field() -> None:
    data = copy.deepcopy(GOOD)
    del data["exam_attempt"]["usage_key"]
    with pytest.raises(ValueError, match=r"^ExamAttemptSubmittedV1\.exam_attempt\.usage_key: required field is missing$"):
        ExamAttemptSubmittedV1.from_dict(data)


def test_not_an_object_at_all() -> None:
    with pytest.raises(ValueError, match=r"^ExamAttemptSubmittedV1: expected an object, got a string$"):
        ExamAttemptSubmittedV1.from_dict("exam")


def test_falsy_values_are_kept() -> None:
    # The Open edX deserializer swaps falsy values for the field default; ours must not.
    data = changed("exam_attempt.student_user", {"id": 0, "is_active": False, "pii": {"username": "", "email": "", "name": ""}})
    user = ExamAttemptSubmittedV1.from_dict(data).exam_attempt.student_user
    assert user == UserData(id=0, is_active=False, pii=UserPersonalData(username="", email="", name=""))


def test_defaults_fill_absent_optional_fields() -> None:
    data = copy.deepcopy(GOOD)
    del data["exam_attempt"]["requesting_user"]
    del data["exam_attempt"]["student_user"]["pii"]["name"]
    attempt = ExamAttemptSubmittedV1.from_dict(data).exam_attempt
    assert attempt.requesting_user is None
    assert attempt.student_user.pii.name == ""


def test_field_order_and_immutability() -> None:
    assert [f.name for f in dataclasses.fields(ExamAttemptData)] == ["student_user", "course_key", "usage_key", "exam_type", "requesting_user"]
    assert [f.name for f in dataclasses.fields(UserData)] == ["id", "is_active", "pii"]
    assert [f.name for f in dataclasses.fields(UserPersonalData)] == ["username", "email", "name"]
    value = ExamAttemptSubmittedV1.from_dict(GOOD)
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.exam_attempt = value.exam_attempt  # type: ignore[misc]


NOTIFICATION: Dict[str, Any] = {"course_key": "course-v1:a+b+c", "app_name": "discussion", "notification_type": "new_post", "content_url": "https://x"}


@pytest.mark.parametrize(
    ("data_class", "data", "message"),
    [
        (CourseNotificationData, {**NOTIFICATION, "audience_filters": {"roles": ["staff", 7]}}, "CourseNotificationData.audience_filters['roles'][1]: expected a string, got a number"),
        (CourseNotificationData, {**NOTIFICATION, "audience_filters": {"roles": "staff"}}, "CourseNotificationData.audience_filters['roles']: expected a list, got a string"),
        (CourseNotificationData, {**NOTIFICATION, "content_context": {1: "x"}}, "CourseNotificationData.content_context: map keys must be strings, got a number"),
        (CourseNotificationData, {**NOTIFICATION, "content_context": []}, "CourseNotificationData.content_context: expected an object, got a list"),
        (CertificateConfigData, {"certificate_type": "honor", "course_key": "k", "title": "t", "signatories": [{}]}, "CertificateConfigData.signatories[0].image: required field is missing"),
    ],
)
def test_wrong_input_in_lists_and_maps_names_the_element(data_class: Any, data: Dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        data_class.from_dict(data)
    assert str(caught.value) == message


def test_a_value_read_inside_another_is_named_by_path_and_key() -> None:
    with pytest.raises(ValueError, match=r"^Envelope\.data\.exam_attempt: expected an object, got a number$"):
        ExamAttemptSubmittedV1.from_dict({"exam_attempt": 1}, "Envelope", ".data")
