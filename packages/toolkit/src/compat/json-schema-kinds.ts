import type { Policy } from "../load/modes.js";
import type { Change, Place } from "./change.js";

/**
 * The BACKWARD verdict of each kind of difference (does NEW accept every document OLD accepts?),
 * after Confluent's JSON Schema diff (`SchemaDiff` and `Difference.Type` in confluentinc/schema-registry's
 * json-schema-provider; docs/compatibility-json-confluent.md lists its 263 test vectors with canon's
 * verdicts). `lenient` marks the nine kinds Confluent's LENIENT policy accepts besides.
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

/** A difference of `kind` at `path` (pointing at `at`), with its verdict and the rule that gave it under the policy. */
export function judgedChange(kind: string, policy: Policy, path: string, at: Place, detail?: string): Change {
  const entry = KINDS[kind];
  if (entry === undefined) throw new Error(`unknown change kind ${kind}`);
  const compatible = kindIsCompatible(kind, policy);
  const rule = entry.compatible
    ? "compatible under both policies"
    : entry.lenient
      ? `${policy === "lenient" ? "accepted by LENIENT" : "incompatible under STRICT (LENIENT accepts it)"}`
      : "incompatible under both policies";
  return { kind, path, compatible, message: `${entry.what}${detail ? `: ${detail}` : ""}`, rule, at };
}
