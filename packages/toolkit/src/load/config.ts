import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createAjv, OWN_SCHEMA } from "./ajv.js";
import { CanonError, ExitCode } from "./diagnostics.js";
import { diagnosticAt, parseJsonSource } from "./json-source.js";
import type { Mode, Policy } from "./modes.js";

const CONFIG_SCHEMA_URL = new URL("../../meta-schema/config.schema.json", import.meta.url);

export const CONFIG_FILE = "eventcanon.config.json";

/** What the config knows of a target (src/emit/targets.ts lists them): its `outputs` key, default folder and summary. */
export interface OutputTarget<N extends string = string> {
  readonly name: N;
  readonly folder: string;
  readonly summary: string;
}

/** `T`: the targets whose output folders the config resolved (see loadConfig). */
export interface CanonConfig<T extends string = string> {
  /** Absolute folder holding `events/` and `types/`. */
  readonly schemas: string;
  /** Event types must start with this dotted prefix (e.g. `org.openedx`); empty allows any. */
  readonly eventTypePrefix: string;
  /** Event types allowed to break the naming rule, each with the reason it is kept. */
  readonly legacyEventTypes: ReadonlyMap<string, string>;
  /** Name of every event's top-level Avro record; absent: the event's type name. */
  readonly avroEventRecordName?: string;
  /** What the generated packages put in the envelope by default. */
  readonly envelope: { readonly sourcelib: string };
  /** The TypeScript package: how Avro longs are held (numbers, or bigints for the full 64-bit range). */
  readonly typescript: { readonly longs: "number" | "bigint" };
  /** Absolute output folder per target; each is owned entirely by the generator. */
  readonly outputs: Readonly<Record<T, string>>;
  /** Compatibility mode for events without `x-compatibility`, and the JSON Schema policy. */
  readonly compatibility: { readonly mode: Mode; readonly policy: Policy };
  /** Absolute folder of released versions (`registry/` beside the schemas). */
  readonly registry: string;
  /** Absolute folder of the service files (`services/<id>.json`); by default beside the schemas folder. */
  readonly services: string;
  /** Absolute folder the static catalog site is written to. */
  readonly site: string;
  /** Folder of the render cache (`EVENTCANON_CACHE`, else node_modules/.cache/eventcanon); absent: off. */
  readonly cache?: string;
  /** How registry subjects are named: Confluent's strategy, and the bus's topic prefix. */
  readonly subjects: { readonly strategy: SubjectStrategy; readonly topicPrefix: string };
}

export type SubjectStrategy = "topic" | "record" | "topic-record";

export interface ConfigOverrides {
  readonly config?: string;
  readonly schemas?: string;
  readonly out?: string;
  readonly site?: string;
}

interface ConfigFile {
  schemas?: string;
  eventTypePrefix?: string;
  legacyEventTypes?: Record<string, string>;
  avro?: { eventRecordName?: string };
  envelope?: { sourcelib?: string };
  typescript?: { longs?: "number" | "bigint" };
  outputs?: Record<string, string>;
  compatibility?: { mode?: Mode; policy?: Policy };
  registry?: string;
  services?: string;
  site?: string;
  subjects?: { strategy?: SubjectStrategy; topicPrefix?: string };
}

/**
 * Reads `eventcanon.config.json` (from `--config`, else the working directory) and applies the
 * command-line overrides. Without a config file the defaults make any `schemas/` folder work.
 * `targets` are the keys `outputs` may hold, each resolved to a folder; the emitters own that list
 * (this folder comes before them), so a caller that writes no output may leave it out: `outputs` is then
 * only checked to hold strings, and the type says that no folder was resolved.
 */
