import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { listFiles } from "../emit/write-outputs.js";
import { avroFingerprint, sha256 } from "./canonical.js";
import type { CanonConfig } from "./config.js";
import type { Diagnostic } from "./diagnostics.js";
import type { Mode } from "./modes.js";
import { toPosix } from "./schema-files.js";

export const INDEX_FILE = "index.jsonl";

/** One released file, pinned by the SHA-256 of its bytes so a hand edit is caught. */
export interface ReleasedFile {
  /** Relative to the registry folder, with forward slashes. */
  readonly file: string;
  readonly sha256: string;
}

/** An Avro schema in the history: its global id and its Avro fingerprint (SHA-256 of the canonical form). */
export interface ReleasedSchema extends ReleasedFile {
  readonly id: number;
  readonly fingerprint: string;
}

/** One line of `registry/index.jsonl`: a released version of one event. Lines are only ever appended. */
export interface ReleaseEntry {
  readonly event: string;
  /** 1, 2, ...: the version of the event's value subject. */
  readonly version: number;
  readonly topic?: string;
  /** The compatibility mode the version was released under; registries get it as the subject's level. */
  readonly mode: Mode;
  readonly value: ReleasedSchema;
  readonly key?: ReleasedSchema;
  readonly jsonSchema: ReleasedFile;
}

export interface History {
  readonly folder: string;
  readonly entries: readonly ReleaseEntry[];
}

/** Reads `registry/index.jsonl`; a missing registry is an empty history. */
export function readHistory(config: CanonConfig): History {
  const indexPath = path.join(config.registry, INDEX_FILE);
  if (!existsSync(indexPath)) return { folder: config.registry, entries: [] };
  const entries = readFileSync(indexPath, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ReleaseEntry);
  return { folder: config.registry, entries };
}

export function readReleased(history: History, file: string): unknown {
  return JSON.parse(readFileSync(path.join(history.folder, file), "utf8")) as unknown;
}

/** Every released version of one event, oldest first. */
export function eventHistory(history: History, eventType: string): ReleaseEntry[] {
  return history.entries.filter((e) => e.event === eventType).sort((a, b) => a.version - b.version);
}

/**
 * Checks the registry folder against its index: every listed file exists with the bytes it was
 * released with, nothing else is there, versions count up from 1 per event, and one id never names
 * two schemas. What it reports is what CI fails on when a released version was edited by hand.
 */
export function verifyHistory(config: CanonConfig, cwd: string): Diagnostic[] {
  const shown = (file: string) => toPosix(path.relative(cwd, path.join(config.registry, file)));
  const indexShown = shown(INDEX_FILE);
  const indexPath = path.join(config.registry, INDEX_FILE);
  if (!existsSync(indexPath)) return [];
  const problems: Diagnostic[] = [];
  const lines = readFileSync(indexPath, "utf8").split("\n");
  const listed = new Set<string>([INDEX_FILE]);
  const idSchema = new Map<number, string>();
  const lastVersion = new Map<string, number>();
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const at = { file: indexShown, pointer: "", line: i + 1, column: 1 };
    let entry: ReleaseEntry;
    try {
      entry = JSON.parse(line) as ReleaseEntry;
    } catch (error) {
      problems.push({ ...at, code: "registry-invalid", message: `not a JSON line: ${(error as Error).message}`, hint: RESTORE });
      return;
    }
    const expected = (lastVersion.get(entry.event) ?? 0) + 1;
    if (entry.version !== expected)
      problems.push({
        ...at,
        code: "registry-invalid",
        message: `${entry.event} version ${entry.version} follows version ${expected - 1}`,
        hint: RESTORE,
      });
    lastVersion.set(entry.event, entry.version);
    const schemas: ReleasedSchema[] = [entry.value, ...(entry.key ? [entry.key] : [])];
    for (const released of [...schemas, entry.jsonSchema]) {
      listed.add(released.file);
      const absolute = path.join(config.registry, released.file);
      if (!existsSync(absolute)) {
        problems.push({
          ...at,
          code: "registry-edited",
          message: `${shown(released.file)} was released and is now missing`,
          hint: RESTORE,
        });
        continue;
      }
      const text = readFileSync(absolute, "utf8");
      if (sha256(text) !== released.sha256) {
        problems.push({
          file: shown(released.file),
          pointer: "",
          code: "registry-edited",
          message: `changed after it was released (its SHA-256 differs from ${indexShown} line ${i + 1})`,
          hint: `${RESTORE}; to change the schema, edit schemas/ and run canon release, which adds a version`,
        });
      }
      if ("fingerprint" in released && avroFingerprint(JSON.parse(text)) !== released.fingerprint)
        problems.push({
          ...at,
          code: "registry-invalid",
          message: `${shown(released.file)} does not have the fingerprint its line records`,
          hint: RESTORE,
        });
    }
    for (const schema of schemas) {
      const seen = idSchema.get(schema.id);
      if (seen !== undefined && seen !== schema.fingerprint)
        problems.push({ ...at, code: "registry-invalid", message: `id ${schema.id} names two different schemas`, hint: RESTORE });
      idSchema.set(schema.id, schema.fingerprint);
    }
  });
  for (const file of listFiles(config.registry)) {
    if (!listed.has(file))
      problems.push({
        file: shown(file),
        pointer: "",
        code: "registry-unlisted-file",
        message: `not listed in ${indexShown}: the registry holds only what canon release wrote`,
        hint: "remove it; canon release adds versions",
      });
  }
  return problems;
}

const RESTORE = "released versions are append-only: restore the file from git (git checkout <base> -- registry/)";

/**
 * Released lines and files as of a base commit must still be there, unchanged: `index.jsonl` may
 * only grow at its end, and no file the base had under registry/ may be modified or deleted.
 */
export function appendOnlySince(
  config: CanonConfig,
  cwd: string,
  base: { readonly show: (rel: string) => string | undefined; readonly changedFiles: () => { status: string; file: string }[] },
): Diagnostic[] {
  const shown = (file: string) => toPosix(path.relative(cwd, path.join(config.registry, file)));
  const problems: Diagnostic[] = [];
  const before = base.show(INDEX_FILE) ?? "";
  const indexPath = path.join(config.registry, INDEX_FILE);
  const now = existsSync(indexPath) ? readFileSync(indexPath, "utf8") : "";
  if (!now.startsWith(before)) {
    const oldLines = before.split("\n");
    const newLines = now.split("\n");
    const line = oldLines.findIndex((l, i) => newLines[i] !== l);
    problems.push({
      code: "registry-rewritten",
      file: shown(INDEX_FILE),
      pointer: "",
      line: line + 1,
      column: 1,
      message: `line ${line + 1} was released and has been ${line < newLines.length ? "changed" : "removed"}; the index may only grow`,
      hint: RESTORE,
    });
  }
  for (const { status, file } of base.changedFiles()) {
    if (status.startsWith("A") || file === INDEX_FILE) continue;
    problems.push({
      code: "registry-edited",
      file: shown(file),
      pointer: "",
      message: `released and then ${status.startsWith("D") ? "deleted" : "modified"} since the base`,
      hint: RESTORE,
    });
  }
  return problems;
}
