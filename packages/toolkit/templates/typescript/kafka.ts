import { hostname } from "node:os";
import {
  type BusLogger,
  CONSOLE_LOGGER,
  type ConsumerStats,
  deadLetterFields,
  deliver,
  fullTopic,
  type Handlers,
  type Outcome,
  type RetryPolicy,
  stopOnSignals,
} from "./bus.js";
import type { EventCodec, SerializeOptions } from "./codec.js";
import { createMetadata, type EventMetadata, fromKafkaHeaders, type KafkaHeaders, toKafkaHeaders } from "./envelope.js";
import type { SchemaRegistryClient } from "./registry-client.js";

/**
 * Kafka producer and consumer for the Open edX event bus, over a KafkaJS-compatible client that the
 * application makes and passes in (kafkajs 2, or @confluentinc/kafka-javascript's KafkaJS API): this
 * package imports none. Messages are the bus's: the event's topic (with EVENT_BUS_TOPIC_PREFIX), the
 * key and value in Confluent wire format, the envelope in edx-event-bus-kafka's headers.
 */

// Kafka's rule for a topic's name (org.apache.kafka.common.internals.Topic.validate), checked before sending so that a
// bad name fails the same way in both packages, whatever the client would make of it.
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

const NOT_A_TOPIC_NAME = 'not a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, ".", "_" and "-", and not "." or "..")';

const isTopicName = (topic: string) => TOPIC_NAME.test(topic) && topic !== "." && topic !== "..";

/** The part of a KafkaJS `Kafka` this module uses. */
export interface KafkaClient {
  producer(config?: Record<string, unknown>): KafkaProducerClient;
  consumer(config: { groupId: string } & Record<string, unknown>): KafkaConsumerClient;
}

export interface KafkaProducerClient {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(record: {
    topic: string;
    acks?: number;
    messages: { key: Buffer | null; value: Buffer | null; headers?: Record<string, Buffer | Buffer[]> }[];
  }): Promise<{ partition: number; offset?: string; baseOffset?: string }[]>;
}

export interface KafkaMessagePayload {
  topic: string;
  partition: number;
  message: { key: Buffer | null; value: Buffer | null; headers?: KafkaHeaders; offset: string };
}

export interface KafkaConsumerClient {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(subscription: { topics: string[]; fromBeginning?: boolean }): Promise<void>;
  run(config: { autoCommit?: boolean; eachMessage?: (payload: KafkaMessagePayload) => Promise<void> }): Promise<void>;
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
}

export interface SendOptions<K> {
  /** The message key; default the value at the event's key field. */
  readonly key?: K;
  /** Envelope fields; the rest are the bus's defaults (see createMetadata). */
  readonly metadata?: Partial<Omit<EventMetadata, "event_type">>;
  /** The topic, prefix included; default the event's x-topic with the producer's prefix. */
  readonly topic?: string;
}

export interface KafkaProducerOptions {
  readonly kafka: KafkaClient;
  /** Without one, messages carry the released schema ids (offline). */
  readonly registry?: SchemaRegistryClient | undefined;
  /** As the bus's EVENT_BUS_TOPIC_PREFIX: `<prefix>-<topic>`. */
  readonly topicPrefix?: string | undefined;
  /** How ids are had from the registry (Confluent's auto.register.schemas, use.latest.version, subject strategy). */
  readonly serializer?: Pick<SerializeOptions, "autoRegister" | "useLatestVersion" | "subjectNameStrategy">;
  /** Check the data against the event's JSON Schema before sending (default true). */
  readonly validate?: boolean;
}

/** Where a message went. */
export interface Sent {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** Headers as bytes, in edx-event-bus-kafka's order. */
function headerBytes(metadata: EventMetadata): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(toKafkaHeaders(metadata)).map(([name, value]) => [name, Buffer.from(value, "utf8")]));
}

/**
 * Sends events and waits for the broker's acknowledgement (all in-sync replicas); a failure is an
 * exception, never a log line only.
 */
export class KafkaEventProducer {
  private producer: KafkaProducerClient | undefined;
  private connecting: Promise<void> | undefined;

  constructor(private readonly options: KafkaProducerOptions) {}

  async connect(): Promise<void> {
    this.producer ??= this.options.kafka.producer({ allowAutoTopicCreation: true, idempotent: false });
    this.connecting ??= this.producer.connect();
    await this.connecting;
  }

