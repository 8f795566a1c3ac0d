import path from "node:path";
import avro from "avsc";
import { describe, expect, it } from "vitest";
import { avroEmitter } from "../src/emit/avro/index.js";
import { NO_CACHE } from "../src/emit/render-cache.js";
import { loadCatalog } from "../src/lint/catalog.js";
import { loadConfig } from "../src/load/config.js";
import { isSharedType, type Model, type NamedType, type RecordType } from "../src/load/model.js";
import { NO_RELEASES } from "../src/load/released-schemas.js";
import { FIXTURES } from "./helpers.js";

/**
 * generate asks avsc to accept every event's schema, parsing each named type once for the whole
 * catalog (not once per event that reaches it). These show the shortcut keeps avsc's verdicts: the
 * model is changed behind lint's back, as a lint bug would, and avsc must still refuse.
 */
const dir = path.join(FIXTURES, "kitchen-sink");
const config = loadConfig(dir);

function model(): Model {
  const catalog = loadCatalog(config, dir);
  expect(catalog.diagnostics).toEqual([]);
  return catalog.model;
}

/** A record type used by at least two events, so the check of the second one reuses it. */
function sharedRecord(m: Model): RecordType {
  const users = (t: NamedType) => m.events.filter((e) => JSON.stringify(e.record.fields).includes(`"name":"${t.name}"`)).length;
  const shared = [...m.types.values()].find((t): t is RecordType => t.kind === "record" && isSharedType(t) && users(t) > 1);
  if (shared === undefined) throw new Error("the fixture has no record type used by two events");
  return shared;
}

function withType(m: Model, type: NamedType): Model {
  return { ...m, types: new Map([...m.types, [type.name, type]]) };
}

describe("avro target: avsc's acceptance", () => {
  it("accepts the catalog, and each file is a schema avsc accepts on its own", async () => {
    const { files } = await avroEmitter.emit(model(), config, NO_CACHE, NO_RELEASES);
    expect(files.size).toBeGreaterThan(1);
    for (const text of files.values()) expect(() => avro.Type.forSchema(JSON.parse(text))).not.toThrow();
  });

  it("refuses a default that does not fit, in a type several events share", async () => {
    const m = model();
    const type = sharedRecord(m);
    const [first, ...rest] = type.fields;
    if (first === undefined) throw new Error("empty record");
    const broken = { ...type, fields: [...rest, { ...first, type: { kind: "boolean" as const }, default: { value: "not a boolean" } }] };
    await expect(avroEmitter.emit(withType(m, broken), config, NO_CACHE, NO_RELEASES)).rejects.toThrow(/invalid|default/i);
  });

  it("refuses an invalid Avro name", async () => {
    const m = model();
    const type = sharedRecord(m);
    await expect(avroEmitter.emit(withType(m, { ...type, avroName: "1Bad" }), config, NO_CACHE, NO_RELEASES)).rejects.toThrow(/1Bad/);
  });
});
