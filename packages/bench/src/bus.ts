import { readFileSync } from "node:fs";
import path from "node:path";
import {
  createMetadata,
  examAttemptSubmittedV1,
  Handlers,
  KafkaEventConsumer,
  KafkaEventProducer,
  toKafkaHeaders,
} from "@eventcanon/openedx-events";
import { kafkaUnavailable, startKafka } from "@eventcanon/test-servers";
import avro from "avsc";
import { Kafka, logLevel } from "kafkajs";

/**
 * The Kafka bus clients against the raw KafkaJS client on a local single-node broker, with the same
 * messages: throughput of producing and of consuming `count` small events, and end-to-end latency.
 * The raw side sends bytes made beforehand, and reads each message's event type and value (with avsc);
 * the clients validate, serialize, frame and make the envelope, and read the whole envelope, resolve
 * the writer's schema, decode value and key, dispatch by event type and commit.
 */

type Submitted = Parameters<typeof examAttemptSubmittedV1.encode>[0];
const WINDOW = 1_000;
const QUIET = { info: () => {}, warn: () => {}, error: () => {} };

export interface BusFigures {
  readonly events: number;
  readonly produce: { ours: number; raw: number; ratio: number };
  readonly consume: { ours: number; raw: number; ratio: number };
  /** Milliseconds from send to handler, one event at a time on an idle broker. */
  readonly latency: { ours: Percentiles; raw: Percentiles; samples: number };
}

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(2));
  return { p50: at(0.5), p99: at(0.99) };
}

/** Runs `send(i)` for i < count with at most WINDOW in flight; resolves with messages per second. */
async function windowed(count: number, send: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (next < count) await send(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}

export async function busFigures(repo: string, count: number): Promise<BusFigures | string> {
  const missing = kafkaUnavailable();
  if (missing !== undefined) return `not measured: ${missing}`;
  const broker = await startKafka();
  try {
    const kafka = new Kafka({ clientId: "bench", brokers: [broker.address], logLevel: logLevel.NOTHING, retry: { retries: 10 } });
    // Made beforehand, so that no one meets a topic the broker is still creating.
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: ["bench-raw", "bench-ours", "bench-latency-raw", "bench-latency-ours"].map((topic) => ({ topic, numPartitions: 1 })),
    });
    await admin.disconnect();
    const example = (
      JSON.parse(readFileSync(path.join(repo, "schemas/events/org.openedx.learning.exam.attempt.submitted.v1.json"), "utf8")) as {
        examples: Submitted[];
      }
    ).examples[0] as Submitted;
    const event = (id: number): Submitted => ({
      exam_attempt: { ...example.exam_attempt, student_user: { ...example.exam_attempt.student_user, id } },
    });
    const headers = Object.fromEntries(
      Object.entries(toKafkaHeaders(createMetadata(examAttemptSubmittedV1.eventType))).map(([k, v]) => [k, Buffer.from(v)]),
    );
    const key = await examAttemptSubmittedV1.serializeKey(example);
    const values = await Promise.all(Array.from({ length: count }, (_, i) => examAttemptSubmittedV1.serialize(event(i))));

    // Producing: the raw client with the bytes made beforehand, then the client doing all of it.
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({ topic: "bench-raw", messages: [{ key, value: values[0] as Buffer, headers }] });
    const rawProduce = await windowed(count, (i) =>
      raw.send({ topic: "bench-raw", acks: -1, messages: [{ key, value: values[i] as Buffer, headers }] }),
    );
    const ours = new KafkaEventProducer({ kafka });
    await ours.send(examAttemptSubmittedV1, event(0), { topic: "bench-ours" });
    const oursProduce = await windowed(count, (i) => ours.send(examAttemptSubmittedV1, event(i), { topic: "bench-ours" }));

    // Consuming what was produced, from the start: the raw client counts, the client decodes and hands over.
    const rawConsumer = kafka.consumer({ groupId: "bench-raw" });
    await rawConsumer.connect();
    await rawConsumer.subscribe({ topics: ["bench-raw"], fromBeginning: true });
    let rawSeen = 0;
    let rawStart = 0;
    // What a hand-written consumer does at least: the event type from its header, the value through avsc.
    const type = avro.Type.forSchema(examAttemptSubmittedV1.avroSchema);
    await rawConsumer.run({
      eachMessage: async ({ message }) => {
        if (String(message.headers?.ce_type) !== examAttemptSubmittedV1.eventType) throw new Error("not the bench's event");
        type.fromBuffer((message.value as Buffer).subarray(5));
        if (rawSeen++ === 0) rawStart = performance.now();
      },
    });
    await until(() => rawSeen >= count + 1);
    const rawConsume = count / ((performance.now() - rawStart) / 1000);
    await rawConsumer.disconnect();
    let oursSeen = 0;
    let oursStart = 0;
    const consumer = new KafkaEventConsumer({
      kafka,
      groupId: "bench-ours",
      topics: ["bench-ours"],
      start: "earliest",
      stopOnSignals: false,
      logger: QUIET,
      handlers: new Handlers().on(examAttemptSubmittedV1, () => {
        if (oursSeen++ === 0) oursStart = performance.now();
      }),
    });
    const running = consumer.run();
    await until(() => oursSeen >= count + 1);
    const oursConsume = count / ((performance.now() - oursStart) / 1000);
    await consumer.stop();
    await running;

    // Latency: one event at a time, from the send to the handler.
    const samples = Math.min(2_000, count);
    const latency = { raw: [] as number[], ours: [] as number[] };
    const sentAt = new Map<number, number>();
    const latencyRaw = kafka.consumer({ groupId: "bench-latency-raw" });
    await latencyRaw.connect();
    await latencyRaw.subscribe({ topics: ["bench-latency-raw"], fromBeginning: true });
    await latencyRaw.run({
      eachMessage: async ({ message }) => {
        const i = Number(message.key?.toString());
        latency.raw.push(performance.now() - (sentAt.get(i) ?? 0));
      },
    });
    for (let i = 0; i < samples; i++) {
      sentAt.set(i, performance.now());
      await raw.send({ topic: "bench-latency-raw", acks: -1, messages: [{ key: String(i), value: values[i] as Buffer, headers }] });
      await until(() => latency.raw.length > i);
    }
    await latencyRaw.disconnect();
    const latencyOurs = new KafkaEventConsumer({
      kafka,
      groupId: "bench-latency-ours",
      topics: ["bench-latency-ours"],
      start: "earliest",
      stopOnSignals: false,
      logger: QUIET,
      handlers: new Handlers().on(examAttemptSubmittedV1, (data) => {
        latency.ours.push(performance.now() - (sentAt.get(data.exam_attempt.student_user.id) ?? 0));
      }),
    });
    const latencyRunning = latencyOurs.run();
    for (let i = 0; i < samples; i++) {
      sentAt.set(i, performance.now());
      await ours.send(examAttemptSubmittedV1, event(i), { topic: "bench-latency-ours" });
      await until(() => latency.ours.length > i);
    }
    await latencyOurs.stop();
    await latencyRunning;
    await raw.disconnect();
    await ours.disconnect();
    const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
    return {
      events: count,
      produce: { ours: Math.round(oursProduce), raw: Math.round(rawProduce), ratio: ratio(oursProduce, rawProduce) },
      consume: { ours: Math.round(oursConsume), raw: Math.round(rawConsume), ratio: ratio(oursConsume, rawConsume) },
      latency: { ours: percentiles(latency.ours), raw: percentiles(latency.raw), samples },
    };
  } finally {
    await broker.stop("SIGKILL");
  }
}