  async send<T, K>(codec: EventCodec<T, K>, data: T, options: SendOptions<K> = {}): Promise<Sent> {
    if (this.options.validate !== false && !codec.validate(data))
      throw new TypeError(`${codec.eventType}: not sent, the data does not fit the schema: ${JSON.stringify(codec.check(data))}`);
    const topic = options.topic ?? (codec.topic === undefined ? undefined : fullTopic(codec.topic, this.options.topicPrefix));
    if (topic === undefined) throw new TypeError(`${codec.eventType} has no x-topic: pass the topic to send`);
    if (!isTopicName(topic)) throw new TypeError(`${codec.eventType}: not sent to ${topic}: ${NOT_A_TOPIC_NAME}`);
    const serialize = { ...this.options.serializer, registry: this.options.registry, topic };
    const value = await codec.serialize(data, serialize);
    const key =
      codec.keyField === undefined
        ? null
        : options.key === undefined
          ? await codec.serializeKey(data, serialize)
          : await codec.serializeKeyValue(options.key, serialize);
    const headers = headerBytes(createMetadata(codec.eventType, options.metadata));
    await this.connect();
    const [sent] = await (this.producer as KafkaProducerClient).send({ topic, acks: -1, messages: [{ key, value, headers }] });
    if (sent === undefined) throw new Error(`${codec.eventType}: the broker acknowledged nothing for ${topic}`);
    return { topic, partition: sent.partition, offset: sent.offset ?? sent.baseOffset ?? "" };
  }

  async disconnect(): Promise<void> {
    if (this.producer !== undefined && this.connecting !== undefined) await this.producer.disconnect();
    this.producer = undefined;
    this.connecting = undefined;
  }
}

export interface KafkaConsumerOptions {
  readonly kafka: KafkaClient;
  readonly groupId: string;
  /** Full topic names, prefix included. */
  readonly topics: readonly string[];
  readonly handlers: Handlers;
  /**
   * Where a group with no committed offsets starts: `earliest` reads what is already there. Required:
   * edx-event-bus-kafka's consumer has no auto.offset.reset, so a new group silently misses earlier records.
   */
  readonly start: "earliest" | "latest";
  /** Asked for writer schema ids the package's release history does not hold. */
  readonly registry?: SchemaRegistryClient | undefined;
  /** Where a message that cannot be handled goes; default `<topic>-dead-letter`. */
  readonly deadLetterTopic?: (topic: string) => string;
  readonly retry?: RetryPolicy;
  /** Stop gracefully on SIGTERM and SIGINT (default true). */
  readonly stopOnSignals?: boolean;
  readonly logger?: BusLogger;
  /** More of the client's consumer config (e.g. sessionTimeout); groupId and offsets are this consumer's. */
  readonly consumerConfig?: Record<string, unknown>;
  /**
   * How often finished messages are committed: every `messages` messages (default 100) or `ms`
   * milliseconds (default 1,000), and on stop. A consumer that dies re-reads what it finished since;
   * `{ messages: 1 }` commits each message as it finishes, as edx-event-bus-kafka's consumer does.
   */
  readonly commit?: { readonly messages?: number; readonly ms?: number };
}

/**
 * Consumes with a group, at least once: a message's offset is committed only after its handler
 * returned, or after it was written to the dead-letter topic (in batches: see `commit`). A handler that throws is tried again
 * with backoff, then dead-lettered with the error in headers; a message that cannot be decoded is
 * dead-lettered at once; the loop never stops on one message. stop() finishes the message in hand,
 * commits it and disconnects.
 */
export class KafkaEventConsumer {
  readonly stats: ConsumerStats = { handled: 0, retried: 0, deadLettered: 0, ignored: 0 };
  private consumer: KafkaConsumerClient | undefined;
  private deadLetters: KafkaProducerClient | undefined;
  private stopping = false;
  private running: Promise<void> | undefined;
  private requestStop: () => void = () => {};
  private readonly stopRequested = new Promise<void>((resolve) => {
    this.requestStop = resolve;
  });
  private readonly finished = new Map<string, { topic: string; partition: number; offset: string }>();
  private sinceCommit = 0;
  private lastCommit = Date.now();
  private committing: Promise<void> = Promise.resolve();
  private fail: (error: Error) => void = () => {};
  private readonly failed = new Promise<never>((_, reject) => {
    this.fail = reject;
  });

  constructor(private readonly options: KafkaConsumerOptions) {
    // A failure before run() awaits it must not be an unhandled rejection.
    this.failed.catch(() => {});
  }

  /**
   * Runs until stop() (or a signal) and then disconnects; rejects only when a message could neither
   * be handled nor dead-lettered (it is then not committed, and comes again on the next run).
   */
  run(): Promise<void> {
    this.running ??= this.consume();
    return this.running;
  }

  private async consume(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    const removeSignals = this.options.stopOnSignals === false ? () => {} : stopOnSignals(() => this.stop());
    this.consumer = kafka.consumer({ allowAutoTopicCreation: true, ...this.options.consumerConfig, groupId });
    this.deadLetters = kafka.producer({ allowAutoTopicCreation: true });
    try {
      await Promise.all([this.consumer.connect(), this.deadLetters.connect()]);
      await this.subscribe(topics);
      if (!this.stopping) await this.consumer.run({ autoCommit: false, eachMessage: (payload) => this.each(payload) });
      await Promise.race([this.stopRequested, this.failed]);
    } finally {
      this.stopping = true;
      removeSignals();
      // What finished before the stop is committed; the message in hand commits itself when it finishes.
      await this.commit().catch(() => {});
      // Waits for the message in hand: it finishes and commits before the consumer leaves its group.
      await this.consumer.disconnect();
      await this.deadLetters.disconnect();
    }
  }

