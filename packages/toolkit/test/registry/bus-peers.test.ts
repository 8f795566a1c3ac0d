import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { AvroDeserializer, SchemaRegistryClient, SerdeType } from "@confluentinc/schemaregistry";
import { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { REPO, TOOLKIT, venvPython } from "../helpers.js";

const config = loadConfig(REPO);
const EVENTS = [
  ["org.openedx.learning.exam.attempt.submitted.v1", "learning-exam-attempt-lifecycle"],
  ["org.openedx.learning.course.enrollment.created.v1", "learning-course-enrollment-lifecycle"],
] as const;

/** Runs the Python peer without blocking: the registry it talks to is served by this process. */
function python(args: string[], input: string): Promise<unknown> {
  const child = spawn(venvPython(), [path.join(TOOLKIT, "test/registry/python_peer.py"), ...args], {
    env: { ...process.env, PYTHONPATH: path.join(REPO, "packages/openedx-events-py/src") },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin.end(input);
  return new Promise((resolve, reject) =>
    child.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`python_peer.py ${args.join(" ")}: ${stderr}`)),
    ),
  );
}

const exampleOf = (eventType: string) =>
  (JSON.parse(readFileSync(path.join(config.schemas, "events", `${eventType}.json`), "utf8")) as { examples: unknown[] }).examples[0];

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

      const read = (await python(["consume", server.url, eventType, subject], fromTs.toString("hex"))) as { id: number; value: unknown };
      expect(read.id).toBe(id);
      expect(read.value).toEqual(example);

      const written = (await python(["produce", server.url, eventType, subject], JSON.stringify(example))) as { id: number; hex: string };
      expect(written.id).toBe(id);
      const fromPython = Buffer.from(written.hex, "hex");
      expect(fromPython.equals(fromTs)).toBe(true);
      expect(await registry.decode(fromPython)).toEqual(example);
      const official = new AvroDeserializer(new SchemaRegistryClient({ baseURLs: [server.url] }), SerdeType.VALUE, {});
      expect(await official.deserialize(topic, fromPython)).toEqual(example);
    });
  }
});
