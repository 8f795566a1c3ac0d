import avro from "avsc";
import { avroOptions, type LongMode, LongRangeError } from "./longs.js";

/**
 * Avro schema resolution (the reader reads what a writer with another schema wrote), as the Avro
 * specification has it. avsc's own resolver is used wherever avsc builds one; avsc refuses up front
 * what the specification refuses only for some values (a writer's union branch or enum symbol the
 * reader lacks), so for those pairs the value is read with the writer's schema and resolved here,
 * and only a value the reader cannot hold is refused, naming its path. The Python package follows
 * the same rules with the same messages.
 */

export type ResolutionErrorCode = "unknown-schema-id" | "wrong-record" | "incompatible-schema" | "value-not-readable" | "registry-error";

/** Why a message could not be read: which event, which writer schema id, and (where known) the field. */
export class SchemaResolutionError extends Error {
  constructor(
    readonly code: ResolutionErrorCode,
    message: string,
    readonly schemaId?: number,
    /** JSON pointer into the data of the field at fault. */
    readonly path?: string,
  ) {
    super(message);
    this.name = "SchemaResolutionError";
  }
}

/** A reason found at a path: a JSON pointer into the data, `*` standing for any array item or map value. */
interface Mismatch {
  readonly path: string;
  readonly reason: string;
}

type RecordType = avro.types.RecordType;
/** avsc keeps an enum's default (Avro 1.9) but does not declare it. */
type EnumType = avro.types.EnumType & { readonly default?: string };
/** A type's kind; a bigint long (`abstract:long`) is a long. */
const kind = (type: avro.Type): string =>
  type.typeName.startsWith("union") ? "union" : type.typeName === "abstract:long" ? "long" : type.typeName;
const branches = (type: avro.Type): avro.Type[] => (type as avro.types.WrappedUnionType).types;
const pointer = (path: string, segment: string | number) => `${path}/${String(segment).replace(/~/g, "~0").replace(/\//g, "~1")}`;

const PROMOTIONS: Readonly<Record<string, readonly string[]>> = {
  int: ["long", "float", "double"],
  long: ["float", "double"],
  float: ["double"],
  string: ["bytes"],
  bytes: ["string"],
};

/** How a type is named in messages: `string`, `record a.B`, `["null", "string"]`. */
export function describe(type: avro.Type): string {
  const k = kind(type);
  if (k === "union")
    return `[${branches(type)
      .map((b) => JSON.stringify(b.branchName))
      .join(", ")}]`;
  if (k === "record" || k === "enum" || k === "fixed") return `${k} ${type.name}`;
  if (k === "array") return `array of ${describe((type as avro.types.ArrayType).itemsType)}`;
  if (k === "map") return `map of ${describe((type as avro.types.MapType).valuesType as avro.Type)}`;
  return k;
}

function namesMatch(reader: avro.Type, writer: avro.Type): boolean {
  return reader.name === writer.name || (writer.name !== undefined && (reader.aliases ?? []).includes(writer.name));
}

/** Same kind, and for named types the same name: a union branch the writer's branch resolves to first. */
function sameType(reader: avro.Type, writer: avro.Type): boolean {
  const k = kind(reader);
  if (k !== kind(writer)) return false;
  return k === "record" || k === "enum" || k === "fixed" ? namesMatch(reader, writer) : true;
}

/** The reader's union branch a writer's (non-union) type resolves to: the first of its type, else the first it promotes to. */
function branchFor(reader: avro.Type, writer: avro.Type): avro.Type | undefined {
  const options = branches(reader);
  return options.find((b) => sameType(b, writer)) ?? options.find((b) => (PROMOTIONS[kind(writer)] ?? []).includes(kind(b)));
}

/**
 * What makes every value of the writer's schema unreadable by the reader's, or undefined when some
 * (or all) values can be read. Value-dependent refusals (a union branch, an enum symbol) are not
 * reported here: they are refused when such a value comes.
 */
