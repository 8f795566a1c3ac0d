import path from "node:path";
import type { CanonConfig } from "../load/config.js";
import { CanonError } from "../load/diagnostics.js";
import type { History } from "../load/history.js";
import { MAX_JSON_DEPTH, nestingDepth } from "../load/json-source.js";
import { isMode, type Mode } from "../load/modes.js";
import { toPosix } from "../load/schema-files.js";
import { AppendLog, LogInUse, type LogLine } from "./log.js";
import type { ParsedSchema } from "./schemas.js";
import { parseSchema } from "./schemas.js";
import { releasedSubjects } from "./subjects.js";

export interface StoredVersion {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  deleted: boolean;
  /** From registry/: released versions cannot be deleted through the API. */
  readonly released: boolean;
}

/** What the run-time log holds, one JSON line each, appended and synced before a request is answered. */
export type LogRecord =
  | { op: "register"; subject: string; version: number; id: number; schemaType: string; schema: string }
  | { op: "delete"; subject: string; version: number; permanent: boolean }
  | { op: "config"; subject: string | null; level: Mode | null };

/** The log's name in the data folder. */
export const LOG_FILE = "log.jsonl";

export class RegistryError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
  get status(): number {
    return Number(String(this.errorCode).slice(0, 3));
  }
}

const LOG_HINT =
  "only canon registry serve writes the log, a whole line at a time: restore it from a backup, or keep the lines before this one " +
  "and move the rest aside (later records can depend on this one, so it is not skipped)";

/**
 * The registry's state: released versions from registry/ (under the configured subject names, with
 * their released ids), then every run-time change replayed from the log in `--data`.
 */
export class RegistryStore {
  readonly schemas = new Map<number, ParsedSchema>();
  private readonly byIdentity = new Map<string, number>();
  /** Stored schemas by their exact text, per type: clients send the same text again and again. */
  private readonly byText = new Map<string, Map<string, ParsedSchema>>();
  readonly subjects = new Map<string, StoredVersion[]>();
  readonly levels = new Map<string, Mode>();
  global: Mode;
  private nextId = 1;
  /**
   * How deep a schema may nest: lint's limit, or the deepest released schema's nesting. canon release
   * writes an event's Avro with every type it reaches inlined, from files that each pass lint's limit,
   * and registry/ cannot change: what it releases must stay servable, and registrable again.
   */
  readonly depthLimit: number;
  private readonly log: AppendLog | undefined;

  /** `notice` gets the line saying that a torn record was set aside at start. */
  constructor(config: CanonConfig, history: History, dataFolder: string | undefined, notice: (line: string) => void) {
    this.global = config.compatibility.mode;
    const released = releasedSubjects(history, config).map((subject) => ({
      ...subject,
      texts: subject.versions.map(({ id, schema }) => ({ id, text: JSON.stringify(schema) })),
    }));
    this.depthLimit = Math.max(MAX_JSON_DEPTH, ...released.flatMap((r) => r.texts.map(({ text }) => nestingDepth(text))));
    for (const subject of released) {
      for (const { id, text } of subject.texts) this.addReleased(subject.subject, id, text);
      this.levels.set(subject.subject, subject.mode);
    }
    if (dataFolder === undefined) return;
    const { log, lines } = openLog(path.join(dataFolder, LOG_FILE), notice);
    try {
      for (const line of lines) this.replay(log.file, line);
    } catch (error) {
      log.close();
      throw error;
    }
    this.log = log;
  }

  close(): void {
    this.log?.close();
  }

  private addReleased(subject: string, id: number, text: string): void {
    const parsed = parseSchema(text, "AVRO", this.depthLimit);
    if (typeof parsed === "string") throw new Error(`released schema ${id} under ${subject}: ${parsed}`);
    const apply = this.prepare(
      { op: "register", subject, version: (this.subjects.get(subject)?.length ?? 0) + 1, id, schemaType: "AVRO", schema: parsed.text },
      parsed,
    );
    if (typeof apply === "string") throw new Error(`released schema ${id} under ${subject}: ${apply}`);
    apply(true);
  }

