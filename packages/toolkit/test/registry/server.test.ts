import { readFileSync } from "node:fs";
import path from "node:path";
import { SchemaRegistryClient } from "@confluentinc/schemaregistry";
import { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/load/config.js";
import { readHistory } from "../../src/load/history.js";
import { CONTENT_TYPE, type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { REPO, tempDir } from "../helpers.js";
import { call, record } from "./serve-helpers.js";

const config = loadConfig(REPO);
const history = readHistory(config);
const SUBMITTED = "org.openedx.learning.exam.attempt.submitted.v1";
const SUBMITTED_SUBJECT = `learning-exam-attempt-lifecycle-${SUBMITTED}.CloudEvent`;
const submittedEntry = history.entries.find((e) => e.event === SUBMITTED);

const V1 = record("Thing", [{ name: "a", type: "string" }]);
const V2_COMPATIBLE = record("Thing", [
  { name: "a", type: "string" },
  { name: "b", type: ["null", "int"], default: null },
]);
const V2_BREAKING = record("Thing", [{ name: "a", type: "int" }]);

describe("canon registry serve: closing", () => {
  it("closes once, however often it is asked to, with its data folder's log", async () => {
    const server = await serveRegistry({ config, port: 0, host: "127.0.0.1", data: tempDir("registry-close") });
    await Promise.all([server.close(), server.close()]);
    await server.close();
    await expect(fetch(`${server.url}/subjects`)).rejects.toThrow();
  });
});

describe("canon registry serve: the Confluent API over registry/", () => {
  let server: RunningRegistry;
  let data: string;
  beforeAll(async () => {
    data = tempDir("registry-data");
    server = await serveRegistry({ config, port: 0, host: "127.0.0.1", data });
  });
  afterAll(() => server.close());

  it("serves every released version under its topic-record subject with its released id", async () => {
    expect(submittedEntry).toBeDefined();
    const subjects = await call(server.url, "GET", "/subjects");
    expect(subjects.type).toBe(CONTENT_TYPE);
    expect(subjects.body).toContain(SUBMITTED_SUBJECT);
    // Keys under edx-event-bus-kafka's subjects: <topic>-<key schema name>, one per topic and key type.
    expect(subjects.body).toContain("learning-exam-attempt-lifecycle-string");
    const keySubjects = new Set(
      history.entries.flatMap((e) =>
        e.key ? [`${e.topic}-${JSON.parse(readFileSync(path.join(config.registry, e.key.file), "utf8"))}`] : [],
      ),
    );
    expect(subjects.body.length).toBe(history.entries.length + keySubjects.size);
    const latest = await call(server.url, "GET", `/subjects/${encodeURIComponent(SUBMITTED_SUBJECT)}/versions/latest`);
    expect(latest.body).toMatchObject({ subject: SUBMITTED_SUBJECT, version: 1, id: submittedEntry?.value.id });
    const released = JSON.parse(readFileSync(path.join(config.registry, submittedEntry?.value.file ?? ""), "utf8"));
    expect(JSON.parse(latest.body.schema)).toEqual(released);
    const raw = await call(server.url, "GET", `/schemas/ids/${submittedEntry?.value.id}/schema`);
    expect(raw.body).toEqual(released);
    const uses = await call(server.url, "GET", `/schemas/ids/${submittedEntry?.value.id}/versions`);
    expect(uses.body).toEqual([{ subject: SUBMITTED_SUBJECT, version: 1 }]);
    const level = await call(server.url, "GET", `/config/${encodeURIComponent(SUBMITTED_SUBJECT)}`);
    expect(level.body).toEqual({ compatibilityLevel: "FULL_TRANSITIVE" });
  });

  it("works with the official @confluentinc/schemaregistry client: register, look up, fetch by id, check, serialize", async () => {
    const client = new SchemaRegistryClient({ baseURLs: [server.url] });
    const subject = "confluent-client-value";
    const id = await client.register(subject, { schemaType: "AVRO", schema: V1 });
    expect(await client.register(subject, { schemaType: "AVRO", schema: V1 })).toBe(id);
    expect(await client.getId(subject, { schemaType: "AVRO", schema: V1 })).toBe(id);
    const info = await client.getBySubjectAndId(subject, id);
    expect(JSON.parse(info.schema)).toEqual(JSON.parse(V1));
    expect(await client.testCompatibility(subject, -1, { schemaType: "AVRO", schema: V2_COMPATIBLE })).toBe(true);
    expect(await client.testCompatibility(subject, -1, { schemaType: "AVRO", schema: V2_BREAKING })).toBe(false);
    const latest = await client.getLatestSchemaMetadata(SUBMITTED_SUBJECT);
    expect(latest.id).toBe(submittedEntry?.value.id);
    // Registering never changes the subject's level (a request from the client's tracker).
    await client.updateCompatibility(subject, "FORWARD" as never);
    await client.register(subject, { schemaType: "AVRO", schema: V2_COMPATIBLE });
    expect(await client.getCompatibility(subject)).toBe("FORWARD");
    await expect(client.register(subject, { schemaType: "AVRO", schema: V2_BREAKING })).rejects.toThrow(/incompatible/);
  });

  it("works with @kafkajs/confluent-schema-registry: register, latest id, encode and decode a framed message", async () => {
    const registry = new SchemaRegistry({ host: server.url });
    const { id } = await registry.register({ type: "AVRO" as never, schema: V1 }, { subject: "kafkajs-client-value" });
    expect(await registry.getLatestSchemaId("kafkajs-client-value")).toBe(id);
    const example = (JSON.parse(readFileSync(path.join(config.schemas, "events", `${SUBMITTED}.json`), "utf8")) as { examples: unknown[] })
      .examples[0];
    const submittedId = await registry.getLatestSchemaId(SUBMITTED_SUBJECT);
    expect(submittedId).toBe(submittedEntry?.value.id);
    const framed = await registry.encode(submittedId, example);
    expect(framed[0]).toBe(0);
    expect(framed.readInt32BE(1)).toBe(submittedId);
    expect(await registry.decode(framed)).toEqual(example);
  });

  it("answers with Confluent's error codes and JSON error body", async () => {
    const missing = await call(server.url, "GET", "/subjects/no-such-subject/versions");
    expect(missing).toMatchObject({ status: 404, body: { error_code: 40401 } });
    expect(missing.body.message).toMatch(/no-such-subject/);
    const noVersion = await call(server.url, "GET", `/subjects/${encodeURIComponent(SUBMITTED_SUBJECT)}/versions/7`);
    expect(noVersion.body.error_code).toBe(40402);
    expect((await call(server.url, "GET", "/schemas/ids/99999")).body.error_code).toBe(40403);
    const notRegistered = await call(server.url, "POST", `/subjects/${encodeURIComponent(SUBMITTED_SUBJECT)}`, { schema: V1 });
    expect(notRegistered).toMatchObject({ status: 404, body: { error_code: 40403 } });
    const invalid = await call(server.url, "POST", "/subjects/bad-value/versions", { schema: '{"type": "record", "name": "X"}' });
    expect(invalid).toMatchObject({ status: 422, body: { error_code: 42201 } });
    const notJson = await call(server.url, "POST", "/subjects/bad-value/versions", "{not json");
    expect(notJson.status).toBe(400);
    const badLevel = await call(server.url, "PUT", "/config/bad-value", { compatibility: "SIDEWAYS" });
    expect(badLevel.body.error_code).toBe(42203);
    const badVersion = await call(server.url, "GET", `/subjects/${encodeURIComponent(SUBMITTED_SUBJECT)}/versions/abc`);
    expect(badVersion.body.error_code).toBe(42202);
    await call(server.url, "POST", "/subjects/errors-value/versions", { schema: V1 });
    const conflict = await call(server.url, "POST", "/subjects/errors-value/versions", { schema: V2_BREAKING });
    expect(conflict).toMatchObject({ status: 409, body: { error_code: 409 } });
    const verbose = await call(server.url, "POST", "/compatibility/subjects/errors-value/versions/latest?verbose=true", {
      schema: V2_BREAKING,
    });
    expect(verbose.body.is_compatible).toBe(false);
    expect(verbose.body.messages.join("\n")).toMatch(/\/fields\/a|string|int/);
    const released = await call(server.url, "DELETE", `/subjects/${encodeURIComponent(SUBMITTED_SUBJECT)}`);
    expect(released.body.error_code).toBe(42205);
  });

  it("soft and hard deletes as Confluent defines them", async () => {
    const at = "/subjects/deleted-value";
    const { body } = await call(server.url, "POST", `${at}/versions`, { schema: V1 });
    expect((await call(server.url, "DELETE", `${at}/versions/1?permanent=true`)).body.error_code).toBe(40407);
    expect((await call(server.url, "DELETE", at)).body).toEqual([1]);
    expect((await call(server.url, "GET", `${at}/versions`)).body.error_code).toBe(40401);
    expect((await call(server.url, "GET", `${at}/versions?deleted=true`)).body).toEqual([1]);
    expect((await call(server.url, "DELETE", at)).body.error_code).toBe(40404);
    expect((await call(server.url, "DELETE", `${at}?permanent=true`)).body).toEqual([1]);
    expect((await call(server.url, "GET", `${at}/versions?deleted=true`)).body.error_code).toBe(40401);
    // The id stays the schema's: registering it again gives the same id.
    expect((await call(server.url, "POST", `${at}/versions`, { schema: V1 })).body.id).toBe(body.id);
  });

  it("gives one id to 100 concurrent registrations of one schema, and loses none across a restart", async () => {
    const same = await Promise.all(
      Array.from({ length: 100 }, () => call(server.url, "POST", "/subjects/concurrent-value/versions", { schema: V1 })),
    );
    expect(new Set(same.map((r) => r.body.id)).size).toBe(1);
    const distinct = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        call(server.url, "POST", `/subjects/concurrent-${i}-value/versions`, { schema: record(`T${i}`, [{ name: "a", type: "string" }]) }),
      ),
    );
    const ids = distinct.map((r) => r.body.id as number);
    expect(new Set(ids).size).toBe(100);
    await server.close();
    server = await serveRegistry({ config, port: 0, host: "127.0.0.1", data });
    for (const [i, id] of ids.entries()) {
      const latest = await call(server.url, "GET", `/subjects/concurrent-${i}-value/versions/latest`);
      expect(latest.body.id).toBe(id);
    }
    const again = await call(server.url, "POST", "/subjects/concurrent-value/versions", { schema: V1 });
    expect(again.body.id).toBe(same[0]?.body.id);
  });

  it("JSON Schema subjects: registered, checked by Confluent's JSON rules", async () => {
    const v1 = JSON.stringify({ type: "object", properties: { a: { type: "string" } }, additionalProperties: false });
    const narrowed = JSON.stringify({ type: "object", properties: { a: { type: "string", maxLength: 3 } }, additionalProperties: false });
    const first = await call(server.url, "POST", "/subjects/json-value/versions", { schema: v1, schemaType: "JSON" });
    expect(first.status).toBe(200);
    const fetched = await call(server.url, "GET", `/schemas/ids/${first.body.id}`);
    expect(fetched.body.schemaType).toBe("JSON");
    await call(server.url, "PUT", "/config/json-value", { compatibility: "BACKWARD" });
    const check = await call(server.url, "POST", "/compatibility/subjects/json-value/versions/latest", {
      schema: narrowed,
      schemaType: "JSON",
    });
    expect(check.body.is_compatible).toBe(false);
    for (const dialect of ["http://json-schema.org/draft-06/schema#", "https://json-schema.org/draft/2019-09/schema"]) {
      const schema = JSON.stringify({ $schema: dialect, type: "object", properties: { a: { type: "string" } } });
      const answer = await call(server.url, "POST", `/subjects/json-${dialect.length}-value/versions`, { schema, schemaType: "JSON" });
      expect(answer.status, dialect).toBe(200);
    }
    const draft04 = JSON.stringify({ $schema: "http://json-schema.org/draft-04/schema#", type: "string" });
    const refused = await call(server.url, "POST", "/subjects/json-draft04-value/versions", { schema: draft04, schemaType: "JSON" });
    expect(refused.body).toEqual({ error_code: 42201, message: expect.stringContaining("draft-04/schema# is not supported") });
    const draft07 = JSON.stringify({ $schema: "http://json-schema.org/draft-07/schema#", type: "array", items: [{ type: "string" }] });
    expect((await call(server.url, "POST", "/subjects/json-draft07-value/versions", { schema: draft07, schemaType: "JSON" })).status).toBe(
      200,
    );
    const broken = JSON.stringify({ type: "object", properties: { a: { type: "strin" } } });
    expect(
      (await call(server.url, "POST", "/subjects/json-broken-value/versions", { schema: broken, schemaType: "JSON" })).body.error_code,
    ).toBe(42201);
  });
});

