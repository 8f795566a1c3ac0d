import path from "node:path";
import { schemaIdentity } from "../load/canonical.js";
import { joinPointer, pointerSegments, valueAt } from "../load/json-source.js";
import type { Policy } from "../load/modes.js";
import type { Change, Place } from "./change.js";
import { maximumMatching } from "./matching.js";

type Json = Record<string, unknown>;
type Criterion = "anyOf" | "oneOf" | "allOf";
/** The node under a keyword path of another node. */
type Child = (node: Node, ...segments: (string | number)[]) => Node;

/** A schema node and where it lives, so that a change can point at the line that made it. */
export interface Node {
  readonly value: unknown;
  readonly place: Place;
}

/** Reads a file of the compared version by the path shown to users; undefined when it does not exist. */
export type ReadFile = (file: string) => unknown;

/**
 * The BACKWARD verdict of each kind of difference (does NEW accept every document OLD accepts?),
 * after Confluent's JSON Schema rules (../shared/reference/compatibility.md). `lenient` marks the
 * nine kinds Confluent's LENIENT policy accepts besides.
 */
const KINDS: Record<string, { compatible: boolean; lenient?: true; what: string }> = {
  ID_CHANGED: { compatible: true, what: "$id changed" },
  TITLE_CHANGED: { compatible: true, what: "title changed" },
  DESCRIPTION_CHANGED: { compatible: true, what: "description changed" },
  DEFAULT_CHANGED: { compatible: true, what: "default changed" },
  EXAMPLES_CHANGED: { compatible: true, what: "examples changed" },
  EXTENSION_CHANGED: { compatible: true, what: "an x- extension changed" },
  SCHEMA_ADDED: { compatible: false, what: "a schema was added where there was none (anything was allowed)" },
  SCHEMA_REMOVED: { compatible: true, what: "a schema was removed (anything is allowed now)" },
  FALSE_SCHEMA_CHANGED: { compatible: true, what: "the old schema was false (accepted nothing)" },
  TYPE_EXTENDED: { compatible: true, what: "the type was extended" },
  TYPE_NARROWED: { compatible: false, what: "the type was narrowed" },
  TYPE_CHANGED: { compatible: false, what: "the type was changed" },
  MAX_LENGTH_ADDED: { compatible: false, what: "maxLength was added" },
  MAX_LENGTH_REMOVED: { compatible: true, what: "maxLength was removed" },
  MAX_LENGTH_INCREASED: { compatible: true, what: "maxLength was increased" },
  MAX_LENGTH_DECREASED: { compatible: false, what: "maxLength was decreased" },
  MIN_LENGTH_ADDED: { compatible: false, what: "minLength was added" },
  MIN_LENGTH_REMOVED: { compatible: true, what: "minLength was removed" },
  MIN_LENGTH_INCREASED: { compatible: false, what: "minLength was increased" },
  MIN_LENGTH_DECREASED: { compatible: true, what: "minLength was decreased" },
  PATTERN_ADDED: { compatible: false, what: "a pattern was added" },
  PATTERN_REMOVED: { compatible: true, what: "the pattern was removed" },
  PATTERN_CHANGED: { compatible: false, what: "the pattern was changed" },
  FORMAT_ADDED: { compatible: false, what: "a format was added" },
  FORMAT_REMOVED: { compatible: true, what: "the format was removed" },
  FORMAT_CHANGED: { compatible: false, what: "the format was changed" },
  MAXIMUM_ADDED: { compatible: false, what: "maximum was added" },
  MAXIMUM_REMOVED: { compatible: true, what: "maximum was removed" },
  MAXIMUM_INCREASED: { compatible: true, what: "maximum was increased" },
  MAXIMUM_DECREASED: { compatible: false, what: "maximum was decreased" },
  MINIMUM_ADDED: { compatible: false, what: "minimum was added" },
  MINIMUM_REMOVED: { compatible: true, what: "minimum was removed" },
  MINIMUM_INCREASED: { compatible: false, what: "minimum was increased" },
  MINIMUM_DECREASED: { compatible: true, what: "minimum was decreased" },
  EXCLUSIVE_MAXIMUM_ADDED: { compatible: false, what: "exclusiveMaximum was added" },
  EXCLUSIVE_MAXIMUM_REMOVED: { compatible: true, what: "exclusiveMaximum was removed" },
  EXCLUSIVE_MAXIMUM_INCREASED: { compatible: true, what: "exclusiveMaximum was increased" },
  EXCLUSIVE_MAXIMUM_DECREASED: { compatible: false, what: "exclusiveMaximum was decreased" },
  EXCLUSIVE_MINIMUM_ADDED: { compatible: false, what: "exclusiveMinimum was added" },
  EXCLUSIVE_MINIMUM_REMOVED: { compatible: true, what: "exclusiveMinimum was removed" },
  EXCLUSIVE_MINIMUM_INCREASED: { compatible: false, what: "exclusiveMinimum was increased" },
  EXCLUSIVE_MINIMUM_DECREASED: { compatible: true, what: "exclusiveMinimum was decreased" },
  MULTIPLE_OF_ADDED: { compatible: false, what: "multipleOf was added" },
  MULTIPLE_OF_REMOVED: { compatible: true, what: "multipleOf was removed" },
  MULTIPLE_OF_REDUCED: { compatible: true, what: "multipleOf was reduced (the new value divides the old)" },
  MULTIPLE_OF_EXPANDED: { compatible: false, what: "multipleOf was expanded (the old value divides the new)" },
  MULTIPLE_OF_CHANGED: { compatible: false, what: "multipleOf was changed" },
  ENUM_ARRAY_EXTENDED: { compatible: true, what: "enum values were added" },
  ENUM_ARRAY_NARROWED: { compatible: false, what: "enum values were removed" },
  ENUM_ARRAY_CHANGED: { compatible: false, what: "enum values were changed" },
  REQUIRED_ATTRIBUTE_ADDED: { compatible: false, what: "a property became required" },
  REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED: { compatible: true, what: "a property with a default became required" },
  REQUIRED_ATTRIBUTE_REMOVED: { compatible: true, what: "a property is no longer required" },
  MAX_PROPERTIES_ADDED: { compatible: false, what: "maxProperties was added" },
  MAX_PROPERTIES_REMOVED: { compatible: true, what: "maxProperties was removed" },
  MAX_PROPERTIES_INCREASED: { compatible: true, what: "maxProperties was increased" },
  MAX_PROPERTIES_DECREASED: { compatible: false, what: "maxProperties was decreased" },
  MIN_PROPERTIES_ADDED: { compatible: false, what: "minProperties was added" },
  MIN_PROPERTIES_REMOVED: { compatible: true, what: "minProperties was removed" },
  MIN_PROPERTIES_INCREASED: { compatible: false, what: "minProperties was increased" },
  MIN_PROPERTIES_DECREASED: { compatible: true, what: "minProperties was decreased" },
  DEPENDENCY_ARRAY_ADDED: { compatible: false, what: "a property dependency was added" },
  DEPENDENCY_ARRAY_REMOVED: { compatible: true, what: "a property dependency was removed" },
  DEPENDENCY_ARRAY_EXTENDED: { compatible: false, what: "a property dependency was extended" },
  DEPENDENCY_ARRAY_NARROWED: { compatible: true, what: "a property dependency was narrowed" },
  DEPENDENCY_ARRAY_CHANGED: { compatible: false, what: "a property dependency was changed" },
  DEPENDENCY_SCHEMA_ADDED: { compatible: false, what: "a schema dependency was added" },
  DEPENDENCY_SCHEMA_REMOVED: { compatible: true, what: "a schema dependency was removed" },
  ADDITIONAL_PROPERTIES_ADDED: { compatible: true, what: "additionalProperties now allows more (was false)" },
  ADDITIONAL_PROPERTIES_REMOVED: { compatible: false, lenient: true, what: "additionalProperties was closed (now false)" },
  ADDITIONAL_PROPERTIES_EXTENDED: { compatible: true, what: "additionalProperties was widened" },
  ADDITIONAL_PROPERTIES_NARROWED: { compatible: false, lenient: true, what: "additionalProperties was narrowed to a schema" },
  UNEVALUATED_PROPERTIES_ADDED: { compatible: true, what: "unevaluatedProperties now allows more (was false)" },
  UNEVALUATED_PROPERTIES_REMOVED: { compatible: false, lenient: true, what: "unevaluatedProperties was closed (now false)" },
  UNEVALUATED_PROPERTIES_EXTENDED: { compatible: true, what: "unevaluatedProperties was widened" },
  UNEVALUATED_PROPERTIES_NARROWED: { compatible: false, lenient: true, what: "unevaluatedProperties was narrowed to a schema" },
  PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: {
    compatible: true,
    what: "a property with an empty schema was added to an open model",
  },
  PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: { compatible: false, what: "a required property was added to an open model" },
  OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: {
    compatible: false,
    lenient: true,
    what: "an optional property was added to an open model",
  },
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL: {
    compatible: false,
    lenient: true,
    what: "a required property with a default was added to an open model",
  },
  OPTIONAL_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL: { compatible: true, what: "an optional property was added to a closed model" },
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_CLOSED_CONTENT_MODEL: {
    compatible: true,
    what: "a required property with a default was added to a closed model",
  },
  REQUIRED_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL: { compatible: false, what: "a required property without a default was added" },
  REQUIRED_PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: false,
    what: "a required property without a default was added; old data the open part of the model accepted may lack it",
  },
  PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: { compatible: true, what: "a property was removed from an open model" },
  PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: { compatible: true, what: "a property whose schema was false was removed" },
  PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: { compatible: false, lenient: true, what: "a property was removed from a closed model" },
  PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: true,
    what: "a property was added that the open part of the model already covered",
  },
  PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: false,
    lenient: true,
    what: "a property was added that the open part of the model does not cover",
  },
  PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: true,
    what: "a property was removed that the open part of the new model covers",
  },
  PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: false,
    lenient: true,
    what: "a property was removed that the open part of the new model does not cover",
  },
  MAX_ITEMS_ADDED: { compatible: false, what: "maxItems was added" },
  MAX_ITEMS_REMOVED: { compatible: true, what: "maxItems was removed" },
  MAX_ITEMS_INCREASED: { compatible: true, what: "maxItems was increased" },
  MAX_ITEMS_DECREASED: { compatible: false, what: "maxItems was decreased" },
  MIN_ITEMS_ADDED: { compatible: false, what: "minItems was added" },
  MIN_ITEMS_REMOVED: { compatible: true, what: "minItems was removed" },
  MIN_ITEMS_INCREASED: { compatible: false, what: "minItems was increased" },
  MIN_ITEMS_DECREASED: { compatible: true, what: "minItems was decreased" },
  MAX_CONTAINS_ADDED: { compatible: false, what: "maxContains was added" },
  MAX_CONTAINS_REMOVED: { compatible: true, what: "maxContains was removed" },
  MAX_CONTAINS_INCREASED: { compatible: true, what: "maxContains was increased" },
  MAX_CONTAINS_DECREASED: { compatible: false, what: "maxContains was decreased" },
  MIN_CONTAINS_ADDED: { compatible: false, what: "minContains was added" },
  MIN_CONTAINS_REMOVED: { compatible: true, what: "minContains was removed" },
  MIN_CONTAINS_INCREASED: { compatible: false, what: "minContains was increased" },
  MIN_CONTAINS_DECREASED: { compatible: true, what: "minContains was decreased" },
  UNIQUE_ITEMS_ADDED: { compatible: false, what: "uniqueItems was added" },
  UNIQUE_ITEMS_REMOVED: { compatible: true, what: "uniqueItems was removed" },
  ADDITIONAL_ITEMS_ADDED: { compatible: true, what: "extra items are now allowed (was false)" },
  ADDITIONAL_ITEMS_REMOVED: { compatible: false, what: "extra items are no longer allowed" },
  ADDITIONAL_ITEMS_EXTENDED: { compatible: true, what: "the schema for extra items was widened" },
  ADDITIONAL_ITEMS_NARROWED: { compatible: false, what: "the schema for extra items was narrowed" },
  UNEVALUATED_ITEMS_ADDED: { compatible: true, what: "unevaluated items are now allowed (was false)" },
  UNEVALUATED_ITEMS_REMOVED: { compatible: false, what: "unevaluated items are no longer allowed" },
  UNEVALUATED_ITEMS_EXTENDED: { compatible: true, what: "unevaluatedItems was widened" },
  UNEVALUATED_ITEMS_NARROWED: { compatible: false, what: "unevaluatedItems was narrowed" },
  ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: {
    compatible: true,
    what: "a tuple item with an empty schema was added to an open model",
  },
  ITEM_ADDED_TO_OPEN_CONTENT_MODEL: { compatible: false, what: "a tuple item was added to an open model" },
  ITEM_ADDED_TO_CLOSED_CONTENT_MODEL: { compatible: true, what: "a tuple item was added to a closed model" },
  ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL: { compatible: true, what: "a tuple item was removed from an open model" },
  ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: { compatible: true, what: "a tuple item whose schema was false was removed" },
  ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL: { compatible: false, what: "a tuple item was removed from a closed model" },
  ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: true,
    what: "a tuple item was added that the extra-items schema covered",
  },
  ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: false,
    what: "a tuple item was added that the extra-items schema does not cover",
  },
  ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: true,
    what: "a tuple item was removed that the new extra-items schema covers",
  },
  ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: {
    compatible: false,
    what: "a tuple item was removed that the new extra-items schema does not cover",
  },
  SUM_TYPE_EXTENDED: { compatible: true, what: "an alternative was added (anyOf/oneOf extended)" },
  SUM_TYPE_NARROWED: { compatible: false, what: "an alternative was removed (anyOf/oneOf narrowed)" },
  PRODUCT_TYPE_EXTENDED: { compatible: false, what: "a conjunct was added (allOf extended)" },
  PRODUCT_TYPE_NARROWED: { compatible: true, what: "a conjunct was removed (allOf narrowed)" },
  COMBINED_TYPE_CHANGED: { compatible: false, what: "the combination criterion changed (anyOf/oneOf/allOf)" },
  COMBINED_TYPE_EXTENDED: { compatible: true, what: "alternatives were merged into a schema that accepts them all" },
  COMBINED_TYPE_SUBSCHEMAS_CHANGED: { compatible: false, what: "the alternatives were changed incompatibly" },
  NOT_TYPE_NARROWED: { compatible: true, what: "the excluded schema (not) was narrowed" },
  NOT_TYPE_EXTENDED: { compatible: false, what: "the excluded schema (not) was extended" },
};

