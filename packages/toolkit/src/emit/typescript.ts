import { compile, type Options } from "json-schema-to-typescript";
import { directDependencies, type Model, type NamedType, namedType } from "../model.js";
import { type Emitter, generatedNotice, type OutputFiles } from "./emitter.js";
import { namedSchema } from "./schema-view.js";

type Json = Record<string, unknown>;

const COMPILE_OPTIONS: Partial<Options> = {
  bannerComment: "",
  // Closed records: no `[k: string]: unknown` index signature.
  additionalProperties: false,
  // Each named type is compiled on its own; the ones it uses are imported, never inlined again.
  declareExternallyReferenced: false,
  // minItems/maxItems would otherwise turn arrays into tuples.
  ignoreMinAndMaxItems: true,
  strictIndexSignatures: true,
  unknownAny: true,
  format: true,
  style: { printWidth: 120, singleQuote: false, trailingComma: "all" },
};

/**
 * The schema json-schema-to-typescript sees for one named type, rebuilt from the model. References
 * to other named types become `tsType` names, which is what stops the library from re-declaring a
 * shared type in every file that uses it.
 */
function schemaFor(model: Model, type: NamedType): Json {
  return namedSchema(model, type, { ref: (named) => ({ tsType: named.name }), docs: true });
}

async function declaration(model: Model, type: NamedType): Promise<string> {
  const code = await compile(schemaFor(model, type) as Parameters<typeof compile>[0], type.name, COMPILE_OPTIONS);
  return code.trim();
}

export const typescriptEmitter: Emitter = {
  target: "typescript",
  async emit(model) {
    const byModule = new Map<string, NamedType[]>();
    for (const type of model.types.values()) {
      byModule.set(type.module, [...(byModule.get(type.module) ?? []), type]);
    }
    const files: OutputFiles = new Map();
    const header = generatedNotice("//");
    for (const [module, types] of [...byModule].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const imports = new Map<string, Set<string>>();
      for (const type of types) {
        for (const used of directDependencies(type)) {
          const other = namedType(model, used);
          if (other.module === module) continue;
          imports.set(other.module, (imports.get(other.module) ?? new Set()).add(other.name));
        }
      }
      const importLines = [...imports]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([from, names]) => `import type { ${[...names].sort().join(", ")} } from "./${from}.js";`);
      const declarations = await Promise.all(types.map((t) => declaration(model, t)));
      const parts = [header, ...(importLines.length > 0 ? [importLines.join("\n")] : []), ...declarations];
      files.set(`${module}.ts`, `${parts.join("\n\n")}\n`);
    }
    files.set("index.ts", indexModule(model, [...byModule.keys()]));
    return files;
  },
};

/** Re-exports every module and maps each event type string to its data type. */
function indexModule(model: Model, modules: string[]): string {
  const lines = [generatedNotice("//"), ""];
  const eventImports = new Map<string, string[]>();
  for (const event of model.events) {
    eventImports.set(event.record.module, [...(eventImports.get(event.record.module) ?? []), event.record.name]);
  }
  for (const [module, names] of [...eventImports].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`import type { ${names.sort().join(", ")} } from "./${module}.js";`);
  }
  lines.push("");
  for (const module of [...modules].sort()) lines.push(`export type * from "./${module}.js";`);
  lines.push("", "/** The data type of every event, keyed by event type string. */", "export interface EventDataByType {");
  for (const event of model.events) lines.push(`  ${JSON.stringify(event.eventType)}: ${event.record.name};`);
  lines.push("}", "", "export type EventType = keyof EventDataByType;", "");
  lines.push("/** Every event type in the catalog, sorted. */", "export const eventTypes = [");
  for (const event of model.events) lines.push(`  ${JSON.stringify(event.eventType)},`);
  lines.push("] as const satisfies readonly EventType[];", "");
  return lines.join("\n");
}
