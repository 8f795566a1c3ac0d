import { SchemaRegistryClient } from "@confluentinc/schemaregistry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTENT_TYPE, type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { tempDir } from "../helpers.js";
import { call, emptyRegistryConfig, record } from "./serve-helpers.js";

// Where Confluent's server (its API reference and its resources' code) answers otherwise than this one
// did: issue 16, points 3 to 9. Each case is the request a client sends and the answer Confluent gives.
const config = emptyRegistryConfig();
const V1 = record("Thing", [{ name: "a", type: "string" }]);
const V2 = record("Thing", [
  { name: "a", type: "string" },
  { name: "b", type: ["null", "int"], default: null },
]);

describe("canon registry serve answers as Confluent's server does", () => {
  let server: RunningRegistry;
  let client: SchemaRegistryClient;
  beforeAll(async () => {
    server = await serveRegistry({ config, port: 0, host: "127.0.0.1", data: tempDir("registry-confluent") });
    client = new SchemaRegistryClient({ baseURLs: [server.url] });
  });
  afterAll(() => server.close());

  it("3. compatibility against 'latest' of a subject without versions is true; a numbered version that does not exist is 40402", async () => {
    expect(await client.testSubjectCompatibility("never-registered-value", { schemaType: "AVRO", schema: V1 })).toBe(true);
    const raw = await call(server.url, "POST", "/compatibility/subjects/never-registered-value/versions/latest?verbose=true", {
      schema: V1,
    });
    expect(raw).toEqual({ status: 200, type: CONTENT_TYPE, body: { is_compatible: true, messages: [] } });
    const numbered = await call(server.url, "POST", "/compatibility/subjects/never-registered-value/versions/1", { schema: V1 });
    expect(numbered).toMatchObject({ status: 404, body: { error_code: 40402, message: "Version 1 not found." } });
    // Soft-deleted versions are not compared with: every version deleted is as good as none.
    await client.register("all-deleted-value", { schemaType: "AVRO", schema: V1 });
    await client.deleteSubject("all-deleted-value");
    const breaking = record("Thing", [{ name: "a", type: "int" }]);
    expect(await client.testSubjectCompatibility("all-deleted-value", { schemaType: "AVRO", schema: breaking })).toBe(true);
    // The schema is still checked: an invalid one is 42201, not "compatible".
    const invalid = await call(server.url, "POST", "/compatibility/subjects/never-registered-value/versions/latest", { schema: "{" });
    expect(invalid.body.error_code).toBe(42201);
  });

  it("4. DELETE /config/{subject} without a level of its own is 40401; with one, it answers the level removed", async () => {
    const none = await call(server.url, "DELETE", "/config/no-level-value");
    expect(none).toEqual({ status: 404, type: CONTENT_TYPE, body: { error_code: 40401, message: "Subject 'no-level-value' not found." } });
    await client.updateCompatibility("own-level-value", "FORWARD" as never);
    const removed = await call(server.url, "DELETE", "/config/own-level-value");
    expect(removed).toEqual({ status: 200, type: CONTENT_TYPE, body: { compatibilityLevel: "FORWARD" } });
    expect((await call(server.url, "GET", "/config/own-level-value")).body.error_code).toBe(40408);
    expect((await call(server.url, "DELETE", "/config/own-level-value")).body.error_code).toBe(40401);
  });

  it("5. query flags are read as Java's Boolean.parseBoolean reads them: True and TRUE are true, anything else false", async () => {
    const at = "/subjects/flags-value";
    const { body } = await call(server.url, "POST", `${at}/versions`, { schema: V1 });
    await call(server.url, "DELETE", at);
    expect((await call(server.url, "POST", `${at}?deleted=True`, { schema: V1 })).body).toMatchObject({ id: body.id, version: 1 });
    expect((await call(server.url, "POST", `${at}?deleted=TRUE&normalize=False`, { schema: V1 })).status).toBe(200);
    expect((await call(server.url, "POST", `${at}?deleted=yes`, { schema: V1 })).body.error_code).toBe(40401);
    expect((await call(server.url, "POST", at, { schema: V1 })).body.error_code).toBe(40401);
    expect((await call(server.url, "GET", `${at}/versions?deleted=True`)).body).toEqual([1]);
    expect((await call(server.url, "GET", `${at}/versions/1?deleted=True`)).body.id).toBe(body.id);
    const verbose = await call(server.url, "POST", "/compatibility/subjects/never-registered-value/versions/latest?verbose=True", {
      schema: V1,
    });
    expect(verbose.body).toEqual({ is_compatible: true, messages: [] });
    expect((await call(server.url, "DELETE", `${at}?permanent=True`)).body).toEqual([1]);
    await client.updateCompatibility("flags-level-value", "FULL" as never);
    expect((await call(server.url, "GET", "/config/unset-level-value?defaultToGlobal=TRUE")).body).toEqual({
      compatibilityLevel: config.compatibility.mode,
    });
  });

  it("6. GET /subjects filters by subjectPrefix and deletedOnly; GET /subjects/{s}/versions by deletedOnly", async () => {
    for (const subject of ["filter-a-value", "filter-b-value", "other-c-value"])
      await call(server.url, "POST", `/subjects/${subject}/versions`, { schema: V1 });
    await call(server.url, "POST", "/subjects/filter-b-value/versions", { schema: V2 });
    await call(server.url, "DELETE", "/subjects/filter-a-value");
    await call(server.url, "DELETE", "/subjects/filter-b-value/versions/1");
    expect((await call(server.url, "GET", "/subjects?subjectPrefix=filter-")).body).toEqual(["filter-b-value"]);
    expect((await call(server.url, "GET", "/subjects?subjectPrefix=filter-&deleted=true")).body).toEqual([
      "filter-a-value",
      "filter-b-value",
    ]);
    expect((await call(server.url, "GET", "/subjects?subjectPrefix=filter-&deletedOnly=true")).body).toEqual(["filter-a-value"]);
    // deletedOnly wins over deleted, as in Confluent's resource.
    expect((await call(server.url, "GET", "/subjects?subjectPrefix=filter-&deleted=true&deletedOnly=true")).body).toEqual([
      "filter-a-value",
    ]);
    expect((await call(server.url, "GET", "/subjects?subjectPrefix=other-")).body).toEqual(["other-c-value"]);
    expect((await call(server.url, "GET", "/subjects/filter-b-value/versions?deletedOnly=true")).body).toEqual([1]);
    expect((await call(server.url, "GET", "/subjects/filter-b-value/versions")).body).toEqual([2]);
    expect((await call(server.url, "GET", "/subjects/filter-a-value/versions?deletedOnly=true")).body).toEqual([1]);
    expect((await call(server.url, "GET", "/subjects/other-c-value/versions?deletedOnly=true")).body).toEqual([]);
    expect((await call(server.url, "GET", "/subjects/nothing-value/versions?deletedOnly=true")).body.error_code).toBe(40401);
  });

  it('7. a record, enum or fixed without a name is 42201, as Java\'s Avro refuses it ("No name in schema")', async () => {
    const cases = [
      '{"type":"record","fields":[]}',
      '{"type":"enum","symbols":["A"]}',
      '{"type":"fixed","size":4}',
      '{"type":"record","name":"Outer","fields":[{"name":"inner","type":{"type":"record","name":"","fields":[]}}]}',
      '{"type":"array","items":["null",{"type":"record","fields":[]}]}',
    ];
    const nameless = [
      '{"type":"record","fields":[]}',
      '{"type":"enum","symbols":["A"]}',
      '{"type":"fixed","size":4}',
      '{"type":"record","name":"","fields":[]}',
      '{"type":"record","fields":[]}',
    ];
    for (const [i, schema] of cases.entries()) {
      await expect(client.register(`nameless-${i}-value`, { schemaType: "AVRO", schema }), schema).rejects.toMatchObject({
        status: 422,
        errorCode: 42201,
        message: `Invalid schema: No name in schema: ${nameless[i]}; every record, enum and fixed needs a "name"; Error code: 42201`,
      });
    }
    expect((await call(server.url, "GET", "/subjects?subjectPrefix=nameless-")).body).toEqual([]);
  });

  it("8. a body is taken as Confluent's server takes it (its four types, any case or charset, none); others are 415", async () => {
    const register = (headers: Record<string, string>) =>
      fetch(`${server.url}/subjects/content-type-value/versions`, { method: "POST", headers, body: JSON.stringify({ schema: V1 }) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as unknown }),
      );
    for (const type of ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
      expect(await register({ "content-type": type }), type).toEqual({
        status: 415,
        body: {
          error_code: 415,
          message: `HTTP 415 Unsupported Media Type: send the body as ${CONTENT_TYPE} (or application/vnd.schemaregistry+json, application/json)`,
        },
      });
    expect((await call(server.url, "GET", "/subjects?subjectPrefix=content-type-")).body).toEqual([]);
    for (const type of [
      CONTENT_TYPE,
      "application/vnd.schemaregistry+json",
      "application/json; charset=utf-8",
      "APPLICATION/JSON",
      "application/octet-stream",
      "*/*",
    ])
      expect((await register({ "content-type": type })).status, type).toBe(200);
    // Without a content type the body is application/octet-stream, which Confluent takes.
    const bare = await fetch(`${server.url}/subjects/content-type-value/versions`, {
      method: "POST",
      body: new Blob([JSON.stringify({ schema: V1 })]),
    });
    expect(bare.status).toBe(200);
    // The path is matched first (404), and a body-less request's content type does not matter.
    expect((await call(server.url, "POST", "/nowhere", { schema: V1 }, { "content-type": "text/plain" })).status).toBe(404);
    expect((await call(server.url, "GET", "/subjects", undefined, { "content-type": "text/plain" })).status).toBe(200);
  });
});

