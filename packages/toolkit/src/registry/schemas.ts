import { Ajv } from "ajv";
import avro from "avsc";
import { createAjv } from "../ajv.js";
import type { Mode, Policy } from "../compat/change.js";
import { avroComparison, jsonSchemaComparison } from "../compat/comparisons.js";
import { type Comparison, judge, type Verdict } from "../compat/judge.js";
import { type AvroSchema, avscCompatible } from "../emit/avro.js";
import { schemaIdentity } from "./canonical.js";

export type SchemaType = "AVRO" | "JSON";

const draft07 = new Ajv({ strict: false, validateSchema: true });

/** A schema as a registry holds it: the text as first registered, and what it parsed to. */
export interface ParsedSchema {
  readonly schemaType: SchemaType;
  readonly text: string;
  readonly value: unknown;
  /** Equal for the same schema written with other whitespace or key order. */
  readonly identity: string;
}

/** Parses and validates a schema sent to the registry; a string is the reason it is invalid. */
export function parseSchema(text: unknown, schemaType: unknown): ParsedSchema | string {
  const type = schemaType === undefined || schemaType === null ? "AVRO" : schemaType;
  if (type !== "AVRO" && type !== "JSON") return `schema type ${String(type)} is not supported; use AVRO or JSON`;
  if (typeof text !== "string") return 'the request needs "schema": the schema as a string';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `the schema is not JSON: ${(error as Error).message}`;
  }
  try {
    if (type === "AVRO") avro.Type.forSchema(avscCompatible(value as AvroSchema) as avro.Schema);
    else if (typeof value !== "boolean" && (typeof value !== "object" || value === null || Array.isArray(value)))
      return "a JSON Schema is an object or a boolean";
    else {
      // Confluent accepts drafts 4 to 2020-12; the meta-schema of the draft the schema names decides.
      const draft =
        typeof value === "object" && /draft-0[4-7]\/schema/.test(String((value as Record<string, unknown>).$schema))
          ? draft07
          : createAjv();
      if (!draft.validateSchema(value as object)) return `invalid JSON schema: ${draft.errorsText(draft.errors)}`;
    }
  } catch (error) {
    return `invalid ${type} schema: ${(error as Error).message}`;
  }
  return { schemaType: type, text, value, identity: schemaIdentity(type, value) };
}

/**
 * The registry's verdict on a new schema against a subject's earlier ones (oldest first), with the
 * same rules as `canon compat`: Avro schema resolution, or Confluent's JSON Schema rules.
 */
export function registryVerdict(
  mode: Mode,
  previous: readonly { version: number; schema: ParsedSchema }[],
  next: ParsedSchema,
  policy: Policy,
): Verdict {
  const comparisons: Comparison[] = previous.map(({ version, schema: old }) => {
    const against = `version ${version}`;
    if (old.schemaType !== next.schemaType) {
      const change = () => [
        {
          kind: "SCHEMA_TYPE_CHANGED",
          path: "",
          compatible: false,
          message: `schema type changes from ${old.schemaType} to ${next.schemaType}`,
          rule: "registry",
        },
      ];
      return { against, backward: change, forward: change };
    }
    if (next.schemaType === "AVRO")
      return avroComparison(against, { file: against, schema: old.value }, { file: "new", schema: next.value });
    const read = (doc: unknown) => () => doc;
    return jsonSchemaComparison(against, { file: against, read: read(old.value) }, { file: "new", read: read(next.value) }, policy);
  });
  return judge(mode, comparisons);
}

/** Confluent's verbose compatibility messages: one line per incompatible change. */
export function verdictMessages(verdict: Verdict): string[] {
  return verdict.changes
    .filter((c) => !c.compatible)
    .map((c) => `${c.direction} against ${c.against}: ${c.kind} at ${c.path || "/"}: ${c.message}`);
}
