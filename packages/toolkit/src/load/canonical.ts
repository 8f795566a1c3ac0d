import { createHash } from "node:crypto";

const PRIMITIVES = new Set(["null", "boolean", "int", "long", "float", "double", "bytes", "string"]);
const KEPT = ["name", "type", "fields", "symbols", "items", "values", "size"] as const;

function fullName(name: string, namespace: string): string {
  return name.includes(".") || namespace === "" ? name : `${namespace}.${name}`;
}

function namespaceOf(full: string): string {
  const dot = full.lastIndexOf(".");
  return dot < 0 ? "" : full.slice(0, dot);
}

/**
 * Avro's Parsing Canonical Form, written from the schema as released rather than through avsc:
 * avsc refuses the hyphen some Open edX namespaces carry, and the fingerprint must be of the wire names.
 */
export function parsingCanonicalForm(schema: unknown): string {
  const defined = new Set<string>();
  const walk = (s: unknown, namespace: string): string => {
    if (typeof s === "string") {
      if (PRIMITIVES.has(s)) return JSON.stringify(s);
      return JSON.stringify(fullName(s, namespace));
    }
    if (Array.isArray(s)) return `[${s.map((branch) => walk(branch, namespace)).join(",")}]`;
    if (typeof s !== "object" || s === null) throw new Error(`not an Avro schema: ${JSON.stringify(s)}`);
    const node = s as Record<string, unknown>;
    const type = node.type;
    if (typeof type === "string" && PRIMITIVES.has(type)) return JSON.stringify(type);
    if (type === "record" || type === "error" || type === "enum" || type === "fixed") {
      const explicit = typeof node.namespace === "string" ? node.namespace : namespace;
      const name = fullName(String(node.name), explicit);
      if (defined.has(name)) return JSON.stringify(name);
      defined.add(name);
      const inner = namespaceOf(name);
      const parts: string[] = [];
      for (const key of KEPT) {
        if (!(key in node)) continue;
        if (key === "name") parts.push(`"name":${JSON.stringify(name)}`);
        else if (key === "type") parts.push(`"type":${JSON.stringify(type === "error" ? "record" : type)}`);
        else if (key === "fields")
          parts.push(
            `"fields":[${(node.fields as Record<string, unknown>[])
              .map((f) => `{"name":${JSON.stringify(f.name)},"type":${walk(f.type, inner)}}`)
              .join(",")}]`,
          );
        else if (key === "symbols") parts.push(`"symbols":${JSON.stringify(node.symbols)}`);
        else if (key === "size") parts.push(`"size":${JSON.stringify(node.size)}`);
      }
      return `{${parts.join(",")}}`;
    }
    if (type === "array") return `{"type":"array","items":${walk(node.items, namespace)}}`;
    if (type === "map") return `{"type":"map","values":${walk(node.values, namespace)}}`;
    // `{"type": "Name"}` or `{"type": {...}}`: the wrapped schema itself.
    return walk(type, namespace);
  };
  return walk(schema, "");
}

/** The standard Avro fingerprint: SHA-256 of the Parsing Canonical Form, as lowercase hex. */
export function avroFingerprint(schema: unknown): string {
  return createHash("sha256").update(parsingCanonicalForm(schema)).digest("hex");
}

/** Attributes Java's Avro parser does not keep on a primitive type (its Schema.SCHEMA_RESERVED). */
const PRIMITIVE_RESERVED = new Set(["name", "namespace", "doc", "aliases", "fields", "symbols", "items", "values", "size", "default"]);

/**
 * An Avro schema as Java's parser holds it, which is what Confluent's registry compares: a primitive
 * written as an object keeps only its type and custom properties (`{"name": "course_key", "type":
 * "string"}`, the key schema edx-event-bus-kafka registers, is `"string"`). Only schema positions are
 * walked; defaults are values and stay as written.
 */
function javaAvroForm(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(javaAvroForm);
  if (typeof schema !== "object" || schema === null) return schema;
  const node = schema as Record<string, unknown>;
  if (typeof node.type === "string" && PRIMITIVES.has(node.type)) {
    const kept = Object.entries(node).filter(([key]) => key !== "type" && !PRIMITIVE_RESERVED.has(key));
    return kept.length === 0 ? node.type : Object.fromEntries([["type", node.type], ...kept]);
  }
  const out: Record<string, unknown> = { ...node };
  if (typeof node.type === "object") out.type = javaAvroForm(node.type);
  if (node.items !== undefined) out.items = javaAvroForm(node.items);
  if (node.values !== undefined) out.values = javaAvroForm(node.values);
  if (Array.isArray(node.fields))
    out.fields = node.fields.map((f: Record<string, unknown>) =>
      typeof f === "object" && f !== null ? { ...f, type: javaAvroForm(f.type) } : f,
    );
  return out;
}

/**
 * What makes two registrations "the same schema" (and so the same id): the JSON with object keys
 * sorted, so key order and whitespace do not matter but docs and defaults, which readers use, do;
 * Avro schemas as Java's parser reads them (see javaAvroForm).
 */
export function schemaIdentity(schemaType: string, schema: unknown): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (typeof value !== "object" || value === null) return value;
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
    );
  };
  return `${schemaType}:${JSON.stringify(sorted(schemaType === "AVRO" ? javaAvroForm(schema) : schema))}`;
}

/** SHA-256 of a text, hex: how released files are pinned against hand edits. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
