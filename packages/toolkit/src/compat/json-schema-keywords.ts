// What the JSON Schema diff knows of the keywords themselves: which are metadata, which assert something,
// which are limits, and the small readings of a schema (its types, its criterion) the comparisons share.
import { schemaIdentity } from "../load/canonical.js";

export type Json = Record<string, unknown>;
export type Criterion = "anyOf" | "oneOf" | "allOf";

export const METADATA: Record<string, string> = {
  $id: "ID_CHANGED",
  title: "TITLE_CHANGED",
  description: "DESCRIPTION_CHANGED",
  default: "DEFAULT_CHANGED",
  examples: "EXAMPLES_CHANGED",
};

/** Keywords whose presence turns a schema into "something"; without any of them it accepts anything. */
export const ASSERTIONS = new Set([
  "type",
  "enum",
  "const",
  "properties",
  "required",
  "additionalProperties",
  "patternProperties",
  "unevaluatedProperties",
  "items",
  "prefixItems",
  "additionalItems",
  "unevaluatedItems",
  "contains",
  "anyOf",
  "oneOf",
  "allOf",
  "not",
  "$ref",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "dependencies",
  "dependentRequired",
  "dependentSchemas",
]);

/** Limit keywords and their kind prefix; KINDS says which way widens. */
export const LIMITS: [string, string][] = [
  ["maxLength", "MAX_LENGTH"],
  ["minLength", "MIN_LENGTH"],
  ["maximum", "MAXIMUM"],
  ["minimum", "MINIMUM"],
  ["exclusiveMaximum", "EXCLUSIVE_MAXIMUM"],
  ["exclusiveMinimum", "EXCLUSIVE_MINIMUM"],
  ["maxProperties", "MAX_PROPERTIES"],
  ["minProperties", "MIN_PROPERTIES"],
  ["maxItems", "MAX_ITEMS"],
  ["minItems", "MIN_ITEMS"],
  ["maxContains", "MAX_CONTAINS"],
  ["minContains", "MIN_CONTAINS"],
];

export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export function criterionOf(s: Json): Criterion | undefined {
  return (["anyOf", "oneOf", "allOf"] as const).find((k) => Array.isArray(s[k]));
}

/** A plain schema as compared with the subschemas of a combined one: its metadata is compared on its own. */
export function withoutMetadata(s: Json): Json {
  return Object.fromEntries(Object.entries(s).filter(([k]) => !(k in METADATA)));
}

/** Indexes of the subschemas that are not repeats of an earlier one (Confluent counts duplicates once). */
export function distinct(branches: unknown[]): number[] {
  const seen = new Set<string>();
  return branches.flatMap((branch, i) => {
    const identity = schemaIdentity("JSON", branch);
    if (seen.has(identity)) return [];
    seen.add(identity);
    return [i];
  });
}

export function typeSet(s: Json): Set<string> | undefined {
  if (typeof s.type === "string") return new Set([s.type]);
  if (Array.isArray(s.type)) return new Set(s.type.map(String));
  return undefined;
}

/** `true`, or an object without assertions: a schema that accepts anything. */
export function isEmptySchema(v: unknown): boolean {
  return v === true || (isObject(v) && !Object.keys(v).some((k) => ASSERTIONS.has(k)));
}
