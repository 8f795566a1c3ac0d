import type { EventDefinition, Field, Model, NamedType, Origin, TypeNode } from "../load/model.js";
import { namedType } from "../load/model.js";

/**
 * Where in the schemas a change found in an event's generated Avro schema comes from: its `path`
 * (`/fields/order/items/fields/sku`, field names as in the model; unions add no segment) walked through
 * the model to the deepest field, record or enum the new catalog still has, as that node's origin.
 * A field the new version no longer has points at the `properties` of the record that held it.
 */
export function avroSource(model: Model, event: EventDefinition, path: string): Origin {
  const segments = path.split("/").slice(1);
  let named: NamedType = event.record;
  let place: Origin = event.record.origin;
  let type: TypeNode | undefined;
  for (let i = 0; i < segments.length; i++) {
    if (type !== undefined) {
      // Down to what the path names next: array items, map values, or a named type's own parts.
      const inner = unwrap(model, type);
      if (segments[i] === "items" && inner.kind === "array") type = inner.items;
      else if (segments[i] === "values" && inner.kind === "map") type = inner.values;
      else if (inner.kind === "ref") {
        named = namedType(model, inner.name);
        type = undefined;
        i--;
      } else break;
      continue;
    }
    if (named.kind === "enum") return segments[i] === "symbols" ? named.origin : place;
    if (named.kind !== "record" || segments[i] !== "fields") break;
    const field: Field | undefined = named.fields.find((f) => f.name === segments[i + 1]);
    if (field === undefined) return { file: named.origin.file, pointer: `${named.origin.pointer}/properties` };
    place = field.origin;
    type = field.type;
    i++;
  }
  return place;
}

/** The type under nullables and aliases: what the Avro schema shows in its place. */
function unwrap(model: Model, type: TypeNode): TypeNode {
  if (type.kind === "nullable") return unwrap(model, type.inner);
  if (type.kind === "ref") {
    const named = namedType(model, type.name);
    if (named.kind === "alias") return unwrap(model, named.target);
  }
  return type;
}
