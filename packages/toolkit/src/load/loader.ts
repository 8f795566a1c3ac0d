import path from "node:path";
import type { CanonConfig } from "./config.js";
import type { Diagnostic, ErrorCode } from "./diagnostics.js";
import { diagnosticAt, joinPointer, pointerSegments, valueAt } from "./json-source.js";
import {
  type Constraints,
  type EventDefinition,
  type Field,
  type Model,
  type NamedType,
  type Origin,
  type RecordType,
  SHARED_MODULE,
  type TypeNode,
} from "./model.js";
import { isMode } from "./modes.js";
import { pascalCase } from "./naming.js";
import type { SchemaFile } from "./schema-files.js";

type Json = Record<string, unknown>;

const CONSTRAINT_KEYWORDS = [
  "format",
  "contentEncoding",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
] as const;

/**
 * Builds the model from files whose shape already passed the meta-schema. Every `$ref` is resolved
 * offline against the files read from the schemas folder; nothing else is ever opened.
 */
export function buildModel(
  files: readonly SchemaFile[],
  config: CanonConfig,
  broken: ReadonlySet<string> = new Set(),
): { model: Model; diagnostics: Diagnostic[] } {
  return new ModelBuilder(files, config, broken).build();
}

/** The domain of an event type: the first segment after the configured prefix. */
export function domainOf(eventType: string, prefix: string): string {
  const prefixLength = prefix === "" ? 2 : prefix.split(".").length;
  const segments = eventType.split(".");
  return segments[Math.min(prefixLength, segments.length - 1)] ?? "events";
}

