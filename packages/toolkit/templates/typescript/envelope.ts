import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

/** The Open edX event bus envelope: what travels beside the Avro body of every event. */
export interface EventMetadata {
  readonly event_type: string;
  /** A UUID identifying this one event. */
  readonly id: string;
  /** Minor version of the event type: compatible changes within a major version. */
  readonly minorversion: number;
  /** Who sent it, e.g. `openedx/lms/web`. */
  readonly source: string;
  readonly sourcehost: string;
  /** UTC time the event happened, ISO 8601. */
  readonly time: string;
  /** Version of the library that sent it, e.g. `11.2.0`. */
  readonly sourcelib: string;
}

const SPEC_VERSION = "1.0";
const CONTENT_TYPE = "application/avro";
/** The version of the event definitions this package follows (eventcanon.config.json's envelope.sourcelib). */
export const SOURCELIB: string = "$EVENTCANON_SOURCELIB";
const VERSION = /^[0-9]+(\.[0-9]+)*$/;

/**
 * Metadata for a new event, with the Open edX bus's defaults: a fresh UUID, now in UTC as Python's
 * isoformat writes it, this host, the source `openedx/<EVENTS_SERVICE_NAME>/web` and this package's
 * sourcelib. The bus's consumers read sourcelib as integers joined by dots: anything else is refused here.
 */
export function createMetadata(eventType: string, fields: Partial<Omit<EventMetadata, "event_type">> = {}): EventMetadata {
  const sourcelib = fields.sourcelib ?? SOURCELIB;
  if (!VERSION.test(sourcelib))
    throw new TypeError(
      `sourcelib must be a version of integers joined by dots (the bus's consumers parse it so), got ${JSON.stringify(sourcelib)}`,
    );
  return {
    event_type: eventType,
    id: fields.id ?? randomUUID(),
    minorversion: fields.minorversion ?? 0,
    source: fields.source ?? `openedx/${process.env.EVENTS_SERVICE_NAME || "SERVICE_NAME_UNSET"}/web`,
    sourcehost: fields.sourcehost ?? hostname(),
    time: fields.time ?? isoformat(new Date()),
    sourcelib,
  };
}

/** As Python's datetime.isoformat() writes a UTC time, which is how the bus writes ce_time: microseconds, "+00:00". */
function isoformat(date: Date): string {
  const [seconds, millis] = date.toISOString().slice(0, -1).split(".") as [string, string];
  return `${seconds}${millis === "000" ? "" : `.${millis}000`}+00:00`;
}

/** Kafka headers as the Open edX event bus writes them (CloudEvents binary mode). */
export function toKafkaHeaders(metadata: EventMetadata): Record<string, string> {
  // In edx-event-bus-kafka's order: the three fixed headers, then one per metadata field.
  return {
    ce_specversion: SPEC_VERSION,
    "content-type": CONTENT_TYPE,
    ce_datacontenttype: CONTENT_TYPE,
    ce_type: metadata.event_type,
    ce_id: metadata.id,
    ce_source: metadata.source,
    ce_time: metadata.time,
    ce_minorversion: String(metadata.minorversion),
    sourcehost: metadata.sourcehost,
    sourcelib: metadata.sourcelib,
  };
}

type HeaderValue = string | Uint8Array;
/** Headers as Kafka clients give them: a list of pairs, or an object whose array values are repeats. */
export type KafkaHeaders =
  | ReadonlyArray<readonly [string, HeaderValue]>
  | Readonly<Record<string, HeaderValue | readonly HeaderValue[] | undefined>>;

/**
 * Reads the envelope back. A missing `ce_id` or any repeated header is an error (the event would be
 * ambiguous); other missing headers get defaults: `fallbackType` for the type, 0 for the minor version,
 * empty strings otherwise.
 */
