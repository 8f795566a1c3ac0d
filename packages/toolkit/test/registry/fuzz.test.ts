import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/load/config.js";
import { CONTENT_TYPE, type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { REPO, tempDir } from "../helpers.js";

const config = loadConfig(REPO);
const SUBJECT = "learning-exam-attempt-lifecycle-org.openedx.learning.exam.attempt.submitted.v1.CloudEvent";

/** Path pieces the API knows, and pieces that break parsers: traversal, bad escapes, huge, unicode, empty. */
const segment = fc.oneof(
  fc.constantFrom(
    "subjects",
    "versions",
    "schemas",
    "ids",
    "config",
    "compatibility",
    "latest",
    "schema",
    "mode",
    "-1",
    "0",
    "1",
    "2147483648",
  ),
  fc.constantFrom(encodeURIComponent(SUBJECT), "fuzz-value", "..", "%", "%ZZ", "%2F", "", "x".repeat(5000), "ünï©ødé", "%00"),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const route = fc
  .tuple(
    fc.array(segment, { minLength: 1, maxLength: 6 }),
    fc.constantFrom("", "?deleted=true", "?permanent=true", "?verbose=true", "?x=%ZZ"),
  )
  .map(([parts, query]) => `/${parts.join("/")}${query}`);
const avroText = fc.constantFrom(
  '"string"',
  '{"type":"record","name":"F","fields":[{"name":"a","type":"int"}]}',
  '{"type":"enum","name":"E","symbols":[]}',
  "{",
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        schema: fc.oneof(avroText, fc.integer(), fc.constant(null)),
        schemaType: fc.constantFrom("AVRO", "JSON", "PROTOBUF", 7),
        references: fc.constantFrom([], [{ name: "x" }], "no"),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.record({ compatibility: fc.constantFrom("FULL", "SIDEWAYS", 3, null) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.constant(`${"[".repeat(10_000)}${"]".repeat(10_000)}`),
);

describe("canon registry serve under malformed requests", () => {
  let server: RunningRegistry;
  beforeAll(async () => {
    server = await serveRegistry({ config, port: 0, host: "127.0.0.1", data: tempDir("registry-fuzz") });
  });
  afterAll(() => server.close());

  it("answers every request with a Confluent JSON body and a 2xx/4xx status, never a server error, and stays up", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"), route, body, async (method, path, payload) => {
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: { "content-type": CONTENT_TYPE },
          ...(payload === undefined || method === "GET" ? {} : { body: payload }),
        });
        const text = await response.text();
        expect(response.status, `${method} ${path} ${payload}: ${text}`).toBeLessThan(500);
        expect(response.headers.get("content-type")).toBe(CONTENT_TYPE);
        const answer = JSON.parse(text) as { error_code?: unknown; message?: unknown };
        if (response.status >= 400) {
          expect(typeof answer.error_code).toBe("number");
          expect(typeof answer.message).toBe("string");
        }
      }),
      { numRuns: 400, seed: 20261125 },
    );
    const released = await fetch(`${server.url}/subjects/${encodeURIComponent(SUBJECT)}/versions`);
    expect(await released.json()).toEqual([1]);
  }, 120_000);
});