export function incompatibility(reader: avro.Type, writer: avro.Type, path = "", seen = new Set<string>()): Mismatch | undefined {
  const rk = kind(reader);
  const wk = kind(writer);
  if (wk === "union") {
    const found = branches(writer).map((b) => incompatibility(reader, b, path, seen));
    return found.every((m) => m !== undefined) ? found[0] : undefined;
  }
  if (rk === "union") {
    const branch = branchFor(reader, writer);
    if (branch === undefined)
      return { path, reason: `the writer's ${describe(writer)} cannot be read as the reader's ${describe(reader)}` };
    return incompatibility(branch, writer, path, seen);
  }
  if (rk !== wk) {
    if ((PROMOTIONS[wk] ?? []).includes(rk)) return undefined;
    return { path, reason: `the writer's ${describe(writer)} cannot be read as the reader's ${describe(reader)}` };
  }
  if ((rk === "record" || rk === "enum" || rk === "fixed") && !namesMatch(reader, writer))
    return { path, reason: `the writer's ${describe(writer)} cannot be read as the reader's ${describe(reader)}` };
  if (rk === "fixed" && (reader as avro.types.FixedType).size !== (writer as avro.types.FixedType).size)
    return {
      path,
      reason: `the writer's ${describe(writer)} has size ${(writer as avro.types.FixedType).size}, the reader's ${(reader as avro.types.FixedType).size}`,
    };
  if (rk === "enum") {
    const r = reader as EnumType;
    const symbols = new Set(r.symbols);
    if (r.default === undefined && !(writer as EnumType).symbols.some((s) => symbols.has(s)))
      return { path, reason: `the writer's ${describe(writer)} has no symbol the reader's has, and the reader's has no default` };
  }
  if (rk === "array")
    return incompatibility(
      (reader as avro.types.ArrayType).itemsType,
      (writer as avro.types.ArrayType).itemsType,
      pointer(path, "*"),
      seen,
    );
  if (rk === "map")
    return incompatibility(
      (reader as avro.types.MapType).valuesType as avro.Type,
      (writer as avro.types.MapType).valuesType as avro.Type,
      pointer(path, "*"),
      seen,
    );
  if (rk === "record") {
    // A recursive pair is checked once: its inner occurrence is the same pair.
    const pair = `${reader.name}:${writer.name}`;
    if (seen.has(pair)) return undefined;
    seen.add(pair);
    for (const field of (reader as RecordType).fields) {
      const source = writerField(writer as RecordType, field);
      const at = pointer(path, field.name);
      if (source === undefined) {
        if (field.defaultValue() === undefined)
          return { path: at, reason: `the writer has no field "${field.name}" and the reader gives it no default` };
        continue;
      }
      const inner = incompatibility(field.type, source.type, at, seen);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

function writerField(writer: RecordType, field: avro.types.Field): avro.types.Field | undefined {
  return writer.fields.find((f) => f.name === field.name) ?? writer.fields.find((f) => field.aliases.includes(f.name));
}

/** A value the reader cannot hold, thrown while converting: where, and why. */
export class Refusal extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path || "/"}: ${reason}`);
  }
}

function written(writer: avro.Type, value: unknown): string {
  const k = kind(writer);
  if (k === "null") return "null";
  if (k === "enum") return `the symbol ${JSON.stringify(value)}`;
  if (k === "record" || k === "fixed") return `a ${k} ${writer.name}`;
  return `${/^[aeiou]/.test(k) ? "an" : "a"} ${k}`;
}

/**
 * The reader's value for a value read with the writer's schema (unions wrapped, so that the branch
 * is known), by the specification's rules: fields by name or alias, defaults for fields the writer
 * lacks, promotions, enum defaults, union branches by type.
 */
function convert(reader: avro.Type, writer: avro.Type, value: unknown, path: string): unknown {
  const wk = kind(writer);
  if (wk === "union") {
    if (value === null) return convert(reader, branches(writer).find((b) => kind(b) === "null") as avro.Type, null, path);
    const [name, inner] = Object.entries(value as Record<string, unknown>)[0] as [string, unknown];
    return convert(reader, branches(writer).find((b) => b.branchName === name) as avro.Type, inner, path);
  }
  const rk = kind(reader);
  if (rk === "union") {
    const branch = branchFor(reader, writer);
    if (branch === undefined)
      throw new Refusal(path, `the writer wrote ${written(writer, value)}, which the reader's ${describe(reader)} has no branch for`);
    return convert(branch, writer, value, path);
  }
  const cannotHold = () =>
    new Refusal(path, `the writer wrote ${written(writer, value)}, which the reader's ${describe(reader)} cannot hold`);
  if (rk !== wk) {
    if (!(PROMOTIONS[wk] ?? []).includes(rk)) throw cannotHold();
    if (wk === "string" && rk === "bytes") return Buffer.from(value as string, "utf8");
    if (wk === "bytes" && rk === "string") return (value as Buffer).toString("utf8");
    // The writer was read in bigint mode (see resolution): a long promoted to a float or double is rounded once, here.
    if (typeof value === "bigint") return Number(value);
    if (reader.typeName === "abstract:long") return BigInt(value as number);
    return value;
  }
  if ((rk === "record" || rk === "enum" || rk === "fixed") && !namesMatch(reader, writer)) throw cannotHold();
  switch (rk) {
    case "record": {
      const r = reader as RecordType;
      const source = value as Record<string, unknown>;
      const values = r.fields.map((field) => {
        const from = writerField(writer as RecordType, field);
        const at = pointer(path, field.name);
        if (from !== undefined) return convert(field.type, from.type, source[from.name], at);
        const fallback: unknown = field.defaultValue();
        if (fallback === undefined) throw new Refusal(at, `the writer has no field "${field.name}" and the reader gives it no default`);
        return fallback;
      });
      return new r.recordConstructor(...values);
    }
    case "enum": {
      const r = reader as EnumType;
      if (r.symbols.includes(value as string)) return value;
      if (r.default !== undefined) return r.default;
      throw new Refusal(
        path,
        `the writer wrote the symbol ${JSON.stringify(value)}, which the reader's ${describe(reader)} does not have and has no default for`,
      );
    }
    case "fixed":
      if ((reader as avro.types.FixedType).size !== (writer as avro.types.FixedType).size) throw cannotHold();
      return value;
    case "array":
      return (value as unknown[]).map((item, i) =>
        convert((reader as avro.types.ArrayType).itemsType, (writer as avro.types.ArrayType).itemsType, item, pointer(path, i)),
      );
    case "map": {
      const values = (reader as avro.types.MapType).valuesType as avro.Type;
      const from = (writer as avro.types.MapType).valuesType as avro.Type;
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, convert(values, from, v, pointer(path, k))]),
      );
    }
    default:
      // A number-mode reader of a writer read as bigints (a long promoted elsewhere in the record).
      if (typeof value === "bigint" && reader.typeName === "long") {
        if (value > 0x1fffffffffffffn || value < -0x1fffffffffffffn)
          throw new Refusal(path, `the writer wrote the long ${value}, ${LONG_BEYOND}`);
        return Number(value);
      }
      return value;
  }
}