class ModelBuilder {
  private readonly byRel = new Map<string, SchemaFile>();
  private readonly types = new Map<string, NamedType>();
  /** `file#pointer` of each named type already converted (or being converted), to its name. */
  private readonly named = new Map<string, string>();
  private readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly files: readonly SchemaFile[],
    private readonly config: CanonConfig,
    private readonly broken: ReadonlySet<string>,
  ) {
    for (const file of files) this.byRel.set(file.rel, file);
  }

  build(): { model: Model; diagnostics: Diagnostic[] } {
    const events: EventDefinition[] = [];
    // Shared types first, so a name collision is reported on the event file, not on the shared type.
    for (const file of this.files.filter((f) => f.role === "type")) this.namedAt(file, "", undefined);
    for (const file of this.files.filter((f) => f.role === "event")) {
      const event = this.event(file);
      if (event !== undefined) events.push(event);
    }
    events.sort((a, b) => (a.eventType < b.eventType ? -1 : a.eventType > b.eventType ? 1 : 0));
    const types = new Map([...this.types.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return { model: { types, events, services: new Map() }, diagnostics: this.diagnostics };
  }

  private event(file: SchemaFile): EventDefinition | undefined {
    const root = file.source.value as Json;
    const eventType = String(root["x-event-type"]);
    const name = this.namedAt(file, "", undefined);
    const record = name === undefined ? undefined : this.types.get(name);
    if (record?.kind !== "record") return undefined;
    return {
      eventType,
      id: String(root.$id),
      record,
      domain: this.moduleOf(file),
      ...(typeof root["x-topic"] === "string" ? { topic: root["x-topic"] } : {}),
      ...(typeof root["x-event-key-field"] === "string" ? { keyField: root["x-event-key-field"] } : {}),
      ...(typeof root["x-compatibility"] === "string" && isMode(root["x-compatibility"]) ? { compatibility: root["x-compatibility"] } : {}),
      ...(Array.isArray(root["x-producers"]) ? { producers: root["x-producers"].map(String) } : {}),
      consumers: Array.isArray(root["x-consumers"]) ? root["x-consumers"].map(String) : [],
      examples: (root.examples as unknown[] | undefined) ?? [],
      origin: { file: file.rel, pointer: "" },
    };
  }

  private moduleOf(file: SchemaFile): string {
    if (file.role === "type") return SHARED_MODULE;
    const eventType = (file.source.value as Json)["x-event-type"];
    return typeof eventType === "string" ? domainOf(eventType, this.config.eventTypePrefix) : SHARED_MODULE;
  }

  private error(file: SchemaFile, pointer: string, code: ErrorCode, message: string, hint?: string): undefined {
    this.diagnostics.push(diagnosticAt(file.source, pointer, code, message, hint));
    return undefined;
  }

  /** Converts the named type defined at `pointer` in `file`, once; returns its model name. */
  private namedAt(file: SchemaFile, pointer: string, nameHint: string | undefined): string | undefined {
    const key = `${file.rel}#${pointer}`;
    const known = this.named.get(key);
    if (known !== undefined) return known;
    const node = valueAt(file.source.value, pointer) as Json;
    const name = typeof node.title === "string" ? node.title : nameHint;
    if (name === undefined) {
      return this.error(file, pointer, "type-name-missing", "a named type needs a title", 'add "title": "<PascalCaseName>"');
    }
    this.named.set(key, name);
    const existing = this.types.get(name);
    if (existing !== undefined) {
      return this.error(
        file,
        joinPointer(pointer, "title"),
        "type-name-collision",
        `type name "${name}" is already defined in ${existing.origin.file}${existing.origin.pointer ? `#${existing.origin.pointer}` : ""}`,
        "type names must be unique across the catalog: rename one, or $ref the existing type",
      );
    }
    const origin: Origin = { file: file.rel, pointer };
    const base = {
      name,
      module: this.moduleOf(file),
      origin,
      ...(typeof node.description === "string" ? { description: node.description } : {}),
      ...(typeof node["x-avro-name"] === "string" ? { avroName: node["x-avro-name"] } : {}),
    };
    if (Array.isArray(node.enum)) {
      const type: NamedType = {
        ...base,
        kind: "enum",
        symbols: node.enum.map(String),
        ...(typeof node["x-enum-default"] === "string" ? { fallback: node["x-enum-default"] } : {}),
      };
      this.types.set(name, type);
      return name;
    }
    if (node.type === "object" && isObject(node.properties)) {
      // Registered before its fields are converted, so that a recursive reference resolves.
      const record: { -readonly [K in keyof RecordType]: RecordType[K] } = { ...base, kind: "record", fields: [] };
      this.types.set(name, record);
      record.fields = this.fields(file, pointer, node, name);
      return name;
    }
    if (typeof node.type === "string" && ["string", "integer", "number", "boolean"].includes(node.type)) {
      const target = this.type(file, pointer, node, name, "");
      if (target === undefined) return undefined;
      this.types.set(name, { ...base, kind: "alias", target });
      return name;
    }
    this.named.delete(key);
    return this.error(
      file,
      pointer,
      "unsupported-named-type",
      "a named type must be an object with properties, an enum of strings, or a string/integer/number/boolean",
      "maps, arrays and nullable types are written inline where they are used",
    );
  }

  private fields(file: SchemaFile, pointer: string, node: Json, owner: string): Field[] {
    const properties = node.properties as Json;
    const required = new Set((node.required as string[] | undefined) ?? []);
    const fields: Field[] = [];
    for (const [fieldName, schema] of Object.entries(properties)) {
      const fieldPointer = joinPointer(pointer, "properties", fieldName);
      const type = this.type(file, fieldPointer, schema as Json, owner, fieldName);
      if (type === undefined) continue;
      const description = (schema as Json).description;
      fields.push({
        name: fieldName,
        type,
        required: required.has(fieldName),
        ...("default" in (schema as Json) ? { default: { value: (schema as Json).default } } : {}),
        ...(typeof description === "string" ? { description } : {}),
        origin: { file: file.rel, pointer: fieldPointer },
      });
    }
    return fields;
  }

  /**
   * Converts an inline schema. `owner` and `fieldName` name inline records and enums that have no
   * title of their own (`<Owner><FieldName>`), so every record has a stable name in every target.
   */
  private type(file: SchemaFile, pointer: string, node: Json, owner: string, fieldName: string): TypeNode | undefined {
    if (typeof node.$ref === "string") return this.ref(file, joinPointer(pointer, "$ref"), node.$ref);
    if (Array.isArray(node.anyOf)) {
      const branches = node.anyOf as Json[];
      const nullIndex = branches.findIndex((b) => b.type === "null" && Object.keys(b).length === 1);
      if (branches.length !== 2 || nullIndex < 0 || Object.keys(node).some((k) => ["type", "enum", "properties", "items"].includes(k))) {
        return this.error(
          file,
          joinPointer(pointer, "anyOf"),
          "unsupported-anyof",
          'anyOf is supported only as a nullable type: [<schema>, {"type": "null"}]',
          "Avro, TypeScript and Python would each read a general union differently; model the alternatives as optional fields",
        );
      }
      const otherIndex = 1 - nullIndex;
      const inner = this.type(file, joinPointer(pointer, "anyOf", otherIndex), branches[otherIndex] as Json, owner, fieldName);
      return inner === undefined ? undefined : { kind: "nullable", inner };
    }
    if (Array.isArray(node.type)) {
      const other = (node.type as string[]).find((t) => t !== "null");
      const inner = this.type(file, pointer, { ...node, type: other }, owner, fieldName);
      return inner === undefined ? undefined : { kind: "nullable", inner };
    }
    // Built only where an inline type needs a name: pascalCase on every field was a visible cost.
    const nameHint = () => owner + pascalCase(fieldName);
    if (Array.isArray(node.enum)) {
      const name = this.namedAt(file, pointer, nameHint());
      return name === undefined ? undefined : { kind: "ref", name };
    }
    switch (node.type) {
      case "string":
      case "integer":
      case "number":
        return { kind: node.type, constraints: constraintsOf(node) };
      case "boolean":
        return { kind: "boolean" };
      case "array": {
        if (!isObject(node.items)) {
          return this.error(file, pointer, "array-items-missing", "an array needs an items schema", 'add "items": {...}');
        }
        const items = this.type(file, joinPointer(pointer, "items"), node.items, owner, fieldName);
        return items === undefined ? undefined : { kind: "array", items, constraints: constraintsOf(node) };
      }
      case "object": {
        if (isObject(node.properties)) {
          const name = this.namedAt(file, pointer, nameHint());
          return name === undefined ? undefined : { kind: "ref", name };
        }
        if (isObject(node.additionalProperties)) {
          const values = this.type(file, joinPointer(pointer, "additionalProperties"), node.additionalProperties, owner, fieldName);
          return values === undefined ? undefined : { kind: "map", values };
        }
        return this.error(
          file,
          pointer,
          "object-without-shape",
          "an object needs either properties (a record) or an additionalProperties schema (a map)",
          "free-form objects cannot be typed in Avro; list the fields, or use a map of one value type",
        );
      }
      case undefined:
        return this.error(file, pointer, "type-missing", "schema has no type", 'add "type", a "$ref", or an "enum"');
      default:
        return this.error(
          file,
          joinPointer(pointer, "type"),
          "unsupported-type",
          `type "${String(node.type)}" cannot stand alone`,
          'use "null" only in a nullable pair: ["string", "null"]',
        );
    }
  }

  /** Resolves a relative `$ref` inside the schemas folder and converts its target as a named type. */
  private ref(file: SchemaFile, pointer: string, ref: string): TypeNode | undefined {
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith("//")) {
      return this.error(
        file,
        pointer,
        "ref-remote",
        `$ref "${ref}" points to a URL; references are never fetched`,
        "copy the type into schemas/types/ and reference it with a relative path",
      );
    }
    const [refPath = "", fragment = ""] = ref.split("#", 2);
    let target = file;
    if (refPath !== "") {
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file.rel), refPath));
      if (resolved.startsWith("../") || resolved === ".." || path.posix.isAbsolute(refPath)) {
        return this.error(
          file,
          pointer,
          "ref-outside-schemas",
          `$ref "${ref}" leaves the schemas folder`,
          "every referenced file must live under the schemas folder",
        );
      }
      // A file with naming problems only is still loaded, so that its own rules run, but not followed into.
      if (this.broken.has(resolved)) {
        return this.error(
          file,
          pointer,
          "ref-to-invalid-file",
          `$ref "${ref}" points to ${resolved}, which has errors of its own`,
          `fix ${resolved} first`,
        );
      }
      const found = this.byRel.get(resolved);
      if (found === undefined) {
        return this.error(
          file,
          pointer,
          "ref-missing-file",
          `$ref "${ref}" points to ${resolved}, which does not exist`,
          "check the relative path",
        );
      }
      target = found;
    }
    const targetPointer = decodeURIComponent(fragment);
    if (targetPointer !== "" && !targetPointer.startsWith("/")) {
      return this.error(
        file,
        pointer,
        "ref-anchor",
        `$ref "${ref}" uses an anchor; only JSON pointers are supported`,
        'write "#/$defs/Name"',
      );
    }
    if (valueAt(target.source.value, targetPointer) === undefined) {
      return this.error(
        file,
        pointer,
        "ref-missing-pointer",
        `$ref "${ref}": ${target.rel} has nothing at ${targetPointer}`,
        "check the pointer after #",
      );
    }
    const segments = pointerSegments(targetPointer);
    const hint = segments.length === 2 && segments[0] === "$defs" ? segments[1] : undefined;
    const name = this.namedAt(target, targetPointer, hint);
    return name === undefined ? undefined : { kind: "ref", name };
  }
}

function constraintsOf(node: Json): Constraints {
  const out: Record<string, unknown> = {};
  for (const keyword of CONSTRAINT_KEYWORDS) if (keyword in node) out[keyword] = node[keyword];
  return out as Constraints;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
