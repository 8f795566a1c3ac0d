import type { CanonConfig } from "../../load/config.js";
import { directDependencies, type EventDefinition, type Model, type NamedType, namedType } from "../../load/model.js";
import { TYPESCRIPT_OWN_MODULES } from "../../load/naming.js";
import { type ReleasedSchemas, releasedIdOf, releasedValueIdOf } from "../../load/released-schemas.js";
import { type AvroSchema, avroKeySchemaOf, avroSchemaOf, avscCompatible } from "../avro/index.js";
import { type Emitter, eventSnippets, generatedNotice, groupBy, runtimeTemplates } from "../emitter.js";
import { FileKeys, KeyedFiles } from "../file-keys.js";
import type { RenderCache } from "../render-cache.js";
import { declaration } from "./declarations.js";
import { codecName } from "./target.js";
import { validatorModule } from "./validators.js";

/**
 * Writes, under the output folder: `types/<module>.ts` (declarations), `validators/<domain>.ts`
 * (built from the model, as ajv would check), `<domain>.ts` (one typed codec per event, plus the domain's types, so
 * `.../learning` is a deep import), `releases.ts` (registry/'s history), `runtime/` (codec, framing,
 * envelope, writer schemas, registry client) and `index.ts`.
 */
export const typescriptEmitter: Emitter = {
  target: "typescript",
  async emit(model, config, cache, released, kept, sink) {
    const byModule = groupBy(model.types.values(), (t) => t.module);
    const modules = [...byModule.keys()];
    const out = new KeyedFiles(kept, sink);
    const keys = new FileKeys(model, "typescript", config, released);
    const declarations = new Map<string, string>();
    for (const [module, types] of byModule)
      await out.keyed(`types/${module}.ts`, keys.of(["types", module], types), () =>
        typesModule(model, config, module, types, cache, declarations),
      );
    for (const domain of eventDomains(model)) {
      if (TYPESCRIPT_OWN_MODULES.has(domain)) throw new Error(`event domain "${domain}" clashes with a generated folder or file name`);
      const events = model.events.filter((e) => e.domain === domain);
      await out.keyed(`validators/${domain}.ts`, keys.of(["validators", domain], [], events), () => validatorModule(model, events));
      await out.keyed(`${domain}.ts`, keys.of(["codecs", domain], [], events), () => codecModule(model, config, released, domain, events));
    }
    out.set("releases.ts", releasesModule(model, config, released));
    for (const [template, text] of runtimeTemplates("typescript", ".ts", "//", config)) out.set(`runtime/${template}`, text);
    out.set("index.ts", indexModule(model, config, modules));
    return { files: out.files, keys: out.keys, ...(sink === undefined && { snippets: eventSnippets(model, declarations) }) };
  },
};

function eventDomains(model: Model): string[] {
  return [...new Set(model.events.map((e) => e.domain))].sort();
}

async function typesModule(
  model: Model,
  config: CanonConfig,
  module: string,
  types: readonly NamedType[],
  cache: RenderCache,
  /** Filled with each type's declaration, by type name. */
  declared: Map<string, string>,
): Promise<string> {
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
  const declarations = await Promise.all(types.map((t) => declaration(model, t, config, cache)));
  for (const [i, t] of types.entries()) declared.set(t.name, declarations[i] as string);
  const parts = [generatedNotice("//"), ...(importLines.length > 0 ? [importLines.join("\n")] : []), ...declarations];
  return `${parts.join("\n\n")}\n`;
}