/** How to read a writer's bytes as the reader's value. */
export interface Resolution {
  read(bytes: Buffer): unknown;
}

/**
 * Resolution from a writer's schema to `reader` (an avsc type; the codec's own, whose unions are
 * unwrapped, with longs held as `mode` says). Throws a Refusal when no value of the writer can be
 * read; otherwise reads with avsc's resolver when avsc builds one, else reads with the writer's
 * schema and converts. A long the reader's numbers cannot hold is a Refusal at its path.
 */
export function resolution(reader: avro.Type, writerSchema: avro.Schema, mode: LongMode = "number"): Resolution {
  const writer = avro.Type.forSchema(writerSchema, avroOptions(mode, { wrapUnions: true }));
  const mismatch = incompatibility(reader, writer);
  if (mismatch !== undefined) throw new Refusal(mismatch.path, mismatch.reason);
  const refusingLongs =
    (read: (bytes: Buffer) => unknown): Resolution["read"] =>
    (bytes) => {
      try {
        return read(bytes);
      } catch (error) {
        if (!(error instanceof LongRangeError)) throw error;
        const path = unsafeLongPath(writerSchema, bytes) ?? "";
        throw new Refusal(path, `the writer wrote the long ${error.value}, ${LONG_BEYOND}`);
      }
    };
  // avsc reads a long promoted to a double in floating point, which flips the sign of some negative
  // longs (see longs.ts); the writer is then read exactly, as a bigint, and converted.
  const exact = longPromoted(reader, writer) ? avro.Type.forSchema(writerSchema, avroOptions("bigint", { wrapUnions: true })) : undefined;
  let resolver: avro.Resolver | undefined;
  try {
    if (exact === undefined) resolver = reader.createResolver(writer);
  } catch {
    // avsc refuses a writer union branch or enum symbol the reader lacks even when no value uses it.
  }
  if (resolver === undefined) {
    const source = exact ?? writer;
    return { read: refusingLongs((bytes) => convert(reader, source, source.fromBuffer(bytes), "")) };
  }
  const fast = resolver;
  return { read: refusingLongs((bytes) => reader.fromBuffer(bytes, fast)) };
}

