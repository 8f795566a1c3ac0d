import { type EventDefinition, isRecursiveEvent, type Model, reachableTypes } from "../model.js";
import type { Emitter, OutputFiles } from "./emitter.js";
import { namedSchema, recordSchema, type SchemaView } from "./schema-view.js";

const DIALECT = "https://json-schema.org/draft/2020-12/schema";

/**
 * One self-contained JSON Schema per event: every type it uses is under `$defs`, so a consumer can
 * validate with any draft 2020-12 validator without resolving files. It accepts exactly what the
 * source schema accepts.
 */
export function bundledSchemaOf(model: Model, event: EventDefinition): Record<string, unknown> {
  const view: SchemaView = { ref: (named) => ({ $ref: `#/$defs/${named.name}` }), constraints: true, docs: true };
  // A recursive event refers to its own record by name, so the record is also one of the $defs.
  const own = isRecursiveEvent(model, event) ? [event.record] : [];
  const defs = Object.fromEntries(
    [...reachableTypes(model, event), ...own]
      .map((type) => [type.name, namedSchema(model, type, view)] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return {
    $schema: DIALECT,
    $id: event.id,
    title: event.record.name,
    ...(event.record.description === undefined ? {} : { description: event.record.description }),
    "x-event-type": event.eventType,
    ...(event.topic === undefined ? {} : { "x-topic": event.topic }),
    ...(event.keyField === undefined ? {} : { "x-event-key-field": event.keyField }),
    ...recordSchema(model, event.record, view),
    examples: event.examples,
    ...(Object.keys(defs).length > 0 ? { $defs: defs } : {}),
  };
}

export const jsonSchemaEmitter: Emitter = {
  target: "jsonschema",
  async emit(model) {
    const files: OutputFiles = new Map();
    for (const event of model.events) files.set(`${event.eventType}.json`, `${JSON.stringify(bundledSchemaOf(model, event), null, 2)}\n`);
    return files;
  },
};
