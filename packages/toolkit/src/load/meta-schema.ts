import { readFileSync } from "node:fs";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import { createAjv, OWN_SCHEMA } from "./ajv.js";
import type { Diagnostic, ErrorCode } from "./diagnostics.js";
import { diagnosticAt, joinPointer, valueAt } from "./json-source.js";
import type { FileRole, SchemaFile } from "./schema-files.js";

export const META_SCHEMA_URL = new URL("../../meta-schema/eventcanon.schema.json", import.meta.url);
const META_SCHEMA_ID = "https://eventcanon.dev/meta-schema/eventcanon.schema.json";

let validators: Record<FileRole, ValidateFunction> | undefined;

function getValidators(): Record<FileRole, ValidateFunction> {
  if (validators === undefined) {
    const ajv = createAjv(OWN_SCHEMA);
    ajv.addSchema(JSON.parse(readFileSync(META_SCHEMA_URL, "utf8")) as object);
    const compile = (def: string) => {
      const validate = ajv.getSchema(`${META_SCHEMA_ID}#/$defs/${def}`);
      if (validate === undefined) throw new Error(`meta-schema has no $defs/${def}`);
      return validate;
    };
    validators = { event: compile("event"), type: compile("type") };
  }
  return validators;
}

const SUPPORTED =
  "type, properties, required, additionalProperties, items, enum, anyOf (T or null only), $ref, format, contentEncoding, pattern, " +
  "min/max keywords, default, title, description, examples, $defs, and x- extensions";

/** Keywords the model does without: a file missing only these still loads. */
const DOCUMENTATION_KEYWORDS = new Set(["$schema", "description", "examples"]);

/**
 * Checks a file against the project's meta-schema and turns ajv's errors into plain diagnostics.
 * `loadable` says whether the model can still be built from the file: a name that breaks a pattern is
 * still a string and a missing description is only missing, so the lint rules can see the rest of it.
 */
export function checkShape(file: SchemaFile): { diagnostics: Diagnostic[]; loadable: boolean } {
  const validate = getValidators()[file.role];
  if (validate(file.source.value)) return { diagnostics: [], loadable: true };
  const errors = validate.errors ?? [];
  // An anyOf error explains its branches' errors at the same place; report it alone.
  const explained = new Set(errors.filter((e) => e.keyword === "anyOf").map((e) => e.instancePath));
  const reported = errors.filter((e) => e.keyword === "anyOf" || !explained.has(e.instancePath));
  const loadable = reported.every(
    (e) =>
      e.keyword === "pattern" ||
      e.keyword === "propertyNames" ||
      (e.keyword === "required" && DOCUMENTATION_KEYWORDS.has(String((e.params as { missingProperty?: unknown }).missingProperty))),
  );
  return { diagnostics: reported.flatMap((error) => describe(file, error)), loadable };
}

function describe(file: SchemaFile, error: ErrorObject): Diagnostic[] {
  const at = (pointer: string, code: ErrorCode, message: string, hint?: string) => diagnosticAt(file.source, pointer, code, message, hint);
  const params = error.params as Record<string, unknown>;
  const where = error.instancePath;
  switch (error.keyword) {
    case "additionalProperties": {
      const keyword = String(params.additionalProperty);
      return [
        at(
          joinPointer(where, keyword),
          "unsupported-keyword",
          `keyword "${keyword}" is outside the schema subset that TypeScript, Avro and Python can all represent`,
          `supported: ${SUPPORTED}; see \`canon docs\``,
        ),
      ];
    }
    case "required":
      return [
        at(
          where,
          "missing-keyword",
          `missing required keyword "${String(params.missingProperty)}"`,
          file.role === "event" ? "see the event file layout: `canon docs`" : "shared types need $schema, $id, title and description",
        ),
      ];
    case "propertyNames":
      return [];
    case "pattern":
      return [patternError(file, error, at)];
    case "anyOf":
      return [at(where, "invalid-keyword-value", anyOfMessage(error.schemaPath))];
    default:
      return [at(where, "invalid-keyword-value", `${lastSegment(where)} ${error.message ?? "is invalid"}`)];
  }
}

function patternError(
  file: SchemaFile,
  error: ErrorObject,
  at: (pointer: string, code: ErrorCode, message: string, hint?: string) => Diagnostic,
): Diagnostic {
  const where = error.instancePath;
  if (error.propertyName !== undefined) {
    return at(
      joinPointer(where, error.propertyName),
      "field-name-not-snake-case",
      `field name "${error.propertyName}" is not snake_case`,
      "use lowercase letters, digits and underscores, starting with a letter",
    );
  }
  const value = JSON.stringify(valueAt(file.source.value, where));
  const keyword = lastSegment(where);
  if (keyword === "title") {
    return at(
      where,
      "type-name-not-pascal-case",
      `type name ${value} is not PascalCase`,
      "start with an uppercase letter; use letters and digits only",
    );
  }
  if (keyword === "x-avro-name") {
    return at(
      where,
      "avro-name-invalid",
      `Avro name ${value} is not a valid Avro name`,
      "use letters, digits and underscores, not starting with a digit",
    );
  }
  return at(where, "invalid-keyword-value", `${keyword} ${value} does not match ${String((error.params as { pattern: string }).pattern)}`);
}

function anyOfMessage(schemaPath: string): string {
  if (schemaPath.includes("/properties/type/")) {
    return 'type must be one of string, integer, number, boolean, array, object, or a pair [T, "null"]';
  }
  if (schemaPath.includes("/additionalProperties/")) {
    return "additionalProperties must be false (a closed record) or a schema (a map)";
  }
  return "value does not match any allowed form";
}

function lastSegment(pointer: string): string {
  return pointer.slice(pointer.lastIndexOf("/") + 1) || "document";
}
