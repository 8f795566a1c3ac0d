import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { courseEnrollmentCreatedV1, OFFSET_LESS } from "../../../openedx-events/src/index.js";
import { REPO } from "../helpers.js";
import { bus, PEERS_MISSING } from "./peer.js";

/**
 * Date-times as openedx-events' own serializer writes them: `isoformat()` of the datetime the producer
 * passed, which has no offset when the datetime is naive. The TypeScript package reads such messages
 * (decode, and validation on the read path) and refuses to write one (validation on the write path),
 * naming the field and the fix.
 */

if (PEERS_MISSING) console.warn(`SKIPPED the date-time tests against openedx-events' serializer: no ${PEERS_MISSING}`);

const codec = courseEnrollmentCreatedV1;
const example = (
  JSON.parse(readFileSync(path.join(REPO, "schemas/events", `${codec.eventType}.json`), "utf8")) as {
    examples: Parameters<typeof codec.encode>[0][];
  }
).examples[0] as Parameters<typeof codec.encode>[0];

/** The datetimes the producer passes: naive ones (with and without microseconds) and an aware UTC one. */
const DATETIMES = {
  "enrollment.creation_date": [2024, 2, 29, 23, 59, 59, 999999],
  "enrollment.course.start": [2024, 2, 29, 0, 0, 0, 0],
  "enrollment.course.end": [2024, 6, 30, 23, 59, 59, 0, "utc"],
};

describe.skipIf(PEERS_MISSING !== undefined)("naive datetimes from openedx-events' serializer", () => {
  let bytes: Buffer;
  beforeAll(async () => {
    const [written] = await bus("http://127.0.0.1:9", [
      { op: "edx-serialize-bytes", event: codec.eventType, data: example, datetimes: DATETIMES },
    ]);
    if (!written?.ok) throw new Error(`openedx-events could not serialize: ${JSON.stringify(written)}`);
    bytes = Buffer.from(written.hex as string, "hex");
  });

  it("are decoded as the strings openedx-events wrote, offset-less for the naive ones", () => {
    const { enrollment } = codec.decode(bytes);
    // Python's isoformat() of the datetimes above: naive ones without an offset, the aware one with +00:00.
    expect([enrollment.creation_date, enrollment.course.start, enrollment.course.end]).toEqual([
      "2024-02-29T23:59:59.999999",
      "2024-02-29T00:00:00",
      "2024-06-30T23:59:59+00:00",
    ]);
    expect(OFFSET_LESS.test(enrollment.creation_date) && OFFSET_LESS.test(enrollment.course.start ?? "")).toBe(true);
  });

  it("pass validation on the read path", () => {
    const data = codec.decode(bytes);
    expect(codec.check(data, { direction: "read" })).toEqual([]);
    expect(codec.validate(data, { direction: "read" })).toBe(true);
  });

  it("are refused on the write path, each naming its field and the fix", () => {
    const data = codec.decode(bytes);
    expect(codec.validate(data)).toBe(false);
    const fix = 'has none; a date-time without one is read (as UTC) but never written: append "Z" or "+00:00"';
    const issues = codec.check(data, { direction: "write" });
    expect(issues).toContainEqual({
      path: "/enrollment/creation_date",
      message: `must have a UTC offset: "2024-02-29T23:59:59.999999" ${fix}`,
    });
    expect(issues).toContainEqual({ path: "/enrollment/course/start", message: `must have a UTC offset: "2024-02-29T00:00:00" ${fix}` });
    expect(issues.some((i) => i.path === "/enrollment/course/end")).toBe(false);
    // With the offset added, the same data is written.
    const fixed = {
      enrollment: {
        ...data.enrollment,
        creation_date: `${data.enrollment.creation_date}+00:00`,
        course: { ...data.enrollment.course, start: `${data.enrollment.course.start}Z` },
      },
    };
    expect(codec.check(fixed)).toEqual([]);
  });
});