function codecModule(
  model: Model,
  config: CanonConfig,
  released: ReleasedSchemas,
  domain: string,
  events: readonly EventDefinition[],
): string {
  const names = events.map((e) => e.record.name).sort();
  const lines = [
    generatedNotice("//"),
    "",
    'import { releaseHistory } from "./releases.js";',
    'import { EventCodec } from "./runtime/codec.js";',
    `import type { ${names.join(", ")} } from "./types/${domain}.js";`,
    `import * as validators from "./validators/${domain}.js";`,
    "",
    `export type * from "./types/${domain}.js";`,
  ];
  for (const event of events) {
    const keySchema = avroKeySchemaOf(model, event);
    const avroSchema = avroSchemaOf(model, event, config);
    const schemaId = releasedIdOf(released, avroSchema);
    const keySchemaId = keySchema === undefined ? undefined : releasedIdOf(released, keySchema);
    const spec = {
      eventType: event.eventType,
      ...(event.topic === undefined ? {} : { topic: event.topic }),
      ...(event.keyField === undefined ? {} : { keyField: event.keyField }),
      ...(schemaId === undefined ? {} : { schemaId }),
      ...(keySchemaId === undefined ? {} : { keySchemaId }),
      avroSchema,
      ...(keySchema === undefined ? {} : { keyAvroSchema: avscCompatible(keySchema) }),
      ...(config.typescript.longs === "bigint" ? { longs: "bigint" } : {}),
    };
    // One line per key, each value on one line: the schemas are for avsc, not for reading (the .avsc
    // files are), and indented they were three quarters of the module's size.
    const body = `{\n${Object.entries(spec)
      .map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},\n`)
      .join("")}  "validator": validators.${event.record.name},\n  "history": releaseHistory,\n}`;
    const keyType = keySchema === undefined ? "never" : keyTsType(keySchema, config);
    lines.push(
      "",
      `/** Codec for \`${event.eventType}\`. */`,
      `export const ${codecName(event.record.name)} = new EventCodec<${event.record.name}, ${keyType}>(${body});`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The TypeScript type of a message key's value, from its Avro schema (keys are scalars or enums). */
function keyTsType(schema: AvroSchema, config: CanonConfig): string {
  if (schema === "string") return "string";
  if (schema === "boolean") return "boolean";
  if (schema === "long") return config.typescript.longs === "bigint" ? "bigint" : "number";
  if (schema === "int" || schema === "double" || schema === "float") return "number";
  const symbols = typeof schema === "object" && !Array.isArray(schema) ? schema.symbols : undefined;
  if (Array.isArray(symbols)) return symbols.map((s) => JSON.stringify(s)).join(" | ");
  return "unknown";
}

/**
 * Every released schema by id, for consumers to read any released version offline. A value schema
 * that is an event's current one is left out: that event's codec carries it.
 */
function releasesModule(model: Model, config: CanonConfig, released: ReleasedSchemas): string {
  const current = new Set(model.events.map((e) => releasedValueIdOf(released, e.eventType, () => avroSchemaOf(model, e, config))));
  const values = [...released.values].map(([id, { event, version, schema }]) => {
    const entry = current.has(id) ? [event, version] : [event, version, schema];
    return `    ${id}: ${JSON.stringify(entry)},`;
  });
  const keys = [...released.keys].map(([id, schema]) => `    ${id}: ${JSON.stringify(schema)},`);
  return [
    generatedNotice("//"),
    "",
    'import type { ReleaseHistory } from "./runtime/history.js";',
    "",
    "/** Every schema released in registry/, by global id: the writer schemas a consumer reads offline. */",
    "export const releaseHistory: ReleaseHistory = {",
    "  values: {",
    ...values,
    "  },",
    "  keys: {",
    ...keys,
    "  },",
    "};",
    "",
  ].join("\n");
}

/** Re-exports every module, maps each event type to its data type and to its codec. */
function indexModule(model: Model, config: CanonConfig, modules: readonly string[]): string {
  const lines = [generatedNotice("//"), "", 'import type { EventCodec } from "./runtime/codec.js";'];
  for (const domain of eventDomains(model)) {
    const events = model.events.filter((e) => e.domain === domain);
    const names = events.map((e) => e.record.name).sort();
    const codecs = events.map((e) => codecName(e.record.name)).sort();
    lines.push(`import { ${codecs.join(", ")} } from "./${domain}.js";`, `import type { ${names.join(", ")} } from "./${domain}.js";`);
  }
  lines.push("");
  for (const domain of eventDomains(model)) lines.push(`export * from "./${domain}.js";`);
  for (const module of modules.filter((m) => !model.events.some((e) => e.domain === m)))
    lines.push(`export type * from "./types/${module}.js";`);
  lines.push('export { releaseHistory } from "./releases.js";', 'export * from "./runtime/index.js";');
  lines.push("", "/** The data type of every event, keyed by event type string. */", "export interface EventDataByType {");
  for (const event of model.events) lines.push(`  ${JSON.stringify(event.eventType)}: ${event.record.name};`);
  lines.push("}", "", "export type EventType = keyof EventDataByType;", "");
  lines.push(
    "/** The type of every event's message key, keyed by event type string (never: no key). */",
    "export interface EventKeyByType {",
  );
  for (const event of model.events) {
    const key = avroKeySchemaOf(model, event);
    lines.push(`  ${JSON.stringify(event.eventType)}: ${key === undefined ? "never" : keyTsType(key, config)};`);
  }
  lines.push("}", "");
  lines.push("/** Every event type in the catalog, sorted. */", "export const eventTypes = [");
  for (const event of model.events) lines.push(`  ${JSON.stringify(event.eventType)},`);
  lines.push("] as const satisfies readonly EventType[];", "");
  lines.push(
    "/** The codec of every event, keyed by event type string. */",
    "export const events: { readonly [K in EventType]: EventCodec<EventDataByType[K], EventKeyByType[K]> } = {",
  );
  for (const event of model.events) lines.push(`  ${JSON.stringify(event.eventType)}: ${codecName(event.record.name)},`);
  lines.push("};", "");
  return lines.join("\n");
}
