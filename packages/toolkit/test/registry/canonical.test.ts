import avro from "avsc";
import { describe, expect, it } from "vitest";
import { type AvroSchema, avscCompatible } from "../../src/emit/avro/index.js";
import { avroFingerprint, parsingCanonicalForm, schemaIdentity } from "../../src/load/canonical.js";
import { loadConfig } from "../../src/load/config.js";
import { readHistory, readReleased } from "../../src/load/history.js";
import { REPO, run, venvPython } from "../helpers.js";

const history = readHistory(loadConfig(REPO));
const schemas = history.entries
  .flatMap((e) => [e.value, ...(e.key ? [e.key] : [])])
  .map((s) => ({ ...s, schema: readReleased(history, s.file) }));

describe("Parsing Canonical Form and fingerprints of the released schemas", () => {
  it("equal fastavro's canonical form and SHA-256 fingerprint for every released schema", () => {
    const script = `
import json, sys
from fastavro.schema import fingerprint, parse_schema, to_parsing_canonical_form
for schema in json.load(sys.stdin):
    form = to_parsing_canonical_form(parse_schema(schema))
    print(json.dumps([form, fingerprint(form, "SHA-256")]))
`;
    const result = run(venvPython(), ["-c", script], REPO, JSON.stringify(schemas.map((s) => s.schema)));
    expect(result.stderr).toBe("");
    const answers = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as [string, string]);
    expect(answers.length).toBe(schemas.length);
    expect(schemas.length).toBeGreaterThan(100);
    for (const [i, s] of schemas.entries()) {
      expect(parsingCanonicalForm(s.schema)).toBe(answers[i]?.[0]);
      expect(s.fingerprint).toBe(answers[i]?.[1]);
      expect(avroFingerprint(s.schema)).toBe(s.fingerprint);
    }
  });

  it("equals avsc's canonical form where avsc accepts the names", () => {
    for (const s of schemas) {
      const accepted = avscCompatible(s.schema as AvroSchema);
      expect(parsingCanonicalForm(accepted)).toBe(JSON.stringify(avro.Type.forSchema(accepted as avro.Schema).schema()));
    }
  });

  it("identity ignores key order and whitespace but not docs or defaults", () => {
    const a = { type: "record", name: "A", fields: [{ name: "x", type: "int", default: 1 }] };
    const reordered = { fields: [{ default: 1, type: "int", name: "x" }], name: "A", type: "record" };
    expect(schemaIdentity("AVRO", a)).toBe(schemaIdentity("AVRO", reordered));
    expect(schemaIdentity("AVRO", a)).not.toBe(schemaIdentity("AVRO", { ...a, doc: "d" }));
    expect(schemaIdentity("AVRO", a)).not.toBe(schemaIdentity("AVRO", { ...a, fields: [{ name: "x", type: "int", default: 2 }] }));
    expect(schemaIdentity("AVRO", a)).not.toBe(schemaIdentity("JSON", a));
    expect(parsingCanonicalForm(a)).toBe(parsingCanonicalForm({ ...a, doc: "d" }));
  });

  it("reads a primitive written as an object as Java's Avro does: the bus's key field is the schema \"string\"", () => {
    // What edx-event-bus-kafka registers under <topic>-string for a key at exam_attempt.course_key.
    const busKey = { doc: "The course.", name: "course_key", type: "string" };
    expect(schemaIdentity("AVRO", busKey)).toBe(schemaIdentity("AVRO", "string"));
    expect(schemaIdentity("AVRO", { type: "long" })).toBe(schemaIdentity("AVRO", "long"));
    // Custom properties and logical types are kept, as Java keeps them.
    expect(schemaIdentity("AVRO", { type: "string", logicalType: "uuid" })).not.toBe(schemaIdentity("AVRO", "string"));
    const nested = (type: unknown) => ({
      type: "record",
      name: "R",
      fields: [{ name: "k", type, default: { type: "string", doc: "a value" } }],
    });
    expect(schemaIdentity("AVRO", nested({ type: "string", doc: "x" }))).toBe(schemaIdentity("AVRO", nested("string")));
    expect(schemaIdentity("AVRO", { type: "array", items: { type: "int", name: "n" } })).toBe(
      schemaIdentity("AVRO", { type: "array", items: "int" }),
    );
    // A default is a value, not a schema: it stays as written.
    const withDefault = (value: unknown) => ({
      type: "record",
      name: "R",
      fields: [{ name: "m", type: { type: "map", values: "string" }, default: value }],
    });
    expect(schemaIdentity("AVRO", withDefault({ type: "string", doc: "x" }))).not.toBe(
      schemaIdentity("AVRO", withDefault({ type: "string" })),
    );
    expect(schemaIdentity("JSON", { type: "string", doc: "x" })).not.toBe(schemaIdentity("JSON", { type: "string" }));
  });
});
