import { type Field, type Model, type NamedType, namedType, type RecordType, type TypeNode } from "../load/model.js";

type Json = Record<string, unknown>;

/**
 * How the model is written back as JSON Schema. Each caller decides how a reference to a named
 * type is written (`ref`), which is how the TypeScript and Python emitters keep shared types from
 * being inlined into every user, and how much of the validation detail to keep.
 */
export interface SchemaView {
  readonly ref: (named: NamedType) => Json;
  /** Keep validation-only keywords (format, pattern, bounds): for validators, not for type generators. */
  readonly constraints?: boolean;
  /** Keep field descriptions and defaults. */
  readonly docs?: boolean;
  /** The property name to use for each field (default: its schema name). */
  readonly fieldName?: (field: Field, index: number) => string;
  /** How an integer (an Avro long) is written instead of `type: integer`: the TypeScript emitter's `bigint` mode. */
  readonly integer?: Json;
}

export function schemaOfType(model: Model, type: TypeNode, view: SchemaView): Json {
  const of = (inner: TypeNode) => schemaOfType(model, inner, view);
  const constraints = (c: object) => (view.constraints ? c : {});
  switch (type.kind) {
    case "integer":
      if (view.integer !== undefined) return view.integer;
      return { type: type.kind, ...constraints(type.constraints) };
    case "string":
    case "number":
      return { type: type.kind, ...constraints(type.constraints) };
    case "boolean":
      return { type: "boolean" };
    case "array":
      return { type: "array", items: of(type.items), ...constraints(type.constraints) };
    case "map":
      return { type: "object", additionalProperties: of(type.values) };
    case "nullable":
      return { anyOf: [of(type.inner), { type: "null" }] };
    case "ref":
      return view.ref(namedType(model, type.name));
  }
}

/** A closed object schema for a record, fields in schema order. */
export function recordSchema(model: Model, record: RecordType, view: SchemaView): Json {
  const name = view.fieldName ?? ((f: Field) => f.name);
  return {
    type: "object",
    properties: Object.fromEntries(
      record.fields.map((f, i) => [
        name(f, i),
        {
          ...schemaOfType(model, f.type, view),
          ...(view.docs && f.description !== undefined ? { description: f.description } : {}),
          ...(view.docs && f.default !== undefined ? { default: f.default.value } : {}),
        },
      ]),
    ),
    required: record.fields.flatMap((f, i) => (f.required ? [name(f, i)] : [])),
    additionalProperties: false,
  };
}

/** The full definition of a named type: record, enum or alias, with its title and description. */
export function namedSchema(model: Model, type: NamedType, view: SchemaView): Json {
  const head = { title: type.name, ...(view.docs && type.description !== undefined ? { description: type.description } : {}) };
  switch (type.kind) {
    case "enum":
      return { ...head, type: "string", enum: [...type.symbols] };
    case "alias":
      return { ...head, ...schemaOfType(model, type.target, view) };
    case "record":
      return { ...head, ...recordSchema(model, type, view) };
  }
}
