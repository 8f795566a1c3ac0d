import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { kafkaUnavailable, redisUnavailable, type Server, startKafka, startRedis } from "@eventcanon/test-servers";
import { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEAD_LETTER,
  examAttemptSubmittedV1,
  Handlers,
  KafkaEventConsumer,
  KafkaEventProducer,
  RedisEventConsumer,
  RedisEventProducer,
  SchemaRegistryClient,
} from "../../../openedx-events/src/index.js";
import { loadConfig } from "../../src/load/config.js";
import { type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { REPO, tempDir } from "../helpers.js";
import { quiet, until } from "./broker-reads.js";

/**
 * The bus clients under the faults they must survive: a broker killed and restarted mid-stream, a
 * consumer killed with SIGKILL mid-stream, the registry down, Redis restarted. Nothing acknowledged is
 * lost; what comes twice, as at-least-once allows, is counted.
 */

const missingKafka = kafkaUnavailable();
const missingRedis = redisUnavailable();
if (missingKafka) console.warn(`SKIPPED the Kafka fault tests: ${missingKafka}`);
if (missingRedis) console.warn(`SKIPPED the Redis fault tests: ${missingRedis}`);

type Submitted = Parameters<typeof examAttemptSubmittedV1.encode>[0];
const example = (
  JSON.parse(readFileSync(path.join(REPO, "schemas/events/org.openedx.learning.exam.attempt.submitted.v1.json"), "utf8")) as {
    examples: Submitted[];
  }
).examples[0] as Submitted;
const numbered = (n: number): Submitted => ({
  exam_attempt: { ...example.exam_attempt, student_user: { ...example.exam_attempt.student_user, id: n } },
});

/** Sends until the send is acknowledged, as a producer that must not lose an event does; counts the failed tries. */
async function sendSurely(send: () => Promise<unknown>): Promise<number> {
  for (let failed = 0; ; failed++) {
    try {
      await send();
      return failed;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Counts of each user id seen: every id once is nothing lost; more than once, a duplicate. */
function tally(ids: readonly number[], total: number): { missing: number[]; duplicates: number } {
  const seen = new Map<number, number>();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  return {
    missing: Array.from({ length: total }, (_, i) => i + 1).filter((id) => !seen.has(id)),
    duplicates: [...seen.values()].reduce((n, c) => n + c - 1, 0),
  };
}

describe.skipIf(missingKafka !== undefined)("Kafka under faults", () => {
  let broker: Server;
  let kafka: Kafka;
  beforeAll(async () => {
    broker = await startKafka();
    kafka = new Kafka({
      clientId: "faults",
      brokers: [broker.address],
      logLevel: logLevel.NOTHING,
      retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
  }, 90_000);
  afterAll(() => broker?.stop("SIGKILL"));

  it("a broker killed and restarted mid-stream loses nothing acknowledged; duplicates only from retried sends", async () => {
    const topic = "faults-broker-restart";
    const producer = new KafkaEventProducer({ kafka });
    const ids: number[] = [];
    const consumer = new KafkaEventConsumer({
      kafka,
      groupId: "faults-restart",
      topics: [topic],
      start: "earliest",
      logger: quiet,
      handlers: new Handlers().on(examAttemptSubmittedV1, (data) => {
        ids.push(data.exam_attempt.student_user.id);
      }),
    });
    const running = consumer.run();
    const total = 300;
    let retried = 0;
    for (let n = 1; n <= total; n++) {
      if (n === 101) {
        await broker.stop("SIGKILL");
        void new Promise((resolve) => setTimeout(resolve, 1_000)).then(() => broker.start());
      }
      retried += await sendSurely(() => producer.send(examAttemptSubmittedV1, numbered(n), { topic }));
    }
    await producer.disconnect();
    await until(() => tally(ids, total).missing.length === 0, `all ${total} events`, 120_000);
    await consumer.stop();
    await running;
    const { missing, duplicates } = tally(ids, total);
    console.log(`broker restart: ${total} sent, ${retried} sends retried, ${duplicates} duplicates received`);
    expect(missing).toEqual([]);
    // A send that failed may still have been written: each retried send can give one duplicate at most,
    // and the consumer re-reads what it had handled but not committed when the broker went (one message).
    expect(duplicates).toBeLessThanOrEqual(retried + 1);
  }, 240_000);

  it("a consumer killed with SIGKILL mid-stream: the restarted one re-reads only what was not committed", async () => {
    const topic = "faults-consumer-kill";
    const producer = new KafkaEventProducer({ kafka });
    const total = 200;
    for (let n = 1; n <= total; n++) await producer.send(examAttemptSubmittedV1, numbered(n), { topic });
    await producer.disconnect();
    const cli = path.join(REPO, "packages/openedx-events/bin/eventcanon-openedx.js");
    const consume = (extra: string[]) =>
      spawn(process.execPath, [
        cli,
        "consume",
        "--bus",
        "kafka",
        "--bootstrap",
        broker.address,
        "--topic",
        topic,
        "--group",
        "killed",
        ...extra,
      ]);
    const lines = (child: ChildProcess) => {
      const out: { position: string; id: number }[] = [];
      let buffer = "";
      child.stdout?.on("data", (d: Buffer) => {
        buffer += d.toString();
        const parts = buffer.split("\n");
        buffer = parts.pop() ?? "";
        for (const line of parts) {
          const parsed = JSON.parse(line) as { position: string; data: Submitted };
          out.push({ position: parsed.position, id: parsed.data.exam_attempt.student_user.id });
        }
      });
      return out;
    };
    const first = consume(["--from-beginning"]);
    const before = lines(first);
    await until(() => before.length >= 80, "80 events in the first consumer", 60_000);
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    // The killed member holds its partition until its session (10 s) times out; then the second one reads on.
    const second = consume(["--from-beginning", "--idle-ms", "25000"]);
    const after = lines(second);
    await new Promise((resolve) => second.once("exit", resolve));
    const { missing, duplicates } = tally(
      [...before, ...after].map((l) => l.id),
      total,
    );
    console.log(`consumer SIGKILL: first read ${before.length}, second ${after.length}, ${duplicates} read twice`);
    expect(missing).toEqual([]);
    // Offsets are committed after each message: at most the one in hand when the process died comes again.
    expect(duplicates).toBeLessThanOrEqual(1);
    const lastBefore = Number(before.at(-1)?.position.split(":")[1]);
    expect(Number(after[0]?.position.split(":")[1])).toBeGreaterThanOrEqual(lastBefore);
    expect(Number(after[0]?.position.split(":")[1])).toBeLessThanOrEqual(lastBefore + 1);
  }, 180_000);

  describe("with the registry down", () => {
    let registry: RunningRegistry;
    beforeAll(async () => {
      registry = await serveRegistry({ config: loadConfig(REPO), port: 0, host: "127.0.0.1", data: tempDir("faults-registry") });
    });
    afterAll(() => registry?.close());

    it("a producer with bundled ids keeps sending; a consumer meeting an unknown id retries, then dead-letters", async () => {
      const topic = "faults-registry-down";
      // A newer writer schema, known to the registry only: the field `note` added with a default.
      const newer = structuredClone(examAttemptSubmittedV1.avroSchema) as { fields: object[] };
      newer.fields.push({ name: "note", type: "string", default: "" });
      const response = await fetch(`${registry.url}/subjects/faults-newer/versions`, {
        method: "POST",
        headers: { "content-type": "application/vnd.schemaregistry.v1+json" },
        body: JSON.stringify({ schema: JSON.stringify(newer) }),
      });
      const newerId = ((await response.json()) as { id: number }).id;
      const client = new SchemaRegistryClient({ url: registry.url, retries: 0, timeoutMs: 500 });
      await registry.close();

      const producer = new KafkaEventProducer({ kafka });
      await producer.send(examAttemptSubmittedV1, numbered(1), { topic });
      const raw = kafka.producer();
      await raw.connect();
      const body = examAttemptSubmittedV1.encodeFramed(numbered(2), newerId);
      await raw.send({ topic, messages: [{ value: body, headers: { ce_id: "newer", ce_type: examAttemptSubmittedV1.eventType } }] });
      await raw.disconnect();
      await producer.send(examAttemptSubmittedV1, numbered(3), { topic });
      await producer.disconnect();

      const ids: number[] = [];
      const consumer = new KafkaEventConsumer({
        kafka,
        groupId: "faults-registry",
        topics: [topic],
        start: "earliest",
        registry: client,
        retry: { retries: 2, backoffMs: 10 },
        logger: quiet,
        handlers: new Handlers().on(examAttemptSubmittedV1, (data) => {
          ids.push(data.exam_attempt.student_user.id);
        }),
      });
      const running = consumer.run();
      await until(() => ids.length === 2, "the two events with bundled ids", 60_000);
      await until(() => consumer.stats.deadLettered === 1, "the dead letter", 60_000);
      await consumer.stop();
      await running;
      expect(ids).toEqual([1, 3]);
      expect(consumer.stats).toEqual({ handled: 2, retried: 2, deadLettered: 1, ignored: 0 });
      const dlq = kafka.consumer({ groupId: "faults-registry-dlq" });
      await dlq.connect();
      await dlq.subscribe({ topics: [`${topic}-dead-letter`], fromBeginning: true });
      const headers: Record<string, string>[] = [];
      await dlq.run({
        eachMessage: async ({ message }) => {
          headers.push(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])));
        },
      });
      await until(() => headers.length === 1, "the dead letter on the broker", 60_000);
      await dlq.disconnect();
      expect(headers[0]?.[DEAD_LETTER.code]).toBe("registry-error");
      expect(headers[0]?.[DEAD_LETTER.attempts]).toBe("3");
      expect(headers[0]?.[DEAD_LETTER.reason]).toMatch(
        new RegExp(
          `^${examAttemptSubmittedV1.eventType}: cannot fetch writer schema id ${newerId}: schema registry ${registry.url}: GET /schemas/ids/${newerId}: failed after 1 attempts: `,
        ),
      );
    }, 120_000);
  });
});

describe.skipIf(missingRedis !== undefined)("Redis under faults", () => {
  let server: Server;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(() => server?.stop("SIGKILL"));

  it("Redis restarted mid-stream: the consumer waits and reads on, nothing appended is lost", async () => {
    const stream = "faults-redis-restart";
    const producerRedis = new Redis(server.address, { maxRetriesPerRequest: 2, retryStrategy: () => 200 });
    const consumerRedis = new Redis(server.address, { maxRetriesPerRequest: 2, retryStrategy: () => 200 });
    producerRedis.on("error", () => {});
    consumerRedis.on("error", () => {});
    try {
      const producer = new RedisEventProducer({ redis: producerRedis });
      const ids: number[] = [];
      const consumer = new RedisEventConsumer({
        redis: consumerRedis,
        group: "restart",
        streams: [stream],
        start: "earliest",
        blockMs: 200,
        logger: quiet,
        handlers: new Handlers().on(examAttemptSubmittedV1, (data) => {
          ids.push(data.exam_attempt.student_user.id);
        }),
      });
      const running = consumer.run();
      const total = 200;
      let retried = 0;
      for (let n = 1; n <= total; n++) {
        if (n === 101) {
          await server.stop("SIGTERM");
          void new Promise((resolve) => setTimeout(resolve, 1_000)).then(() => server.start());
        }
        retried += await sendSurely(() => producer.send(examAttemptSubmittedV1, numbered(n), { topic: stream }));
      }
      await until(() => tally(ids, total).missing.length === 0, `all ${total} entries`, 60_000);
      await consumer.stop();
      await running;
      const { missing, duplicates } = tally(ids, total);
      console.log(`redis restart: ${total} sent, ${retried} sends retried, ${duplicates} duplicates received`);
      expect(missing).toEqual([]);
      expect(duplicates).toBeLessThanOrEqual(retried + 1);
    } finally {
      producerRedis.disconnect();
      consumerRedis.disconnect();
    }
  }, 120_000);
});
