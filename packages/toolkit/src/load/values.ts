import { formatCheck } from "./ajv.js";
import { type Constraints, type Model, namedType, type RecordType, type TypeNode } from "./model.js";

/**
 * Whether `value` has the shape of `type` in the model (formats and patterns aside). Returns what is
 * wrong, or undefined. Used for defaults, which JSON Schema does not validate but Avro and Python must accept.
 */
export function shapeError(model: Model, type: TypeNode, value: unknown): string | undefined {
  return valueError(model, type, value, false);
}

/**
 * Whether `value` is valid for `type`, constraints included: what the JSON Schema of the subset
 * accepts, decided from the model in one walk over the value. Lint checks every example this way
 * instead of compiling a validator per event; a test holds it equal to ajv's verdict.
 */
export function valueError(model: Model, type: TypeNode, value: unknown, constraints = true): string | undefined {
  // Called for every value of every example: plain loops, and no closure or array made per call.
  switch (type.kind) {
    case "string":
      if (typeof value !== "string") return `expected a string, got ${describe(value)}`;
      return constraints ? constraintError(type.constraints, value) : undefined;
    case "integer":
      if (!Number.isInteger(value)) return `expected an integer, got ${describe(value)}`;
      return constraints ? constraintError(type.constraints, value) : undefined;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return `expected a number, got ${describe(value)}`;
      return constraints ? constraintError(type.constraints, value) : undefined;
    case "boolean":
      return typeof value === "boolean" ? undefined : `expected a boolean, got ${describe(value)}`;
    case "nullable":
      return value === null ? undefined : valueError(model, type.inner, value, constraints);
    case "array": {
      if (!Array.isArray(value)) return `expected an array, got ${describe(value)}`;
      for (const item of value) {
        const error = valueError(model, type.items, item, constraints);
        if (error !== undefined) return error;
      }
      return constraints ? constraintError(type.constraints, value) : undefined;
    }
    case "map":
      if (!isPlainObject(value)) return `expected an object, got ${describe(value)}`;
      for (const key in value) {
        const error = valueError(model, type.values, value[key], constraints);
        if (error !== undefined) return error;
      }
      return undefined;
    case "ref": {
      const named = namedType(model, type.name);
      if (named.kind === "alias") return valueError(model, named.target, value, constraints);
      if (named.kind === "enum") {
        return named.symbols.includes(value as string) ? undefined : `expected one of ${named.symbols.join(", ")}, got ${describe(value)}`;
      }
      if (!isPlainObject(value)) return `expected a ${named.name} object, got ${describe(value)}`;
      let present = 0;
      for (const field of named.fields) {
        if (!(field.name in value)) {
          if (field.required) return `${named.name} needs "${field.name}"`;
          continue;
        }
        if (Object.hasOwn(value, field.name)) present++;
        const error = valueError(model, field.type, value[field.name], constraints);
        if (error !== undefined) return `${field.name}: ${error}`;
      }
      // A key that is no field exists only when the value has more keys than fields it holds.
      let keys = 0;
      for (const key in value) if (Object.hasOwn(value, key)) keys++;
      if (keys === present) return undefined;
      const extra = Object.keys(value).find((k) => !named.fields.some((f) => f.name === k));
      return extra === undefined ? undefined : `${named.name} has no field "${extra}"`;
    }
  }
}

const patterns = new Map<string, RegExp>();

/** The subset's validation keywords, with JSON Schema's meaning (lengths count code points, as ajv does). */
function constraintError(c: Constraints, value: unknown): string | undefined {
  if (typeof value === "string") {
    const length = c.minLength !== undefined || c.maxLength !== undefined ? [...value].length : 0;
    if (c.minLength !== undefined && length < c.minLength) return `shorter than ${c.minLength} characters`;
    if (c.maxLength !== undefined && length > c.maxLength) return `longer than ${c.maxLength} characters`;
    if (c.pattern !== undefined) {
      let pattern = patterns.get(c.pattern);
      if (pattern === undefined) {
        pattern = new RegExp(c.pattern, "u");
        patterns.set(c.pattern, pattern);
      }
      if (!pattern.test(value)) return `does not match pattern ${c.pattern}`;
    }
    if (c.format !== undefined && formatCheck(c.format)?.(value) === false) return `is not a valid ${c.format}`;
  }
  if (typeof value === "number") {
    if (c.minimum !== undefined && value < c.minimum) return `less than ${c.minimum}`;
    if (c.maximum !== undefined && value > c.maximum) return `greater than ${c.maximum}`;
    if (c.exclusiveMinimum !== undefined && value <= c.exclusiveMinimum) return `not greater than ${c.exclusiveMinimum}`;
    if (c.exclusiveMaximum !== undefined && value >= c.exclusiveMaximum) return `not less than ${c.exclusiveMaximum}`;
  }
  if (Array.isArray(value)) {
    if (c.minItems !== undefined && value.length < c.minItems) return `fewer than ${c.minItems} items`;
    if (c.maxItems !== undefined && value.length > c.maxItems) return `more than ${c.maxItems} items`;
  }
  return undefined;
}

