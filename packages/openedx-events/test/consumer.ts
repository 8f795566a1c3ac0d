// Type-checked by `npm run lint` (tsconfig.test.json): each @ts-expect-error must be a real compile error.
import {
  type EventDataByType,
  type ExamAttemptData,
  type ExamAttemptSubmittedV1,
  examAttemptSubmittedV1,
  type UserData,
} from "../src/index.js";

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

export const bytes: Buffer = examAttemptSubmittedV1.encode(submitted);
export const decoded: ExamAttemptSubmittedV1 = examAttemptSubmittedV1.decode(bytes);
// @ts-expect-error encode of one event accepts only that event's data type
examAttemptSubmittedV1.encode(attempt);
// @ts-expect-error decode returns the event's data type, not another
export const wrongDecode: UserData = examAttemptSubmittedV1.decode(bytes);
