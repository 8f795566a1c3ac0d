import { type EventDefinition, isRecursiveEvent, type Model, type NamedType, reachableTypes } from "../../load/model.js";
import type { Emitter } from "../emitter.js";
import { FileKeys, KeyedFiles } from "../file-keys.js";
import { namedSchema, recordSchema, type SchemaView } from "../schema-view.js";

const DIALECT = "https://json-schema.org/draft/2020-12/schema";

const VIEW: SchemaView = { ref: (named) => ({ $ref: `#/$defs/${named.name}` }), constraints: true, docs: true };

/**
 * One self-contained JSON Schema per event: every type it uses is under `$defs`, so a consumer can
 * validate with any draft 2020-12 validator without resolving files. It accepts exactly what the
 * source schema accepts.
 */
export function bundledSchemaOf(
  model: Model,
  event: EventDefinition,
  /** Each type's definition, kept across the events of one run: most events share most of theirs. */
  definitions = new Map<string, Record<string, unknown>>(),
): Record<string, unknown> {
  // A recursive event refers to its own record by name, so the record is also one of the $defs.
  const own = isRecursiveEvent(model, event) ? [event.record] : [];
  const definition = (type: NamedType) => {
    let schema = definitions.get(type.name);
    if (schema === undefined) {
      schema = namedSchema(model, type, VIEW);
      definitions.set(type.name, schema);
    }
    return schema;
  };
  const defs = Object.fromEntries(
    [...reachableTypes(model, event), ...own].map((type) => [type.name, definition(type)] as const).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return {
    $schema: DIALECT,
    $id: event.id,
    title: event.record.name,
    ...(event.record.description === undefined ? {} : { description: event.record.description }),
    "x-event-type": event.eventType,
    ...(event.topic === undefined ? {} : { "x-topic": event.topic }),
    ...(event.keyField === undefined ? {} : { "x-event-key-field": event.keyField }),
    ...recordSchema(model, event.record, VIEW),
    examples: event.examples,
    ...(Object.keys(defs).length > 0 ? { $defs: defs } : {}),
  };
}

export const jsonSchemaEmitter: Emitter = {
  target: "jsonschema",
  async emit(model, config, _cache, released, kept, sink) {
    const out = new KeyedFiles(kept, sink);
    const keys = new FileKeys(model, "jsonschema", config, released);
    const definitions = new Map<string, Record<string, unknown>>();
    for (const event of model.events)
      await out.keyed(
        `${event.eventType}.json`,
        keys.of([], [], [event]),
        () => `${JSON.stringify(bundledSchemaOf(model, event, definitions), null, 2)}\n`,
      );
    return { files: out.files, keys: out.keys };
  },
};
