import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { type AvroSchema, avroSchemaOf } from "../emit/avro/index.js";
import { loadCatalog } from "../lint/catalog.js";
import { type CanonConfig, loadConfig } from "../load/config.js";
import { CanonError, type Diagnostic, ExitCode } from "../load/diagnostics.js";
import { type JsonSource, locate, type Position, parseJsonSource, valueAt } from "../load/json-source.js";
import { isMode, type Mode, type Policy } from "../load/modes.js";
import { AvroSchemaError, parseAvroSchema } from "./avro-schema.js";
import { avroComparison, jsonSchemaComparison, prefixed } from "./comparisons.js";
import { judge, type Verdict } from "./judge.js";
import { avroFileOf, type Subject } from "./report.js";

/** Parsed files by the path shown to users, with positions for reports. */
export class SourceCache {
  private readonly sources: Map<string, JsonSource | undefined>;

  /** `known`: files parsed already (a loaded catalog's), by the path shown, so they are not read again. */
  constructor(
    private readonly toDisk: (file: string) => string,
    known: Iterable<readonly [string, JsonSource]> = [],
  ) {
    this.sources = new Map(known);
  }

  /** The parsed value, or undefined when the file does not exist; invalid JSON is a usage error. */
  read = (file: string): unknown => this.source(file)?.value;

  source(file: string): JsonSource | undefined {
    if (!this.sources.has(file)) {
      const disk = this.toDisk(file);
      if (!existsSync(disk)) this.sources.set(file, undefined);
      else {
        const parsed = parseJsonSource(file, readFileSync(disk, "utf8"));
        if (parsed.diagnostics.length > 0) throw new CanonError(parsed.diagnostics, ExitCode.usage);
        this.sources.set(file, parsed.source);
      }
    }
    return this.sources.get(file);
  }

  locate = (file: string, pointer: string): Position | undefined => {
    const source = this.source(file);
    return source === undefined ? undefined : locate(source, pointer);
  };
}

export interface CompatOptions {
  readonly mode?: Mode;
  readonly policy: Policy;
}

/**
 * `canon compat OLD NEW`: .avsc files by Avro schema resolution; .json files by JSON Schema rules,
 * and also by their generated Avro when they are catalog event files.
 */
export function compareFiles(oldFile: string, newFile: string, cwd: string, options: CompatOptions, config: CanonConfig): Subject[] {
  const cache = new SourceCache((file) => path.resolve(cwd, file));
  for (const file of [oldFile, newFile]) {
    if (cache.source(file) === undefined) {
      throw usage({ code: "compat-input-missing", file, pointer: "", message: "file not found", hint: "pass two existing schema files" });
    }
  }
  const isAvro = (f: string) => f.endsWith(".avsc");
  if (isAvro(oldFile) !== isAvro(newFile)) {
    throw usage({
      code: "compat-input-mismatch",
      file: newFile,
      pointer: "",
      message: `cannot compare ${oldFile} with ${newFile}`,
      hint: "compare two .avsc files or two .json files",
    });
  }
  if (isAvro(newFile)) {
    const notes = [oldFile, newFile].flatMap((file) => checkAvro(file, cache));
    const verdict = judge(options.mode ?? config.compatibility.mode, [
      avroComparison(oldFile, { file: oldFile, schema: cache.read(oldFile) }, { file: newFile, schema: cache.read(newFile) }),
    ]);
    return [{ name: avroFileOf(newFile), verdict, notes }];
  }
  const declared = (cache.read(newFile) as Record<string, unknown> | null)?.["x-compatibility"];
  const mode = options.mode ?? (typeof declared === "string" && isMode(declared) ? declared : config.compatibility.mode);
  const verdict = judge(mode, [
    jsonSchemaComparison(oldFile, { file: oldFile, read: cache.read }, { file: newFile, read: cache.read }, options.policy),
  ]);
  const subjects: Subject[] = [{ name: `${newFile} (JSON Schema)`, verdict: pointAtNewFile(verdict, oldFile, newFile, cache), notes: [] }];
  const oldAvro = catalogAvro(oldFile, cwd);
  const newAvro = catalogAvro(newFile, cwd);
  if (oldAvro !== undefined && newAvro !== undefined) {
    const comparison = prefixed(
      avroComparison(oldFile, { file: avroFileOf(oldFile), schema: oldAvro }, { file: avroFileOf(newFile), schema: newAvro }),
      "Avro",
    );
    subjects.push({ name: `${newFile} (generated Avro)`, verdict: judge(mode, [comparison]), notes: [] });
  }
  return subjects;
}

/**
 * FORWARD checks swap the files, so their changes point into the old file; where the same keyword
 * exists in the new file, point there instead, as reviewers read the new version.
 */
function pointAtNewFile(verdict: Verdict, oldFile: string, newFile: string, cache: SourceCache): Verdict {
  const changes = verdict.changes.map((c) =>
    c.at?.file === oldFile && valueAt(cache.read(newFile), c.at.pointer) !== undefined
      ? { ...c, at: { file: newFile, pointer: c.at.pointer } }
      : c,
  );
  return { ...verdict, changes };
}

/** The generated Avro of a catalog event file (one in `<schemas>/events/`), else undefined. */
export function catalogAvro(file: string, cwd: string): AvroSchema | undefined {
  const absolute = path.resolve(cwd, file);
  if (path.basename(path.dirname(absolute)) !== "events") return undefined;
  const root = path.dirname(path.dirname(absolute));
  const config = loadConfig(cwd, { schemas: root });
  const catalog = loadCatalog(config, cwd);
  const event = catalog.model.events.find((e) => path.resolve(root, e.origin.file) === absolute);
  if (event === undefined || catalog.diagnostics.some((d) => path.resolve(cwd, d.file) === absolute)) return undefined;
  return avroSchemaOf(catalog.model, event, loadConfig(cwd));
}

/** Checks an .avsc file by the Avro specification; its warnings become notes of the report. */
function checkAvro(file: string, cache: SourceCache): string[] {
  const where = (pointer: string) => {
    const position = cache.locate(file, pointer);
    return position === undefined ? file : `${file}:${position.line}:${position.column}`;
  };
  try {
    return parseAvroSchema(cache.read(file)).warnings.map((w) => `warning: ${where(w.pointer)} (${w.pointer}): ${w.message}`);
  } catch (error) {
    if (!(error instanceof AvroSchemaError)) throw error;
    const position = cache.locate(file, error.pointer) ?? { line: 1, column: 1 };
    throw usage({
      code: "compat-input-invalid",
      file,
      pointer: error.pointer,
      ...position,
      message: `not a valid Avro schema: ${error.message}`,
      hint: error.javaAccepts
        ? "fix the schema: the Avro specification refuses it (Avro Java, which Confluent's registry runs, lets it through)"
        : "fix the schema",
    });
  }
}

function usage(diagnostic: Diagnostic): CanonError {
  return new CanonError([diagnostic], ExitCode.usage);
}
