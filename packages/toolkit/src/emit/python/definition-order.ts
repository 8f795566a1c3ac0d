import { directDependencies, type EnumType, type Model, namedType, type RecordType } from "../../load/model.js";

/** Enums first, then records after the records they use, so class-level defaults can name them. */
export function definitionOrder(model: Model, types: (RecordType | EnumType)[]): (RecordType | EnumType)[] {
  const inModule = new Set(types.map((t) => t.name));
  const done = new Set<string>();
  const out: (RecordType | EnumType)[] = types.filter((t) => t.kind === "enum");
  for (const t of out) done.add(t.name);
  const visit = (type: RecordType | EnumType) => {
    if (done.has(type.name)) return;
    done.add(type.name);
    for (const dep of directDependencies(type)) {
      const other = namedType(model, dep);
      if (inModule.has(dep) && other.kind !== "alias") visit(other);
    }
    out.push(type);
  };
  for (const type of types) visit(type);
  return out;
}
