import { readFileSync } from "node:fs";
import path from "node:path";
import type { examAttemptSubmittedV1 } from "../../../openedx-events/src/index.js";
import { REPO } from "../helpers.js";

/** The events the bus tests send, with the catalog's own examples as their data. */

export const SUBMITTED = "org.openedx.learning.exam.attempt.submitted.v1";
export const VERIFIED = "org.openedx.learning.exam.attempt.verified.v1";
/** The event with a double (percent_grade), where Python and JavaScript print numbers differently. */
export const GRADE = "org.openedx.learning.course.persistent_grade_summary.changed.v1";

export type Submitted = Parameters<typeof examAttemptSubmittedV1.encode>[0];

/** The first example of an event type's schema, in the repository's catalog or another's folder of events. */
export function exampleOf<T = Record<string, unknown>>(eventType: string, events = path.join(REPO, "schemas/events")): T {
  const schema = JSON.parse(readFileSync(path.join(events, `${eventType}.json`), "utf8")) as { examples: T[] };
  return schema.examples[0] as T;
}

export const submitted = exampleOf<Submitted>(SUBMITTED);

/** The submitted example for another learner. */
export const withUser = (id: number): Submitted => ({
  exam_attempt: { ...submitted.exam_attempt, student_user: { ...submitted.exam_attempt.student_user, id } },
});

/**
 * The grade example with another percent, its date-times in the form Python and openedx-events write
 * (`isoformat()`: `+00:00`, not `Z`), so that a message reads back the same whichever language sent it.
 */
export function gradeOf(percent: number): Record<string, unknown> {
  const grade = exampleOf<{ grade: Record<string, unknown> }>(GRADE);
  const text = JSON.stringify({ grade: { ...grade.grade, percent_grade: percent } });
  return JSON.parse(text.replace(/(T\d\d:\d\d:\d\d)Z"/g, '$1+00:00"')) as Record<string, unknown>;
}
