import { type Model, type NamedType, namedType, type RecordType, type TypeNode } from "../model.js";

type Json = Record<string, unknown>;

/**
 * The model written back as plain JSON Schema, for libraries that take JSON Schema as input.
 * Each caller decides how a reference to a named type is written (`ref`), which is how the
 * TypeScript and Python emitters keep shared types from being inlined into every user.
 */
export function schemaOfType(model: Model, type: TypeNode, ref: (named: NamedType) => Json): Json {
  const of = (inner: TypeNode) => schemaOfType(model, inner, ref);
  switch (type.kind) {
    case "string":
    case "integer":
    case "number":
    case "boolean":
      return { type: type.kind };
    case "array":
      return { type: "array", items: of(type.items) };
    case "map":
      return { type: "object", additionalProperties: of(type.values) };
    case "nullable":
      return { anyOf: [of(type.inner), { type: "null" }] };
    case "ref":
      return ref(namedType(model, type.name));
  }
}

/** A closed object schema for a record; `name` maps each field to the property name to use. */
export function recordSchema(
  model: Model,
  record: RecordType,
  ref: (named: NamedType) => Json,
  name: (field: RecordType["fields"][number], index: number) => string = (f) => f.name,
  withDocs = true,
): Json {
  return {
    type: "object",
    properties: Object.fromEntries(
      record.fields.map((f, i) => [
        name(f, i),
        { ...schemaOfType(model, f.type, ref), ...(withDocs && f.description !== undefined ? { description: f.description } : {}) },
      ]),
    ),
    required: record.fields.flatMap((f, i) => (f.required ? [name(f, i)] : [])),
    additionalProperties: false,
  };
}