  /** A topic that does not exist yet is created by the broker on first ask, and is unknown until then: ask again. */
  private async subscribe(topics: readonly string[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await (this.consumer as KafkaConsumerClient).subscribe({ topics: [...topics], fromBeginning: this.options.start === "earliest" });
        return;
      } catch (error) {
        if ((error as { retriable?: boolean }).retriable !== true || attempt >= 30 || this.stopping) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  }

  /** Finishes the message in hand, commits it, and disconnects; resolves when run() has ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.requestStop();
    await this.running?.catch(() => {});
  }

  private async each({ topic, partition, message }: KafkaMessagePayload): Promise<void> {
    if (this.stopping) return;
    const logger = this.options.logger ?? CONSOLE_LOGGER;
    const position = `${partition}:${message.offset}`;
    let metadata: EventMetadata | Error;
    try {
      metadata = fromKafkaHeaders(message.headers ?? {});
    } catch (error) {
      metadata = error as Error;
    }
    const registry = this.options.registry;
    const outcome: Outcome = await deliver(
      {
        topic,
        position,
        metadata,
        read: async (codec) => {
          if (message.value === null) throw new TypeError(`${codec.eventType}: the message at ${topic} ${position} has no value`);
          const value = await codec.deserialize(message.value, { registry });
          const key =
            message.key === null || codec.keyField === undefined ? null : (await codec.deserializeKey(message.key, { registry })).key;
          return { data: value.data, key, schemaId: value.schemaId };
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
      logger.info(`${topic} ${position}: no handler for ${outcome.eventType}; acknowledged`);
    }
    if (outcome.kind === "dead-letter") {
      const target = (this.options.deadLetterTopic ?? ((t) => `${t}-dead-letter`))(topic);
      // The message's headers as they came, a repeated one included (the client gives it as a list).
      const headers: Record<string, Buffer | Buffer[]> = {};
      const bytes = (value: string | Uint8Array) => (typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value));
      for (const [name, value] of Object.entries(message.headers ?? {}))
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(bytes) : bytes(value as string | Uint8Array);
      for (const [name, value] of deadLetterFields(outcome.failure, topic, position, this.options.groupId))
        headers[name] = Buffer.from(value, "utf8");
      try {
        if (!isTopicName(target)) throw new Error(NOT_A_TOPIC_NAME);
        await (this.deadLetters as KafkaProducerClient).send({
          topic: target,
          acks: -1,
          messages: [{ key: message.key, value: message.value, headers }],
        });
      } catch (error) {
        // Not dead-lettered, so not committed: the consumer stops, and the message comes again when it is restarted.
        this.stopping = true;
        this.fail(new Error(`${topic} ${position}: cannot write to the dead-letter topic ${target}: ${(error as Error).message}`));
        return;
      }
      this.stats.deadLettered++;
      logger.warn(`${topic} ${position}: dead-lettered to ${target} (${outcome.failure.code}: ${outcome.failure.reason})`);
    }
    await this.done(topic, partition, message.offset);
  }

  /**
   * Records a message as finished (handled, ignored or dead-lettered) and commits what is finished
   * every `commit.messages` messages or `commit.ms` milliseconds, and when stopping. Within a
   * partition messages come in order, so its newest finished offset covers every earlier one.
   */
  private done(topic: string, partition: number, offset: string): Promise<void> {
    // Offsets are int64 strings; below 2^53 a number adds one for a fraction of BigInt's cost.
    const next = offset.length < 16 ? String(Number(offset) + 1) : (BigInt(offset) + 1n).toString();
    this.finished.set(`${topic}\u0000${partition}`, { topic, partition, offset: next });
    this.sinceCommit++;
    const { messages = 100, ms = 1_000 } = this.options.commit ?? {};
    if (this.stopping || messages === 1) return this.commit();
    // In the background: the next messages are handled meanwhile, and a stop waits for it.
    if (this.sinceCommit >= messages || Date.now() - this.lastCommit >= ms) void this.commit();
    return Promise.resolve();
  }

  /**
   * Commits every finished offset not yet committed, one commit after the other (an older one never
   * overtakes a newer one). Offsets a failed commit held go back, unless a newer one of their partition came.
   */
  private commit(): Promise<void> {
    const offsets = [...this.finished.entries()];
    this.finished.clear();
    this.sinceCommit = 0;
    this.lastCommit = Date.now();
    if (offsets.length === 0) return this.committing;
    this.committing = this.committing.then(() =>
      (this.consumer as KafkaConsumerClient).commitOffsets(offsets.map(([, o]) => o)).catch((error: Error) => {
        for (const [key, o] of offsets) if (!this.finished.has(key)) this.finished.set(key, o);
        (this.options.logger ?? CONSOLE_LOGGER).warn(`commit failed (${error.message}); the offsets go with the next commit`);
      }),
    );
    return this.committing;
  }
}

/** A client id that says who is connected: host and process. */
export function clientId(prefix = "eventcanon"): string {
  return `${prefix}-${hostname()}-${process.pid}`;
}
