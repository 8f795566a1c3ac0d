import { readFileSync } from "node:fs";
import path from "node:path";
import { kafkaUnavailable, type Server, startKafka } from "@eventcanon/test-servers";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEAD_LETTER,
  type Delivery,
  examAttemptSubmittedV1,
  examAttemptVerifiedV1,
  Handlers,
  KafkaEventConsumer,
  KafkaEventProducer,
} from "../../../openedx-events/src/index.js";
import { REPO } from "../helpers.js";
import { EDX_HEADER_ORDER, quiet, rawKafkaMessages, until } from "./broker-reads.js";

const missing = kafkaUnavailable();
if (missing) console.warn(`SKIPPED the Kafka bus tests: ${missing}`);

type Submitted = Parameters<typeof examAttemptSubmittedV1.encode>[0];
const example = (
  JSON.parse(readFileSync(path.join(REPO, "schemas/events/org.openedx.learning.exam.attempt.submitted.v1.json"), "utf8")) as {
    examples: Submitted[];
  }
).examples[0] as Submitted;
const withUser = (id: number): Submitted => ({
  exam_attempt: { ...example.exam_attempt, student_user: { ...example.exam_attempt.student_user, id } },
});

describe.skipIf(missing !== undefined)("the Kafka producer and consumer on a real broker", () => {
  let broker: Server;
  let kafka: Kafka;
  beforeAll(async () => {
    broker = await startKafka();
    kafka = new Kafka({ clientId: "eventcanon-test", brokers: [broker.address], logLevel: logLevel.NOTHING, retry: { retries: 8 } });
  }, 90_000);
  afterAll(() => broker?.stop("SIGKILL"));

  const rawMessages = (topic: string, count: number) => rawKafkaMessages(kafka, topic, count);

  it("sends with the bus's topic, key, framing and headers, waits for the broker, and the consumer hands each event to its handler", async () => {
    const producer = new KafkaEventProducer({ kafka, topicPrefix: "t1" });
    const sent = await producer.send(examAttemptSubmittedV1, example, { metadata: { source: "openedx/edx-exams/web" } });
    expect(sent.topic).toBe("t1-learning-exam-attempt-lifecycle");
    await producer.send(examAttemptVerifiedV1, example as never);
    await producer.disconnect();

    const [raw] = await rawMessages(sent.topic, 2);
    expect(raw?.value).toEqual(await examAttemptSubmittedV1.serialize(example));
    expect(raw?.key).toEqual(await examAttemptSubmittedV1.serializeKey(example));
    expect(raw?.headers.map(([k]) => k)).toEqual(EDX_HEADER_ORDER);

    const got: { type: string; data: unknown; delivery: Delivery<string> }[] = [];
    const handlers = new Handlers()
      .on(examAttemptSubmittedV1, (data, delivery) => {
        got.push({ type: "submitted", data, delivery });
      })
      .on(examAttemptVerifiedV1, (data, delivery) => {
        got.push({ type: "verified", data, delivery: delivery as Delivery<string> });
      });
    const consumer = new KafkaEventConsumer({ kafka, groupId: "g1", topics: [sent.topic], handlers, start: "earliest", logger: quiet });
    const running = consumer.run();
    await until(() => got.length === 2, "two events");
    await consumer.stop();
    await running;
    expect(got.map((g) => g.type)).toEqual(["submitted", "verified"]);
    expect(got[0]?.data).toEqual(example);
    expect(got[0]?.delivery).toMatchObject({
      key: example.exam_attempt.course_key,
      schemaId: examAttemptSubmittedV1.schemaId,
      topic: sent.topic,
      position: `0:${sent.offset}`,
      attempt: 1,
      metadata: { event_type: examAttemptSubmittedV1.eventType, source: "openedx/edx-exams/web", sourcelib: "11.2.0" },
    });
    expect(consumer.stats).toEqual({ handled: 2, retried: 0, deadLettered: 0, ignored: 0 });
  });

  it("retries a failing handler with backoff, dead-letters it with the error after its retries, and goes on", async () => {
    const topic = "t2-learning-exam-attempt-lifecycle";
    const producer = new KafkaEventProducer({ kafka });
    for (const id of [1, 2, 3]) await producer.send(examAttemptSubmittedV1, withUser(id), { topic });
    await producer.disconnect();
    const tries = new Map<number, number>();
    const handled: number[] = [];
    const handlers = new Handlers().on(examAttemptSubmittedV1, (data) => {
      const id = data.exam_attempt.student_user.id;
      tries.set(id, (tries.get(id) ?? 0) + 1);
      // 1 fails once and then works; 2 always fails; 3 works.
      if (id === 2 || (id === 1 && tries.get(id) === 1)) throw new Error(`grading service is down for user ${id}`);
      handled.push(id);
    });
    const consumer = new KafkaEventConsumer({
      kafka,
      groupId: "g2",
      topics: [topic],
      handlers,
      start: "earliest",
      retry: { retries: 2, backoffMs: 10 },
      logger: quiet,
    });
    const running = consumer.run();
    await until(() => handled.length === 2, "users 1 and 3");
    await consumer.stop();
    await running;
    expect(handled).toEqual([1, 3]);
    expect(tries).toEqual(
      new Map([
        [1, 2],
        [2, 3],
        [3, 1],
      ]),
    );
    expect(consumer.stats).toEqual({ handled: 2, retried: 3, deadLettered: 1, ignored: 0 });
    const [dead] = await rawMessages(`${topic}-dead-letter`, 1);
    const headers = Object.fromEntries(dead?.headers ?? []);
    expect(headers).toMatchObject({
      [DEAD_LETTER.code]: "handler-error",
      [DEAD_LETTER.reason]: "Error: grading service is down for user 2",
      [DEAD_LETTER.attempts]: "3",
      [DEAD_LETTER.source]: topic,
      [DEAD_LETTER.position]: "0:1",
      [DEAD_LETTER.group]: "g2",
      ce_type: examAttemptSubmittedV1.eventType,
    });
    expect(examAttemptSubmittedV1.decodeFramed(dead?.value as Buffer).data).toEqual(withUser(2));
  });

  it("refuses a topic Kafka would refuse, before sending: the producer throws, and a consumer that cannot dead-letter stops without committing", async () => {
    const rule = 'not a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, ".", "_" and "-", and not "." or "..")';
    const producer = new KafkaEventProducer({ kafka });
    await expect(producer.send(examAttemptSubmittedV1, example, { topic: "bad topic!" })).rejects.toThrow(
      `${examAttemptSubmittedV1.eventType}: not sent to bad topic!: ${rule}`,
    );
    await expect(producer.send(examAttemptSubmittedV1, example, { topic: "x".repeat(250) })).rejects.toThrow(rule);
    const topic = "t6-learning-exam-attempt-lifecycle";
    await producer.send(examAttemptSubmittedV1, example, { topic });
    await producer.disconnect();
    const failing = new Handlers().on(examAttemptSubmittedV1, () => {
      throw new Error("down");
    });
    const options = { kafka, groupId: "g6", topics: [topic], start: "earliest", retry: { retries: 0 }, logger: quiet } as const;
    const consumer = new KafkaEventConsumer({ ...options, handlers: failing, deadLetterTopic: () => "bad topic!" });
    await expect(consumer.run()).rejects.toThrow(`${topic} 0:0: cannot write to the dead-letter topic bad topic!: ${rule}`);
    const seen: string[] = [];
    const again = new KafkaEventConsumer({
      ...options,
      handlers: new Handlers().on(examAttemptSubmittedV1, (_d, d) => void seen.push(d.position)),
    });
    const running = again.run();
    await until(() => seen.length === 1, "the message again");
    await again.stop();
    await running;
    expect(seen).toEqual(["0:0"]);
  });

  it("commits finished messages in batches, and on stop what finished before it", async () => {
    const topic = "t4-learning-exam-attempt-lifecycle";
    const producer = new KafkaEventProducer({ kafka });
    for (let id = 1; id <= 150; id++) await producer.send(examAttemptSubmittedV1, withUser(id), { topic });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const committed = async () => Number((await admin.fetchOffsets({ groupId: "g4", topics: [topic] }))[0]?.partitions[0]?.offset);
    let handled = 0;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const consumer = new KafkaEventConsumer({
      kafka,
      groupId: "g4",
      topics: [topic],
      start: "earliest",
      logger: quiet,
      commit: { messages: 100, ms: 60_000 },
      // Holds the 121st message in hand until the consumer is told to stop.
      handlers: new Handlers().on(examAttemptSubmittedV1, async () => {
        if (++handled === 121) await held;
      }),
    });
    const running = consumer.run();
    await until(() => handled === 121, "121 messages handed over");
    // A commit per 100, in the background: the first hundred are committed, the next twenty finished but not yet.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await committed()).toBe(100);
    const stopped = consumer.stop();
    release();
    await stopped;
    await running;
    // On stop: the twenty, and the one in hand, which finished before the consumer left its group; no more was read.
    expect(await committed()).toBe(121);
    expect(consumer.stats.handled).toBe(121);
    await admin.disconnect();
  });

  it("dead-letters at once what cannot be read: no envelope, an unknown schema id, garbage", async () => {
    const topic = "t3-learning-exam-attempt-lifecycle";
    const raw = kafka.producer();
    await raw.connect();
    const good = await examAttemptSubmittedV1.serialize(example);
    const headers = (id: string) => ({ ce_id: id, ce_type: examAttemptSubmittedV1.eventType });
    await raw.send({
      topic,
      messages: [
        { value: good, headers: { ce_type: examAttemptSubmittedV1.eventType } },
        { value: examAttemptSubmittedV1.encodeFramed(example, 999), headers: headers("a") },
        { value: Buffer.from([0, 0, 0, 0, examAttemptSubmittedV1.schemaId ?? 0, 1, 2]), headers: headers("b") },
        { value: good, headers: headers("c") },
      ],
    });
    await raw.disconnect();
    const handled: string[] = [];
    const handlers = new Handlers().on(examAttemptSubmittedV1, (_data, delivery) => {
      handled.push(delivery.metadata.id);
    });
    const consumer = new KafkaEventConsumer({ kafka, groupId: "g3", topics: [topic], handlers, start: "earliest", logger: quiet });
    const running = consumer.run();
    await until(() => handled.length === 1, "the one good message");
    await consumer.stop();
    await running;
    expect(handled).toEqual(["c"]);
    expect(consumer.stats).toEqual({ handled: 1, retried: 0, deadLettered: 3, ignored: 0 });
    const dead = await rawMessages(`${topic}-dead-letter`, 3);
    expect(dead.map((d) => Object.fromEntries(d.headers)[DEAD_LETTER.code])).toEqual(["bad-envelope", "unknown-schema-id", "undecodable"]);
    expect(Object.fromEntries(dead[0]?.headers ?? [])[DEAD_LETTER.reason]).toBe('missing Kafka header "ce_id": every event needs its id');
  });
});
