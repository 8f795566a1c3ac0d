import { createRequire } from "node:module";
import { Ajv } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { parseAvroSchema } from "../compat/avro-schema.js";
import { avroComparison, jsonSchemaComparison } from "../compat/comparisons.js";
import { type Comparison, judge, type Verdict } from "../compat/judge.js";
import { createAjv } from "../load/ajv.js";
import { schemaIdentity } from "../load/canonical.js";
import { MAX_JSON_DEPTH, tooDeep } from "../load/json-source.js";
import type { Mode, Policy } from "../load/modes.js";
import { refNestingProblem } from "./ref-nesting.js";

export type SchemaType = "AVRO" | "JSON";

// The meta-schema the schema names decides whether it is valid; without $schema, 2020-12 (the catalog's draft).
// Made on first use: every canon command loads this module.
const require = createRequire(import.meta.url);
let validators: { draft07: Ajv; draft2019: Ajv2019; draft2020: ReturnType<typeof createAjv> } | undefined;

function metaValidator(declared: unknown): Ajv | Ajv2019 | ReturnType<typeof createAjv> | string {
  if (validators === undefined) {
    const draft07 = new Ajv({ strict: false });
    draft07.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json") as object);
    validators = { draft07, draft2019: new Ajv2019({ strict: false }), draft2020: createAjv() };
  }
  const uri = typeof declared === "string" ? declared : "";
  if (/draft-0[67]\/schema/.test(uri)) return validators.draft07;
  if (/draft\/2019-09\/schema/.test(uri)) return validators.draft2019;
  if (uri === "" || /draft\/2020-12\/schema/.test(uri)) return validators.draft2020;
  return `JSON Schema dialect ${uri} is not supported; use draft-06, draft-07, 2019-09 or 2020-12`;
}

/** A schema as a registry holds it: the text as first registered, and what it parsed to. */
export interface ParsedSchema {
  readonly schemaType: SchemaType;
  readonly text: string;
  readonly value: unknown;
  /** Equal for the same schema written with other whitespace or key order. */
  readonly identity: string;
}

/**
 * Parses, validates and canonicalises a schema sent to the registry; a string is the reason it is
 * invalid. Registration, lookup, the compatibility check and the replay of the log at start all come
 * here, so a schema accepted once is accepted again after a restart. The nesting is checked first,
 * without recursion: avsc, ajv, the identity and the compatibility check all recurse, and how deep they
 * get before the stack runs out depends on how warm the process is.
 *
 * `depthLimit` is lint's limit, or more when registry/ releases a deeper schema (see RegistryStore).
 */
export function parseSchema(text: unknown, schemaType: unknown, depthLimit = MAX_JSON_DEPTH): ParsedSchema | string {
  const type = schemaType === undefined || schemaType === null ? "AVRO" : schemaType;
  if (type !== "AVRO" && type !== "JSON") return `schema type ${String(type)} is not supported; use AVRO or JSON`;
  if (typeof text !== "string") return 'the request needs "schema": the schema as a string';
  const deep = tooDeep("schema", text, depthLimit);
  if (deep !== undefined)
    return `the schema nests deeper than ${depthLimit} levels (objects and arrays) at ${deep.pointer || "/"}; the registry holds schemas to ${depthLimit === MAX_JSON_DEPTH ? "the nesting limit canon lint applies to schema files" : "the nesting of the deepest schema registry/ releases"}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `the schema is not JSON: ${(error as Error).message}`;
  }
  try {
    // The same reading of Avro as canon compat's, so that what is registered can be compared.
    if (type === "AVRO") {
      const nameless = namelessType(value);
      if (nameless !== undefined) return nameless;
      parseAvroSchema(value);
    } else if (typeof value !== "boolean" && (typeof value !== "object" || value === null || Array.isArray(value)))
      return "a JSON Schema is an object or a boolean";
    else {
      const draft = metaValidator((value as Record<string, unknown>).$schema);
      if (typeof draft === "string") return draft;
      if (!draft.validateSchema(value as object)) return `invalid JSON schema: ${draft.errorsText(draft.errors)}`;
      const expanded = refNestingProblem(value);
      if (expanded !== undefined) return expanded;
    }
  } catch (error) {
    return `invalid ${type} schema: ${(error as Error).message}`;
  }
  return { schemaType: type, text, value, identity: schemaIdentity(type, value) };
}

const NAMED = new Set(["record", "error", "enum", "fixed"]);

/**
 * A record, enum or fixed without a name, which avsc takes as an anonymous type and Java's Avro (in
 * Confluent's registry and every Java client) refuses: "No name in schema". Recurses at most as deep
 * as the schema nests, which is checked before.
 */
function namelessType(schema: unknown): string | undefined {
  if (Array.isArray(schema)) {
    for (const branch of schema) {
      const found = namelessType(branch);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof schema !== "object" || schema === null) return undefined;
  const node = schema as Record<string, unknown>;
  const { type } = node;
  if (typeof type === "string" && NAMED.has(type) && (typeof node.name !== "string" || node.name === "")) {
    const shown = JSON.stringify(schema);
    return `No name in schema: ${shown.length > 200 ? `${shown.slice(0, 200)}...` : shown}; every record, enum and fixed needs a "name"`;
  }
  if (type === "record" || type === "error")
    return Array.isArray(node.fields) ? namelessType(node.fields.map((f) => (f as Record<string, unknown> | null)?.type)) : undefined;
  if (type === "array") return namelessType(node.items);
  if (type === "map") return namelessType(node.values);
  return typeof type === "object" ? namelessType(type) : undefined;
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
