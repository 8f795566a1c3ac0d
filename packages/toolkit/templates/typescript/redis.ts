import { hostname } from "node:os";
import {
  type BusLogger,
  CONSOLE_LOGGER,
  type ConsumerStats,
  deadLetterFields,
  deliver,
  fullTopic,
  type Handlers,
  type RetryPolicy,
  stopOnSignals,
} from "./bus.js";
import type { EventCodec, SerializeOptions } from "./codec.js";
import { createMetadata, type EventMetadata, fromRedisFields, toRedisFields } from "./envelope.js";
import { frame, unframe } from "./framing.js";
import type { SchemaRegistryClient } from "./registry-client.js";
import { SchemaResolutionError } from "./resolution.js";

/**
 * Redis Streams producer and consumer for the Open edX event bus, over an ioredis client that the
 * application makes and passes in: this package imports none. Entries are edx-event-bus-redis's:
 * the envelope fields and `event_data` (unframed Avro) on the stream named by the topic, trimmed
 * with `MAXLEN ~`. They also carry `schema_id`, the writer's schema id, which edx's consumer ignores
 * and ours uses to resolve the writer's schema; an entry without it is read with the package's schema,
 * as edx reads every entry.
 */

/** The part of an ioredis client this module uses: raw commands with binary replies. */
export interface RedisClient {
  callBuffer(command: string, ...args: (string | Buffer | number)[]): Promise<unknown>;
}

/** The field carrying the writer's schema id, beside edx-event-bus-redis's fields. */
export const SCHEMA_ID_FIELD = "schema_id";

export interface RedisProducerOptions {
  readonly redis: RedisClient;
  /** Without one, entries carry the released schema ids (offline). */
  readonly registry?: SchemaRegistryClient | undefined;
  /** As the bus's EVENT_BUS_TOPIC_PREFIX: `<prefix>-<topic>`. */
  readonly topicPrefix?: string | undefined;
  /** Streams are trimmed to about this many entries (edx-event-bus-redis's EVENT_BUS_REDIS_STREAM_MAX_LEN); default 10,000. */
  readonly maxLen?: number;
  /** How ids are had from the registry (Confluent's auto.register.schemas, use.latest.version, subject strategy). */
  readonly serializer?: Pick<SerializeOptions, "autoRegister" | "useLatestVersion" | "subjectNameStrategy">;
  /** Check the data against the event's JSON Schema before sending (default true). */
  readonly validate?: boolean;
}

export class RedisEventProducer {
  constructor(private readonly options: RedisProducerOptions) {}

  /** Appends the event to its stream (XADD ... MAXLEN ~ N); resolves with the entry id Redis gave it. */
  async send<T, K>(
    codec: EventCodec<T, K>,
    data: T,
    options: { metadata?: Partial<Omit<EventMetadata, "event_type">>; topic?: string } = {},
  ): Promise<{ stream: string; id: string }> {
    if (this.options.validate !== false && !codec.validate(data))
      throw new TypeError(`${codec.eventType}: not sent, the data does not fit the schema: ${JSON.stringify(codec.check(data))}`);
    const stream = options.topic ?? (codec.topic === undefined ? undefined : fullTopic(codec.topic, this.options.topicPrefix));
    if (stream === undefined) throw new TypeError(`${codec.eventType} has no x-topic: pass the topic to send`);
    let schemaId: number | undefined;
    let body: Buffer;
    try {
      const unframed = unframe(await codec.serialize(data, { ...this.options.serializer, registry: this.options.registry, topic: stream }));
      schemaId = unframed.schemaId;
      body = unframed.body;
    } catch (error) {
      // Not released and no registry: the entry goes without an id, as every edx-event-bus-redis entry does.
      if (!(error instanceof SchemaResolutionError) || this.options.registry !== undefined) throw error;
      body = codec.encode(data);
    }
    const fields = Object.entries(toRedisFields(createMetadata(codec.eventType, options.metadata), body)).flat();
    if (schemaId !== undefined) fields.push(SCHEMA_ID_FIELD, String(schemaId));
    const id = await this.options.redis.callBuffer("XADD", stream, "MAXLEN", "~", this.options.maxLen ?? 10_000, "*", ...fields);
    return { stream, id: String(id) };
  }
}

