import { readFileSync } from "node:fs";
import path from "node:path";
import { courseEnrollmentCreatedV1, OFFSET_LESS } from "@eventcanon/openedx-events";
import { describe, expect, it } from "vitest";
import { REPO, VECTORS } from "../src/vectors.js";

/**
 * The shared date-time verdicts (validation/date-times.json), TypeScript side: what validation on the
 * read path and on the write path says of each value, in a required and in a nullable date-time field.
 */

interface Verdict {
  readonly value: string;
  readonly read: boolean;
  readonly write: boolean;
  readonly why: string;
}
const { values } = JSON.parse(readFileSync(path.join(VECTORS, "../validation/date-times.json"), "utf8")) as { values: Verdict[] };
const codec = courseEnrollmentCreatedV1;
const example = JSON.parse(readFileSync(path.join(REPO, "schemas/events/org.openedx.learning.course.enrollment.created.v1.json"), "utf8"))
  .examples[0];
const at = {
  "/enrollment/creation_date": (value: string) => ({ enrollment: { ...example.enrollment, creation_date: value } }),
  "/enrollment/course/start": (value: string) => ({
    enrollment: { ...example.enrollment, course: { ...example.enrollment.course, start: value } },
  }),
};

describe("date-times on the wire (TypeScript)", () => {
  it("has values of every verdict", () => {
    expect(new Set(values.map((v) => `${v.read}/${v.write}`))).toEqual(new Set(["true/true", "true/false", "false/false"]));
  });

  it.each(values.flatMap((v) => Object.entries(at).map(([pointer, put]) => [v.value, pointer, v, put] as const)))(
    "%j at %s",
    (_value, pointer, verdict, put) => {
      const data = put(verdict.value);
      expect(codec.validate(data, { direction: "read" }), `read: ${verdict.why}`).toBe(verdict.read);
      expect(codec.validate(data), `write: ${verdict.why}`).toBe(verdict.write);
      const issues = codec.check(data);
      if (verdict.write) expect(issues).toEqual([]);
      else if (verdict.read) {
        // The one a writer can fix by adding the offset says so, at the field (a nullable one also
        // says it is not null).
        expect(OFFSET_LESS.test(verdict.value)).toBe(true);
        expect(issues).toContainEqual({
          path: pointer,
          message: `must have a UTC offset: ${JSON.stringify(verdict.value)} has none; a date-time without one is read (as UTC) but never written: append "Z" or "+00:00"`,
        });
        expect(issues.filter((i) => i.message.includes("format"))).toEqual([]);
      } else expect(issues.map((i) => i.path)).toContain(pointer);
    },
  );
});