export function knownKinds(): string[] {
  return Object.keys(KINDS).sort();
}

export function kindIsCompatible(kind: string, policy: Policy): boolean {
  const entry = KINDS[kind];
  if (entry === undefined) throw new Error(`unknown change kind ${kind}`);
  return entry.compatible || (policy === "lenient" && entry.lenient === true);
}

const METADATA: Record<string, string> = {
  $id: "ID_CHANGED",
  title: "TITLE_CHANGED",
  description: "DESCRIPTION_CHANGED",
  default: "DEFAULT_CHANGED",
  examples: "EXAMPLES_CHANGED",
};

/** Keywords whose presence turns a schema into "something"; without any of them it accepts anything. */
const ASSERTIONS = new Set([
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
const LIMITS: [string, string][] = [
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

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Classifies every difference between OLD and NEW as Confluent does, with its BACKWARD verdict
 * under the policy. Callers get FORWARD by swapping the arguments.
 */
export class JsonSchemaDiff {
  private readonly active = new Set<string>();
  private readonly verdicts = new Map<string, boolean>();

  /**
   * `settled` names files that are equal in both versions, as is every file their `$ref`s reach:
   * the same place in one of them holds the same schema on both sides, so it is not walked.
   */
  constructor(
    private readonly readOld: ReadFile,
    private readonly readNew: ReadFile,
    private readonly policy: Policy,
    private readonly settled: (file: string) => boolean = () => false,
  ) {}

  diff(oldNode: Node, newNode: Node): Change[] {
    const out: Change[] = [];
    this.compare(oldNode, newNode, "", out);
    return out;
  }

  private change(out: Change[], kind: string, path: string, at: Place, detail?: string): void {
    const entry = KINDS[kind];
    if (entry === undefined) throw new Error(`unknown change kind ${kind}`);
    const compatible = kindIsCompatible(kind, this.policy);
    const rule = entry.compatible
      ? "compatible under both policies"
      : entry.lenient
        ? `${this.policy === "lenient" ? "accepted by LENIENT" : "incompatible under STRICT (LENIENT accepts it)"}`
        : "incompatible under both policies";
    out.push({ kind, path, compatible, message: `${entry.what}${detail ? `: ${detail}` : ""}`, rule, at });
  }

  /** Follows `$ref`s (relative files and internal pointers) to the schema they name. */
  private resolve(node: Node, read: ReadFile, seen = new Set<string>()): Node {
    const value = node.value;
    if (!isObject(value) || typeof value.$ref !== "string") return node;
    const key = `${node.place.file}#${node.place.pointer}`;
    if (seen.has(key)) return node;
    seen.add(key);
    const [file = "", fragment = ""] = value.$ref.split("#", 2);
    const targetFile = file === "" ? node.place.file : path.posix.normalize(path.posix.join(path.posix.dirname(node.place.file), file));
    const document = read(targetFile);
    const pointer = decodeURIComponent(fragment);
    const target = valueAt(document, pointer);
    if (target === undefined) throw new Error(`${node.place.file}${node.place.pointer}: cannot resolve $ref "${value.$ref}"`);
    // Keywords beside $ref (2020-12 allows them) apply too; the catalog uses them only for descriptions.
    const siblings = Object.fromEntries(Object.entries(value).filter(([k]) => k !== "$ref"));
    const merged = isObject(target) ? { ...target, ...siblings } : target;
    return this.resolve({ value: merged, place: { file: targetFile, pointer } }, read, seen);
  }

  /** True when NEW accepts every document OLD accepts (no incompatible change), memoised. */
  private accepts(oldNode: Node, newNode: Node): boolean {
    const key = `${oldNode.place.file}#${oldNode.place.pointer}|${newNode.place.file}#${newNode.place.pointer}`;
    const known = this.verdicts.get(key);
    if (known !== undefined) return known;
    const scratch: Change[] = [];
    this.compare(oldNode, newNode, "", scratch);
    const verdict = scratch.every((c) => c.compatible);
    this.verdicts.set(key, verdict);
    return verdict;
  }

  /**
   * Whether a partial model's schema covers a property or item (NEW accepts what OLD did); the
   * differences found on the way are reported too, as Confluent does, so under LENIENT an uncovered
   * property is still refused when its schema changed in a way LENIENT does not accept.
   */
  private covers(oldNode: Node, newNode: Node, at: string, out: Change[]): boolean {
    const scratch: Change[] = [];
    this.compare(oldNode, newNode, at, scratch);
    out.push(...scratch);
    return scratch.every((c) => c.compatible);
  }

  private compare(oldRaw: Node, newRaw: Node, at: string, out: Change[]): void {
    if (this.unchanged(oldRaw, newRaw)) return;
    const oldNode = this.resolve(oldRaw, this.readOld);
    const newNode = this.resolve(newRaw, this.readNew);
    const key = `${oldNode.place.file}#${oldNode.place.pointer}|${newNode.place.file}#${newNode.place.pointer}`;
    // A recursive schema meets the same pair of definitions again below itself; it adds nothing new.
    if (this.active.has(key)) return;
    this.active.add(key);
    try {
      this.compareResolved(oldNode, newNode, at, out);
    } finally {
      this.active.delete(key);
    }
  }

  private unchanged(oldNode: Node, newNode: Node): boolean {
    const { file, pointer } = newNode.place;
    if (oldNode.place.file !== file || oldNode.place.pointer !== pointer || !this.settled(file)) return false;
    // A child of a $ref merged with the keywords beside it may hold what the file does not.
    return valueAt(this.readOld(file), pointer) === oldNode.value && valueAt(this.readNew(file), pointer) === newNode.value;
  }

  private compareResolved(oldNode: Node, newNode: Node, at: string, out: Change[]): void {
    const o = oldNode.value;
    const n = newNode.value;
    if (o === false) {
      if (n !== false) this.change(out, "FALSE_SCHEMA_CHANGED", at, newNode.place);
      return;
    }
    const oldAny = o === true || (isObject(o) && ![...Object.keys(o)].some((k) => ASSERTIONS.has(k)));
    const newAny = n === true || (isObject(n) && ![...Object.keys(n)].some((k) => ASSERTIONS.has(k)));
    if (newAny) {
      if (!oldAny) this.change(out, "SCHEMA_REMOVED", at, newNode.place);
      if (isObject(o) && isObject(n)) this.metadata(o, n, oldNode, newNode, at, out);
      return;
    }
    if (oldAny || n === false) {
      // From "anything" to something: that is the whole change; its details add nothing.
      this.change(out, "SCHEMA_ADDED", at, newNode.place);
      return;
    }
    if (!isObject(o) || !isObject(n)) return;
    const child: Child = (node, ...segments) => ({
      value: valueAt(node.value, joinPointer("", ...segments)),
      place: { file: node.place.file, pointer: joinPointer(node.place.pointer, ...segments) },
    });
    const placeOf = (node: Node, keyword: string) => ({ file: node.place.file, pointer: joinPointer(node.place.pointer, keyword) });
    const newAt = (keyword: string) => (keyword in n ? placeOf(newNode, keyword) : placeOf(oldNode, keyword));

    this.metadata(o, n, oldNode, newNode, at, out);
    this.combinators(o, n, oldNode, newNode, at, out, child);
    this.types(o, n, at, out, newAt);

    for (const [keyword, base] of LIMITS) this.limit(o[keyword], n[keyword], base, joinPointer(at, keyword), newAt(keyword), out);
    this.multipleOf(o.multipleOf, n.multipleOf, joinPointer(at, "multipleOf"), newAt("multipleOf"), out);
    this.presence(o.pattern, n.pattern, "PATTERN", joinPointer(at, "pattern"), newAt("pattern"), out);
    this.presence(o.format, n.format, "FORMAT", joinPointer(at, "format"), newAt("format"), out);
    this.enums(o, n, joinPointer(at, "enum"), newAt("enum" in n ? "enum" : "const"), out);
    if (o.uniqueItems !== true && n.uniqueItems === true)
      this.change(out, "UNIQUE_ITEMS_ADDED", joinPointer(at, "uniqueItems"), newAt("uniqueItems"));
    if (o.uniqueItems === true && n.uniqueItems !== true)
      this.change(out, "UNIQUE_ITEMS_REMOVED", joinPointer(at, "uniqueItems"), newAt("uniqueItems"));
    this.objects(o, n, oldNode, newNode, at, out, child);
    this.arrays(o, n, oldNode, newNode, at, out, child);
  }

  private metadata(o: Json, n: Json, oldNode: Node, newNode: Node, at: string, out: Change[]): void {
    for (const key of new Set([...Object.keys(o), ...Object.keys(n)])) {
      const kind = METADATA[key] ?? (key.startsWith("x-") ? "EXTENSION_CHANGED" : undefined);
      if (kind === undefined || JSON.stringify(o[key]) === JSON.stringify(n[key])) continue;
      const place = key in n ? newNode.place : oldNode.place;
      this.change(out, kind, joinPointer(at, key), { file: place.file, pointer: joinPointer(place.pointer, key) });
    }
  }

  private types(o: Json, n: Json, at: string, out: Change[], newAt: (k: string) => Place): void {
    const oldTypes = typeSet(o);
    const newTypes = typeSet(n);
    if (oldTypes === undefined && newTypes === undefined) return;
    // A side without `type` but with alternatives is judged by the combinator rules instead.
    const combined = (s: Json) => ["anyOf", "oneOf", "allOf"].some((k) => Array.isArray(s[k]));
    if ((oldTypes === undefined && combined(o)) || (newTypes === undefined && combined(n))) return;
    const where = joinPointer(at, "type");
    if (newTypes === undefined) return void this.change(out, "TYPE_EXTENDED", where, newAt("type"), "any type is allowed now");
    if (oldTypes === undefined) return void this.change(out, "TYPE_NARROWED", where, newAt("type"), `only ${[...newTypes].join(", ")} now`);
    const covered = (types: Set<string>, t: string) => types.has(t) || (t === "integer" && types.has("number"));
    const widened = [...oldTypes].every((t) => covered(newTypes, t));
    const narrowed = [...newTypes].every((t) => covered(oldTypes, t));
    const detail = `${[...oldTypes].join("|")} -> ${[...newTypes].join("|")}`;
    if (widened && narrowed) return;
    if (widened) this.change(out, "TYPE_EXTENDED", where, newAt("type"), detail);
    else if (narrowed) this.change(out, "TYPE_NARROWED", where, newAt("type"), detail);
    else this.change(out, "TYPE_CHANGED", where, newAt("type"), detail);
  }

  private limit(o: unknown, n: unknown, base: string, at: string, place: Place, out: Change[]): void {
    if (o === n) return;
    if (typeof o !== "number") return void (typeof n === "number" && this.change(out, `${base}_ADDED`, at, place, `${n}`));
    if (typeof n !== "number") return void this.change(out, `${base}_REMOVED`, at, place, `was ${o}`);
    this.change(out, `${base}_${n > o ? "INCREASED" : "DECREASED"}`, at, place, `${o} -> ${n}`);
  }

  private multipleOf(o: unknown, n: unknown, at: string, place: Place, out: Change[]): void {
    if (o === n) return;
    if (typeof o !== "number") return void (typeof n === "number" && this.change(out, "MULTIPLE_OF_ADDED", at, place, `${n}`));
    if (typeof n !== "number") return void this.change(out, "MULTIPLE_OF_REMOVED", at, place, `was ${o}`);
    const divides = (a: number, b: number) => Math.abs(b / a - Math.round(b / a)) < 1e-12;
    this.change(
      out,
      divides(n, o) ? "MULTIPLE_OF_REDUCED" : divides(o, n) ? "MULTIPLE_OF_EXPANDED" : "MULTIPLE_OF_CHANGED",
      at,
      place,
      `${o} -> ${n}`,
    );
  }

  private presence(o: unknown, n: unknown, base: string, at: string, place: Place, out: Change[]): void {
    if (o === n) return;
    if (o === undefined) this.change(out, `${base}_ADDED`, at, place, JSON.stringify(n));
    else if (n === undefined) this.change(out, `${base}_REMOVED`, at, place, `was ${JSON.stringify(o)}`);
    else this.change(out, `${base}_CHANGED`, at, place, `${JSON.stringify(o)} -> ${JSON.stringify(n)}`);
  }

  private enums(o: Json, n: Json, at: string, place: Place, out: Change[]): void {
    const values = (s: Json) => (Array.isArray(s.enum) ? s.enum : "const" in s ? [s.const] : undefined);
    const oldValues = values(o)?.map((v) => JSON.stringify(v));
    const newValues = values(n)?.map((v) => JSON.stringify(v));
    if (oldValues === undefined && newValues === undefined) return;
    if (newValues === undefined) return void this.change(out, "ENUM_ARRAY_EXTENDED", at, place, "any value is allowed now");
    if (oldValues === undefined) return void this.change(out, "ENUM_ARRAY_NARROWED", at, place, `only ${newValues.join(", ")} now`);
    const added = newValues.filter((v) => !oldValues.includes(v));
    const removed = oldValues.filter((v) => !newValues.includes(v));
    if (removed.length === 0 && added.length > 0) this.change(out, "ENUM_ARRAY_EXTENDED", at, place, `added ${added.join(", ")}`);
    else if (removed.length > 0 && added.length === 0) this.change(out, "ENUM_ARRAY_NARROWED", at, place, `removed ${removed.join(", ")}`);
    else if (removed.length > 0)
      this.change(out, "ENUM_ARRAY_CHANGED", at, place, `removed ${removed.join(", ")}, added ${added.join(", ")}`);
  }

  private combinators(o: Json, n: Json, oldNode: Node, newNode: Node, at: string, out: Change[], child: Child): void {
    const oc = criterionOf(o);
    const nc = criterionOf(n);
    if (oc === undefined && nc !== undefined) this.intoCombined(o, oldNode, nc, n[nc] as unknown[], newNode, at, out, child);
    else if (oc !== undefined && nc === undefined) this.outOfCombined(oc, o[oc] as unknown[], oldNode, n, newNode, at, out, child);
    else if (oc !== undefined && nc !== undefined) this.combined(oc, nc, o, n, oldNode, newNode, at, out, child);
    if ("not" in o || "not" in n) {
      const where = joinPointer(at, "not");
      if (!("not" in n)) this.change(out, "NOT_TYPE_NARROWED", where, oldNode.place, "not was removed");
      else if (!("not" in o)) this.change(out, "NOT_TYPE_EXTENDED", where, child(newNode, "not").place, "not was added");
      else if (JSON.stringify(o.not) !== JSON.stringify(n.not)) {
        // NEW excludes less when its `not` accepts only what OLD's did: compare the other way round.
        const narrowed = this.accepts(child(newNode, "not"), child(oldNode, "not"));
        this.change(out, narrowed ? "NOT_TYPE_NARROWED" : "NOT_TYPE_EXTENDED", where, child(newNode, "not").place);
      }
    }
  }

  /** A plain schema turned into a combined one (Confluent: a singleton is its one subschema; a sum needs one branch that accepts all). */
  private intoCombined(
    o: Json,
    oldNode: Node,
    criterion: Criterion,
    branches: unknown[],
    newNode: Node,
    at: string,
    out: Change[],
    child: Child,
  ): void {
    const plain: Node = { value: withoutMetadata(o), place: oldNode.place };
    const where = joinPointer(at, criterion);
    if (branches.length === 1) return void this.compare(plain, child(newNode, criterion, 0), joinPointer(where, 0), out);
    if (criterion === "allOf") return void this.change(out, "PRODUCT_TYPE_EXTENDED", where, child(newNode, criterion).place);
    const ok = branches.some((_, i) => this.accepts(plain, child(newNode, criterion, i)));
    this.change(out, ok ? "SUM_TYPE_EXTENDED" : "COMBINED_TYPE_SUBSCHEMAS_CHANGED", where, child(newNode, criterion).place);
  }

  /**
   * A combined schema turned into a plain one. A singleton is its one subschema; an allOf is narrowed
   * when one conjunct alone is accepted (Confluent's rule); a sum type is merged when every branch is.
   */
  private outOfCombined(
    criterion: Criterion,
    branches: unknown[],
    oldNode: Node,
    n: Json,
    newNode: Node,
    at: string,
    out: Change[],
    child: Child,
  ): void {
    const plain: Node = { value: withoutMetadata(n), place: newNode.place };
    const where = joinPointer(at, criterion);
    if (branches.length === 1) return void this.compare(child(oldNode, criterion, 0), plain, at, out);
    if (criterion === "allOf") {
      const ok = branches.some((_, i) => this.accepts(child(oldNode, criterion, i), plain));
      return void this.change(out, ok ? "PRODUCT_TYPE_NARROWED" : "COMBINED_TYPE_SUBSCHEMAS_CHANGED", where, newNode.place);
    }
    const ok = branches.every((_, i) => this.accepts(child(oldNode, criterion, i), plain));
    this.change(out, ok ? "COMBINED_TYPE_EXTENDED" : "SUM_TYPE_NARROWED", where, newNode.place);
  }

  /**
   * Both sides combined (Confluent's CombinedSchemaDiff): the criterion may change only where that
   * widens (to anyOf; between singletons; a singleton to oneOf; allOf to a singleton); duplicate
   * subschemas count once; more or fewer subschemas is a sum or product type extended or narrowed;
   * and the smaller side's subschemas must all be matched, one to one, with compatible ones.
   */
  private combined(
    oc: Criterion,
    nc: Criterion,
    o: Json,
    n: Json,
    oldNode: Node,
    newNode: Node,
    at: string,
    out: Change[],
    child: Child,
  ): void {
    const oldBranches = o[oc] as unknown[];
    const newBranches = n[nc] as unknown[];
    const where = joinPointer(at, nc);
    const place = child(newNode, nc).place;
    if (oc !== nc) {
      const widens =
        nc === "anyOf" ||
        (oldBranches.length === 1 && newBranches.length === 1) ||
        (oldBranches.length === 1 && nc === "oneOf") ||
        (newBranches.length === 1 && oc === "allOf");
      if (!widens) return void this.change(out, "COMBINED_TYPE_CHANGED", where, place, `${oc} -> ${nc}`);
      this.change(out, "COMBINED_TYPE_EXTENDED", where, place, `${oc} -> ${nc}`);
    }
    const oldKids = distinct(oldBranches).map((i) => child(oldNode, oc, i));
    const newKids = distinct(newBranches).map((i) => child(newNode, nc, i));
    if (oldKids.length < newKids.length) this.change(out, nc === "allOf" ? "PRODUCT_TYPE_EXTENDED" : "SUM_TYPE_EXTENDED", where, place);
    else if (oldKids.length > newKids.length)
      this.change(out, oc === "allOf" ? "PRODUCT_TYPE_NARROWED" : "SUM_TYPE_NARROWED", where, place);
    const matched = maximumMatching(oldKids.length, newKids.length, (l, r) => this.accepts(oldKids[l] as Node, newKids[r] as Node));
    const kidAt = (node: Node) => joinPointer(where, pointerSegments(node.place.pointer).at(-1) ?? "");
    matched.forEach((r, l) => {
      if (r >= 0) this.compare(oldKids[l] as Node, newKids[r] as Node, kidAt(newKids[r] as Node), out);
    });
    const pairs = matched.filter((r) => r >= 0).length;
    if (pairs >= Math.min(oldKids.length, newKids.length)) return;
    // Say why: an unmatched old subschema is compared with the unmatched new one in its place, if any.
    const taken = new Set(matched);
    const unmatched = matched.flatMap((r, l) => (r < 0 ? [l] : []));
    let unexplained = 0;
    for (const l of unmatched) {
      const r = l < newKids.length && !taken.has(l) ? l : -1;
      const scratch: Change[] = [];
      if (r >= 0) this.compare(oldKids[l] as Node, newKids[r] as Node, kidAt(newKids[r] as Node), scratch);
      if (scratch.some((c) => !c.compatible)) out.push(...scratch);
      else unexplained++;
    }
    if (unexplained > 0)
      this.change(out, "COMBINED_TYPE_SUBSCHEMAS_CHANGED", where, place, `${unexplained} old subschema(s) match no compatible new one`);
  }

  private objects(o: Json, n: Json, oldNode: Node, newNode: Node, at: string, out: Change[], child: Child): void {
    const oldProps = isObject(o.properties) ? o.properties : {};
    const newProps = isObject(n.properties) ? n.properties : {};
    const oldRequired = new Set(Array.isArray(o.required) ? (o.required as string[]) : []);
    const newRequired = new Set(Array.isArray(n.required) ? (n.required as string[]) : []);
    const hasDefault = (s: unknown) => isObject(s) && "default" in s;

    for (const name of Object.keys(oldProps)) {
      if (!(name in newProps)) continue;
      const oldChild = child(oldNode, "properties", name);
      const newChild = child(newNode, "properties", name);
      this.compare(oldChild, newChild, joinPointer(at, "properties", name), out);
      const where = joinPointer(at, "required");
      if (!oldRequired.has(name) && newRequired.has(name)) {
        const index = (n.required as string[]).indexOf(name);
        this.change(
          out,
          hasDefault(newProps[name]) ? "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED" : "REQUIRED_ATTRIBUTE_ADDED",
          where,
          child(newNode, "required", index).place,
          name,
        );
      } else if (oldRequired.has(name) && !newRequired.has(name)) {
        this.change(out, "REQUIRED_ATTRIBUTE_REMOVED", where, newNode.place, name);
      }
    }
    // An added property is judged by the OLD content model, a removed one by the NEW (Confluent's
    // ObjectSchemaDiff): open models take any name; otherwise the partial schema that applies to the
    // name decides, and where none applies the model is closed to that name.
    for (const name of Object.keys(newProps)) {
      if (name in oldProps) continue;
      const where = joinPointer(at, "properties", name);
      const added = child(newNode, "properties", name);
      const required = newRequired.has(name);
      if (contentModel(o) === "open") {
        const kind = isEmptySchema(newProps[name])
          ? "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
          : !required
            ? "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
            : hasDefault(newProps[name])
              ? "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"
              : "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL";
        this.change(out, kind, where, added.place, OPEN_HINT);
        continue;
      }
      const cover = coveringSchema(o, oldNode, name, child);
      if (cover === undefined) {
        const kind = !required
          ? "OPTIONAL_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL"
          : hasDefault(newProps[name])
            ? "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_CLOSED_CONTENT_MODEL"
            : "REQUIRED_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL";
        this.change(out, kind, where, added.place, name);
        continue;
      }
      this.change(
        out,
        this.covers(cover, added, where, out)
          ? "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
          : "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
        where,
        added.place,
        name,
      );
      // Old data matched by the partial schema may still lack the name.
      if (required && !hasDefault(newProps[name]))
        this.change(out, "REQUIRED_PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL", where, added.place, name);
    }
    for (const name of Object.keys(oldProps)) {
      if (name in newProps) continue;
      const where = joinPointer(at, "properties", name);
      const removed = child(oldNode, "properties", name);
      if (contentModel(n) === "open") {
        this.change(out, "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", where, removed.place, name);
        continue;
      }
      const cover = coveringSchema(n, newNode, name, child);
      if (cover === undefined) {
        this.change(
          out,
          oldProps[name] === false ? "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL" : "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
          where,
          removed.place,
          name,
        );
        continue;
      }
      this.change(
        out,
        this.covers(removed, cover, where, out)
          ? "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
          : "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
        where,
        removed.place,
        name,
      );
    }
    this.keywordOpenness(o, n, oldNode, newNode, "additionalProperties", "ADDITIONAL_PROPERTIES", at, out, child);
    this.keywordOpenness(o, n, oldNode, newNode, "unevaluatedProperties", "UNEVALUATED_PROPERTIES", at, out, child);
    this.dependencies(o, n, oldNode, newNode, at, out, child);
  }

  /** additionalProperties-like keywords: absent/true (open), false (closed), or a schema. */
  private openness(
    before: unknown,
    after: unknown,
    oldChild: Node,
    newChild: Node,
    base: string,
    where: string,
    place: Place,
    out: Change[],
  ): void {
    const state = (v: unknown) => (v === undefined || v === true ? "open" : v === false ? "closed" : "schema");
    const from = state(before);
    const to = state(after);
    if (from === to && from !== "schema") return;
    if (from === "closed") return void this.change(out, `${base}_ADDED`, where, place);
    if (to === "closed") return void this.change(out, `${base}_REMOVED`, where, place);
    if (from === "open") return void this.change(out, `${base}_NARROWED`, where, place);
    if (to === "open") return void this.change(out, `${base}_EXTENDED`, where, place);
    this.compare(oldChild, newChild, where, out);
  }

  private keywordOpenness(
    o: Json,
    n: Json,
    oldNode: Node,
    newNode: Node,
    keyword: string,
    base: string,
    at: string,
    out: Change[],
    child: Child,
  ): void {
    // Absent on both sides (the usual case) is no change; the child nodes cost more than the check.
    if (o[keyword] === undefined && n[keyword] === undefined) return;
    const place = keyword in n ? child(newNode, keyword).place : newNode.place;
    this.openness(o[keyword], n[keyword], child(oldNode, keyword), child(newNode, keyword), base, joinPointer(at, keyword), place, out);
  }

  private dependencies(o: Json, n: Json, oldNode: Node, newNode: Node, at: string, out: Change[], child: Child): void {
    for (const keyword of ["dependencies", "dependentRequired", "dependentSchemas"]) {
      const oldDeps = isObject(o[keyword]) ? (o[keyword] as Json) : {};
      const newDeps = isObject(n[keyword]) ? (n[keyword] as Json) : {};
      for (const name of new Set([...Object.keys(oldDeps), ...Object.keys(newDeps)])) {
        const where = joinPointer(at, keyword, name);
        const before = oldDeps[name];
        const after = newDeps[name];
        const place = name in newDeps ? child(newNode, keyword, name).place : child(oldNode, keyword, name).place;
        if (Array.isArray(before) || Array.isArray(after)) {
          if (!Array.isArray(before)) this.change(out, "DEPENDENCY_ARRAY_ADDED", where, place, name);
          else if (!Array.isArray(after)) this.change(out, "DEPENDENCY_ARRAY_REMOVED", where, place, name);
          else {
            const added = after.filter((v) => !before.includes(v));
            const removed = before.filter((v) => !after.includes(v));
            if (added.length > 0 && removed.length === 0) this.change(out, "DEPENDENCY_ARRAY_EXTENDED", where, place, added.join(", "));
            else if (removed.length > 0 && added.length === 0)
              this.change(out, "DEPENDENCY_ARRAY_NARROWED", where, place, removed.join(", "));
            else if (added.length > 0) this.change(out, "DEPENDENCY_ARRAY_CHANGED", where, place);
          }
        } else if (before === undefined) this.change(out, "DEPENDENCY_SCHEMA_ADDED", where, place, name);
        else if (after === undefined) this.change(out, "DEPENDENCY_SCHEMA_REMOVED", where, place, name);
        else this.compare(child(oldNode, keyword, name), child(newNode, keyword, name), where, out);
      }
    }
  }

  private arrays(o: Json, n: Json, oldNode: Node, newNode: Node, at: string, out: Change[], child: Child): void {
    const ov = arrayView(o);
    const nv = arrayView(n);
    if (ov.all || nv.all) {
      if (!ov.all) this.change(out, "SCHEMA_ADDED", joinPointer(at, "items"), child(newNode, "items").place);
      else if (!nv.all) this.change(out, "SCHEMA_REMOVED", joinPointer(at, "items"), newNode.place);
      else this.compare(child(oldNode, "items"), child(newNode, "items"), joinPointer(at, "items"), out);
    }
    for (let i = 0; i < Math.min(ov.tuple.length, nv.tuple.length); i++) {
      this.compare(child(oldNode, ov.tupleKey, i), child(newNode, nv.tupleKey, i), joinPointer(at, nv.tupleKey, i), out);
    }
    // As for properties: an added item is judged by the OLD model, a removed one by the NEW.
    for (let i = ov.tuple.length; i < nv.tuple.length; i++) {
      const added = child(newNode, nv.tupleKey, i);
      const where = joinPointer(at, nv.tupleKey, i);
      const cover = itemCover(ov, oldNode, child);
      if (itemsOpen(ov)) {
        const kind = isEmptySchema(nv.tuple[i]) ? "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL" : "ITEM_ADDED_TO_OPEN_CONTENT_MODEL";
        this.change(out, kind, where, added.place);
      } else if (cover === undefined) this.change(out, "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", where, added.place);
      else {
        const covered = this.covers(cover, added, where, out);
        const kind = covered
          ? "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
          : "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL";
        this.change(out, kind, where, added.place);
      }
    }
    for (let i = nv.tuple.length; i < ov.tuple.length; i++) {
      const removed = child(oldNode, ov.tupleKey, i);
      const where = joinPointer(at, ov.tupleKey, i);
      const cover = itemCover(nv, newNode, child);
      if (itemsOpen(nv)) this.change(out, "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", where, removed.place);
      else if (cover === undefined) {
        const kind = ov.tuple[i] === false ? "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL" : "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL";
        this.change(out, kind, where, removed.place);
      } else {
        const covered = this.covers(removed, cover, where, out);
        const kind = covered
          ? "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
          : "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL";
        this.change(out, kind, where, removed.place);
      }
    }
    // Extra items are compared whether or not there is a tuple, as Confluent does.
    if (ov.additional !== undefined || nv.additional !== undefined) {
      const place = nv.additional !== undefined ? child(newNode, nv.additionalKey).place : newNode.place;
      const oldChild = child(oldNode, ov.additionalKey);
      const newChild = child(newNode, nv.additionalKey);
      this.openness(ov.additional, nv.additional, oldChild, newChild, "ADDITIONAL_ITEMS", joinPointer(at, nv.additionalKey), place, out);
    }
    if (o.contains !== undefined && n.contains !== undefined)
      this.compare(child(oldNode, "contains"), child(newNode, "contains"), joinPointer(at, "contains"), out);
    this.keywordOpenness(o, n, oldNode, newNode, "unevaluatedItems", "UNEVALUATED_ITEMS", at, out, child);
  }
}

/**
 * An array schema's items as Confluent's model has them: one schema for every item (`all`), tuple
 * items, and what applies to items after the tuple. Draft-07 writes these `items` (a schema or an
 * array) and `additionalItems`; 2020-12 writes `items` (a schema), `prefixItems` and `items` after
 * them. A boolean `items` allows or forbids the extra items.
 */
interface ArrayView {
  readonly all: boolean;
  readonly tuple: readonly unknown[];
  readonly tupleKey: string;
  readonly additional: unknown;
  readonly additionalKey: string;
  readonly unevaluated: unknown;
}

function arrayView(s: Json): ArrayView {
  const unevaluated = s.unevaluatedItems;
  if (Array.isArray(s.prefixItems))
    return { all: false, tuple: s.prefixItems, tupleKey: "prefixItems", additional: s.items, additionalKey: "items", unevaluated };
  if (Array.isArray(s.items))
    return { all: false, tuple: s.items, tupleKey: "items", additional: s.additionalItems, additionalKey: "additionalItems", unevaluated };
  if (typeof s.items === "boolean")
    return { all: false, tuple: [], tupleKey: "prefixItems", additional: s.items, additionalKey: "items", unevaluated };
  return {
    all: s.items !== undefined,
    tuple: [],
    tupleKey: "prefixItems",
    additional: s.additionalItems,
    additionalKey: "additionalItems",
    unevaluated,
  };
}

/** OPEN: extra items allowed with no schema, and unevaluatedItems absent or empty. */
function itemsOpen(view: ArrayView): boolean {
  return view.additional !== false && !isObject(view.additional) && (view.unevaluated === undefined || isEmptySchema(view.unevaluated));
}

/** The schema extra items must match in a model that is not open; undefined when it is closed. */
function itemCover(view: ArrayView, node: Node, child: Child): Node | undefined {
  if (isObject(view.additional)) return child(node, view.additionalKey);
  if (view.additional !== false && isObject(view.unevaluated) && !isEmptySchema(view.unevaluated)) return child(node, "unevaluatedItems");
  return undefined;
}

const OPEN_HINT =
  "the schema is open (no additionalProperties: false), so old data may already hold this name with any value; " +
  "close the schema with additionalProperties: false, or check with --policy lenient";

function criterionOf(s: Json): Criterion | undefined {
  return (["anyOf", "oneOf", "allOf"] as const).find((k) => Array.isArray(s[k]));
}

/** A plain schema as compared with the subschemas of a combined one: its metadata is compared on its own. */
function withoutMetadata(s: Json): Json {
  return Object.fromEntries(Object.entries(s).filter(([k]) => !(k in METADATA)));
}

/** Indexes of the subschemas that are not repeats of an earlier one (Confluent counts duplicates once). */
function distinct(branches: unknown[]): number[] {
  const seen = new Set<string>();
  return branches.flatMap((branch, i) => {
    const identity = schemaIdentity("JSON", branch);
    if (seen.has(identity)) return [];
    seen.add(identity);
    return [i];
  });
}

function typeSet(s: Json): Set<string> | undefined {
  if (typeof s.type === "string") return new Set([s.type]);
  if (Array.isArray(s.type)) return new Set(s.type.map(String));
  return undefined;
}

/** `true`, or an object without assertions: a schema that accepts anything. */
function isEmptySchema(v: unknown): boolean {
  return v === true || (isObject(v) && !Object.keys(v).some((k) => ASSERTIONS.has(k)));
}

/**
 * OPEN: additionalProperties absent or true, no patternProperties, unevaluatedProperties absent or
 * empty. CLOSED: additionalProperties false (or unevaluatedProperties false in its place), no
 * patternProperties. PARTIALLY OPEN: otherwise; which names it covers, `coveringSchema` says.
 */
export function contentModel(s: Json): "open" | "closed" | "partial" {
  const patterns = isObject(s.patternProperties) && Object.keys(s.patternProperties).length > 0;
  if (patterns || isObject(s.additionalProperties)) return "partial";
  if (s.additionalProperties === false) return "closed";
  const rest = s.unevaluatedProperties;
  if (rest === undefined || isEmptySchema(rest)) return "open";
  return rest === false ? "closed" : "partial";
}

/**
 * The schema a model that is not open applies to an undeclared property name, as Confluent finds
 * it: the first patternProperties entry whose pattern occurs in the name, else an additionalProperties
 * schema, else (additionalProperties absent) an unevaluatedProperties schema; undefined when none does.
 */
function coveringSchema(s: Json, node: Node, name: string, child: Child): Node | undefined {
  if (isObject(s.patternProperties)) {
    for (const pattern of Object.keys(s.patternProperties))
      if (new RegExp(pattern, "u").test(name)) return child(node, "patternProperties", pattern);
  }
  if (isObject(s.additionalProperties)) return child(node, "additionalProperties");
  const rest = s.unevaluatedProperties;
  if (s.additionalProperties !== false && isObject(rest) && !isEmptySchema(rest)) return child(node, "unevaluatedProperties");
  return undefined;
}