export function loadConfig<T extends string = never>(
  cwd: string,
  overrides: ConfigOverrides = {},
  targets: readonly OutputTarget<T>[] = [],
): CanonConfig<T> {
  const configPath = overrides.config ? path.resolve(cwd, overrides.config) : path.join(cwd, CONFIG_FILE);
  let file: ConfigFile = {};
  let base = cwd;
  if (overrides.config !== undefined || existsSync(configPath)) {
    file = readConfigFile(configPath, path.relative(cwd, configPath) || CONFIG_FILE, targets);
    base = path.dirname(configPath);
  }
  const outputs = {} as Record<T, string>;
  for (const { name, folder } of targets) {
    outputs[name] =
      overrides.out !== undefined ? path.resolve(cwd, overrides.out, name) : path.resolve(base, file.outputs?.[name] ?? folder);
  }
  const schemas = overrides.schemas !== undefined ? path.resolve(cwd, overrides.schemas) : path.resolve(base, file.schemas ?? "schemas");
  return {
    schemas,
    eventTypePrefix: file.eventTypePrefix ?? "",
    legacyEventTypes: new Map(Object.entries(file.legacyEventTypes ?? {})),
    ...(file.avro?.eventRecordName === undefined ? {} : { avroEventRecordName: file.avro.eventRecordName }),
    envelope: { sourcelib: file.envelope?.sourcelib ?? "0.0.0" },
    typescript: { longs: file.typescript?.longs ?? "number" },
    outputs,
    compatibility: { mode: file.compatibility?.mode ?? "BACKWARD", policy: file.compatibility?.policy ?? "strict" },
    registry: path.resolve(base, file.registry ?? "registry"),
    // Beside the schemas folder unless the config says otherwise, so that `--schemas ../other/schemas` finds its services too.
    services: file.services !== undefined ? path.resolve(base, file.services) : path.join(path.dirname(schemas), "services"),
    site: overrides.site !== undefined ? path.resolve(cwd, overrides.site) : path.resolve(base, file.site ?? "build/catalog"),
    subjects: { strategy: file.subjects?.strategy ?? "topic-record", topicPrefix: file.subjects?.topicPrefix ?? "" },
    ...cacheFolder(base),
  };
}

function cacheFolder(base: string): { cache?: string } {
  const setting = process.env.EVENTCANON_CACHE;
  if (setting === "off") return {};
  if (setting !== undefined && setting !== "") return { cache: path.resolve(base, setting) };
  const modules = path.join(base, "node_modules");
  return existsSync(modules) ? { cache: path.join(modules, ".cache/eventcanon") } : {};
}

/**
 * The config file's schema, its `outputs` keys filled in from the targets. The shipped file (what an
 * editor checks the config against) lets `outputs` hold any folder, as it cannot know the list.
 */
export function configSchema(targets: readonly OutputTarget[]): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(CONFIG_SCHEMA_URL, "utf8")) as { properties: Record<string, Record<string, unknown>> };
  if (targets.length === 0) return schema;
  const properties = Object.fromEntries(
    targets.map((t) => [t.name, { type: "string", description: `${t.summary} Default: ${t.folder}.` }]),
  );
  schema.properties.outputs = { ...schema.properties.outputs, properties, additionalProperties: false };
  return schema;
}

function readConfigFile(absolute: string, shown: string, targets: readonly OutputTarget[]): ConfigFile {
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (error) {
    throw new CanonError(
      [{ code: "config-unreadable", file: shown, pointer: "", message: `cannot read config: ${(error as Error).message}` }],
      ExitCode.usage,
    );
  }
  const { source, diagnostics } = parseJsonSource(shown, text);
  if (diagnostics.length > 0) throw new CanonError(diagnostics, ExitCode.usage);
  const validate = createAjv(OWN_SCHEMA).compile(configSchema(targets));
  if (!validate(source.value)) {
    const problems = (validate.errors ?? []).map((error) => {
      const extra = (error.params as { additionalProperty?: string }).additionalProperty;
      const pointer = extra === undefined ? error.instancePath : `${error.instancePath}/${extra}`;
      const message = extra === undefined ? `${pointer || "config"} ${error.message ?? "is invalid"}` : `unknown config key "${extra}"`;
      return diagnosticAt(source, pointer, "config-invalid", message, "`canon docs config` lists every key and its values");
    });
    throw new CanonError(problems, ExitCode.usage);
  }
  return source.value as ConfigFile;
}
