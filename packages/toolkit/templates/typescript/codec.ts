import avro from "avsc";
import { asReader, OFFSET_LESS, onTheCalendar } from "./datetimes.js";
import { frame, unframe } from "./framing.js";
import type { ReleaseHistory } from "./history.js";
import { avroOptions, type LongMode, LongRangeError, longMisfit } from "./longs.js";
import { Lru } from "./lru.js";
import { type SchemaRegistryClient, SchemaRegistryError } from "./registry-client.js";
import { LONG_BEYOND, Refusal, type Resolution, resolution, SchemaResolutionError, unsafeLongPath } from "./resolution.js";
import { keyFieldSchema, registrationText, type SubjectNameStrategy, schemaName, subjectName } from "./subjects.js";

/** One problem found by `check`: where (a JSON pointer into the data) and what. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** An ajv standalone validator: compiled at generate time, so nothing is compiled at import. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?:
    | readonly {
        readonly instancePath: string;
        readonly message?: string;
        readonly keyword?: string;
        readonly params?: { readonly format?: string };
      }[]
    | null;
  /**
   * The same verdict without the errors: built from the model, it returns at the first failure and
   * allocates nothing, which is what `validate` needs. Validators without one are called instead.
   */
  readonly accepts?: (data: unknown) => boolean;
}

/**
 * Which side checks. `write` (the default, what producers check before sending): date-times need a
 * UTC offset. `read` (a consumer checking what it received): the offset-less date-times
 * openedx-events writes for naive datetimes are accepted too, meaning UTC.
 */
export interface CheckOptions {
  readonly direction?: "read" | "write";
}

export interface EventSpec {
  readonly eventType: string;
  readonly topic?: string;
  /** Dotted path of the field whose value is the message key. */
  readonly keyField?: string;
  /** The global id of `avroSchema` in the release history; absent while the schema is not released. */
  readonly schemaId?: number;
  readonly keySchemaId?: number;
  readonly avroSchema: avro.Schema;
  /** Avro schema of the key field's value. */
  readonly keyAvroSchema?: avro.Schema;
  readonly validator: CompiledValidator;
  /** Every released schema, by id: the writer schemas read offline. */
  readonly history: ReleaseHistory;
  /** How longs are held: numbers (default; beyond ±(2^53 - 1) refused) or bigints (every 64-bit value). */
  readonly longs?: LongMode;
}

export interface SerializeOptions {
  /** Without one, the message is framed with the released id of the package's schema, offline. */
  readonly registry?: SchemaRegistryClient | undefined;
  /** The Kafka topic the message goes to (prefix included); default the event's `x-topic`. */
  readonly topic?: string | undefined;
  /** Default `topic-record`, the Open edX bus's. */
  readonly subjectNameStrategy?: SubjectNameStrategy | undefined;
  /** Register the schema under its subject when it is not there (Confluent's auto.register.schemas); default false. */
  readonly autoRegister?: boolean | undefined;
  /** Write with the subject's latest schema and id instead of the package's (Confluent's use.latest.version). */
  readonly useLatestVersion?: boolean | undefined;
}

export interface DeserializeOptions {
  /** Asked for writer schema ids that the package's release history does not hold. */
  readonly registry?: SchemaRegistryClient | undefined;
}

type Role = "value" | "key";
type Writer = Resolution | SchemaResolutionError;
/** Writer schema id -> how to read it, or why it cannot be read; per role, for one source of ids. */
type Writers = Record<Role, Lru<number, Writer>>;
const writers = (): Writers => ({ value: new Lru(1000), key: new Lru(1000) });

/**
 * Everything a producer or consumer does with one event type, typed by its data `T` and key `K`.
 * Avro types are built on first use, not at import.
 */
