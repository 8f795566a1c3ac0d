import { readFileSync } from "node:fs";
import path from "node:path";
import { events } from "@eventcanon/openedx-events";
import { describe, expect, it } from "vitest";
import { VECTORS, type Vector } from "../src/vectors.js";

/** The TypeScript side of validation/values.json (python/test_validation_values.py reads the same file). */
interface Field {
  readonly eventType: keyof typeof events;
  readonly pointer: string;
  readonly keyword: string;
  readonly valid: readonly unknown[];
  readonly invalid: readonly unknown[];
}

const { fields } = JSON.parse(readFileSync(path.join(VECTORS, "../validation/values.json"), "utf8")) as { fields: Field[] };

function withValue(eventType: string, pointer: string, value: unknown): Record<string, unknown> {
  const suite = JSON.parse(readFileSync(path.join(VECTORS, `${eventType}.json`), "utf8")) as { vectors: Vector[] };
  const data = structuredClone(suite.vectors[0]?.data) as Record<string, unknown>;
  const names = pointer.slice(1).split("/");
  let node = data;
  for (const name of names.slice(0, -1)) node = node[name] as Record<string, unknown>;
  node[names[names.length - 1] as string] = value;
  return data;
}

describe("validation values (TypeScript side)", () => {
  it.each(fields.map((f) => [`${f.pointer} (${f.keyword})`, f] as const))("%s", (_name, field) => {
    const codec = events[field.eventType];
    for (const value of field.valid)
      expect(codec.check(withValue(field.eventType, field.pointer, value) as never), JSON.stringify(value)).toEqual([]);
    for (const value of field.invalid) {
      const issues = codec.check(withValue(field.eventType, field.pointer, value) as never);
      expect(
        issues.map((i) => i.path),
        JSON.stringify(value),
      ).toContain(field.pointer);
    }
  });
});