describe("canon registry serve basic auth", () => {
  it("9. the scheme name is case-insensitive (RFC 7617): basic and BASIC are Basic; wrong credentials stay 401", async () => {
    const saved = process.env.EVENTCANON_REGISTRY_USERS;
    process.env.EVENTCANON_REGISTRY_USERS = "ci:s3cret";
    const server = await serveRegistry({ config, port: 0, host: "127.0.0.1", data: tempDir("registry-auth-case") });
    try {
      const token = Buffer.from("ci:s3cret").toString("base64");
      for (const scheme of ["Basic", "basic", "BASIC", "bAsIc"])
        expect((await call(server.url, "GET", "/subjects", undefined, { authorization: `${scheme} ${token}` })).status, scheme).toBe(200);
      const wrong = Buffer.from("ci:wrong").toString("base64");
      expect(await call(server.url, "GET", "/subjects", undefined, { authorization: `basic ${wrong}` })).toEqual({
        status: 401,
        type: CONTENT_TYPE,
        body: { error_code: 40101, message: "Unauthorized" },
      });
      expect((await call(server.url, "GET", "/subjects", undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
      const client = new SchemaRegistryClient({
        baseURLs: [server.url],
        basicAuthCredentials: { credentialsSource: "USER_INFO", userInfo: "ci:s3cret" },
      });
      expect(await client.register("auth-value", { schemaType: "AVRO", schema: V1 })).toBeGreaterThan(0);
    } finally {
      await server.close();
      if (saved === undefined) delete process.env.EVENTCANON_REGISTRY_USERS;
      else process.env.EVENTCANON_REGISTRY_USERS = saved;
    }
  });
});
