import { readFileSync } from "node:fs";
import path from "node:path";
import { AvroDeserializer, SchemaRegistryClient, SerdeType } from "@confluentinc/schemaregistry";
import { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/lint/catalog.js";
import { loadConfig } from "../../src/load/config.js";
import { inWireForm } from "../../src/load/values.js";
import { type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { REPO } from "../helpers.js";
import { runPeer } from "../runtime/peer.js";
import { PYTHON_PACKAGE } from "../runtime/upstream.js";

const config = loadConfig(REPO);
const EVENTS = [
  ["org.openedx.learning.exam.attempt.submitted.v1", "learning-exam-attempt-lifecycle"],
  ["org.openedx.learning.course.enrollment.created.v1", "learning-course-enrollment-lifecycle"],
] as const;

const { model } = loadCatalog(config, REPO);
/**
 * The example in the wire form (date-times as isoformat() writes them): Python writes that form whatever
 * string it was given, TypeScript the string it was given, so the same bytes come from the same form.
 */
const exampleOf = (eventType: string) => {
  const event = model.events.find((e) => e.eventType === eventType);
  const [example] = (
    JSON.parse(readFileSync(path.join(config.schemas, "events", `${eventType}.json`), "utf8")) as { examples: Record<string, unknown>[] }
  ).examples;
  return event && example && inWireForm(model, event.record, example);
};

describe("a TypeScript and a Python producer share schema ids through canon registry serve", () => {
  let server: RunningRegistry;
  beforeAll(async () => {
    server = await serveRegistry({ config, port: 0, host: "127.0.0.1" });
  });
  afterAll(() => server.close());

  for (const [eventType, topic] of EVENTS) {
    const subject = `${topic}-${eventType}.CloudEvent`;
    it(`${eventType}: TypeScript writes, Python reads; Python writes, TypeScript reads, the same bytes`, async () => {
      const example = exampleOf(eventType);
      expect(example).toBeDefined();
      const registry = new SchemaRegistry({ host: server.url });
      const id = await registry.getLatestSchemaId(subject);
      const fromTs = await registry.encode(id, example);

      // The Python package, as a consumer and as a producer that must not register: ids from the registry.
      const [read, written] = await runPeer(
        [PYTHON_PACKAGE.path],
        [
          { op: "deserialize", package: PYTHON_PACKAGE.name, event: eventType, hex: fromTs.toString("hex"), registry: server.url },
          { op: "serialize", package: PYTHON_PACKAGE.name, event: eventType, data: example, registry: server.url },
        ],
      );
      expect(read).toEqual({ ok: true, id, value: example });
      expect(written).toEqual({ ok: true, hex: fromTs.toString("hex") });
      const fromPython = Buffer.from(written?.ok ? (written.hex ?? "") : "", "hex");
      expect(await registry.decode(fromPython)).toEqual(example);
      const official = new AvroDeserializer(new SchemaRegistryClient({ baseURLs: [server.url] }), SerdeType.VALUE, {});
      expect(await official.deserialize(topic, fromPython)).toEqual(example);
    });
  }
});