export class EventCodec<T, K = unknown> {
  readonly eventType: string;
  readonly topic: string | undefined;
  readonly keyField: string | undefined;
  readonly avroSchema: avro.Schema;
  /** The released id of the package's value schema; undefined while not released. */
  readonly schemaId: number | undefined;
  readonly keySchemaId: number | undefined;
  private readonly spec: EventSpec;
  private readonly longs: LongMode;
  private avroType: avro.Type | undefined;
  private keyType: avro.Type | undefined;
  /** The release history's ids, and each registry's: the same id may name other schemas in a registry with ids of its own. */
  private readonly bundledWriters = writers();
  private readonly registryWriters = new WeakMap<SchemaRegistryClient, Writers>();
  private readonly given = { value: new WeakMap<object, Resolution>(), key: new WeakMap<object, Resolution>() };
  /** Writer types for useLatestVersion, by id. */
  private readonly latestTypes = new Lru<number, avro.Type>(100);

  constructor(spec: EventSpec) {
    this.spec = spec;
    this.eventType = spec.eventType;
    this.topic = spec.topic;
    this.keyField = spec.keyField;
    this.avroSchema = spec.avroSchema;
    this.schemaId = spec.schemaId;
    this.keySchemaId = spec.keySchemaId;
    this.longs = spec.longs ?? "number";
  }

  /** True when `data` satisfies the event's JSON Schema (formats and patterns included). */
  validate(data: unknown, options?: CheckOptions): data is T {
    const accepts = this.spec.validator.accepts ?? this.spec.validator;
    if (this.longs === "number") return this.run(accepts, data, options);
    // As check does (the Avro type for the longs, the validator for the rest), without building the issues.
    return this.type().isValid(data) && this.run(accepts, withNumbers(data), options);
  }

