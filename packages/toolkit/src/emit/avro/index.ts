import avro from "avsc";
import type { CanonConfig } from "../../load/config.js";
import { type EventDefinition, type Field, type Model, namedType, type TypeNode } from "../../load/model.js";
import type { Emitter } from "../emitter.js";
import { FileKeys, KeyedFiles } from "../file-keys.js";

export type AvroSchema = string | AvroSchema[] | { [key: string]: unknown };

/**
 * Writes model types as Avro: a nested record or enum per named type, defined on first use within
 * one schema and referenced by name after (Avro forbids defining a name twice).
 */
class AvroWriter {
  /** Model name -> the Avro name it was defined under. */
  private readonly defined: Map<string, string>;

  constructor(
    private readonly model: Model,
    alreadyDefined: ReadonlyMap<string, string> = new Map(),
    /** Defines each named type in a namespace of its own under this one (the acceptance check's form). */
    private readonly checkNamespace?: string,
  ) {
    this.defined = new Map(alreadyDefined);
  }

  /** Model name -> the full name a later schema can refer to (the acceptance check's registry). */
  get definitions(): ReadonlyMap<string, string> {
    return this.defined;
  }

  typeOf(type: TypeNode): AvroSchema {
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
        return { type: "array", items: this.typeOf(type.items) };
      case "map":
        return { type: "map", values: this.typeOf(type.values) };
      case "nullable":
        return ["null", this.typeOf(type.inner)];
      case "ref": {
        const named = namedType(this.model, type.name);
        if (named.kind === "alias") return this.typeOf(named.target);
        const defined = this.defined.get(named.name);
        if (defined !== undefined) return defined;
        const name = named.avroName ?? named.name;
        // In the acceptance check each type has a namespace of its own, so that types defined for
        // different events never clash in avsc's registry.
        const namespace = this.checkNamespace === undefined ? undefined : `${this.checkNamespace}.${named.name}`;
        this.defined.set(named.name, namespace === undefined ? name : `${namespace}.${name}`);
        const head = {
          name,
          ...(namespace === undefined ? {} : { namespace }),
          ...(named.description === undefined ? {} : { doc: named.description }),
        };
        if (named.kind === "enum")
          return {
            type: "enum",
            ...head,
            symbols: [...named.symbols],
            ...(named.fallback === undefined ? {} : { default: named.fallback }),
          };
        return { type: "record", ...head, fields: named.fields.map((f) => this.fieldOf(f)) };
      }
    }
  }

  fieldOf(field: Field): Record<string, unknown> {
    // Avro checks a union's default against its first branch, so a non-null default puts null last.
    const type =
      field.type.kind === "nullable" && field.default !== undefined && field.default.value !== null
        ? [this.typeOf(field.type.inner), "null"]
        : this.typeOf(field.type);
    return {
      name: field.name,
      type,
      ...(field.description === undefined ? {} : { doc: field.description }),
      ...(field.default === undefined ? {} : { default: field.default.value }),
    };
  }
}

/**
 * The Open edX event bus wire form: a top-level record per event (named by config, namespaced by the
 * event type) whose fields are the event's data fields, `["null", T]` for nullable fields, and the
 * schema's defaults carried over as Avro defaults.
 */
export function avroSchemaOf(model: Model, event: EventDefinition, config: CanonConfig): AvroSchema {
  const name = config.avroEventRecordName ?? event.record.name;
  const known = written.get(event);
  if (known?.model === model && known.name === name) return known.schema;
  const schema = writeAvroSchema(model, event, name);
  written.set(event, { model, name, schema });
  return schema;
}

/** avroSchemaOf per event, for the model and record name it was written with: two targets ask for each. */
const written = new WeakMap<EventDefinition, { readonly model: Model; readonly name: string; readonly schema: AvroSchema }>();

function writeAvroSchema(model: Model, event: EventDefinition, name: string): AvroSchema {
  // A recursive event refers to its own record under the name of the top-level record.
  const writer = new AvroWriter(model, new Map([[event.record.name, name]]));
  return {
    type: "record",
    name,
    namespace: event.eventType,
    ...(event.record.description === undefined ? {} : { doc: event.record.description }),
    fields: event.record.fields.map((f) => writer.fieldOf(f)),
  };
}

