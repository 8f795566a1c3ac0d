import { type Model, namedType, type RecordType, type TypeNode } from "./model.js";

/**
 * Whether `value` has the shape of `type` in the model (formats and patterns aside: those are
 * checked by ajv). Returns what is wrong, or undefined. Used for defaults, which JSON Schema does
 * not validate but Avro and Python must accept.
 */
export function shapeError(model: Model, type: TypeNode, value: unknown): string | undefined {
  switch (type.kind) {
    case "string":
      return typeof value === "string" ? undefined : `expected a string, got ${describe(value)}`;
    case "integer":
      return Number.isInteger(value) ? undefined : `expected an integer, got ${describe(value)}`;
    case "number":
      return typeof value === "number" ? undefined : `expected a number, got ${describe(value)}`;
    case "boolean":
      return typeof value === "boolean" ? undefined : `expected a boolean, got ${describe(value)}`;
    case "nullable":
      return value === null ? undefined : shapeError(model, type.inner, value);
    case "array":
      if (!Array.isArray(value)) return `expected an array, got ${describe(value)}`;
      return value.map((item) => shapeError(model, type.items, item)).find((e) => e !== undefined);
    case "map":
      if (!isPlainObject(value)) return `expected an object, got ${describe(value)}`;
      return Object.values(value)
        .map((item) => shapeError(model, type.values, item))
        .find((e) => e !== undefined);
    case "ref": {
      const named = namedType(model, type.name);
      if (named.kind === "alias") return shapeError(model, named.target, value);
      if (named.kind === "enum") {
        return named.symbols.includes(value as string) ? undefined : `expected one of ${named.symbols.join(", ")}, got ${describe(value)}`;
      }
      if (!isPlainObject(value)) return `expected a ${named.name} object, got ${describe(value)}`;
      for (const field of named.fields) {
        if (!(field.name in value)) {
          if (field.required) return `${named.name} needs "${field.name}"`;
          continue;
        }
        const error = shapeError(model, field.type, value[field.name]);
        if (error !== undefined) return `${field.name}: ${error}`;
      }
      const extra = Object.keys(value).find((k) => !named.fields.some((f) => f.name === k));
      return extra === undefined ? undefined : `${named.name} has no field "${extra}"`;
    }
  }
}

/**
 * The canonical form of a record value: every absent field that has a default gets it. This is what
 * any target gives back after a round trip (Avro writes every field; dataclasses fill defaults).
 */
export function withDefaults(model: Model, record: RecordType, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of record.fields) {
    if (field.name in value) out[field.name] = fillType(model, field.type, value[field.name]);
    else if (field.default !== undefined) out[field.name] = structuredClone(field.default.value);
  }
  return out;
}

function fillType(model: Model, type: TypeNode, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (type.kind) {
    case "nullable":
      return fillType(model, type.inner, value);
    case "array":
      return Array.isArray(value) ? value.map((item) => fillType(model, type.items, item)) : value;
    case "map":
      return isPlainObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillType(model, type.values, v)])) : value;
    case "ref": {
      const named = namedType(model, type.name);
      return named.kind === "record" && isPlainObject(value) ? withDefaults(model, named, value) : value;
    }
    default:
      return value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `${typeof value} ${JSON.stringify(value)}`;
}