  /** Every JSON Schema violation in `data`; empty when valid. */
  check(data: unknown, options: CheckOptions = {}): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    if (this.longs === "bigint") {
      // JSON Schema (and so the validator) has no bigints: the Avro type checks each long (a bigint
      // in the 64-bit range), the validator the rest, on a copy whose bigints are numbers.
      this.type().isValid(data, {
        errorHook: (path, value, type) => {
          const misfit = longMisfit(this.longs, type, value);
          if (misfit !== undefined) issues.push({ path: `/${path.join("/")}`, message: misfit });
        },
      });
    }
    const checked = this.longs === "bigint" ? withNumbers(data) : data;
    if (this.run(this.spec.validator, checked, options)) return issues;
    for (const e of this.spec.validator.errors ?? []) {
      const text = String(valueAt(checked, e.instancePath));
      const offsetLess = e.keyword === "format" && e.params?.format === "date-time" && OFFSET_LESS.test(text) && onTheCalendar(text);
      issues.push({
        path: e.instancePath,
        message: offsetLess
          ? `must have a UTC offset: ${JSON.stringify(valueAt(checked, e.instancePath))} has none; a date-time without one is read (as UTC) but never written: append "Z" or "+00:00"`
          : (e.message ?? "is invalid"),
      });
    }
    return issues;
  }

  /** The validator (or its verdict-only twin) on `data`, reading date-times as a reader when asked to. */
  private run(validator: (data: unknown) => boolean, data: unknown, options: CheckOptions | undefined): boolean {
    return options?.direction === "read" ? asReader(() => validator(data)) : validator(data);
  }

  /** Avro binary of `data` (no framing). Throws naming the first field that does not fit. */
  encode(data: T): Buffer {
    return this.write(this.type(), data);
  }

  /**
   * Reads Avro binary (no framing). Without `writerSchema` the bytes must have been written with this
   * package's schema; with it, the writer's schema is resolved against the package's.
   */
  decode(bytes: Uint8Array, writerSchema?: avro.Schema): T {
    if (writerSchema === undefined) return this.read(this.type(), this.spec.avroSchema, bytes, "") as T;
    return this.readResolved("value", this.givenWriter("value", writerSchema), toBuffer(bytes), undefined) as T;
  }

  /** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro body. */
  encodeFramed(data: T, schemaId: number): Buffer {
    return frame(schemaId, this.encode(data));
  }

  /** Reads Confluent wire format whose writer schema is in the package's release history (offline). */
  decodeFramed(bytes: Uint8Array): { schemaId: number; data: T } {
    const { schemaId, body } = unframe(bytes);
    return { schemaId, data: this.readFramed("value", schemaId, body, this.bundled("value", schemaId)) as T };
  }

  /**
   * Confluent wire format, as Confluent's serializers write it: the id is the released id of the
   * package's schema (offline), or with a registry the id under the event's subject (looked up,
   * registered with `autoRegister`, or the subject's latest with `useLatestVersion`).
   */
  async serialize(data: T, options: SerializeOptions = {}): Promise<Buffer> {
    return this.serializeAs("value", data, options);
  }

  /** Reads Confluent wire format written with any schema the history or the registry knows, resolved to the package's. */
  async deserialize(bytes: Uint8Array, options: DeserializeOptions = {}): Promise<{ schemaId: number; data: T }> {
    const { schemaId, body } = unframe(bytes);
    return { schemaId, data: (await this.deserializeAs("value", schemaId, body, options)) as T };
  }

  /** The message key: the value at the event's key field. */
  keyOf(data: T): K {
    const keyField = this.requireKey();
    let value: unknown = data;
    for (const segment of keyField.split(".")) value = (value as Record<string, unknown> | null)?.[segment];
    return value as K;
  }

  /** The message key's Avro binary (no framing): the Avro encoding of the value at the event's key field. */
  encodeKey(data: T): Buffer {
    return this.write(this.keyAvro(), this.keyOf(data), this.keyField);
  }

  decodeKey(bytes: Uint8Array, writerSchema?: avro.Schema): K {
    if (writerSchema === undefined) return this.read(this.keyAvro(), this.keyAvroSchemaOrThrow(), bytes, "key ") as K;
    return this.readResolved("key", this.givenWriter("key", writerSchema), toBuffer(bytes), undefined) as K;
  }

  /** The key in Confluent wire format, under the bus's key subject (`<topic>-string` for a string key). */
  async serializeKey(data: T, options: SerializeOptions = {}): Promise<Buffer> {
    return this.serializeAs("key", this.keyOf(data), options);
  }

  /** A key given as its value (not taken from the event's data), in Confluent wire format. */
  async serializeKeyValue(key: K, options: SerializeOptions = {}): Promise<Buffer> {
    this.requireKey();
    return this.serializeAs("key", key, options);
  }

  async deserializeKey(bytes: Uint8Array, options: DeserializeOptions = {}): Promise<{ schemaId: number; key: K }> {
    const { schemaId, body } = unframe(bytes);
    return { schemaId, key: (await this.deserializeAs("key", schemaId, body, options)) as K };
  }

  /** The value subject under a strategy (default topic-record: `<topic>-<record full name>`). */
  subject(options: Pick<SerializeOptions, "topic" | "subjectNameStrategy"> = {}): string {
    return this.subjectOf("value", options);
  }

  /** The key subject, named as edx-event-bus-kafka names it: `<topic>-<key schema name>` by default. */
  keySubject(options: Pick<SerializeOptions, "topic" | "subjectNameStrategy"> = {}): string {
    return this.subjectOf("key", options);
  }

  private subjectOf(role: Role, options: Pick<SerializeOptions, "topic" | "subjectNameStrategy">): string {
    const topic = options.topic ?? this.topic;
    const strategy = options.subjectNameStrategy ?? "topic-record";
    if (strategy !== "record" && topic === undefined)
      throw new TypeError(`${this.eventType} has no x-topic: pass the topic, or use the record subject name strategy`);
    const schema = role === "value" ? this.avroSchema : this.keyAvroSchemaOrThrow();
    return subjectName(strategy, role, schemaName(schema), topic);
  }

  /** The value goes to its own schema; a key, given as its value, to the key schema. */
  private async serializeAs(role: Role, value: unknown, options: SerializeOptions): Promise<Buffer> {
    const own = role === "value" ? this.schemaId : this.keySchemaId;
    const body = () => (role === "value" ? this.encode(value as T) : this.write(this.keyAvro(), value, this.keyField));
    const registry = options.registry;
    if (registry === undefined) {
      if (own === undefined)
        throw new SchemaResolutionError(
          "unknown-schema-id",
          `${this.eventType}: the package's ${role} schema is not in its release history (not released yet: run canon release), so it has no id to frame with offline; pass a schema registry to look it up`,
        );
      return frame(own, body());
    }
    const subject = this.subjectOf(role, options);
    if (options.useLatestVersion) {
      const latest = await registry.latest(subject);
      if (latest.schemaType !== "AVRO")
        throw new TypeError(`${this.eventType}: the latest schema of ${subject} is ${latest.schemaType}, not AVRO`);
      let type = this.latestTypes.get(latest.id);
      if (type === undefined) {
        type = avro.Type.forSchema(avscCompatible(JSON.parse(latest.schema) as avro.Schema), avroOptions(this.longs));
        this.latestTypes.set(latest.id, type);
      }
      return frame(latest.id, this.write(type, value));
    }
    const schema = role === "value" ? this.avroSchema : keyFieldSchema(this.avroSchema, this.requireKey());
    const text = registrationText(schema);
    let id: number;
    try {
      id = options.autoRegister ? await registry.register(subject, text) : await registry.lookup(subject, text);
    } catch (error) {
      if (error instanceof SchemaRegistryError && error.status === 404)
        throw new SchemaResolutionError(
          "unknown-schema-id",
          `${this.eventType}: the package's ${role} schema is not registered under subject ${subject} at ${registry.url}; register it with canon registry push, or let serialize register it (autoRegister)`,
        );
      throw error;
    }
    return frame(id, body());
  }

  private async deserializeAs(role: Role, schemaId: number, body: Buffer, options: DeserializeOptions): Promise<unknown> {
    const registry = options.registry;
    const bundled = registry?.assignsOwnIds ? undefined : this.bundled(role, schemaId);
    if (bundled !== undefined || registry === undefined) return this.readFramed(role, schemaId, body, bundled);
    let cache = this.registryWriters.get(registry);
    if (cache === undefined) {
      cache = writers();
      this.registryWriters.set(registry, cache);
    }
    let found = cache[role].get(schemaId);
    if (found === undefined) {
      const text = await this.fetchWriter(registry, schemaId);
      found = this.compileOrError(cache, role, schemaId, JSON.parse(text) as avro.Schema, " (from the registry)");
    }
    return this.readFramed(role, schemaId, body, found);
  }

  private async fetchWriter(registry: SchemaRegistryClient, schemaId: number): Promise<string> {
    try {
      const registered = await registry.schemaById(schemaId);
      if (registered.schemaType === "AVRO") return registered.schema;
      throw new SchemaResolutionError(
        "wrong-record",
        `${this.eventType}: writer schema id ${schemaId} is a ${registered.schemaType} schema in the schema registry at ${registry.url}, not Avro`,
        schemaId,
      );
    } catch (error) {
      if (!(error instanceof SchemaRegistryError)) throw error;
      if (error.errorCode === 40403 || error.status === 404)
        throw new SchemaResolutionError(
          "unknown-schema-id",
          `${this.eventType}: writer schema id ${schemaId} is neither in this package's release history nor in the schema registry at ${registry.url}`,
          schemaId,
        );
      throw new SchemaResolutionError(
        "registry-error",
        `${this.eventType}: cannot fetch writer schema id ${schemaId}: ${error.message}`,
        schemaId,
      );
    }
  }

  /** The writer schema of an id from the release history: this codec's own, an older one, or another's (an error). */
  private bundled(role: Role, schemaId: number): Writer | "own" | undefined {
    if (schemaId === (role === "value" ? this.schemaId : this.keySchemaId)) return "own";
    const known = this.bundledWriters[role].get(schemaId);
    if (known !== undefined) return known;
    const value = this.spec.history.values[schemaId];
    const key = this.spec.history.keys[schemaId];
    if (role === "key" && key !== undefined) return this.compileOrError(this.bundledWriters, "key", schemaId, key, "");
    if (role === "value" && value !== undefined && value[0] === this.eventType && value[2] !== undefined)
      return this.compileOrError(this.bundledWriters, "value", schemaId, value[2], "");
    if (value === undefined && key === undefined) return undefined;
    const whose = value === undefined ? "a key schema" : `the value schema of ${value[0]} version ${value[1]}`;
    const error = new SchemaResolutionError(
      "wrong-record",
      `${this.eventType}: writer schema id ${schemaId} is ${whose}, not a ${role} schema of ${this.eventType}`,
      schemaId,
    );
    this.bundledWriters[role].set(schemaId, error);
    return error;
  }

  private compileOrError(cache: Writers, role: Role, schemaId: number, schema: avro.Schema, from: string): Writer {
    let found: Writer;
    try {
      found = this.compile(role, schemaId, schema, from);
    } catch (error) {
      if (!(error instanceof SchemaResolutionError)) throw error;
      found = error;
    }
    cache[role].set(schemaId, found);
    return found;
  }

  /** A writer schema passed in: compiled once per schema object. */
  private givenWriter(role: Role, schema: avro.Schema): Resolution {
    if (typeof schema !== "object" || schema === null) return this.compile(role, undefined, schema, "");
    let found = this.given[role].get(schema);
    if (found === undefined) {
      found = this.compile(role, undefined, schema, "");
      this.given[role].set(schema, found);
    }
    return found;
  }

  /** Resolution from a writer schema to the package's; errors say which record or which field. */
  private compile(role: Role, schemaId: number | undefined, schema: avro.Schema, from: string): Resolution {
    const id = schemaId === undefined ? "the writer schema" : `writer schema id ${schemaId}${from}`;
    const reader = role === "value" ? this.avroSchema : this.keyAvroSchemaOrThrow();
    if (role === "value" && schemaName(schema) !== schemaName(reader))
      throw new SchemaResolutionError(
        "wrong-record",
        `${this.eventType}: ${id} is for record ${schemaName(schema)}, not ${schemaName(reader)}`,
        schemaId,
      );
    try {
      return resolution(role === "value" ? this.type() : this.keyAvro(), avscCompatible(schema), this.longs);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      throw new SchemaResolutionError(
        "incompatible-schema",
        `${this.eventType}: ${id} cannot be read as this package's ${role} schema: ${this.wireNames(error.message)}`,
        schemaId,
        error.path,
      );
    }
  }

  private readFramed(role: Role, schemaId: number, body: Buffer, writer: Writer | "own" | undefined): unknown {
    if (writer === "own")
      return role === "value"
        ? this.read(this.type(), this.spec.avroSchema, body, "")
        : this.read(this.keyAvro(), this.keyAvroSchemaOrThrow(), body, "key ");
    if (writer === undefined)
      throw new SchemaResolutionError(
        "unknown-schema-id",
        `${this.eventType}: writer schema id ${schemaId} is not in this package's release history, and no schema registry was given: pass one to deserialize to read versions released after this package`,
        schemaId,
      );
    if (writer instanceof SchemaResolutionError) throw writer;
    return this.readResolved(role, writer, body, schemaId);
  }

  private readResolved(role: Role, writer: Resolution, body: Buffer, schemaId: number | undefined): unknown {
    try {
      return writer.read(body);
    } catch (error) {
      const with_ = schemaId === undefined ? "another schema" : `writer schema id ${schemaId}`;
      if (error instanceof Refusal)
        throw new SchemaResolutionError(
          "value-not-readable",
          `${this.eventType}: cannot read a ${role} written with ${with_}: ${this.wireNames(error.message)}`,
          schemaId,
          error.path,
        );
      throw this.decodeError(error as Error, body, ` (${role} written with ${with_})`);
    }
  }

  private write(type: avro.Type, value: unknown, keyField?: string): Buffer {
    try {
      return type.toBuffer(value);
    } catch (error) {
      const what = keyField === undefined ? "" : ` the key ${keyField}`;
      throw new TypeError(`${this.eventType}: cannot encode${what}: ${this.describeInvalid(type, value) ?? (error as Error).message}`);
    }
  }

  /** Names in a message as on the wire: avsc was given the event's namespace with `_` for its invalid characters. */
  private wireNames(message: string): string {
    const renamed = avscNamespace(this.eventType);
    return renamed === this.eventType ? message : message.split(renamed).join(this.eventType);
  }

  /** `schema`: the one `type` was built from, to find a long that does not fit. */
  private read(type: avro.Type, schema: avro.Schema, bytes: Uint8Array, what: string): unknown {
    const buffer = toBuffer(bytes);
    try {
      return type.fromBuffer(buffer);
    } catch (error) {
      if (error instanceof LongRangeError) {
        const path = unsafeLongPath(avscCompatible(schema), buffer) ?? "";
        throw new RangeError(
          `${this.eventType}: cannot decode${what === "" ? "" : ` the ${what.trim()}`}: ${path || "/"}: the long ${error.value}, ${LONG_BEYOND}`,
        );
      }
      throw this.decodeError(error as Error, bytes, what === "" ? "" : ` (${what.trim()})`);
    }
  }

  private decodeError(error: Error, bytes: Uint8Array, what: string): Error {
    return new TypeError(`${this.eventType}: cannot decode ${bytes.length} bytes${what}: ${error.message}`);
  }

  /** avsc only says "invalid"; its error hook finds the path, which costs nothing on the happy path. */
  private describeInvalid(type: avro.Type, data: unknown): string | undefined {
    let found: string | undefined;
    type.isValid(data, {
      errorHook: (path, value, at) => {
        found ??= `/${path.join("/")}: ${longMisfit(this.longs, at, value) ?? `${stringify(value)} does not fit the schema`}`;
      },
    });
    return found;
  }

  private requireKey(): string {
    if (this.spec.keyField === undefined || this.spec.keyAvroSchema === undefined)
      throw new Error(`${this.eventType} declares no event key field`);
    return this.spec.keyField;
  }

  private keyAvroSchemaOrThrow(): avro.Schema {
    this.requireKey();
    return this.spec.keyAvroSchema as avro.Schema;
  }

  private keyAvro(): avro.Type {
    this.keyType ??= avro.Type.forSchema(this.keyAvroSchemaOrThrow(), avroOptions(this.longs));
    return this.keyType;
  }

  private type(): avro.Type {
    this.avroType ??= avro.Type.forSchema(avscCompatible(this.spec.avroSchema), avroOptions(this.longs));
    return this.avroType;
  }
}

