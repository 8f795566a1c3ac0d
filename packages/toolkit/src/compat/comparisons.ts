import type { Policy } from "../load/modes.js";
import { AvroResolution } from "./avro-resolution.js";
import { type AvroType, parseAvroSchema } from "./avro-schema.js";
import type { Change } from "./change.js";
import { JsonSchemaDiff, type ReadFile } from "./json-schema-diff.js";
import type { Comparison } from "./judge.js";

/** One version of a schema: its file name as shown to users, and how to read it and its neighbours. */
export interface SchemaVersion {
  readonly file: string;
  readonly read: ReadFile;
}

/**
 * JSON Schema comparison of two versions of one document (references followed in each version);
 * `settled` files are equal in both, with all they reference (see JsonSchemaDiff).
 */
export function jsonSchemaComparison(
  against: string,
  before: SchemaVersion,
  after: SchemaVersion,
  policy: Policy,
  settled?: (file: string) => boolean,
): Comparison {
  const node = (v: SchemaVersion) => ({ value: v.read(v.file), place: { file: v.file, pointer: "" } });
  return {
    against,
    backward: () => new JsonSchemaDiff(before.read, after.read, policy, settled).diff(node(before), node(after)),
    forward: () => new JsonSchemaDiff(after.read, before.read, policy, settled).diff(node(after), node(before)),
  };
}

/**
 * Avro schema-resolution comparison: BACKWARD reads old data with the new schema. Each schema is
 * parsed once, when a direction first needs it; an invalid one throws AvroSchemaError.
 */
export function avroComparison(
  against: string,
  before: { file: string; schema: unknown },
  after: { file: string; schema: unknown },
): Comparison {
  const parsed = (schema: unknown) => {
    let type: AvroType | undefined;
    return () => {
      type ??= parseAvroSchema(schema).type;
      return type;
    };
  };
  const old = parsed(before.schema);
  const next = parsed(after.schema);
  return {
    against,
    backward: () => new AvroResolution(old(), next(), before.file, after.file).check(),
    forward: () => new AvroResolution(next(), old(), after.file, before.file).check(),
  };
}

/** Tags each change of a comparison so reports can tell the JSON Schema and Avro views apart. */
export function prefixed(comparison: Comparison, label: string): Comparison {
  const tag = (changes: Change[]) => changes.map((c) => ({ ...c, rule: `${label}: ${c.rule}` }));
  return { against: comparison.against, backward: () => tag(comparison.backward()), forward: () => tag(comparison.forward()) };
}