  /**
   * One line of the log at start, through the same parsing and the same `prepare` as a registration,
   * so what was accepted then is read back now; a line that is not is named with its number.
   */
  private replay(file: string, line: LogLine): void {
    if (line.text.trim() === "") return;
    const fail = (message: string) =>
      new CanonError([
        {
          code: "registry-log-invalid",
          file: toPosix(path.relative(process.cwd(), file)),
          pointer: "",
          line: line.number,
          column: 1,
          message,
          hint: LOG_HINT,
        },
      ]);
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (error) {
      throw fail(`not a JSON record: ${(error as Error).message}`);
    }
    const record = logRecord(value);
    if (typeof record === "string") throw fail(record);
    let schema: ParsedSchema | undefined;
    if (record.op === "register") {
      const parsed = parseSchema(record.schema, record.schemaType, this.depthLimit);
      if (typeof parsed === "string") throw fail(`schema id ${record.id} under '${record.subject}' cannot be read back: ${parsed}`);
      schema = parsed;
    }
    const apply = this.prepare(record, schema);
    if (typeof apply === "string") throw fail(apply);
    apply(false);
  }

  /**
   * Checks a change against the state and returns what applies it, which cannot fail; a string is the
   * conflict. Registration checks before writing and applies after, so nothing written goes unapplied.
   */
  private prepare(record: LogRecord, schema: ParsedSchema | undefined): string | ((released: boolean) => void) {
    if (record.op === "register") {
      if (schema === undefined) return "a registration without its schema";
      const known = this.schemas.get(record.id);
      if (known !== undefined && known.identity !== schema.identity)
        return `schema id ${record.id} names two different schemas: the data folder was written against another registry/; move it away`;
      const versions = this.subjects.get(record.subject) ?? [];
      if (versions.some((v) => v.version === record.version))
        return `version ${record.version} of '${record.subject}' is registered twice: the data folder was written against another registry/; move it away`;
      return (released) => {
        if (known === undefined) this.schemas.set(record.id, schema);
        const texts = this.byText.get(schema.schemaType) ?? new Map<string, ParsedSchema>();
        texts.set(schema.text, schema);
        this.byText.set(schema.schemaType, texts);
        if (!this.byIdentity.has(schema.identity)) this.byIdentity.set(schema.identity, record.id);
        this.nextId = Math.max(this.nextId, record.id + 1);
        versions.push({ subject: record.subject, version: record.version, id: record.id, deleted: false, released });
        this.subjects.set(record.subject, versions);
      };
    }
    if (record.op === "delete")
      return () => {
        const versions = this.subjects.get(record.subject) ?? [];
        const index = versions.findIndex((v) => v.version === record.version);
        const found = versions[index];
        if (found === undefined) return;
        if (record.permanent) versions.splice(index, 1);
        else found.deleted = true;
        if (versions.length === 0) this.subjects.delete(record.subject);
      };
    return () => {
      if (record.subject === null) {
        if (record.level !== null) this.global = record.level;
      } else if (record.level === null) this.levels.delete(record.subject);
      else this.levels.set(record.subject, record.level);
    };
  }

  /** Makes a change durable (appended and synced), then applies it; nothing is acknowledged before. */
  commit(record: LogRecord, schema?: ParsedSchema): void {
    if (this.log === undefined) throw new RegistryError(50001, "the registry has no data folder to store changes in");
    const apply = this.prepare(record, schema);
    if (typeof apply === "string") throw new Error(apply);
    this.log.append(JSON.stringify(record));
    apply(false);
  }

  /**
   * Registers a schema, already parsed and checked, as the subject's next version. A new id is taken
   * before the write: a write that fails after reaching the disk is replayed at the next start, so
   * its id is never given to another schema.
   */
  register(subject: string, schema: ParsedSchema): { id: number; version: number } {
    const id = this.idOf(schema) ?? this.nextId++;
    const version = (this.subjects.get(subject) ?? []).reduce((max, v) => Math.max(max, v.version), 0) + 1;
    this.commit({ op: "register", subject, version, id, schemaType: schema.schemaType, schema: schema.text }, schema);
    return { id, version };
  }

