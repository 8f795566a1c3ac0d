import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import path from "node:path";
import { isMode, type Mode } from "../compat/change.js";
import type { CanonConfig } from "../config.js";
import type { History } from "./history.js";
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
type LogRecord =
  | { op: "register"; subject: string; version: number; id: number; schemaType: string; schema: string }
  | { op: "delete"; subject: string; version: number; permanent: boolean }
  | { op: "config"; subject: string | null; level: Mode | null };

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

/**
 * The registry's state: released versions from registry/ (under the configured subject names, with
 * their released ids), then every run-time change replayed from the log in `--data`.
 */
export class RegistryStore {
  readonly schemas = new Map<number, ParsedSchema>();
  private readonly byIdentity = new Map<string, number>();
  readonly subjects = new Map<string, StoredVersion[]>();
  readonly levels = new Map<string, Mode>();
  global: Mode;
  private nextId = 1;
  private readonly logPath: string | undefined;

  constructor(config: CanonConfig, history: History, dataFolder: string | undefined) {
    this.global = config.compatibility.mode;
    for (const released of releasedSubjects(history, config)) {
      for (const { id, schema } of released.versions) this.addReleased(released.subject, id, schema);
      this.levels.set(released.subject, released.mode);
    }
    if (dataFolder === undefined) return;
    mkdirSync(dataFolder, { recursive: true });
    this.logPath = path.join(dataFolder, "log.jsonl");
    if (existsSync(this.logPath))
      for (const line of readFileSync(this.logPath, "utf8").split("\n")) if (line.trim()) this.apply(JSON.parse(line));
  }

  private addReleased(subject: string, id: number, value: unknown): void {
    const parsed = parseSchema(JSON.stringify(value), "AVRO");
    if (typeof parsed === "string") throw new Error(`released schema ${id} under ${subject}: ${parsed}`);
    this.remember(id, parsed);
    const versions = this.subjects.get(subject) ?? [];
    versions.push({ subject, version: versions.length + 1, id, deleted: false, released: true });
    this.subjects.set(subject, versions);
  }

  private remember(id: number, schema: ParsedSchema): void {
    const known = this.schemas.get(id);
    if (known !== undefined && known.identity !== schema.identity)
      throw new Error(`schema id ${id} names two different schemas: the data folder was written against another registry/; move it away`);
    if (known === undefined) this.schemas.set(id, schema);
    if (!this.byIdentity.has(schema.identity)) this.byIdentity.set(schema.identity, id);
    this.nextId = Math.max(this.nextId, id + 1);
  }

  private apply(record: LogRecord): void {
    if (record.op === "register") {
      const parsed = parseSchema(record.schema, record.schemaType);
      if (typeof parsed === "string") throw new Error(`log: ${parsed}`);
      this.remember(record.id, parsed);
      const versions = this.subjects.get(record.subject) ?? [];
      versions.push({ subject: record.subject, version: record.version, id: record.id, deleted: false, released: false });
      this.subjects.set(record.subject, versions);
    } else if (record.op === "delete") {
      const versions = this.subjects.get(record.subject) ?? [];
      const index = versions.findIndex((v) => v.version === record.version);
      const found = versions[index];
      if (found === undefined) return;
      if (record.permanent) versions.splice(index, 1);
      else found.deleted = true;
      if (versions.length === 0) this.subjects.delete(record.subject);
    } else if (record.subject === null) {
      if (record.level !== null && isMode(record.level)) this.global = record.level;
    } else if (record.level === null) this.levels.delete(record.subject);
    else this.levels.set(record.subject, record.level);
  }

  /** Makes a change durable (appended and synced), then applies it; nothing is acknowledged before. */
  commit(record: LogRecord): void {
    if (this.logPath === undefined) throw new RegistryError(50001, "the registry has no data folder to store changes in");
    const fd = openSync(this.logPath, "a");
    try {
      writeSync(fd, `${JSON.stringify(record)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.apply(record);
  }

  idOf(schema: ParsedSchema): number | undefined {
    return this.byIdentity.get(schema.identity);
  }

  newId(): number {
    return this.nextId;
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
    if (version === "latest" || version === "-1") {
      const latest = live.at(-1);
      if (latest === undefined) throw new RegistryError(40401, `Subject '${subject}' not found.`);
      return latest;
    }
    const n = Number(version);
    if (!/^[0-9]+$/.test(version) || n < 1 || n > 2147483647)
      throw new RegistryError(
        42202,
        `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
      );
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