export interface RedisConsumerOptions {
  readonly redis: RedisClient;
  readonly group: string;
  /** This consumer's name in the group; default host and process. */
  readonly consumer?: string;
  /** Full stream names, prefix included. */
  readonly streams: readonly string[];
  readonly handlers: Handlers;
  /** Where a new group starts: `earliest` reads what the streams already hold. */
  readonly start: "earliest" | "latest";
  readonly registry?: SchemaRegistryClient | undefined;
  /** Where an entry that cannot be handled goes; default `<stream>-dead-letter`. */
  readonly deadLetterStream?: (stream: string) => string;
  readonly retry?: RetryPolicy;
  /** Entries another consumer left pending this long are claimed (XAUTOCLAIM); default 60 s. */
  readonly claimIdleMs?: number;
  /** How long one read waits for new entries; default 1 s. */
  readonly blockMs?: number;
  readonly stopOnSignals?: boolean;
  readonly logger?: BusLogger;
}

/** An entry as XREADGROUP gives it: its fields are null when it was trimmed while pending. */
type Entry = [id: Buffer, fields: Buffer[] | null];

function fieldsOf(pairs: Buffer[]): Record<string, Buffer> {
  const fields: Record<string, Buffer> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) fields[(pairs[i] as Buffer).toString("utf8")] = pairs[i + 1] as Buffer;
  return fields;
}

/**
 * Consumes with a consumer group, at least once: an entry is acknowledged (XACK) only after its
 * handler returned, or after it was added to the dead-letter stream. It first reads the entries it
 * left pending itself (a restart after a crash), then claims those a dead consumer left pending, then
 * reads new ones; the rest is as the Kafka consumer does it.
 */
export class RedisEventConsumer {
  readonly stats: ConsumerStats = { handled: 0, retried: 0, deadLettered: 0, ignored: 0 };
  private stopping = false;
  private done: Promise<void> | undefined;

  constructor(private readonly options: RedisConsumerOptions) {}

  private get name(): string {
    return this.options.consumer ?? `${hostname()}-${process.pid}`;
  }