export function fromKafkaHeaders(headers: KafkaHeaders, fallbackType = ""): EventMetadata {
  // Read on every message a consumer gets: a plain object and loops, no entries() or closures.
  const values: Record<string, string> = Object.create(null);
  const add = (rawName: string, value: HeaderValue | readonly HeaderValue[] | undefined) => {
    if (value === undefined) return;
    const name = rawName.toLowerCase();
    if (name in values || (Array.isArray(value) && value.length > 1)) throw new Error(`duplicated Kafka header "${name}"`);
    values[name] = utf8((Array.isArray(value) ? value[0] : value) as HeaderValue);
  };
  if (Array.isArray(headers)) for (const [name, value] of headers) add(name, value);
  else {
    const object = headers as Readonly<Record<string, HeaderValue | readonly HeaderValue[] | undefined>>;
    for (const name in object) add(name, object[name]);
  }
  return fromFields(values, KAFKA_NAMES, fallbackType, "Kafka header");
}

/** A header's text, read in place: Buffer.from(a Buffer) would copy it first (most of a consumer's cost per message). */
function utf8(value: HeaderValue): string {
  if (typeof value === "string") return value;
  return (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)).toString("utf8");
}

/** Redis stream fields as the Open edX Redis event bus writes them, beside `event_data`. */
export function toRedisFields(metadata: EventMetadata, eventData: Uint8Array): Record<string, string | Buffer> {
  return {
    type: metadata.event_type,
    id: metadata.id,
    source: metadata.source,
    time: metadata.time,
    minorversion: String(metadata.minorversion),
    sourcehost: metadata.sourcehost,
    sourcelib: metadata.sourcelib,
    event_data: Buffer.from(eventData),
  };
}

export function fromRedisFields(
  fields: Readonly<Record<string, string | Uint8Array>>,
  fallbackType = "",
): { metadata: EventMetadata; eventData: Buffer } {
  const values: Record<string, string> = Object.create(null);
  for (const name of Object.values(REDIS_NAMES)) {
    const value = fields[name];
    if (value !== undefined) values[name] = utf8(value);
  }
  const data = fields.event_data;
  if (data === undefined) throw new Error('Redis message has no "event_data" field');
  return { metadata: fromFields(values, REDIS_NAMES, fallbackType, "Redis field"), eventData: Buffer.from(data) };
}

/** Where each metadata field travels: Kafka headers (CloudEvents' `ce_` names), Redis stream fields. */
const KAFKA_NAMES = {
  id: "ce_id",
  type: "ce_type",
  minorversion: "ce_minorversion",
  source: "ce_source",
  time: "ce_time",
  sourcehost: "sourcehost",
  sourcelib: "sourcelib",
} as const;
const REDIS_NAMES = {
  id: "id",
  type: "type",
  minorversion: "minorversion",
  source: "source",
  time: "time",
  sourcehost: "sourcehost",
  sourcelib: "sourcelib",
} as const;
type Names = typeof KAFKA_NAMES | typeof REDIS_NAMES;

function fromFields(values: Readonly<Record<string, string>>, names: Names, fallbackType: string, what: string): EventMetadata {
  const id = values[names.id];
  if (id === undefined || id === "") throw new Error(`missing ${what} "${names.id}": every event needs its id`);
  const minor = values[names.minorversion];
  const minorversion = minor === undefined ? 0 : Number(minor);
  if (!Number.isInteger(minorversion) || minorversion < 0)
    throw new Error(`${what} "${names.minorversion}" is not a whole number: ${minor}`);
  // A missing sourcelib takes the default, as the bus's consumer does; a malformed one is refused.
  const sourcelib = values[names.sourcelib];
  if (sourcelib !== undefined && !VERSION.test(sourcelib))
    throw new Error(`${what} "sourcelib" is not a version of integers joined by dots: ${JSON.stringify(sourcelib)}`);
  return {
    event_type: values[names.type] ?? fallbackType,
    id,
    minorversion,
    source: values[names.source] ?? "",
    sourcehost: values[names.sourcehost] ?? "",
    time: values[names.time] ?? "",
    sourcelib: sourcelib ?? SOURCELIB,
  };
}
