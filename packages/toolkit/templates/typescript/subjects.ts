/** Confluent's subject name strategies, and the schema text the Open edX bus registers under them. */

export type SubjectNameStrategy = "topic-record" | "topic" | "record";

/**
 * The subject of a value or key schema. `recordName` is the schema's full name, or a primitive's type
 * name: under topic-record a string key is `<topic>-string`, as confluent-kafka names it for
 * edx-event-bus-kafka's key serializer.
 */
export function subjectName(strategy: SubjectNameStrategy, role: "value" | "key", recordName: string, topic: string | undefined): string {
  if (strategy === "record") return recordName;
  if (topic === undefined || topic === "") throw new TypeError(`the ${strategy} subject name strategy needs a topic`);
  return strategy === "topic" ? `${topic}-${role}` : `${topic}-${recordName}`;
}

/** A schema's full name (`namespace.name`), or its type name for a primitive. */
export function schemaName(schema: unknown): string {
  if (typeof schema === "string") return schema;
  const node = schema as { name?: unknown; namespace?: unknown; type?: unknown };
  if (typeof node.name !== "string") return typeof node.type === "string" ? node.type : "union";
  return node.name.includes(".") || typeof node.namespace !== "string" ? node.name : `${node.namespace}.${node.name}`;
}

/**
 * The text the bus registers: Python's `json.dumps(schema, sort_keys=True)`, which is how
 * openedx-events' AvroSignalSerializer.schema_string and edx-event-bus-kafka's extract_key_schema
 * write schemas (keys sorted, ", " and ": " between items, non-ASCII escaped).
 */
export function registrationText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(registrationText).join(", ")}]`;
  if (typeof value === "object" && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${asciiJson(key)}: ${registrationText((value as Record<string, unknown>)[key])}`)
      .join(", ")}}`;
  return typeof value === "string" ? asciiJson(value) : JSON.stringify(value);
}

function asciiJson(text: string): string {
  return JSON.stringify(text).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * What edx-event-bus-kafka registers as the key schema: the key field's entry in the value schema
 * (`{"doc": ..., "name": "course_key", "type": "string"}`), found by following the dotted key path.
 * Avro reads it as the field's type; named types referred to by name are followed too.
 */
export function keyFieldSchema(valueSchema: unknown, keyField: string): unknown {
  const named = new Map<string, unknown>();
  const collect = (schema: unknown, namespace: string): void => {
    if (Array.isArray(schema)) {
      for (const branch of schema) collect(branch, namespace);
      return;
    }
    if (typeof schema !== "object" || schema === null) return;
    const node = schema as Record<string, unknown>;
    if (typeof node.name === "string" && (node.type === "record" || node.type === "enum" || node.type === "fixed")) {
      const full = node.name.includes(".") ? node.name : `${typeof node.namespace === "string" ? node.namespace : namespace}.${node.name}`;
      named.set(full, node);
      named.set(node.name, node);
      const inner = full.slice(0, full.lastIndexOf("."));
      for (const field of (node.fields as Record<string, unknown>[] | undefined) ?? []) collect(field.type, inner);
      return;
    }
    collect(node.type, namespace);
    collect(node.items, namespace);
    collect(node.values, namespace);
  };
  collect(valueSchema, "");
  let record: unknown = valueSchema;
  let field: unknown;
  for (const segment of keyField.split(".")) {
    while (typeof record === "string" && named.has(record)) record = named.get(record);
    if (typeof record === "object" && record !== null && !("fields" in record)) record = (record as { type: unknown }).type;
    while (typeof record === "string" && named.has(record)) record = named.get(record);
    const fields = (record as { fields?: { name: string }[] } | undefined)?.fields ?? [];
    field = fields.find((f) => f.name === segment);
    if (field === undefined) throw new TypeError(`key field ${keyField}: no field "${segment}" in the value schema`);
    record = (field as { type: unknown }).type;
  }
  return field;
}
