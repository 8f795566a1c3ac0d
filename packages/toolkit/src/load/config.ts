import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createAjv } from "./ajv.js";
import { CanonError, ExitCode } from "./diagnostics.js";
import { diagnosticAt, parseJsonSource } from "./json-source.js";
import type { Mode, Policy } from "./modes.js";

export const CONFIG_SCHEMA_URL = new URL("../../meta-schema/config.schema.json", import.meta.url);

export const CONFIG_FILE = "eventcanon.config.json";

export type Target = "typescript" | "avro" | "python" | "jsonschema" | "asyncapi";
export const TARGETS: readonly Target[] = ["typescript", "avro", "python", "jsonschema", "asyncapi"];

export interface CanonConfig {
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
  readonly outputs: Readonly<Record<Target, string>>;
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
  outputs?: Partial<Record<Target, string>>;
  compatibility?: { mode?: Mode; policy?: Policy };
  registry?: string;
  services?: string;
  site?: string;
  subjects?: { strategy?: SubjectStrategy; topicPrefix?: string };
}

/**
 * Reads `eventcanon.config.json` (from `--config`, else the working directory) and applies the
 * command-line overrides. Without a config file the defaults make any `schemas/` folder work.
 */
export function loadConfig(cwd: string, overrides: ConfigOverrides = {}): CanonConfig {
  const configPath = overrides.config ? path.resolve(cwd, overrides.config) : path.join(cwd, CONFIG_FILE);
  let file: ConfigFile = {};
  let base = cwd;
  if (overrides.config !== undefined || existsSync(configPath)) {
    file = readConfigFile(configPath, path.relative(cwd, configPath) || CONFIG_FILE);
    base = path.dirname(configPath);
  }
  const outputs = {} as Record<Target, string>;
  for (const target of TARGETS) {
    outputs[target] =
      overrides.out !== undefined
        ? path.resolve(cwd, overrides.out, target)
        : path.resolve(base, file.outputs?.[target] ?? path.join("generated", target));
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

function readConfigFile(absolute: string, shown: string): ConfigFile {
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
  const validate = createAjv().compile(JSON.parse(readFileSync(CONFIG_SCHEMA_URL, "utf8")) as object);
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