/** The Avro schema of the message key: the type of the value at the event's key field. */
export function avroKeySchemaOf(model: Model, event: EventDefinition): AvroSchema | undefined {
  if (event.keyField === undefined) return undefined;
  let fields = event.record.fields;
  let type: TypeNode | undefined;
  for (const segment of event.keyField.split(".")) {
    type = fields.find((f) => f.name === segment)?.type;
    const named = type?.kind === "ref" ? namedType(model, type.name) : undefined;
    fields = named?.kind === "record" ? named.fields : [];
  }
  if (type === undefined) return undefined;
  const schema = new AvroWriter(model).typeOf(type);
  // A named key type (an enum) gets the event's namespace, as it would inside the event's schema.
  return typeof schema === "object" && !Array.isArray(schema) ? { ...schema, namespace: event.eventType } : schema;
}

/**
 * The schema as avsc will accept it. Avro names are `[A-Za-z_][A-Za-z0-9_]*` per dotted segment, but
 * some Open edX event types (hence namespaces) have a hyphen, which fastavro accepts and avsc refuses.
 * Binary encoding does not depend on names, so avsc gets the namespaces with `_` for each invalid
 * character, and writes and reads the same bytes; the .avsc files keep the wire names.
 */
export function avscCompatible(schema: AvroSchema): AvroSchema {
  if (Array.isArray(schema)) return schema.map(avscCompatible);
  if (typeof schema !== "object" || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === "namespace" && typeof value === "string" ? avscNamespace(value) : avscCompatible(value as AvroSchema),
    ]),
  );
}

export function avscNamespace(namespace: string): string {
  return namespace.replace(/[^A-Za-z0-9_.]/g, "_");
}

/**
 * avsc's verdict on each event's schema, with each named type parsed once. avsc builds code for every
 * type it parses, and an event's schema defines every type it reaches again (in the event's
 * namespace): parsing each whole took most of a cold generate. Here a type is defined once, in a
 * namespace of its own, and later events refer to it; names, fields and defaults are checked just the
 * same, as the namespace changes none of them.
 */
class AvscAcceptance {
  private static readonly NAMESPACE = "eventcanon.check";
  private readonly registry: Record<string, avro.Type> = {};
  private readonly defined = new Map<string, string>();

  constructor(private readonly model: Model) {}

  accept(event: EventDefinition, config: CanonConfig): void {
    const name = config.avroEventRecordName ?? event.record.name;
    const namespace = avscNamespace(event.eventType);
    const own = new Map([...this.defined, [event.record.name, `${namespace}.${name}`]]);
    const writer = new AvroWriter(this.model, own, AvscAcceptance.NAMESPACE);
    const schema = { type: "record", name, namespace, fields: event.record.fields.map((f) => writer.fieldOf(f)) };
    avro.Type.forSchema(schema as avro.Schema, { registry: this.registry });
    for (const [model, full] of writer.definitions) if (model !== event.record.name) this.defined.set(model, full);
  }
}

export const avroEmitter: Emitter = {
  target: "avro",
  async emit(model, config, cache, released, kept, sink) {
    const out = new KeyedFiles(kept, sink);
    const keys = new FileKeys(model, "avro", config, released);
    const acceptance = new AvscAcceptance(model);
    const snippets = new Map<string, string>();
    for (const event of model.events) {
      const text = await out.keyed(`${event.eventType}.avsc`, keys.of([], [], [event]), async () => {
        const text = `${JSON.stringify(avroSchemaOf(model, event, config), null, 2)}\n`;
        // avsc rejects what Avro rejects (bad names, defaults that do not fit): fail here, not in a consumer.
        // A schema avsc accepted once is not parsed again.
        await cache.get("avro-accepted", text, () => {
          acceptance.accept(event, config);
          return "accepted";
        });
        return text;
      });
      // The catalog shows an event's whole schema.
      if (text !== undefined && sink === undefined) snippets.set(event.eventType, text);
    }
    // The TypeScript target, rendered before this one, was the other reader: the schemas (tens of MB
    // at 2,000 events) need not stay live while the targets after it render.
    for (const event of model.events) written.delete(event);
    return { files: out.files, keys: out.keys, ...(sink === undefined && { snippets }) };
  },
};
