import type { Kafka } from "kafkajs";

/**
 * What is really on the broker, read with the plain clients, and waiting for it: the bus tests hold
 * what the producers wrote (in either language) to these reads, not to what the consumers say.
 */

/** A logger for consumers whose warnings a test asserts otherwise, or does not want in its output. */
export const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** What Python's `datetime.isoformat()` writes for an aware UTC datetime with microseconds. */
export const ISOFORMAT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;

/** Waits until `done()` holds, polling; fails with `what` after the timeout. */
export async function until(done: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface RawKafkaMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: [string, string][];
  readonly offset: string;
}

/** The first `count` messages on a topic (or topics), read from the start by a plain KafkaJS consumer of a fresh group. */
export async function rawKafkaMessages(kafka: Kafka, topic: string | string[], count: number): Promise<RawKafkaMessage[]> {
  const topics = typeof topic === "string" ? [topic] : topic;
  const consumer = kafka.consumer({ groupId: `raw-${topics.join("+")}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const seen: RawKafkaMessage[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push({
        key: message.key,
        value: message.value,
        headers: Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        offset: message.offset,
      });
    },
  });
  await until(() => seen.length >= count, `${count} messages on ${topics.join(", ")}`);
  await consumer.disconnect();
  return seen;
}

/** The headers edx-event-bus-kafka writes, in its order (open-edx-bus.test.ts reads them from its own producer). */
export const EDX_HEADER_ORDER = [
  "ce_specversion",
  "content-type",
  "ce_datacontenttype",
  "ce_type",
  "ce_id",
  "ce_source",
  "ce_time",
  "ce_minorversion",
  "sourcehost",
  "sourcelib",
];
