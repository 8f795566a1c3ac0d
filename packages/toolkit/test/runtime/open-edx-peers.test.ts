import { readFileSync } from "node:fs";
import path from "node:path";
import { AvroSerializer, SchemaRegistryClient as ConfluentClient, SerdeType } from "@confluentinc/schemaregistry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMetadata,
  examAttemptSubmittedV1,
  registrationText,
  SchemaRegistryClient,
  toKafkaHeaders,
} from "../../../openedx-events/src/index.js";
import { loadConfig } from "../../src/load/config.js";
import { type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { REPO, tempDir } from "../helpers.js";
import { faultyProxy } from "../registry/faulty-proxy.js";
import { bus, PEERS_MISSING as missing, runPeer } from "./peer.js";
import { PYTHON_PACKAGE } from "./upstream.js";

/**
 * Interoperating with the Open edX bus's own code, not an imitation of it: edx-event-bus-kafka's
 * serializers and deserializer for the real openedx-events signal, its header parsing, and
 * confluent-kafka's and the official Confluent JS client's Avro serializers, all against
 * `canon registry serve`, with both packages on the other side.
 */

if (missing) console.warn(`SKIPPED the tests against the Open edX bus's own libraries: no ${missing}`);

const SUBMITTED = "org.openedx.learning.exam.attempt.submitted.v1";
const TOPIC = "learning-exam-attempt-lifecycle";
const config = loadConfig(REPO);
const example = (
  JSON.parse(readFileSync(path.join(config.schemas, "events", `${SUBMITTED}.json`), "utf8")) as {
    examples: Parameters<typeof examAttemptSubmittedV1.encode>[0][];
  }
).examples[0] as Parameters<typeof examAttemptSubmittedV1.encode>[0];

describe.skipIf(missing !== undefined)("the Open edX bus's own libraries and the official Confluent clients", () => {
  let server: RunningRegistry;
  beforeAll(async () => {
    server = await serveRegistry({ config, port: 0, host: "127.0.0.1", data: tempDir("open-edx-peers") });
  });
  afterAll(() => server?.close());

  it("edx-event-bus-kafka's consumer reads the envelope both packages write with every default", async () => {
    const [python] = await runPeer([PYTHON_PACKAGE.path], [{ op: "metadata-headers", package: PYTHON_PACKAGE.name, event: SUBMITTED }]);
    const fromTs = Object.entries(toKafkaHeaders(createMetadata(SUBMITTED)));
    const fromPython = python?.ok ? (python.headers ?? []) : [];
    // The old Python default, sourcelib "", is what edx's consumer fails on.
    const old = fromPython.map(([k, v]) => [k, k === "sourcelib" ? "" : v]);
    const [ts, py, broken] = await bus(server.url, [
      { op: "edx-metadata", headers: fromTs },
      { op: "edx-metadata", headers: fromPython },
      { op: "edx-metadata", headers: old },
    ]);
    for (const [outcome, headers] of [
      [ts, fromTs],
      [py, fromPython],
    ] as const) {
      const sent = Object.fromEntries(headers);
      expect(outcome).toEqual({
        ok: true,
        metadata: {
          event_type: SUBMITTED,
          id: sent.ce_id,
          minorversion: 0,
          source: sent.ce_source,
          sourcehost: sent.sourcehost,
          // edx reads the time with datetime.fromisoformat and writes it back with isoformat: unchanged.
          time: sent.ce_time,
          sourcelib: [11, 2, 0],
        },
      });
      expect(sent.ce_source).toMatch(/^openedx\/.+\/web$/);
    }
    expect(broken).toEqual({ ok: false, type: "ValueError", error: "invalid literal for int() with base 10: ''" });
  });

  it("edx's producer writes the value and key under the bus's subjects, and both packages read them", async () => {
    const [produced] = await bus(server.url, [
      { op: "edx-produce", event: SUBMITTED, data: example, topic: TOPIC, key_field: "exam_attempt.course_key" },
    ]);
    if (!produced?.ok) throw new Error(JSON.stringify(produced));
    const subjects = (await (await fetch(`${server.url}/subjects`)).json()) as string[];
    expect(subjects).toContain(`${TOPIC}-string`);
    expect(subjects).toContain(`${TOPIC}-${SUBMITTED}.CloudEvent`);
    const value = Buffer.from(String(produced.value), "hex");
    const key = Buffer.from(String(produced.key), "hex");
    // openedx-events' own schema (its docs are not this catalog's) is a version of the subject the package does not bundle.
    expect(value.readUInt32BE(1)).not.toBe(examAttemptSubmittedV1.schemaId);
    // The key field's JSON that edx registers is the released "string" key schema: same subject, same id.
    expect(key.readUInt32BE(1)).toBe(examAttemptSubmittedV1.keySchemaId);
    const registry = new SchemaRegistryClient({ url: server.url });
    expect((await examAttemptSubmittedV1.deserialize(value, { registry })).data).toEqual(example);
    expect((await examAttemptSubmittedV1.deserializeKey(key, { registry })).key).toBe(example.exam_attempt.course_key);
    const [python, pythonKey] = await runPeer(
      [PYTHON_PACKAGE.path],
      [
        { op: "deserialize", package: PYTHON_PACKAGE.name, event: SUBMITTED, hex: value.toString("hex"), registry: server.url },
        { op: "deserialize-key", package: PYTHON_PACKAGE.name, event: SUBMITTED, hex: key.toString("hex"), registry: server.url },
      ],
    );
    expect(python).toEqual({ ok: true, id: value.readUInt32BE(1), value: example });
    expect(pythonKey).toEqual({ ok: true, id: key.readUInt32BE(1), value: example.exam_attempt.course_key });
  });

  it("edx's consumer reads what both packages write, offline ids and looked-up ids alike", async () => {
    const registry = new SchemaRegistryClient({ url: server.url });
    const offline = await examAttemptSubmittedV1.serialize(example);
    const looked = await examAttemptSubmittedV1.serialize(example, { registry, topic: TOPIC });
    expect(looked.equals(offline)).toBe(true);
    const [python] = await runPeer(
      [PYTHON_PACKAGE.path],
      [{ op: "serialize", package: PYTHON_PACKAGE.name, event: SUBMITTED, data: example, registry: server.url }],
    );
    expect(python).toEqual({ ok: true, hex: offline.toString("hex") });
    const [read] = await bus(server.url, [{ op: "edx-consume", event: SUBMITTED, hex: offline.toString("hex"), topic: TOPIC }]);
    expect(read).toEqual({ ok: true, value: example });
  });

  it("registers the very text edx-event-bus-kafka and confluent-kafka register, under the same subjects", async () => {
    const bodies: { url: string; schema: string }[] = [];
    const proxy = await faultyProxy(server.url, ({ method, url, body }) => {
      if (method === "POST") bodies.push({ url, schema: (JSON.parse(body) as { schema: string }).schema });
      return "pass";
    });
    try {
      const registry = new SchemaRegistryClient({ url: proxy.url });
      const topic = "texts-learning-exam-attempt-lifecycle";
      await examAttemptSubmittedV1.serialize(example, { registry, topic, autoRegister: true });
      await examAttemptSubmittedV1.serializeKey(example, { registry, topic, autoRegister: true });
      const valueText = registrationText(examAttemptSubmittedV1.avroSchema);
      // What edx's own functions make of the package's schema: json.dumps(sort_keys=True), and extract_key_schema.
      const [edx] = await bus(proxy.url, [
        { op: "edx-key-text", schema: examAttemptSubmittedV1.avroSchema, key_field: "exam_attempt.course_key" },
      ]);
      // confluent-kafka, given those texts (openedx-events' schema_string and edx's extract_key_schema form), sends them
      // as they are (and normalize=False, Python's spelling, which Confluent's server reads case-insensitively).
      const [confluentValue, confluentKey] = await bus(proxy.url, [
        { op: "confluent-serialize", schema: valueText, data: example, topic, field: "value" },
        { op: "confluent-serialize", schema: edx?.ok && edx.text, data: example.exam_attempt.course_key, topic, field: "key" },
      ]);
      expect(confluentValue?.ok && confluentKey?.ok).toBe(true);
      expect(bodies.map((b) => b.url)).toEqual([
        `/subjects/${encodeURIComponent(`${topic}-${SUBMITTED}.CloudEvent`)}/versions`,
        `/subjects/${encodeURIComponent(`${topic}-string`)}/versions`,
        `/subjects/${encodeURIComponent(`${topic}-${SUBMITTED}.CloudEvent`)}/versions?normalize=False`,
        `/subjects/${encodeURIComponent(`${topic}-string`)}/versions?normalize=False`,
      ]);
      expect(bodies[0]?.schema).toBe(edx?.ok && edx.value_text);
      expect(bodies[1]?.schema).toBe(edx?.ok && edx.text);
      expect(JSON.parse(bodies[1]?.schema ?? "")).toMatchObject({ name: "course_key", type: "string" });
      expect(bodies[2]?.schema).toBe(bodies[0]?.schema);
      expect(bodies[3]?.schema).toBe(bodies[1]?.schema);
      // And confluent-kafka's frames read in both packages.
      const value = Buffer.from(String(confluentValue?.ok && confluentValue.hex), "hex");
      const key = Buffer.from(String(confluentKey?.ok && confluentKey.hex), "hex");
      expect(await examAttemptSubmittedV1.deserialize(value, { registry })).toEqual({
        schemaId: examAttemptSubmittedV1.schemaId,
        data: example,
      });
      expect(await examAttemptSubmittedV1.deserializeKey(key, { registry })).toEqual({
        schemaId: examAttemptSubmittedV1.keySchemaId,
        key: example.exam_attempt.course_key,
      });
      const [python, pythonKey] = await runPeer(
        [PYTHON_PACKAGE.path],
        [
          { op: "deserialize", package: PYTHON_PACKAGE.name, event: SUBMITTED, hex: value.toString("hex"), registry: server.url },
          { op: "deserialize-key", package: PYTHON_PACKAGE.name, event: SUBMITTED, hex: key.toString("hex"), registry: server.url },
        ],
      );
      expect(python).toEqual({ ok: true, id: examAttemptSubmittedV1.schemaId, value: example });
      expect(pythonKey).toEqual({ ok: true, id: examAttemptSubmittedV1.keySchemaId, value: example.exam_attempt.course_key });
    } finally {
      await proxy.close();
    }
  });

  it("confluent-kafka's and the official JS client's deserializers read both packages' frames, and the reverse", async () => {
    const registry = new SchemaRegistryClient({ url: server.url });
    const ours = await examAttemptSubmittedV1.serialize(example, { registry });
    // The official JS serializer, told the schema id a producer was configured with, under the bus's subject.
    const official = new AvroSerializer(new ConfluentClient({ baseURLs: [server.url] }), SerdeType.VALUE, {
      useSchemaId: ours.readUInt32BE(1),
      subjectNameStrategy: (topic) => `${topic}-${SUBMITTED}.CloudEvent`,
    });
    const theirs = await official.serialize(TOPIC, example);
    const [byConfluent, pyReadsJs] = await Promise.all([
      bus(server.url, [{ op: "confluent-deserialize", hex: ours.toString("hex"), topic: TOPIC }]),
      runPeer(
        [PYTHON_PACKAGE.path],
        [{ op: "deserialize", package: PYTHON_PACKAGE.name, event: SUBMITTED, hex: theirs.toString("hex"), registry: server.url }],
      ),
    ]);
    expect(byConfluent[0]).toEqual({ ok: true, value: example });
    expect(pyReadsJs[0]).toMatchObject({ ok: true, value: example });
    expect((await examAttemptSubmittedV1.deserialize(theirs, { registry })).data).toEqual(example);
  });
});
