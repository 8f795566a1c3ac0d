import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { avroFingerprint, sha256 } from "../../src/load/canonical.js";
import { MAX_JSON_DEPTH } from "../../src/load/json-source.js";
import { MAX_EXPANDED_SUBSCHEMAS } from "../../src/registry/ref-nesting.js";
import { type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { tempDir } from "../helpers.js";
import { call, emptyRegistryConfig, record } from "./serve-helpers.js";

const config = emptyRegistryConfig();
const LIMIT_HINT = "the registry holds schemas to the nesting limit canon lint applies to schema files";

/**
 * Avro records each holding the next in a field: three JSON levels (record, fields, field) per record.
 * Written as text: JSON.stringify recurses, and would overflow here on the deepest.
 */
function nestedRecords(depth: number): string {
  let text = '{"type":"record","name":"R0","fields":[]}';
  for (let i = 1; i < depth; i++) text = `{"type":"record","name":"R${i}","fields":[{"name":"f","type":${text}}]}`;
  return text;
}

/** `levels` JSON levels of Avro arrays around a string: one level each. */
const nestedArrays = (levels: number) => `${'{"type":"array","items":'.repeat(levels)}"string"${"}".repeat(levels)}`;

/** JSON Schema arrays whose items nest `levels` deep: one level each. */
const nestedItems = (levels: number) => `${'{"type":"array","items":'.repeat(levels)}{"type":"string"}${"}".repeat(levels)}`;

const deeper = (pointer: string) =>
  `Invalid schema: the schema nests deeper than ${MAX_JSON_DEPTH} levels (objects and arrays) at ${pointer}; ${LIMIT_HINT}`;

/** The pointer of the value opening JSON level MAX_JSON_DEPTH + 1 in a schema whose levels repeat `cycle`. */
const pointerAtLimit = (cycle: string[]) => Array.from({ length: MAX_JSON_DEPTH }, (_, i) => `/${cycle[i % cycle.length]}`).join("");

describe("canon registry serve refuses schemas nested past lint's limit, on every path, before writing", () => {
  let server: RunningRegistry;
  let data: string;
  const logSize = () => readFileSync(path.join(data, "log.jsonl")).length;
  beforeAll(async () => {
    data = tempDir("registry-nesting");
    server = await serveRegistry({ config, port: 0, host: "127.0.0.1", data });
    // Warm up: stack frames shrink once code is optimised, which is how a deep schema once got through.
    for (let i = 0; i < 200; i++)
      await call(server.url, "POST", `/subjects/warm-${i % 20}-value/versions`, {
        schema: record(`W${i % 20}`, [{ name: "a", type: "string" }]),
      });
  });
  afterAll(() => server.close());

  const paths = (subject: string) =>
    [
      ["POST", `/subjects/${subject}/versions`],
      ["POST", `/subjects/${subject}`],
      ["POST", `/compatibility/subjects/${subject}/versions/latest`],
      ["POST", `/compatibility/subjects/${subject}/versions`],
    ] as const;

  // 22 records take 65 levels: the innermost one's empty field list is the first level too many.
  for (const depth of [1000, 22]) {
    it(`Avro records nested ${depth} deep: 42201 with the place, on registration, lookup and both compatibility checks`, async () => {
      const before = logSize();
      const expected = { error_code: 42201, message: deeper(pointerAtLimit(["fields", "0", "type"])) };
      for (const [method, route] of [...paths("deep-avro-value"), ...paths("warm-1-value")]) {
        const answer = await call(server.url, method, route, { schema: nestedRecords(depth) });
        expect(answer, `${method} ${route}`).toEqual({ status: 422, type: expect.any(String), body: expected });
      }
      expect(logSize()).toBe(before);
    });
  }

  it(`Avro at exactly ${MAX_JSON_DEPTH} levels is registered and read back after a restart; one more level is refused`, async () => {
    const deepest = nestedArrays(MAX_JSON_DEPTH);
    const accepted = await call(server.url, "POST", "/subjects/limit-value/versions", { schema: deepest });
    expect(accepted.status).toBe(200);
    const over = await call(server.url, "POST", "/subjects/limit-value/versions", { schema: nestedArrays(MAX_JSON_DEPTH + 1) });
    expect(over.body).toEqual({ error_code: 42201, message: deeper(pointerAtLimit(["items"])) });
    await server.close();
    server = await serveRegistry({ config, port: 0, host: "127.0.0.1", data });
    expect((await call(server.url, "GET", `/schemas/ids/${accepted.body.id}`)).body).toEqual({ schema: deepest });
  });

  for (const levels of [100, 500]) {
    it(`JSON Schema items ${levels} deep: 42201 on every path, nothing written`, async () => {
      const before = logSize();
      for (const [method, route] of paths("deep-json-value")) {
        const answer = await call(server.url, method, route, { schema: nestedItems(levels), schemaType: "JSON" });
        expect(answer.body, `${method} ${route}`).toEqual({ error_code: 42201, message: deeper(pointerAtLimit(["items"])) });
      }
      expect(logSize()).toBe(before);
    });
  }

  it("JSON Schema whose $refs each name the next: refused when, followed, they nest past the limit", async () => {
    const chain = (n: number) => {
      const defs: Record<string, object> = {};
      for (let i = 0; i < n; i++) defs[`a${i}`] = { type: "object", properties: { x: { $ref: `#/$defs/a${i + 1}` } } };
      defs[`a${n}`] = { type: "string" };
      return JSON.stringify({ $ref: "#/$defs/a0", $defs: defs });
    };
    // Each type adds three levels (the type, properties, x) below the root and $defs.
    const fits = await call(server.url, "POST", "/subjects/chain-value/versions", { schema: chain(19), schemaType: "JSON" });
    expect(fits.status).toBe(200);
    for (const n of [21, 5000]) {
      const answer = await call(server.url, "POST", "/subjects/chain-value/versions", { schema: chain(n), schemaType: "JSON" });
      expect(answer.body).toEqual({
        error_code: 42201,
        message: `Invalid schema: with its $refs followed, the schema nests deeper than ${MAX_JSON_DEPTH} levels (at /$defs/a20/properties/x); ${LIMIT_HINT}`,
      });
    }
  });

  it("JSON Schema types that each use the next twice (2^n subschemas to compare): refused by size before they are compared", async () => {
    const diamond = (n: number, leaf: string) => {
      const defs: Record<string, object> = {};
      for (let i = 0; i < n; i++)
        defs[`a${i}`] = { type: "object", properties: { p: { $ref: `#/$defs/a${i + 1}` }, q: { $ref: `#/$defs/a${i + 1}` } } };
      defs[`a${n}`] = { type: leaf };
      return JSON.stringify({ $ref: "#/$defs/a0", $defs: defs });
    };
    expect(
      (await call(server.url, "POST", "/subjects/diamond-value/versions", { schema: diamond(10, "string"), schemaType: "JSON" })).status,
    ).toBe(200);
    const started = Date.now();
    const answer = await call(server.url, "POST", "/subjects/diamond-value/versions", {
      schema: diamond(18, "integer"),
      schemaType: "JSON",
    });
    expect(answer.body).toEqual({
      error_code: 42201,
      message: `Invalid schema: with its $refs followed, the schema has more than ${MAX_EXPANDED_SUBSCHEMAS.toLocaleString("en-US")} subschemas (types that use other types several times multiply); the compatibility check would visit each: define fewer levels of shared types`,
    });
    // Before the limit, comparing two versions of 18 levels took 14 s (each level doubles it), and nothing else was answered.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("a $ref the registry cannot follow is refused at registration, not found missing by a later compatibility check", async () => {
    const schema = JSON.stringify({ type: "object", properties: { a: { $ref: "#/$defs/missing" } } });
    const answer = await call(server.url, "POST", "/subjects/dangling-value/versions", { schema, schemaType: "JSON" });
    expect(answer.body).toEqual({
      error_code: 42201,
      message:
        'Invalid schema: $ref "#/$defs/missing" at /properties/a names nothing in this schema: the registry follows JSON pointers within the schema only (references to other schemas are not supported)',
    });
  });
});

describe("canon registry serve and a released schema nested deeper than lint's limit", () => {
  it("serves it, finds it when sent again in other whitespace, and holds new schemas to its depth instead", async () => {
    // canon release inlines every type an event reaches, from files that each pass lint: 70 levels here.
    const deepest = `{"type":"record","name":"Deep","namespace":"org.test","fields":[{"name":"a","type":${nestedArrays(67)}}]}`;
    const registry = path.join(tempDir("registry-deep-release"), "registry");
    mkdirSync(path.join(registry, "org.test.deep.v1"), { recursive: true });
    writeFileSync(path.join(registry, "org.test.deep.v1/v1.avsc"), deepest);
    writeFileSync(path.join(registry, "org.test.deep.v1/v1.schema.json"), "{}");
    const entry = {
      event: "org.test.deep.v1",
      version: 1,
      topic: "deep",
      mode: "BACKWARD",
      value: { file: "org.test.deep.v1/v1.avsc", sha256: sha256(deepest), id: 1, fingerprint: avroFingerprint(JSON.parse(deepest)) },
      jsonSchema: { file: "org.test.deep.v1/v1.schema.json", sha256: sha256("{}") },
    };
    writeFileSync(path.join(registry, "index.jsonl"), `${JSON.stringify(entry)}\n`);
    const server = await serveRegistry({
      config: { ...config, registry },
      port: 0,
      host: "127.0.0.1",
      data: tempDir("registry-deep-data"),
    });
    try {
      const subject = "deep-org.test.Deep";
      expect((await call(server.url, "GET", `/subjects/${subject}/versions/latest`)).body).toMatchObject({ id: 1, schema: deepest });
      const pretty = JSON.stringify(JSON.parse(deepest), null, 2);
      expect((await call(server.url, "POST", `/subjects/${subject}`, { schema: pretty })).body).toMatchObject({ id: 1, version: 1 });
      expect((await call(server.url, "POST", "/subjects/as-deep-value/versions", { schema: nestedArrays(70) })).status).toBe(200);
      const deeper = await call(server.url, "POST", "/subjects/as-deep-value/versions", { schema: nestedArrays(71) });
      expect(deeper.body).toEqual({
        error_code: 42201,
        message: `Invalid schema: the schema nests deeper than 70 levels (objects and arrays) at ${"/items".repeat(70)}; the registry holds schemas to the nesting of the deepest schema registry/ releases`,
      });
    } finally {
      await server.close();
    }
  });
});
