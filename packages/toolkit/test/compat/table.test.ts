import avro from "avsc";
import { afterAll, describe, expect, it } from "vitest";
import { AvroResolution } from "../../src/compat/avro-resolution.js";
import type { Change } from "../../src/compat/change.js";
import { avroComparison, jsonSchemaComparison } from "../../src/compat/comparisons.js";
import { JsonSchemaDiff } from "../../src/compat/json-schema-diff.js";
import { knownKinds } from "../../src/compat/json-schema-kinds.js";
import { judge } from "../../src/compat/judge.js";
import type { Mode } from "../../src/load/modes.js";
import { AVRO_CASES } from "./avro-cases.js";
import { JSON_CASES } from "./json-schema-cases.js";

const kindsOf = (changes: readonly Change[]) => changes.map((c) => c.kind).sort();
const memory = (files: Record<string, unknown>) => (file: string) => files[file];

function diffJson(old: unknown, next: unknown, policy: "strict" | "lenient"): Change[] {
  const read = memory({ "old.json": old, "new.json": next });
  return new JsonSchemaDiff(read, read, policy).diff(
    { value: old, place: { file: "old.json", pointer: "" } },
    { value: next, place: { file: "new.json", pointer: "" } },
  );
}

describe("JSON Schema differences (BACKWARD), one case per kind", () => {
  it.each(JSON_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const strict = diffJson(c.old, c.new, "strict");
    expect(kindsOf(strict)).toEqual([...c.kinds].sort());
    expect(strict.every((x) => x.compatible)).toBe(c.compatible);
    const lenient = diffJson(c.old, c.new, "lenient");
    expect(lenient.every((x) => x.compatible)).toBe(c.lenient ?? c.compatible);
    for (const change of strict) {
      expect(change.message).not.toBe("");
      expect(change.rule).toMatch(/policies|STRICT|LENIENT/);
    }
  });

  it("covers every kind it can report that is not a combinator-internal verdict", () => {
    const reported = new Set(JSON_CASES.flatMap((c) => c.kinds));
    const untested = knownKinds().filter((k) => !reported.has(k));
    // Each of these needs a construct the table leaves to the end-to-end tests, or is symmetrical to a tested one.
    expect(untested).toEqual([
      "ADDITIONAL_ITEMS_EXTENDED",
      "ADDITIONAL_ITEMS_NARROWED",
      "COMBINED_TYPE_EXTENDED",
      "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
      "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
      "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
      "MAX_CONTAINS_DECREASED",
      "MAX_CONTAINS_INCREASED",
      "MAX_CONTAINS_REMOVED",
      "MIN_CONTAINS_ADDED",
      "MIN_CONTAINS_INCREASED",
      "MIN_CONTAINS_REMOVED",
      "UNEVALUATED_ITEMS_ADDED",
      "UNEVALUATED_ITEMS_EXTENDED",
      "UNEVALUATED_ITEMS_NARROWED",
      "UNEVALUATED_PROPERTIES_EXTENDED",
    ]);
  });
});

let judged = 0;
let agreed = 0;
describe("Avro schema resolution, with avsc's resolver as the oracle", () => {
  it.each(AVRO_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const changes = AvroResolution.of(c.writer, c.reader, "old.avsc", "new.avsc").check();
    expect(kindsOf(changes)).toEqual([...c.kinds].sort());
    const ours = changes.every((x) => x.compatible);
    expect(ours).toBe(c.compatible);
    let oracle: boolean;
    try {
      avro.Type.forSchema(c.reader as avro.Schema).createResolver(avro.Type.forSchema(c.writer as avro.Schema));
      oracle = true;
    } catch {
      oracle = false;
    }
    judged++;
    if (oracle === ours) agreed++;
    expect(oracle, "avsc's resolver disagrees").toBe(ours);
  });

  afterAll(() => {
    process.stdout.write(`avsc resolver agreement: ${agreed} of ${judged} Avro cases\n`);
  });
});

