import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { Handlers } from "./bus.js";
import type { EventCodec } from "./codec.js";
import { KafkaEventConsumer, KafkaEventProducer } from "./kafka.js";
import { RedisEventConsumer, RedisEventProducer } from "./redis.js";
import { SchemaRegistryClient } from "./registry-client.js";

/**
 * Console tools, as Confluent's kafka-avro-console-producer/consumer are for Avro: `consume` prints one
 * JSON line per message, `produce` sends one event per JSON line of stdin. The Python package has the
 * same tools with the same options and output.
 */

export const CLI_USAGE = `usage:
  consume --bus kafka|redis --bootstrap HOST:PORT --topic T [--topic T ...] [--group G] [--from-beginning]
          [--max N] [--idle-ms MS] [--registry URL]
      prints one JSON line per message: event_type, schema_id, key, metadata, data, topic, position
  produce --bus kafka|redis --bootstrap HOST:PORT --event-type TYPE [--topic T] [--topic-prefix P] [--registry URL]
      sends one event per JSON line of stdin; a line that does not fit the schema is reported and not sent
exit codes: 0 done, 1 some input lines were not sent, 2 usage`;

type AnyCodec = EventCodec<unknown, unknown>;

export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

const PROCESS_IO: CliIo = {
  stdin: process.stdin,
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

/** The optional clients, loaded only by the command that needs them, with what to install when missing. */
async function load(module: "kafkajs" | "ioredis"): Promise<Record<string, unknown>> {
  try {
    return (await import(module)) as Record<string, unknown>;
  } catch {
    throw new UsageError(`the ${module === "kafkajs" ? "kafka" : "redis"} bus needs ${module}: npm install ${module}`);
  }
}

class UsageError extends Error {}

/** Runs a console tool; resolves with its exit code. */
export async function runCli(argv: readonly string[], events: Readonly<Record<string, AnyCodec>>, io: CliIo = PROCESS_IO): Promise<number> {
  try {
    const [command, ...rest] = argv;
    const { values } = parseArgs({
      args: rest,
      options: {
        bus: { type: "string" },
        bootstrap: { type: "string" },
        topic: { type: "string", multiple: true },
        "topic-prefix": { type: "string" },
        group: { type: "string" },
        "from-beginning": { type: "boolean" },
        max: { type: "string" },
        "idle-ms": { type: "string" },
        registry: { type: "string" },
        "event-type": { type: "string" },
      },
      strict: true,
    });
    if (command !== "consume" && command !== "produce") throw new UsageError(`unknown command ${JSON.stringify(command ?? "")}`);
    if (values.bus !== "kafka" && values.bus !== "redis") throw new UsageError("--bus must be kafka or redis");
    if (values.bootstrap === undefined) throw new UsageError("--bootstrap HOST:PORT is required");
    const registry = values.registry === undefined ? undefined : new SchemaRegistryClient({ url: values.registry });
    const connection = await connect(values.bus, values.bootstrap);
    try {
      if (command === "produce") return await produce(values, events, connection, registry, io);
      return await consume(values, events, connection, registry, io);
    } finally {
      await connection.close();
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.stderr(`eventcanon-openedx: ${(error as Error).message}\n${CLI_USAGE}`);
      return 2;
    }
    throw error;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the optional clients are loaded at run time, untyped.
type Connection = { bus: "kafka" | "redis"; client: any; close: () => Promise<void> };

async function connect(bus: "kafka" | "redis", bootstrap: string): Promise<Connection> {
  if (bus === "kafka") {
    const { Kafka, logLevel } = (await load("kafkajs")) as { Kafka: new (config: object) => unknown; logLevel: Record<string, number> };
    // kafkajs logs even what it retries; what fails is thrown, and said on stderr.
    const client = new Kafka({ clientId: `eventcanon-openedx-${process.pid}`, brokers: bootstrap.split(","), logLevel: logLevel.NOTHING });
    return { bus, client, close: async () => {} };
  }
  const module = await load("ioredis");
  const Redis = (module.default ?? module.Redis) as new (url: string, options: object) => { quit(): Promise<unknown> };
  const client = new Redis(bootstrap.includes("://") ? bootstrap : `redis://${bootstrap}`, { maxRetriesPerRequest: 3 });
  return { bus, client, close: async () => void (await client.quit()) };
}

type Values = Record<string, string | boolean | string[] | undefined>;

async function produce(
  values: Values,
  events: Readonly<Record<string, AnyCodec>>,
  connection: Connection,
  registry: SchemaRegistryClient | undefined,
  io: CliIo,
) {
  const eventType = values["event-type"] as string | undefined;
  if (eventType === undefined) throw new UsageError("produce needs --event-type TYPE");
  const codec = events[eventType];
  if (codec === undefined) throw new UsageError(`unknown event type ${eventType}`);
  const topic = (values.topic as string[] | undefined)?.[0];
  const prefix = values["topic-prefix"] as string | undefined;
  const producer =
    connection.bus === "kafka"
      ? new KafkaEventProducer({ kafka: connection.client, registry, topicPrefix: prefix })
      : new RedisEventProducer({ redis: connection.client, registry, topicPrefix: prefix });
  let refused = 0;
  let line = 0;
  try {
    for await (const text of createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
      line++;
      if (text.trim() === "") continue;
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (error) {
        io.stderr(`line ${line}: not JSON: ${(error as Error).message}`);
        refused++;
        continue;
      }
      const issues = codec.check(data);
      if (issues.length > 0) {
        io.stderr(`line ${line}: not sent: ${issues.map((i) => `${i.path || "/"} ${i.message}`).join("; ")}`);
        refused++;
        continue;
      }
      const sent = await producer.send(codec, data, topic === undefined ? {} : { topic });
      io.stdout(JSON.stringify(sent));
    }
  } finally {
    if (producer instanceof KafkaEventProducer) await producer.disconnect();
  }
  return refused > 0 ? 1 : 0;
}

async function consume(
  values: Values,
  events: Readonly<Record<string, AnyCodec>>,
  connection: Connection,
  registry: SchemaRegistryClient | undefined,
  io: CliIo,
) {
  const topics = values.topic as string[] | undefined;
  if (topics === undefined || topics.length === 0) throw new UsageError("consume needs --topic T");
  const max = values.max === undefined ? Number.POSITIVE_INFINITY : Number(values.max);
  const idleMs = values["idle-ms"] === undefined ? undefined : Number(values["idle-ms"]);
  if (!(max > 0) || (idleMs !== undefined && !(idleMs > 0))) throw new UsageError("--max and --idle-ms take positive numbers");
  const group = (values.group as string | undefined) ?? `eventcanon-console-${randomUUID()}`;
  const start = values["from-beginning"] === true ? "earliest" : "latest";
  let seen = 0;
  let last = Date.now();
  const handlers = new Handlers();
  let stop: () => Promise<void> = async () => {};
  for (const codec of Object.values(events))
    handlers.on(codec, async (data, delivery) => {
      io.stdout(
        jsonLine({
          event_type: delivery.metadata.event_type,
          schema_id: delivery.schemaId ?? null,
          key: delivery.key,
          metadata: delivery.metadata,
          data,
          topic: delivery.topic,
          position: delivery.position,
        }),
      );
      last = Date.now();
      if (++seen >= max) void stop();
    });
  const consumer =
    connection.bus === "kafka"
      ? new KafkaEventConsumer({
          kafka: connection.client,
          groupId: group,
          topics,
          handlers,
          start,
          registry,
          // A console consumer that was killed leaves its group quickly, for the next one to start, and
          // commits each message it printed: the next one starts right after the last line printed.
          consumerConfig: { sessionTimeout: 10_000, heartbeatInterval: 1_000 },
          commit: { messages: 1 },
        })
      : new RedisEventConsumer({ redis: connection.client, group, streams: topics, handlers, start, registry });
  stop = () => consumer.stop();
  const idle =
    idleMs === undefined
      ? undefined
      : setInterval(
          () => {
            if (Date.now() - last > idleMs) void stop();
          },
          Math.min(idleMs, 250),
        );
  try {
    await consumer.run();
  } finally {
    if (idle !== undefined) clearInterval(idle);
  }
  return 0;
}

/** JSON with a bigint (a package with bigint longs) as its exact digits, as Python's json writes an int. */
export function jsonLine(value: unknown): string {
  // A marker no string of the data can hold by chance: a fresh UUID, made only when there is a bigint.
  let marker: string | undefined;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== "bigint") return v;
    marker ??= randomUUID();
    return `${marker}:${v}`;
  });
  return marker === undefined ? text : text.replace(new RegExp(`"${marker}:(-?\\d+)"`, "g"), "$1");
}