  /**
   * A stored schema sent again with the very same text, without parsing it again: parseSchema would
   * give the same answer, and for a large schema takes most of the time a request waits.
   */
  stored(text: unknown, schemaType: unknown): ParsedSchema | undefined {
    if (typeof text !== "string") return undefined;
    return this.byText.get(schemaType === undefined || schemaType === null ? "AVRO" : String(schemaType))?.get(text);
  }

  idOf(schema: ParsedSchema): number | undefined {
    return this.byIdentity.get(schema.identity);
  }

  /** The subject's versions, without soft-deleted ones unless asked; throws 40401 when there are none. */
  versions(subject: string, deleted = false): StoredVersion[] {
    const all = (this.subjects.get(subject) ?? []).filter((v) => deleted || !v.deleted);
    if (all.length === 0) throw new RegistryError(40401, `Subject '${subject}' not found.`);
    return all;
  }

  version(subject: string, version: string, deleted = false): StoredVersion {
    const versions = this.versions(subject, true);
    const live = versions.filter((v) => deleted || !v.deleted);
    const n = versionNumber(version);
    if (n === "latest") {
      const latest = live.at(-1);
      if (latest === undefined) throw new RegistryError(40401, `Subject '${subject}' not found.`);
      return latest;
    }
    const found = live.find((v) => v.version === n);
    if (found === undefined) throw new RegistryError(40402, `Version ${version} not found.`);
    return found;
  }

  schema(id: number): ParsedSchema {
    const found = this.schemas.get(id);
    if (found === undefined) throw new RegistryError(40403, `Schema ${id} not found`);
    return found;
  }

  level(subject: string): Mode {
    return this.levels.get(subject) ?? this.global;
  }
}

/** The log, or the problem that another server holds it, as a diagnostic naming the process. */
function openLog(file: string, notice: (line: string) => void): ReturnType<typeof AppendLog.open> {
  try {
    return AppendLog.open(file, notice);
  } catch (error) {
    if (!(error instanceof LogInUse)) throw error;
    throw new CanonError([
      {
        code: "registry-data-in-use",
        file: toPosix(path.relative(process.cwd(), file)),
        pointer: "",
        message: `another canon registry serve (process ${error.pid}) is using this log: two servers would write over each other's records`,
        hint: `stop that one, or give this one another --data folder; if process ${error.pid} is not a registry server, remove ${path.basename(file)}.lock`,
      },
    ]);
  }
}

/** A version in a path: 1 to 2^31-1, or "latest" (also -1); anything else is 42202. */
export function versionNumber(version: string): number | "latest" {
  if (version === "latest" || version === "-1") return "latest";
  const n = Number(version);
  if (!/^[0-9]+$/.test(version) || n < 1 || n > 2147483647)
    throw new RegistryError(
      42202,
      `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    );
  return n;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isVersion = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 2147483647;

/** A log line's record, checked field by field; a string says what is wrong with it. */
function logRecord(value: unknown): LogRecord | string {
  if (!isObject(value)) return "not a log record (an object with an op)";
  const { op, subject } = value;
  if (op === "register") {
    if (
      typeof subject !== "string" ||
      !isVersion(value.version) ||
      !isVersion(value.id) ||
      typeof value.schemaType !== "string" ||
      typeof value.schema !== "string"
    )
      return "a register record needs subject, version, id, schemaType and schema";
    return value as LogRecord;
  }
  if (op === "delete") {
    if (typeof subject !== "string" || !isVersion(value.version) || typeof value.permanent !== "boolean")
      return "a delete record needs subject, version and permanent";
    return value as LogRecord;
  }
  if (op === "config") {
    if (
      (typeof subject !== "string" && subject !== null) ||
      (value.level !== null && !(typeof value.level === "string" && isMode(value.level)))
    )
      return "a config record needs subject (or null) and a compatibility level (or null)";
    return value as LogRecord;
  }
  return `unknown op ${JSON.stringify(op)}: a record is register, delete or config`;
}
