// Object schemas: properties kept, added and removed (judged by the content model), required names,
// additionalProperties and unevaluatedProperties, and dependencies.
import { contentModel, coverageChange, coveringSchema, keywordOpennessChange } from "./json-schema-content-models.js";
import { isEmptySchema, isObject, type Json } from "./json-schema-keywords.js";
import type { Pair } from "./json-schema-pair.js";

const OPEN_HINT =
  "the schema is open (no additionalProperties: false), so old data may already hold this name with any value; " +
  "close the schema with additionalProperties: false, or check with --policy lenient";

const hasDefault = (s: unknown) => isObject(s) && "default" in s;

export function objectChanges(p: Pair): void {
  const { o, n } = p;
  const oldProps = isObject(o.properties) ? o.properties : {};
  const newProps = isObject(n.properties) ? n.properties : {};
  keptProperties(p, oldProps, newProps);
  addedProperties(p, oldProps, newProps);
  removedProperties(p, oldProps, newProps);
  keywordOpennessChange(p, "additionalProperties", "ADDITIONAL_PROPERTIES");
  keywordOpennessChange(p, "unevaluatedProperties", "UNEVALUATED_PROPERTIES");
  dependencyChanges(p);
}

function keptProperties(p: Pair, oldProps: Json, newProps: Json): void {
  const { o, n } = p;
  const oldRequired = new Set(Array.isArray(o.required) ? (o.required as string[]) : []);
  const newRequired = new Set(Array.isArray(n.required) ? (n.required as string[]) : []);
  for (const name of Object.keys(oldProps)) {
    if (!(name in newProps)) continue;
    p.compare(p.oldChild("properties", name), p.newChild("properties", name), p.path("properties", name));
    const where = p.path("required");
    if (!oldRequired.has(name) && newRequired.has(name)) {
      const index = (n.required as string[]).indexOf(name);
      const kind = hasDefault(newProps[name]) ? "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED" : "REQUIRED_ATTRIBUTE_ADDED";
      p.change(kind, where, p.newChild("required", index).place, name);
    } else if (oldRequired.has(name) && !newRequired.has(name)) {
      p.change("REQUIRED_ATTRIBUTE_REMOVED", where, p.newNode.place, name);
    }
  }
}

/**
 * An added property is judged by the OLD content model, a removed one by the NEW (Confluent's
 * ObjectSchemaDiff): open models take any name; otherwise the partial schema that applies to the
 * name decides, and where none applies the model is closed to that name.
 */
function addedProperties(p: Pair, oldProps: Json, newProps: Json): void {
  const { o, n } = p;
  const newRequired = new Set(Array.isArray(n.required) ? (n.required as string[]) : []);
  for (const name of Object.keys(newProps)) {
    if (name in oldProps) continue;
    const where = p.path("properties", name);
    const added = p.newChild("properties", name);
    const required = newRequired.has(name);
    if (contentModel(o) === "open") {
      p.change(addedPropertyKind("OPEN", newProps[name], required), where, added.place, OPEN_HINT);
      continue;
    }
    const cover = coveringSchema(o, p.oldNode, name);
    if (cover === undefined) {
      p.change(addedPropertyKind("CLOSED", newProps[name], required), where, added.place, name);
      continue;
    }
    coverageChange(p, "PROPERTY", "ADDED", cover, added, where, name);
    // Old data matched by the partial schema may still lack the name.
    if (required && !hasDefault(newProps[name]))
      p.change("REQUIRED_PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL", where, added.place, name);
  }
}

/** A property added to an open or closed model is reported by whether it is required and has a default. */
function addedPropertyKind(model: "OPEN" | "CLOSED", schema: unknown, required: boolean): string {
  if (model === "OPEN" && isEmptySchema(schema)) return "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL";
  if (!required) return `OPTIONAL_PROPERTY_ADDED_TO_${model}_CONTENT_MODEL`;
  if (hasDefault(schema)) return `REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_${model}_CONTENT_MODEL`;
  return model === "OPEN" ? "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL" : "REQUIRED_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL";
}

function removedProperties(p: Pair, oldProps: Json, newProps: Json): void {
  const { n } = p;
  for (const name of Object.keys(oldProps)) {
    if (name in newProps) continue;
    const where = p.path("properties", name);
    const removed = p.oldChild("properties", name);
    if (contentModel(n) === "open") {
      p.change("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", where, removed.place, name);
      continue;
    }
    const cover = coveringSchema(n, p.newNode, name);
    if (cover === undefined) {
      const kind =
        oldProps[name] === false ? "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL" : "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL";
      p.change(kind, where, removed.place, name);
      continue;
    }
    coverageChange(p, "PROPERTY", "REMOVED", removed, cover, where, name);
  }
}

function dependencyChanges(p: Pair): void {
  const { o, n } = p;
  for (const keyword of ["dependencies", "dependentRequired", "dependentSchemas"]) {
    const oldDeps = isObject(o[keyword]) ? (o[keyword] as Json) : {};
    const newDeps = isObject(n[keyword]) ? (n[keyword] as Json) : {};
    for (const name of new Set([...Object.keys(oldDeps), ...Object.keys(newDeps)])) {
      const where = p.path(keyword, name);
      const before = oldDeps[name];
      const after = newDeps[name];
      const place = name in newDeps ? p.newChild(keyword, name).place : p.oldChild(keyword, name).place;
      if (Array.isArray(before) || Array.isArray(after)) {
        if (!Array.isArray(before)) p.change("DEPENDENCY_ARRAY_ADDED", where, place, name);
        else if (!Array.isArray(after)) p.change("DEPENDENCY_ARRAY_REMOVED", where, place, name);
        else {
          const added = after.filter((v) => !before.includes(v));
          const removed = before.filter((v) => !after.includes(v));
          if (added.length > 0 && removed.length === 0) p.change("DEPENDENCY_ARRAY_EXTENDED", where, place, added.join(", "));
          else if (removed.length > 0 && added.length === 0) p.change("DEPENDENCY_ARRAY_NARROWED", where, place, removed.join(", "));
          else if (added.length > 0) p.change("DEPENDENCY_ARRAY_CHANGED", where, place);
        }
      } else if (before === undefined) p.change("DEPENDENCY_SCHEMA_ADDED", where, place, name);
      else if (after === undefined) p.change("DEPENDENCY_SCHEMA_REMOVED", where, place, name);
      else p.compare(p.oldChild(keyword, name), p.newChild(keyword, name), where);
    }
  }
}