  async run(): Promise<void> {
    const { redis, group, streams } = this.options;
    for (const stream of streams) {
      try {
        await redis.callBuffer("XGROUP", "CREATE", stream, group, this.options.start === "earliest" ? "0" : "$", "MKSTREAM");
      } catch (error) {
        if (!String((error as Error).message).startsWith("BUSYGROUP")) throw error;
      }
    }
    const removeSignals = this.options.stopOnSignals === false ? () => {} : stopOnSignals(() => this.stop());
    let run: () => void = () => {};
    this.done = new Promise((resolve) => {
      run = resolve;
    });
    const logger = this.options.logger ?? CONSOLE_LOGGER;
    let pendingFirst = true;
    let outage = 0;
    try {
      while (!this.stopping) {
        try {
          // What this consumer read and did not acknowledge before it stopped (or lost Redis) comes first.
          if (pendingFirst) for (const stream of streams) await this.handle(stream, await this.read(["STREAMS", stream, "0"]));
          pendingFirst = false;
          await this.poll();
          outage = 0;
        } catch (error) {
          // Redis gone (restarting, unreachable): nothing was acknowledged that was not handled, so wait and read again.
          if (this.stopping) break;
          outage++;
          pendingFirst = true;
          const delay = Math.min(5_000, 100 * 2 ** Math.min(outage, 6));
          logger.warn(`redis: ${(error as Error).message}; reading again in ${delay} ms`);
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    } finally {
      removeSignals();
      run();
    }
  }

  /** One round: entries dead consumers left pending, then new ones. */
  private async poll(): Promise<void> {
    const { redis, group, streams } = this.options;
    for (const stream of streams) {
      const claimed = (await redis.callBuffer(
        "XAUTOCLAIM",
        stream,
        group,
        this.name,
        this.options.claimIdleMs ?? 60_000,
        "0-0",
        "COUNT",
        100,
      )) as [Buffer, Entry[], Buffer[]?];
      // Entries trimmed (MAXLEN) while pending: Redis drops them from the pending list as it says so here.
      for (const id of claimed[2] ?? [])
        (this.options.logger ?? CONSOLE_LOGGER).error(
          `${stream} ${id.toString("utf8")}: trimmed from the stream before it was handled; nothing of it is left`,
        );
      await this.handle(stream, claimed[1] ?? []);
    }
    if (this.stopping) return;
    const reply = (await redis.callBuffer(
      "XREADGROUP",
      "GROUP",
      group,
      this.name,
      "COUNT",
      100,
      "BLOCK",
      this.options.blockMs ?? 1_000,
      "STREAMS",
      ...streams,
      ...streams.map(() => ">"),
    )) as [Buffer, Entry[]][] | null;
    for (const [stream, entries] of reply ?? []) await this.handle(stream.toString("utf8"), entries);
  }

  /** Finishes the entry in hand, acknowledges it, and ends run(). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.done;
  }

  private async read(tail: (string | number)[]): Promise<Entry[]> {
    const reply = (await this.options.redis.callBuffer("XREADGROUP", "GROUP", this.options.group, this.name, "COUNT", 1000, ...tail)) as
      | [Buffer, Entry[]][]
      | null;
    return reply?.[0]?.[1] ?? [];
  }

  private async handle(stream: string, entries: readonly Entry[]): Promise<void> {
    const logger = this.options.logger ?? CONSOLE_LOGGER;
    const registry = this.options.registry;
    for (const [rawId, pairs] of entries) {
      if (this.stopping) return;
      const id = rawId.toString("utf8");
      if (pairs === null) {
        // Pending, but trimmed from the stream (MAXLEN) before anyone acknowledged it: nothing is left to read.
        logger.error(`${stream} ${id}: trimmed from the stream before it was handled; acknowledged, as nothing of it is left`);
        await this.options.redis.callBuffer("XACK", stream, this.options.group, id);
        continue;
      }
      const fields = fieldsOf(pairs);
      let metadata: EventMetadata | Error;
      let eventData: Buffer | undefined;
      try {
        ({ metadata, eventData } = fromRedisFields(fields));
      } catch (error) {
        metadata = error as Error;
      }
      const schemaId = fields[SCHEMA_ID_FIELD] === undefined ? undefined : Number(fields[SCHEMA_ID_FIELD].toString("utf8"));
      const outcome = await deliver(
        {
          topic: stream,
          position: id,
          metadata,
          read: async (codec) => {
            const body = eventData as Buffer;
            if (schemaId === undefined) return { data: codec.decode(body), key: null, schemaId: undefined };
            const read = await codec.deserialize(frame(schemaId, body), { registry });
            return { data: read.data, key: null, schemaId };
          },
        },
        this.options.handlers,
        this.options.retry ?? {},
        this.stats,
        () => this.stopping,
      );
      if (outcome.kind === "abandoned") return;
      if (outcome.kind === "handled") this.stats.handled++;
      if (outcome.kind === "ignored") {
        this.stats.ignored++;
        logger.info(`${stream} ${id}: no handler for ${outcome.eventType}; acknowledged`);
      }
      if (outcome.kind === "dead-letter") {
        const target = (this.options.deadLetterStream ?? ((s) => `${s}-dead-letter`))(stream);
        const extra = deadLetterFields(outcome.failure, stream, id, this.options.group).flat();
        await this.options.redis.callBuffer("XADD", target, "*", ...pairs, ...extra);
        this.stats.deadLettered++;
        logger.warn(`${stream} ${id}: dead-lettered to ${target} (${outcome.failure.code}: ${outcome.failure.reason})`);
      }
      await this.options.redis.callBuffer("XACK", stream, this.options.group, id);
    }
  }
}