/** JSON for a message; bigints as `12n`, which JSON.stringify refuses. */
function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? "undefined";
}

/** The value at a JSON pointer (ajv's instancePath) into `data`. */
function valueAt(data: unknown, pointer: string): unknown {
  let value = data;
  for (const segment of pointer.split("/").slice(1))
    value = (value as Record<string, unknown> | null)?.[segment.replace(/~1/g, "/").replace(/~0/g, "~")];
  return value;
}

/** A copy with every bigint as a number: what a JSON Schema validator can check. */
function withNumbers(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "object" || value === null || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(withNumbers);
  // A loop, not Object.fromEntries(Object.entries(...)): that was twenty times slower here.
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = withNumbers((value as Record<string, unknown>)[key]);
  return copy;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The schema as avsc accepts it: Avro names are `[A-Za-z_][A-Za-z0-9_]*` per dotted segment, but some
 * Open edX event types (hence namespaces) have a hyphen. Binary encoding does not use names, so avsc
 * gets `_` for each invalid character and reads and writes the same bytes.
 */
function avscCompatible(schema: avro.Schema): avro.Schema {
  if (Array.isArray(schema)) return schema.map(avscCompatible) as avro.Schema;
  if (typeof schema !== "object" || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === "namespace" && typeof value === "string" ? avscNamespace(value) : avscCompatible(value as avro.Schema),
    ]),
  ) as avro.Schema;
}

function avscNamespace(namespace: string): string {
  return namespace.replace(/[^A-Za-z0-9_.]/g, "_");
}