export const LONG_BEYOND =
  "which is outside ±(2^53 - 1), the integers a JavaScript number holds exactly; this package refuses to lose precision (see the README on large integers)";

/** Whether some writer long is read as the reader's float or double. */
function longPromoted(reader: avro.Type, writer: avro.Type, seen = new Set<string>()): boolean {
  const rk = kind(reader);
  const wk = kind(writer);
  if (wk === "union") return branches(writer).some((b) => longPromoted(reader, b, seen));
  if (rk === "union") {
    const branch = branchFor(reader, writer);
    return branch !== undefined && longPromoted(branch, writer, seen);
  }
  if (wk === "long") return rk === "float" || rk === "double";
  if (rk !== wk) return false;
  if (rk === "array") return longPromoted((reader as avro.types.ArrayType).itemsType, (writer as avro.types.ArrayType).itemsType, seen);
  if (rk === "map")
    return longPromoted(
      (reader as avro.types.MapType).valuesType as avro.Type,
      (writer as avro.types.MapType).valuesType as avro.Type,
      seen,
    );
  if (rk !== "record") return false;
  const pair = `${reader.name}:${writer.name}`;
  if (seen.has(pair)) return false;
  seen.add(pair);
  return (reader as RecordType).fields.some((field) => {
    const source = writerField(writer as RecordType, field);
    return source !== undefined && longPromoted(field.type, source.type, seen);
  });
}

/**
 * The JSON pointer of the first long in `bytes` (written with `schema`) that a JavaScript number
 * cannot hold exactly. Only asked after a read failed on one, so it may read the bytes again.
 */
export function unsafeLongPath(schema: avro.Schema, bytes: Buffer): string | undefined {
  const type = avro.Type.forSchema(schema, avroOptions("bigint", { wrapUnions: true }));
  const find = (t: avro.Type, value: unknown, path: string): string | undefined => {
    switch (kind(t)) {
      case "long": {
        const n = value as bigint;
        return n > 0x1fffffffffffffn || n < -0x1fffffffffffffn ? path : undefined;
      }
      case "union": {
        if (value === null) return undefined;
        const [name, inner] = Object.entries(value as Record<string, unknown>)[0] as [string, unknown];
        return find(branches(t).find((b) => b.branchName === name) as avro.Type, inner, path);
      }
      case "record":
        for (const field of (t as RecordType).fields) {
          const found = find(field.type, (value as Record<string, unknown>)[field.name], pointer(path, field.name));
          if (found !== undefined) return found;
        }
        return undefined;
      case "array":
        for (const [i, item] of (value as unknown[]).entries()) {
          const found = find((t as avro.types.ArrayType).itemsType, item, pointer(path, i));
          if (found !== undefined) return found;
        }
        return undefined;
      case "map":
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          const found = find((t as avro.types.MapType).valuesType as avro.Type, v, pointer(path, k));
          if (found !== undefined) return found;
        }
        return undefined;
      default:
        return undefined;
    }
  };
  return find(type, type.fromBuffer(bytes), "");
}