describe("canon registry serve: read-only, auth and limits", () => {
  it("refuses writes in read-only mode with 42205", async () => {
    const server = await serveRegistry({ config, port: 0, host: "127.0.0.1", readOnly: true });
    try {
      const write = await call(server.url, "POST", "/subjects/x-value/versions", { schema: V1 });
      expect(write).toMatchObject({ status: 422, body: { error_code: 42205 } });
      expect((await call(server.url, "GET", "/mode")).body).toEqual({ mode: "READONLY" });
    } finally {
      await server.close();
    }
  });

  it("answers 401 the same for a subject that exists and one that does not; accepts the right password", async () => {
    const server = await serveRegistry({ config, port: 0, host: "127.0.0.1", data: tempDir("registry-auth") });
    const saved = process.env.EVENTCANON_REGISTRY_USERS;
    try {
      await server.close();
      process.env.EVENTCANON_REGISTRY_USERS = "ci:s3cret,reader:other";
      const secured = await serveRegistry({ config, port: 0, host: "127.0.0.1" });
      try {
        const exists = await call(secured.url, "GET", `/subjects/${encodeURIComponent(SUBMITTED_SUBJECT)}/versions`);
        const absent = await call(secured.url, "GET", "/subjects/nothing-here/versions");
        const wrong = await call(secured.url, "GET", "/subjects", undefined, {
          authorization: `Basic ${Buffer.from("ci:wrong").toString("base64")}`,
        });
        for (const r of [exists, absent, wrong])
          expect(r).toEqual({ status: 401, type: CONTENT_TYPE, body: { error_code: 40101, message: "Unauthorized" } });
        const right = await call(secured.url, "GET", "/subjects", undefined, {
          authorization: `Basic ${Buffer.from("ci:s3cret").toString("base64")}`,
        });
        expect(right.status).toBe(200);
      } finally {
        await secured.close();
      }
    } finally {
      if (saved === undefined) delete process.env.EVENTCANON_REGISTRY_USERS;
      else process.env.EVENTCANON_REGISTRY_USERS = saved;
    }
  });

  it("refuses a body over the limit with 413, and cuts off a client that sends too slowly", async () => {
    const server = await serveRegistry({ config, port: 0, host: "127.0.0.1", data: tempDir("registry-limits"), requestTimeoutMs: 1500 });
    try {
      const huge = await call(server.url, "POST", "/subjects/big-value/versions", { schema: "x".repeat(2 * 1024 * 1024) });
      expect(huge.status).toBe(413);
      const net = await import("node:net");
      const closed = await new Promise<{ ms: number; reply: string }>((resolve) => {
        const started = Date.now();
        const socket = net.connect(server.port, "127.0.0.1", () =>
          socket.write("POST /subjects/slow-value/versions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"),
        );
        let reply = "";
        socket.on("data", (d) => {
          reply += d.toString();
        });
        socket.on("close", () => resolve({ ms: Date.now() - started, reply }));
      });
      expect(closed.ms).toBeLessThan(10_000);
      expect(closed.reply === "" || /^HTTP\/1.1 408/.test(closed.reply)).toBe(true);
    } finally {
      await server.close();
    }
  });
});
