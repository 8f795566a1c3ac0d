import avro from "avsc";
import { frame, unframe } from "./framing.js";

/** One problem found by `check`: where (a JSON pointer into the data) and what. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** An ajv standalone validator: compiled at generate time, so nothing is compiled at import. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: readonly { readonly instancePath: string; readonly message?: string }[] | null;
}

export interface EventSpec {
  readonly eventType: string;
  readonly topic?: string;
  /** Dotted path of the field whose value is the message key. */
  readonly keyField?: string;
  readonly avroSchema: avro.Schema;
  /** The same schema with names avsc accepts, when the wire names are not valid Avro names. */
  readonly avscSchema?: avro.Schema;
  /** Avro schema of the key field's value. */
  readonly keyAvroSchema?: avro.Schema;
  readonly validator: CompiledValidator;
}

/**
 * Everything a producer or consumer does with one event type, typed by its data `T`.
 * Avro types are built on first use, not at import.
 */
export class EventCodec<T> {
  readonly eventType: string;
  readonly topic: string | undefined;
  readonly keyField: string | undefined;
  readonly avroSchema: avro.Schema;
  private readonly spec: EventSpec;
  private avroType: avro.Type | undefined;
  private keyType: avro.Type | undefined;

  constructor(spec: EventSpec) {
    this.spec = spec;
    this.eventType = spec.eventType;
    this.topic = spec.topic;
    this.keyField = spec.keyField;
    this.avroSchema = spec.avroSchema;
  }

  /** True when `data` satisfies the event's JSON Schema (formats and patterns included). */
  validate(data: unknown): data is T {
    return this.spec.validator(data);
  }

  /** Every JSON Schema violation in `data`; empty when valid. */
  check(data: unknown): ValidationIssue[] {
    if (this.spec.validator(data)) return [];
    return (this.spec.validator.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message ?? "is invalid" }));
  }

  /** Avro binary of `data` (no framing). Throws naming the first field that does not fit. */
  encode(data: T): Buffer {
    const type = this.type();
    try {
      return type.toBuffer(data);
    } catch (error) {
      throw new TypeError(`${this.eventType}: cannot encode: ${describeInvalid(type, data) ?? (error as Error).message}`);
    }
  }

  decode(bytes: Uint8Array): T {
    try {
      return this.type().fromBuffer(toBuffer(bytes)) as T;
    } catch (error) {
      const message = (error as Error).message;
      if (message.includes("precision loss")) {
        throw new RangeError(
          `${this.eventType}: cannot decode: a long value is outside ±(2^53 - 1), which a JavaScript number cannot hold exactly; ` +
            "this package refuses to lose precision (see the README on large integers)",
        );
      }
      throw new TypeError(`${this.eventType}: cannot decode ${bytes.length} bytes: ${message}`);
    }
  }

  /** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro body. */
  encodeFramed(data: T, schemaId: number): Buffer {
    return frame(schemaId, this.encode(data));
  }

  decodeFramed(bytes: Uint8Array): { schemaId: number; data: T } {
    const { schemaId, body } = unframe(bytes);
    return { schemaId, data: this.decode(body) };
  }

  /** The message key: the Avro encoding of the value at the event's key field. */
  encodeKey(data: T): Buffer {
    if (this.spec.keyField === undefined || this.spec.keyAvroSchema === undefined) {
      throw new Error(`${this.eventType} declares no event key field`);
    }
    this.keyType ??= avro.Type.forSchema(this.spec.keyAvroSchema);
    let value: unknown = data;
    for (const segment of this.spec.keyField.split(".")) value = (value as Record<string, unknown> | null)?.[segment];
    return this.keyType.toBuffer(value);
  }

  private type(): avro.Type {
    this.avroType ??= avro.Type.forSchema(this.spec.avscSchema ?? this.spec.avroSchema);
    return this.avroType;
  }
}

/** avsc only says "invalid"; its error hook finds the path, which costs nothing on the happy path. */
function describeInvalid(type: avro.Type, data: unknown): string | undefined {
  let found: string | undefined;
  type.isValid(data, {
    errorHook(path, value) {
      found ??= `/${path.join("/")}: ${JSON.stringify(value) ?? "undefined"} does not fit the schema`;
    },
  });
  return found;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