describe("modes", () => {
  // v1 -> v2 adds an optional field to a closed record; v2 -> v3 makes a field nullable.
  const v1 = { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false };
  const v2 = { ...v1, properties: { a: { type: "string" }, b: { type: ["string", "null"], default: null } } };
  const v3 = { ...v2, properties: { a: { type: ["string", "null"] }, b: { type: ["string", "null"], default: null } } };
  const comparison = (old: unknown, next: unknown, policy: "strict" | "lenient" = "strict") => {
    const read = memory({ "old.json": old, "new.json": next });
    return jsonSchemaComparison("v", { file: "old.json", read }, { file: "new.json", read }, policy);
  };
  const cases: [Mode, boolean, string][] = [
    ["BACKWARD", true, "optional field added to a closed model: new reads old"],
    ["FORWARD", false, "old (closed) rejects data with the new field"],
    ["FULL", false, "both directions"],
    ["NONE", true, "no check"],
  ];
  it.each(cases)("%s: %s (%s)", (mode, compatible) => {
    expect(judge(mode, [comparison(v1, v2)]).compatible).toBe(compatible);
  });

  it("FULL passes under LENIENT, which accepts a property removed from a closed model", () => {
    expect(judge("FULL", [comparison(v1, v2, "lenient")]).compatible).toBe(true);
  });

  it("transitive modes check every previous version, non-transitive only the latest", () => {
    // v2 -> v3 alone is BACKWARD-compatible; v1 -> v3 too. FORWARD: v3 (nullable a) is not readable by v2 or v1.
    const history = [comparison(v1, v3), comparison(v2, v3)];
    expect(judge("BACKWARD_TRANSITIVE", history).compatible).toBe(true);
    expect(judge("FORWARD", history).changes.every((c) => c.against === "v")).toBe(true);
    expect(judge("FORWARD_TRANSITIVE", history).changes.filter((c) => !c.compatible)).toHaveLength(3);
    expect(judge("FORWARD", history).changes.filter((c) => !c.compatible)).toHaveLength(1);
    expect(judge("FULL_TRANSITIVE", history).compatible).toBe(false);
  });

  it("Avro modes: a field added with a default is FULL compatible", () => {
    const writer = { type: "record", name: "R", fields: [{ name: "a", type: "string" }] };
    const reader = {
      type: "record",
      name: "R",
      fields: [
        { name: "a", type: "string" },
        { name: "b", type: ["null", "string"], default: null },
      ],
    };
    expect(judge("FULL", [avroComparison("v1", { file: "a", schema: writer }, { file: "b", schema: reader })]).compatible).toBe(true);
    const required = {
      type: "record",
      name: "R",
      fields: [
        { name: "a", type: "string" },
        { name: "b", type: "string" },
      ],
    };
    const verdict = judge("FULL", [avroComparison("v1", { file: "a", schema: writer }, { file: "b", schema: required })]);
    expect(verdict.compatible).toBe(false);
    expect(verdict.changes.map((c) => `${c.direction} ${c.kind}`)).toEqual([
      "BACKWARD AVRO_FIELD_ADDED_WITHOUT_DEFAULT",
      "FORWARD AVRO_FIELD_REMOVED",
    ]);
  });
});

describe("JSON Schema differences across files that did not change (settled)", () => {
  const type = { type: "object", properties: { id: { type: "string" } }, required: ["id"], additionalProperties: false };
  const event = (field: unknown) => ({ type: "object", properties: { customer: field }, additionalProperties: false });
  function diffWithType(old: unknown, next: unknown, settled: boolean): Change[] {
    // Each version reads its own parse of the shared type, as canon check does.
    const readOld = memory({ "events/e.json": old, "types/t.json": structuredClone(type) });
    const readNew = memory({ "events/e.json": next, "types/t.json": structuredClone(type) });
    const place = { file: "events/e.json", pointer: "" };
    return new JsonSchemaDiff(readOld, readNew, "strict", (file) => settled && file === "types/t.json").diff(
      { value: old, place },
      { value: next, place },
    );
  }

  it("reports the same changes whether or not the referenced file is known to be settled", () => {
    const old = event({ $ref: "../types/t.json" });
    const next = event({ $ref: "../types/t.json", description: "now documented" });
    expect(diffWithType(old, next, true)).toEqual(diffWithType(old, next, false));
    expect(kindsOf(diffWithType(old, next, true))).toEqual(["DESCRIPTION_CHANGED"]);
  });

  it("still compares a keyword beside the $ref, which the settled file does not hold", () => {
    const old = event({ $ref: "../types/t.json", properties: { id: { type: "string" } } });
    const next = event({ $ref: "../types/t.json", properties: { id: { type: "integer" } } });
    expect(kindsOf(diffWithType(old, next, true))).toEqual(["TYPE_CHANGED"]);
    expect(diffWithType(old, next, true)).toEqual(diffWithType(old, next, false));
  });
});
