import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canon, FIXTURES, tempDir } from "../helpers.js";

function files(entries: Record<string, unknown>): string {
  const dir = tempDir("compat");
  for (const [name, value] of Object.entries(entries)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), typeof value === "string" ? value : `${JSON.stringify(value, null, 2)}\n`);
  }
  return dir;
}

const record = (fields: unknown[]) => ({ type: "record", name: "R", fields });

describe("canon compat", () => {
  it("compares .avsc files by Avro resolution; exit 1 and JSON changes when incompatible", () => {
    const dir = files({
      "old.avsc": record([{ name: "a", type: "int" }]),
      "new.avsc": record([
        { name: "a", type: "long" },
        { name: "b", type: "string" },
      ]),
    });
    const result = canon(["compat", "old.avsc", "new.avsc", "--format", "json"], dir);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      compatible: boolean;
      mode: string;
      changes: { kind: string; path: string; compatible: boolean; line: number }[];
    };
    expect(report.compatible).toBe(false);
    expect(report.mode).toBe("BACKWARD");
    expect(report.changes.map((c) => [c.kind, c.path, c.compatible, c.line])).toEqual([
      ["AVRO_TYPE_PROMOTED", "/fields/a", true, 7],
      ["AVRO_FIELD_ADDED_WITHOUT_DEFAULT", "/fields/b", false, 9],
    ]);
  });

  it("exit 0 when compatible, and --mode FORWARD swaps the direction", () => {
    const dir = files({ "old.avsc": record([{ name: "a", type: "int" }]), "new.avsc": record([{ name: "a", type: "long" }]) });
    expect(canon(["compat", "old.avsc", "new.avsc"], dir).code).toBe(0);
    const forward = canon(["compat", "old.avsc", "new.avsc", "--mode", "FORWARD"], dir);
    expect(forward.code).toBe(1);
    expect(forward.stdout).toContain("INCOMPATIBLE FORWARD AVRO_TYPE_MISMATCH at /fields/a");
  });

  it("accepts a union default of a later branch, as Avro 1.12 does, and notes that avsc refuses such a schema", () => {
    const dir = files({
      "old.avsc": record([{ name: "a", type: "int" }]),
      "new.avsc": record([
        { name: "a", type: "int" },
        { name: "b", type: ["null", "int"], default: 99 },
      ]),
    });
    const result = canon(["compat", "old.avsc", "new.avsc"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").slice(0, 2)).toEqual([
      "ok   new.avsc (Avro) (BACKWARD): 0 incompatible, 1 compatible change(s)",
      "     warning: new.avsc:15:7 (/fields/1/default): the default of field b matches union branch 1 (int), not the first (null): " +
        "allowed since the Avro 1.12 specification, but avsc and Avro libraries before 1.12 refuse the schema",
    ]);
  });

  it("refuses an enum field default that is not a symbol, and says Avro Java would take it", () => {
    const dir = files({
      "old.avsc": record([{ name: "a", type: "int" }]),
      "new.avsc": record([{ name: "e", type: { type: "enum", name: "E", symbols: ["A"] }, default: "Z" }]),
    });
    const result = canon(["compat", "old.avsc", "new.avsc"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'new.avsc:14:7 /fields/0/default error[compat-input-invalid]: not a valid Avro schema: the default of field e is not valid: "Z" is not a symbol of E',
    );
    expect(result.stderr).toContain(
      "hint: fix the schema: the Avro specification refuses it (Avro Java, which Confluent's registry runs, lets it through)",
    );
  });

  it("compares a standalone draft-07 JSON Schema with definitions", () => {
    const old = {
      $schema: "http://json-schema.org/draft-07/schema#",
      definitions: { Id: { type: "integer" } },
      type: "object",
      properties: { id: { $ref: "#/definitions/Id" } },
    };
    const next = { ...old, definitions: { Id: { type: "integer", minimum: 0 } } };
    const dir = files({ "old.json": old, "new.json": next });
    const result = canon(["compat", "old.json", "new.json"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /INCOMPATIBLE BACKWARD MINIMUM_ADDED at \/properties\/id\/minimum \(new\.json:\d+:\d+\): minimum was added: 0/,
    );
  });

  it("reports a catalog event file both as JSON Schema and as its generated Avro", () => {
    const dir = tempDir("compat-catalog");
    cpSync(path.join(FIXTURES, "lint/base"), path.join(dir, "old"), { recursive: true });
    cpSync(path.join(FIXTURES, "lint/base"), path.join(dir, "new"), { recursive: true });
    const event = "schemas/events/org.example.shop.order.placed.v1.json";
    const value = JSON.parse(readFileSync(path.join(dir, "new", event), "utf8"));
    value.properties.gift = { type: "boolean", default: false, description: "Gift wrap." };
    writeFileSync(path.join(dir, "new", event), JSON.stringify(value, null, 2));
    // FULL: old readers of a closed JSON Schema reject the new field (STRICT); Avro readers skip it.
    const result = canon(["compat", `old/${event}`, `new/${event}`, "--mode", "FULL"], dir);
    expect(result.stdout).toContain(`FAIL new/${event} (JSON Schema) (FULL)`);
    expect(result.stdout).toContain("FORWARD PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL at /properties/gift");
    expect(result.stdout).toContain(`ok   new/${event} (generated Avro) (FULL)`);
    expect(result.stdout).toContain("BACKWARD AVRO_FIELD_ADDED_WITH_DEFAULT at /fields/gift");
    expect(result.code).toBe(1);
    expect(canon(["compat", `old/${event}`, `new/${event}`, "--mode", "FULL", "--policy", "lenient"], dir).code).toBe(0);
  });

  it.each([
    [["compat", "old.avsc"], "canon compat: give exactly two files: OLD NEW"],
    [["compat", "old.avsc", "nope.avsc"], "nope.avsc (document) error[compat-input-missing]: file not found"],
    [["compat", "old.avsc", "new.json"], "new.json (document) error[compat-input-mismatch]: cannot compare old.avsc with new.json"],
    [
      ["compat", "old.avsc", "bad.avsc"],
      'bad.avsc:7:7 /fields/0/type error[compat-input-invalid]: not a valid Avro schema: unknown type name "strin"',
    ],
    [["compat", "old.avsc", "broken.avsc"], "broken.avsc:1:9 (document) error[json-syntax]: invalid JSON: expected a value"],
    [["compat", "old.avsc", "old.avsc", "--mode", "SIDEWAYS"], "canon compat: --mode must be one of BACKWARD"],
    [["compat", "old.avsc", "old.avsc", "--format", "yaml"], "canon compat: --format must be text or json or github"],
  ])("%j is a usage or input error (exit 2)", (args, message) => {
    const dir = files({
      "old.avsc": record([{ name: "a", type: "int" }]),
      "new.json": { type: "string" },
      "bad.avsc": record([{ name: "a", type: "strin" }]),
      "broken.avsc": '{"type":',
    });
    const result = canon(args, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
