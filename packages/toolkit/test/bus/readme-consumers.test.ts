import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { kafkaUnavailable, type Server, startKafka } from "@eventcanon/test-servers";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { examAttemptSubmittedV1, KafkaEventProducer } from "../../../openedx-events/src/index.js";
import { loadConfig } from "../../src/load/config.js";
import { type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { REPO, run, tempDir, tempDirInRepo, venvPython } from "../helpers.js";
import { until } from "./broker-reads.js";

/** The README's bus consumers, as a reader copies them: run against a real broker and stopped with SIGTERM. */

const missing = kafkaUnavailable();
if (missing) console.warn(`SKIPPED the README's bus consumer snippets: ${missing}`);

function snippet(name: string): string {
  const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
  const code = new RegExp(`<!-- snippet: ${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1];
  if (code === undefined) throw new Error(`README has no snippet ${name}`);
  return code;
}

const example = (
  JSON.parse(readFileSync(path.join(REPO, "schemas/events/org.openedx.learning.exam.attempt.submitted.v1.json"), "utf8")) as {
    examples: Parameters<typeof examAttemptSubmittedV1.encode>[0][];
  }
).examples[0] as Parameters<typeof examAttemptSubmittedV1.encode>[0];

/** What the snippets print for an event: its id and course. */
const PRINTED = /^[0-9a-f-]{36} course-v1:edX\+DemoX\+Demo_Course$/;

/** Runs a consumer until it printed an event, then stops it with SIGTERM; the lines it printed (KafkaJS's JSON logs aside), and its exit code. */
async function printsThenStops(child: ChildProcess): Promise<{ printed: string[]; stderr: string; code: number | null }> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  const printed = () => stdout.split("\n").filter((line) => line !== "" && !line.startsWith('{"level":'));
  await until(() => printed().some((line) => PRINTED.test(line)) || child.exitCode !== null, "the consumer's event", 60_000);
  child.kill("SIGTERM");
  const code = await exited;
  return { printed: printed(), stderr, code };
}

describe.skipIf(missing !== undefined)("the README's bus consumers", () => {
  let broker: Server;
  let registry: RunningRegistry;
  let env: NodeJS.ProcessEnv;
  const send = async () => {
    const producer = new KafkaEventProducer({
      kafka: new Kafka({ brokers: [broker.address], logLevel: logLevel.NOTHING }),
    });
    const sent = await producer.send(examAttemptSubmittedV1, example, { metadata: { id: crypto.randomUUID() } });
    await producer.disconnect();
    return sent;
  };
  beforeAll(async () => {
    broker = await startKafka();
    registry = await serveRegistry({ config: loadConfig(REPO), port: 0, host: "127.0.0.1", data: tempDir("readme-registry") });
    env = { ...process.env, KAFKA_BOOTSTRAP: broker.address, SCHEMA_REGISTRY_URL: registry.url };
  }, 90_000);
  afterAll(async () => {
    await registry?.close();
    await broker?.stop("SIGKILL");
  });

  it("TypeScript: type-checks, prints the event, and stops on SIGTERM with exit 0", async () => {
    await send();
    const dir = tempDirInRepo("readme-consumer");
    writeFileSync(path.join(dir, "consumer.ts"), snippet("typescript-bus-consumer"));
    const tsc = run(
      process.execPath,
      [
        path.join(REPO, "node_modules/typescript/bin/tsc"),
        "--strict",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--target",
        "es2022",
        "--types",
        "node",
        "--outDir",
        dir,
        path.join(dir, "consumer.ts"),
      ],
      dir,
    );
    expect(tsc.stdout + tsc.stderr).toBe("");
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
    const result = await printsThenStops(spawn(process.execPath, [path.join(dir, "consumer.js")], { cwd: dir, env }));
    expect(result.printed).toHaveLength(1);
    expect(result.printed[0]).toMatch(PRINTED);
    expect(result.code).toBe(0);
  }, 120_000);

  it("Python: prints the next event for the same group, and stops on SIGTERM with exit 0", async () => {
    await send();
    const dir = tempDir("readme-consumer-py");
    writeFileSync(path.join(dir, "consumer.py"), snippet("python-bus-consumer"));
    const child = spawn(venvPython(), [path.join(dir, "consumer.py")], {
      cwd: dir,
      env: { ...env, PYTHONPATH: path.join(REPO, "packages/openedx-events-py/src") },
    });
    const result = await printsThenStops(child);
    // The same group as the TypeScript consumer, which committed the first event: only the second comes.
    expect(result.printed).toHaveLength(1);
    expect(result.printed[0]).toMatch(PRINTED);
    expect(result.code).toBe(0);
  }, 120_000);
});
