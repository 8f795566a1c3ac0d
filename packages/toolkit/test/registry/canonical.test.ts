import avro from "avsc";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { type AvroSchema, avscCompatible } from "../../src/emit/avro.js";
import { avroFingerprint, parsingCanonicalForm, schemaIdentity } from "../../src/registry/canonical.js";
import { readHistory, readReleased } from "../../src/registry/history.js";
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
});
