import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { avscCompatible } from "@eventcanon/toolkit";
import avro from "avsc";
import { describe, expect, it } from "vitest";
import { eventTypes } from "../src/index.js";

const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describe("@eventcanon/openedx-events", () => {
  it("ships one parseable Avro schema per event type it exports", () => {
    const files = readdirSync(path.join(PACKAGE, "avro")).sort();
    expect(files).toEqual(eventTypes.map((t) => `${t}.avsc`));
    for (const file of files) {
      const schema = JSON.parse(readFileSync(path.join(PACKAGE, "avro", file), "utf8")) as avro.Schema;
      // One event type has a hyphen, which avsc refuses in a namespace; avscCompatible renames it for avsc only.
      const type = avro.Type.forSchema(avscCompatible(schema as Record<string, unknown>) as avro.Schema);
      expect((schema as { namespace: string }).namespace).toBe(file.replace(/\.avsc$/, ""));
      expect(type.name).toBe(`${file.replace(/\.avsc$/, "").replace(/-/g, "_")}.CloudEvent`);
    }
  });

  it("includes the five special-exam events", () => {
    for (const action of ["submitted", "rejected", "verified", "errored", "reset"]) {
      expect(eventTypes).toContain(`org.openedx.learning.exam.attempt.${action}.v1`);
    }
  });
});