/**
 * The canonical form of a record value: every absent field that has a default gets it. This is what
 * any target gives back after a round trip (Avro writes every field; dataclasses fill defaults).
 */
export function withDefaults(model: Model, record: RecordType, value: Record<string, unknown>): Record<string, unknown> {
  return fillRecord(model, record, value, (_type, v) => v, false);
}

/**
 * The canonical form with date-times and UUIDs as the Python package writes them, which is how
 * openedx-events writes them: `isoformat()` of the instant (an offset-less one read as UTC; `+00:00`
 * for UTC; microseconds when not zero), `str()` of the UUID, and maps with their keys sorted.
 * TypeScript keeps the strings and key order it is given, so bytes both languages (and openedx-events)
 * write alike need the value in this form.
 */
export function inWireForm(model: Model, record: RecordType, value: Record<string, unknown>): Record<string, unknown> {
  return fillRecord(model, record, value, wireLeaf, true);
}

/** Python's order of strings (by code point), which JavaScript's default sort (by UTF-16 unit) is not. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

const wireLeaf: Leaf = (type, v) => {
  if (typeof v !== "string") return v;
  if (type.constraints.format === "uuid") return v.replace(/^urn:uuid:/i, "").toLowerCase();
  if (type.constraints.format !== "date-time") return v;
  const parts = /^(\d{4}-\d\d-\d\d)[Tt](\d\d:\d\d:\d\d)(?:\.(\d+))?([Zz]|[+-]\d\d(?::?\d\d)?)?$/.exec(v);
  if (parts === null) return v;
  const [, date, time, fraction = "", zone = "Z"] = parts;
  const micro = fraction.slice(0, 6).padEnd(6, "0");
  const digits = zone.replace(/[^0-9]/g, "").padEnd(4, "0");
  const offset = /^[Zz]$/.test(zone) || /^0+$/.test(digits) ? "+00:00" : `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2)}`;
  return `${date}T${time}${micro === "000000" ? "" : `.${micro}`}${offset}`;
};

type Leaf = (type: Extract<TypeNode, { kind: "string" }>, value: unknown) => unknown;

/** `sortMaps`: maps with their keys in Python's order, as openedx-events writes them (json.dumps(sort_keys=True)). */
function fillRecord(
  model: Model,
  record: RecordType,
  value: Record<string, unknown>,
  leaf: Leaf,
  sortMaps: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of record.fields) {
    if (field.name in value) out[field.name] = fillType(model, field.type, value[field.name], leaf, sortMaps);
    else if (field.default !== undefined)
      out[field.name] = fillType(model, field.type, structuredClone(field.default.value), leaf, sortMaps);
  }
  return out;
}

function fillType(model: Model, type: TypeNode, value: unknown, leaf: Leaf, sortMaps: boolean): unknown {
  if (value === null || value === undefined) return value;
  switch (type.kind) {
    case "string":
      return leaf(type, value);
    case "nullable":
      return fillType(model, type.inner, value, leaf, sortMaps);
    case "array":
      return Array.isArray(value) ? value.map((item) => fillType(model, type.items, item, leaf, sortMaps)) : value;
    case "map": {
      if (!isPlainObject(value)) return value;
      const entries = Object.entries(value);
      if (sortMaps) entries.sort(([a], [b]) => byCodePoint(a, b));
      return Object.fromEntries(entries.map(([k, v]) => [k, fillType(model, type.values, v, leaf, sortMaps)]));
    }
    case "ref": {
      const named = namedType(model, type.name);
      if (named.kind === "alias") return fillType(model, named.target, value, leaf, sortMaps);
      return named.kind === "record" && isPlainObject(value) ? fillRecord(model, named, value, leaf, sortMaps) : value;
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
