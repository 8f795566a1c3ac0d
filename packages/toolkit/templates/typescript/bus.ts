import type { EventCodec } from "./codec.js";
import type { EventMetadata } from "./envelope.js";
import { SchemaResolutionError } from "./resolution.js";

/**
 * What the Kafka and Redis consumers share: handlers by event type, and the rule for one message
 * (decode with writer-schema resolution, hand it to its handler, retry with backoff, else send it to
 * the dead letters). The Python package follows the same rule with the same codes and headers.
 */

/** What a handler gets with each event besides its data. */
export interface Delivery<K> {
  readonly metadata: EventMetadata;
  /** The message key, decoded; null when the message has none. */
  readonly key: K | null;
  /** The writer's schema id; undefined for a Redis entry written without one (read with the package's schema). */
  readonly schemaId: number | undefined;
  /** The Kafka topic or Redis stream. */
  readonly topic: string;
  /** `partition:offset` on Kafka, the entry id on Redis. */
  readonly position: string;
  /** 1 on the first try, 2 on the first retry... */
  readonly attempt: number;
}

export type Handler<T, K> = (data: T, delivery: Delivery<K>) => unknown;

type AnyCodec = EventCodec<unknown, unknown>;

/** Handlers by event type, each typed by its codec: `new Handlers().on(examAttemptSubmittedV1, (event) => ...)`. */
export class Handlers {
  private readonly byType = new Map<string, { codec: AnyCodec; handler: Handler<unknown, unknown> }>();

  on<T, K>(codec: EventCodec<T, K>, handler: Handler<T, K>): this {
    if (this.byType.has(codec.eventType)) throw new Error(`a handler for ${codec.eventType} is already registered`);
    this.byType.set(codec.eventType, { codec: codec as unknown as AnyCodec, handler: handler as Handler<unknown, unknown> });
    return this;
  }

  get(eventType: string): { codec: AnyCodec; handler: Handler<unknown, unknown> } | undefined {
    return this.byType.get(eventType);
  }

  get eventTypes(): string[] {
    return [...this.byType.keys()];
  }
}

/** How often a failing handler (or an unreachable registry) is tried again, and how long between tries. */
export interface RetryPolicy {
  /** Tries after the first; default 3. */
  readonly retries?: number;
  /** First wait; it doubles per retry up to maxBackoffMs. Defaults 200 ms and 5 s. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface ConsumerStats {
  handled: number;
  /** Tries after a failure, of handlers or of the registry. */
  retried: number;
  deadLettered: number;
  /** Messages of event types no handler was given for: acknowledged, counted, logged. */
  ignored: number;
}

/** Where a consumer says what it does; default: warnings and errors to the console. */
export interface BusLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const CONSOLE_LOGGER: BusLogger = { info: () => {}, warn: (m) => console.warn(m), error: (m) => console.error(m) };

/**
 * Why a message went to the dead letters: `code` is `bad-envelope` (headers or fields that do not
 * make an event's metadata), `undecodable` (bytes that do not read), a SchemaResolutionError code
 * (`unknown-schema-id`, `wrong-record`, `incompatible-schema`, `value-not-readable`, `registry-error`),
 * or `handler-error`.
 */
export interface Failure {
  readonly code: string;
  readonly reason: string;
  readonly attempts: number;
}

/** Names of what a dead letter carries besides the message: Kafka headers, Redis fields. */
export const DEAD_LETTER = {
  code: "eventcanon-dlq-code",
  reason: "eventcanon-dlq-reason",
  attempts: "eventcanon-dlq-attempts",
  source: "eventcanon-dlq-source",
  position: "eventcanon-dlq-position",
  group: "eventcanon-dlq-group",
  time: "eventcanon-dlq-time",
} as const;

export function deadLetterFields(failure: Failure, source: string, position: string, group: string): [string, string][] {
  return [
    [DEAD_LETTER.code, failure.code],
    [DEAD_LETTER.reason, failure.reason],
    [DEAD_LETTER.attempts, String(failure.attempts)],
    [DEAD_LETTER.source, source],
    [DEAD_LETTER.position, position],
    [DEAD_LETTER.group, group],
    [DEAD_LETTER.time, new Date().toISOString().replace(/Z$/, "+00:00")],
  ];
}

export type Outcome =
  | { readonly kind: "handled" }
  | { readonly kind: "ignored"; readonly eventType: string }
  | { readonly kind: "dead-letter"; readonly failure: Failure }
  /** The consumer is stopping: the message is neither handled nor acknowledged, and will come again. */
  | { readonly kind: "abandoned" };

export interface Incoming {
  readonly topic: string;
  readonly position: string;
  /** The envelope, or why there is none. */
  readonly metadata: EventMetadata | Error;
  /** Decodes the value (and key) with the event's codec, resolving the writer's schema. */
  readonly read: (codec: AnyCodec) => Promise<{ data: unknown; key: unknown; schemaId: number | undefined }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The rule for one message. `stopping` ends retries early: the message is then left for the next consumer. */
export async function deliver(
  incoming: Incoming,
  handlers: Handlers,
  policy: RetryPolicy,
  stats: ConsumerStats,
  stopping: () => boolean,
): Promise<Outcome> {
  const retries = policy.retries ?? 3;
  const wait = (attempt: number) => sleep(Math.min(policy.maxBackoffMs ?? 5_000, (policy.backoffMs ?? 200) * 2 ** (attempt - 1)));
  if (incoming.metadata instanceof Error)
    return { kind: "dead-letter", failure: { code: "bad-envelope", reason: incoming.metadata.message, attempts: 1 } };
  const metadata = incoming.metadata;
  const entry = handlers.get(metadata.event_type);
  if (entry === undefined) return { kind: "ignored", eventType: metadata.event_type };

  let read: { data: unknown; key: unknown; schemaId: number | undefined } | undefined;
  for (let attempt = 1; read === undefined; attempt++) {
    try {
      read = await incoming.read(entry.codec);
    } catch (error) {
      const code = error instanceof SchemaResolutionError ? error.code : "undecodable";
      // Only an unreachable registry may answer later; every other reason is in the message itself.
      if (code !== "registry-error" || attempt > retries)
        return { kind: "dead-letter", failure: { code, reason: (error as Error).message, attempts: attempt } };
      if (stopping()) return { kind: "abandoned" };
      stats.retried++;
      await wait(attempt);
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const delivery: Delivery<unknown> = {
        metadata,
        key: read.key ?? null,
        schemaId: read.schemaId,
        topic: incoming.topic,
        position: incoming.position,
        attempt,
      };
      await entry.handler(read.data, delivery);
      return { kind: "handled" };
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (attempt > retries) return { kind: "dead-letter", failure: { code: "handler-error", reason, attempts: attempt } };
      if (stopping()) return { kind: "abandoned" };
      stats.retried++;
      await wait(attempt);
    }
  }
}

/** Stops a consumer on SIGTERM and SIGINT, once; returns what removes the listeners. */
export function stopOnSignals(stop: () => Promise<void>): () => void {
  const handler = () => {
    void stop();
  };
  process.once("SIGTERM", handler);
  process.once("SIGINT", handler);
  return () => {
    process.off("SIGTERM", handler);
    process.off("SIGINT", handler);
  };
}

/** `<prefix>-<topic>`, as the bus's EVENT_BUS_TOPIC_PREFIX makes it. */
export function fullTopic(topic: string, prefix: string | undefined): string {
  return prefix === undefined || prefix === "" ? topic : `${prefix}-${topic}`;
}
