import { describe, expect, it } from "vitest";
import { eventFamily, majorVersion, previousMajor, withMajorVersion } from "../src/load/event-version.js";

describe("an event type's major version", () => {
  it("is the trailing .v<N>, and the family is the name without it", () => {
    expect(majorVersion("org.openedx.learning.exam.attempt.submitted.v12")).toBe(12);
    expect(eventFamily("org.openedx.learning.exam.attempt.submitted.v12")).toBe("org.openedx.learning.exam.attempt.submitted");
    expect(withMajorVersion("org.openedx.learning.exam.attempt.submitted.v1", 3)).toBe("org.openedx.learning.exam.attempt.submitted.v3");
  });

  it("has a predecessor only from v2 on", () => {
    expect(previousMajor("a.b.c.d.v2")).toBe("a.b.c.d.v1");
    expect(previousMajor("a.b.c.d.v1")).toBeUndefined();
  });

  it("is absent from a legacy name without one, which is its own family", () => {
    for (const legacy of ["edx.course.enrollment.activated", "a.b.version2", "a.b.v2x"]) {
      expect(majorVersion(legacy)).toBeUndefined();
      expect(previousMajor(legacy)).toBeUndefined();
      expect(eventFamily(legacy)).toBe(legacy);
      expect(withMajorVersion(legacy, 2)).toBe(legacy);
    }
  });
});
