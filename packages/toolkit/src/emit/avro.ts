import avro from "avsc";
import type { CanonConfig } from "../config.js";
import { type EventDefinition, type Field, type Model, namedType, type TypeNode } from "../model.js";
import type { Emitter, OutputFiles } from "./emitter.js";

export type AvroSchema = string | AvroSchema[] | { [key: string]: unknown };

/**
 * The Open edX event bus wire form: a top-level record per event (named by config, namespaced by the
 * event type), a nested record per named type defined on first use and referenced by name after,
 * `["null", T]` for nullable fields, and the schema's defaults carried over as Avro defaults.
 */
export function avroSchemaOf(model: Model, event: EventDefinition, config: CanonConfig): AvroSchema {
  const defined = new Set<string>();
  const recordName = config.avroEventRecordName ?? event.record.name;
  defined.add(event.record.name);

  const typeOf = (type: TypeNode): AvroSchema => {
    switch (type.kind) {
      case "string":
        return "string";
      case "integer":
        return "long";
      case "number":
        return "double";
      case "boolean":
        return "boolean";
      case "array":
        return { type: "array", items: typeOf(type.items) };
      case "map":
        return { type: "map", values: typeOf(type.values) };
      case "nullable":
        return ["null", typeOf(type.inner)];
      case "ref": {
        const named = namedType(model, type.name);
        if (named.kind === "alias") return typeOf(named.target);
        const name = named.avroName ?? named.name;
        if (defined.has(named.name)) return name;
        defined.add(named.name);
        const doc = named.description === undefined ? {} : { doc: named.description };
        if (named.kind === "enum") return { type: "enum", name, ...doc, symbols: [...named.symbols] };
        return { type: "record", name, ...doc, fields: named.fields.map(fieldOf) };
      }
    }
  };
  // Avro checks a union's default against its first branch, so a non-null default puts null last.
  const fieldTypeOf = (field: Field): AvroSchema =>
    field.type.kind === "nullable" && field.default !== undefined && field.default.value !== null
      ? [typeOf(field.type.inner), "null"]
      : typeOf(field.type);
  const fieldOf = (field: Field) => ({
    name: field.name,
    type: fieldTypeOf(field),
    ...(field.description === undefined ? {} : { doc: field.description }),
    ...(field.default === undefined ? {} : { default: field.default.value }),
  });
  return {
    type: "record",
    name: recordName,
    namespace: event.eventType,
    ...(event.record.description === undefined ? {} : { doc: event.record.description }),
    fields: event.record.fields.map(fieldOf),
  };
}

export const avroEmitter: Emitter = {
  target: "avro",
  async emit(model, config) {
    const files: OutputFiles = new Map();
    for (const event of model.events) {
      const schema = avroSchemaOf(model, event, config);
      // avsc rejects what Avro rejects (bad names, defaults that do not fit): fail here, not in a consumer.
      avro.Type.forSchema(schema as avro.Schema);
      files.set(`${event.eventType}.avsc`, `${JSON.stringify(schema, null, 2)}\n`);
    }
    return files;
  },
};
