import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { kafkaUnavailable, redisUnavailable, type Server, startKafka, startRedis } from "@eventcanon/test-servers";
import { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type EventMetadata,
  events,
  Handlers,
  KafkaEventConsumer,
  KafkaEventProducer,
  RedisEventConsumer,
  RedisEventProducer,
  SchemaRegistryClient,
} from "../../../openedx-events/src/index.js";
import { loadConfig } from "../../src/load/config.js";
import { type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { REPO, runAsync, TOOLKIT, tempDir } from "../helpers.js";
import { EDX_HEADER_ORDER, quiet, rawKafkaMessages, until } from "./broker-reads.js";
import { linesOf, type PyCall, pyBusDone } from "./python-bus.js";

/**
 * A TypeScript service and edx-platform's own bus libraries (edx-event-bus-kafka 6, edx-event-bus-redis 1,
 * with openedx-events 11.2.0) exchange every Open edX event the bus can carry, over a real Kafka broker
 * and a real Redis, in both directions: the bus's producer -> our consumer, our producer -> the bus's
 * consumer firing its Django signals (asserted in a receiver).
 */

const PEERS = path.join(REPO, ".venv-peers/bin/python");
const missing =
  kafkaUnavailable() ??
  redisUnavailable() ??
  (existsSync(PEERS) ? undefined : `${PEERS} (Python 3.12 with the Open edX bus: scripts/setup.sh)`);
if (missing) console.warn(`SKIPPED the tests against edx-event-bus-kafka and edx-event-bus-redis: ${missing}`);

const config = loadConfig(REPO);
/** The bus's producer sends every event to its topic: one topic carries them all here, as ce_type tells them apart. */
const TOPIC = "interop-all-events";
type EventType = keyof typeof events;
interface Example {
  readonly event: EventType;
  readonly data: unknown;
  readonly key_field: string;
  readonly topic: string;
}
/** Every event but the two whose data openedx-events cannot put on the bus (an open file), with its first example. */
const EXAMPLES: Example[] = (Object.keys(events) as EventType[])
  .filter((e) => !e.startsWith("org.openedx.content_authoring.course.certificate_config."))
  .map((event) => {
    const schema = JSON.parse(readFileSync(path.join(config.schemas, "events", `${event}.json`), "utf8")) as { examples: unknown[] };
    return { event, data: schema.examples[0], key_field: events[event].keyField as string, topic: TOPIC };
  });

async function edx(job: Record<string, unknown>): Promise<unknown> {
  const { code, stdout, stderr } = await runAsync(PEERS, [path.join(TOOLKIT, "test/bus/edx_bus.py")], { input: JSON.stringify(job) });
  if (code !== 0) throw new Error(`edx_bus.py exited ${code}:\n${stderr.slice(-3000)}`);
  return JSON.parse(stdout);
}

/** Collects every event of EXAMPLES' types, with its metadata. */
function collector() {
  const got: { event: string; data: unknown; metadata: EventMetadata }[] = [];
  const handlers = new Handlers();
  for (const { event } of EXAMPLES)
    handlers.on(events[event] as never, (data: unknown, delivery: { metadata: EventMetadata }) => {
      got.push({ event, data, metadata: delivery.metadata });
    });
  return { got, handlers };
}

describe.skipIf(missing !== undefined)("interoperating with edx-event-bus-kafka and edx-event-bus-redis", () => {
  let kafkaServer: Server;
  let redisServer: Server;
  let registry: RunningRegistry;
  let kafka: Kafka;
  let settings: Record<string, unknown>;
  beforeAll(async () => {
    [kafkaServer, redisServer] = await Promise.all([startKafka(), startRedis()]);
    registry = await serveRegistry({ config, port: 0, host: "127.0.0.1", data: tempDir("interop-registry") });
    kafka = new Kafka({ clientId: "interop", brokers: [kafkaServer.address], logLevel: logLevel.NOTHING, retry: { retries: 8 } });
    settings = {
      EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS: kafkaServer.address,
      EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL: registry.url,
      EVENT_BUS_REDIS_CONNECTION_URL: redisServer.address,
      EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT: 1,
      EVENTS_SERVICE_NAME: "edx-platform",
    };
  }, 120_000);
  afterAll(async () => {
    await registry?.close();
    await kafkaServer?.stop("SIGKILL");
    await redisServer?.stop("SIGKILL");
  });

  /** What edx's consumer received of EXAMPLES on a topic or stream, and what its serializer makes of them (the data to expect). */
  async function edxReceives(bus: "kafka" | "redis", topic: string, group: string) {
    const expected = (await edx({ settings, op: "normalize", events: EXAMPLES })) as unknown[];
    const { received } = (await edx({
      settings,
      op: "receive",
      bus,
      topic,
      group,
      event_types: EXAMPLES.map((e) => e.event),
      count: EXAMPLES.length,
      timeout: 120,
    })) as { received: { data: unknown; metadata: EventMetadata }[] };
    return { expected, received };
  }

  it(`Kafka: edx-event-bus-kafka's producer -> our consumer, ${EXAMPLES.length} events with equal data and metadata`, async () => {
    const topic = `${TOPIC}-from-edx`;
    const sent = (await edx({ settings, op: "send", bus: "kafka", events: EXAMPLES.map((e) => ({ ...e, topic })) })) as {
      metadata: EventMetadata;
      data: unknown;
    }[];
    const { got, handlers } = collector();
    const consumer = new KafkaEventConsumer({
      kafka,
      groupId: "ours-from-edx",
      topics: [topic],
      handlers,
      start: "earliest",
      registry: new SchemaRegistryClient({ url: registry.url }),
      logger: quiet,
    });
    const running = consumer.run();
    await until(() => got.length === EXAMPLES.length, `${EXAMPLES.length} events`, 60_000);
    await consumer.stop();
    await running;
    // edx's producer (librdkafka, not idempotent) may reorder a retried batch under load, so events pair up by type.
    expect(got.map((g) => g.event).sort()).toEqual(EXAMPLES.map((e) => e.event).sort());
    for (const g of got) {
      const i = EXAMPLES.findIndex((e) => e.event === g.event);
      expect(JSON.parse(JSON.stringify(g.data)), g.event).toEqual(sent[i]?.data);
      expect(g.metadata, g.event).toEqual(sent[i]?.metadata);
    }
    expect(consumer.stats).toEqual({ handled: EXAMPLES.length, retried: 0, deadLettered: 0, ignored: 0 });
    // The order our producers keep (test/bus/kafka.test.ts, python-kafka.test.ts) is edx's own.
    const [first] = await rawKafkaMessages(kafka, topic, 1);
    expect(first?.headers.map(([k]) => k)).toEqual(EDX_HEADER_ORDER);
  }, 180_000);

  it(`Kafka: our producer -> edx-event-bus-kafka's consumer, which fires the signal with equal data`, async () => {
    const topic = `${TOPIC}-to-edx`;
    // A new topic, so new subjects: registered as the bus's producer registers them (auto.register.schemas).
    const producer = new KafkaEventProducer({
      kafka,
      registry: new SchemaRegistryClient({ url: registry.url }),
      serializer: { autoRegister: true },
    });
    const sentMetadata: string[] = [];
    for (const e of EXAMPLES) {
      await producer.send(events[e.event] as never, e.data as never, { topic, metadata: { source: "openedx/ts-service/web" } });
      sentMetadata.push(e.event);
    }
    await producer.disconnect();
    await preCommitEarliest(topic, "edx-from-ours");
    const { expected, received } = await edxReceives("kafka", topic, "edx-from-ours");
    expect(received.map((r) => r.metadata.event_type)).toEqual(sentMetadata);
    for (const [i, r] of received.entries()) {
      expect(r.data, r.metadata.event_type).toEqual(expected[i]);
      expect(r.metadata.source).toBe("openedx/ts-service/web");
      expect(r.metadata.sourcelib).toBe("11.2.0");
    }
  }, 240_000);

  /** edx's consumer has no auto.offset.reset: a new group starts at the end. Its group is given offset 0 first. */
  async function preCommitEarliest(topic: string, groupId: string): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: "0" }] });
    await admin.disconnect();
  }

  it(`Redis: edx-event-bus-redis's producer -> our consumer, ${EXAMPLES.length} events with equal data and metadata`, async () => {
    const stream = `${TOPIC}-redis-from-edx`;
    const sent = (await edx({ settings, op: "send", bus: "redis", events: EXAMPLES.map((e) => ({ ...e, topic: stream })) })) as {
      metadata: EventMetadata;
      data: unknown;
    }[];
    const redis = new Redis(redisServer.address);
    try {
      const { got, handlers } = collector();
      const consumer = new RedisEventConsumer({
        redis,
        group: "ours-from-edx",
        streams: [stream],
        handlers,
        start: "earliest",
        logger: quiet,
      });
      const running = consumer.run();
      await until(() => got.length === EXAMPLES.length, `${EXAMPLES.length} entries`, 60_000);
      await consumer.stop();
      await running;
      for (const [i, g] of got.entries()) {
        expect(JSON.parse(JSON.stringify(g.data)), g.event).toEqual(sent[i]?.data);
        expect(g.metadata, g.event).toEqual(sent[i]?.metadata);
      }
      // Entries with no schema id are read with the package's schema, as edx's consumer reads every entry.
      expect(consumer.stats).toEqual({ handled: EXAMPLES.length, retried: 0, deadLettered: 0, ignored: 0 });
    } finally {
      redis.disconnect();
    }
  }, 180_000);

  it("Redis: our producer -> edx-event-bus-redis's consumer, which fires the signal with equal data", async () => {
    const stream = `${TOPIC}-redis-to-edx`;
    const redis = new Redis(redisServer.address);
    try {
      const producer = new RedisEventProducer({ redis });
      for (const e of EXAMPLES) await producer.send(events[e.event] as never, e.data as never, { topic: stream });
    } finally {
      redis.disconnect();
    }
    const { expected, received } = await edxReceives("redis", stream, "edx-from-ours");
    expect(received.length).toBe(EXAMPLES.length);
    for (const [i, r] of received.entries()) expect(r.data, r.metadata.event_type).toEqual(expected[i]);
  }, 240_000);
  it(`Python: edx-event-bus-kafka's producer -> our Python consumer, ${EXAMPLES.length} events with equal data and metadata`, async () => {
    const topic = `${TOPIC}-py-from-edx`;
    const sent = (await edx({ settings, op: "send", bus: "kafka", events: EXAMPLES.map((e) => ({ ...e, topic })) })) as {
      metadata: EventMetadata;
      data: unknown;
    }[];
    const lines = await pyBusDone({
      op: "consume",
      bus: "kafka",
      address: kafkaServer.address,
      group: "py-from-edx",
      topics: [topic],
      start: "earliest",
      registry: registry.url,
      until: EXAMPLES.length,
      events: EXAMPLES.map((e) => e.event),
    });
    const calls = linesOf<PyCall>(lines, "call");
    // Paired by type, as above: edx's producer may reorder a retried batch.
    expect(calls.map((c) => c.event_type).sort()).toEqual(EXAMPLES.map((e) => e.event).sort());
    for (const c of calls) {
      const i = EXAMPLES.findIndex((e) => e.event === c.event_type);
      expect(c.data, c.event_type).toEqual(sent[i]?.data);
      expect(c.metadata, c.event_type).toEqual(sent[i]?.metadata);
    }
  }, 180_000);

  it("Python: our Python producer (bundled ids, offline) -> edx-event-bus-kafka's consumer, equal data", async () => {
    const topic = `${TOPIC}-py-to-edx`;
    const produced = await pyBusDone({
      op: "produce",
      bus: "kafka",
      address: kafkaServer.address,
      messages: EXAMPLES.map((e) => ({ event: e.event, data: e.data, topic })),
    });
    expect(linesOf(produced, "error")).toEqual([]);
    await preCommitEarliest(topic, "edx-from-py");
    const { expected, received } = await edxReceives("kafka", topic, "edx-from-py");
    expect(received.map((r) => r.metadata.event_type)).toEqual(EXAMPLES.map((e) => e.event));
    for (const [i, r] of received.entries()) expect(r.data, r.metadata.event_type).toEqual(expected[i]);
  }, 240_000);

  it("Python: edx-event-bus-redis's producer -> our Python consumer, and our Python producer -> its consumer", async () => {
    const fromEdx = `${TOPIC}-py-redis-from-edx`;
    const sent = (await edx({ settings, op: "send", bus: "redis", events: EXAMPLES.map((e) => ({ ...e, topic: fromEdx })) })) as {
      metadata: EventMetadata;
      data: unknown;
    }[];
    const lines = await pyBusDone({
      op: "consume",
      bus: "redis",
      address: redisServer.address,
      group: "py-from-edx",
      topics: [fromEdx],
      start: "earliest",
      until: EXAMPLES.length,
      events: EXAMPLES.map((e) => e.event),
    });
    const calls = linesOf<PyCall>(lines, "call");
    expect(calls.length).toBe(EXAMPLES.length);
    for (const [i, c] of calls.entries()) {
      expect(c.data, c.event_type).toEqual(sent[i]?.data);
      expect(c.metadata, c.event_type).toEqual(sent[i]?.metadata);
    }
    const toEdx = `${TOPIC}-py-redis-to-edx`;
    const produced = await pyBusDone({
      op: "produce",
      bus: "redis",
      address: redisServer.address,
      messages: EXAMPLES.map((e) => ({ event: e.event, data: e.data, topic: toEdx })),
    });
    expect(linesOf(produced, "error")).toEqual([]);
    const { expected, received } = await edxReceives("redis", toEdx, "edx-from-py");
    expect(received.length).toBe(EXAMPLES.length);
    for (const [i, r] of received.entries()) expect(r.data, r.metadata.event_type).toEqual(expected[i]);
  }, 300_000);
});
