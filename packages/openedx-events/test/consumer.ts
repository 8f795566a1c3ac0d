// Type-checked by `npm run lint` (tsconfig.test.json): each @ts-expect-error must be a real compile error.
import type { EventDataByType, ExamAttemptData, ExamAttemptSubmittedV1, UserData } from "../src/index.js";

const student: UserData = { id: 42, is_active: true, pii: { username: "ada", email: "ada@example.com" } };
export const attempt: ExamAttemptData = {
  student_user: student,
  course_key: "course-v1:edX+DemoX+Demo_Course",
  usage_key: "block-v1:edX+DemoX+Demo_Course+type@sequential+block@exam1",
  exam_type: "timed",
};
export const submitted: EventDataByType["org.openedx.learning.exam.attempt.submitted.v1"] = { exam_attempt: attempt };
export const same: ExamAttemptSubmittedV1 = submitted;

// @ts-expect-error a misspelt field is a compile error
export const misspelt: ExamAttemptSubmittedV1 = { exam_attempt: { ...attempt, exam_typ: "timed" } };
// @ts-expect-error a required field cannot be left out
export const missing: ExamAttemptData = { student_user: student, course_key: "c", usage_key: "u" };
// @ts-expect-error requesting_user may be null or absent, never undefined (exactOptionalPropertyTypes)
export const undef: ExamAttemptData = { ...attempt, requesting_user: undefined };
// @ts-expect-error user ids are numbers
export const wrongId: UserData = { ...student, id: "42" };
// @ts-expect-error unknown event types are not in the map
export type Unknown = EventDataByType["org.openedx.learning.exam.attempt.unknown.v1"];
