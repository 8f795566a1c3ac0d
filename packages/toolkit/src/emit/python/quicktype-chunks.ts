import { createHash } from "node:crypto";
import { directDependencies, type EnumType, type Model, type NamedType, namedType, type RecordType } from "../../load/model.js";

/** About this many classes per quicktype run: each run costs a few ms of its own, each class about ten. */
const CHUNK_CLASSES = 32;

/**
 * One module's classes in the groups quicktype runs over, each in module order. quicktype's
 * annotation of a reference depends on the classes in the same run (a class declared later in the
 * run is quoted as a forward reference; one of another run is a stand-in), so classes that refer to each
 * other, directly or through aliases, always share a run: a group is whole connected components.
 * Which group a component joins follows from its first class's name, so editing one event changes
 * one group and only that group runs quicktype again (the render cache keeps the others).
 */
export function quicktypeChunks(model: Model, classes: readonly (RecordType | EnumType)[]): (RecordType | EnumType)[][] {
  const root = new Map(classes.map((c) => [c.name, c.name]));
  const find = (name: string): string => {
    let at = name;
    while (root.get(at) !== at) at = root.get(at) as string;
    return at;
  };
  for (const type of classes) for (const used of classesUsed(model, type)) if (root.has(used)) root.set(find(used), find(type.name));
  const components = new Map<string, string[]>();
  for (const type of classes) {
    const component = find(type.name);
    components.set(component, [...(components.get(component) ?? []), type.name]);
  }
  const count = Math.max(1, Math.ceil(classes.length / CHUNK_CLASSES));
  const chunkOf = new Map<string, number>();
  for (const names of components.values()) {
    const first = [...names].sort()[0] as string;
    const chunk = Number.parseInt(createHash("sha1").update(first).digest("hex").slice(0, 8), 16) % count;
    for (const name of names) chunkOf.set(name, chunk);
  }
  const chunks = Array.from({ length: count }, () => [] as (RecordType | EnumType)[]);
  for (const type of classes) chunks[chunkOf.get(type.name) as number]?.push(type);
  return chunks.filter((chunk) => chunk.length > 0);
}

/** The classes (records and enums) `type` refers to, looking through aliases as quicktype's input does. */
function classesUsed(model: Model, type: NamedType, seen = new Set<string>()): string[] {
  const out: string[] = [];
  for (const name of directDependencies(type)) {
    if (seen.has(name)) continue;
    seen.add(name);
    const used = namedType(model, name);
    if (used.kind === "alias") out.push(...classesUsed(model, used, seen));
    else out.push(name);
  }
  return out;
}
