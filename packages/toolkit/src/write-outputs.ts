import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { OutputFiles } from "./emit/emitter.js";

const PREVIOUS = ".previous";
const STAGING = ".staging";
const CACHE_FOLDERS = new Set(["__pycache__", ".mypy_cache"]);

/**
 * Replaces the whole folder `dir` with `files`, or leaves it untouched when nothing changed.
 * The new content is written next to it and swapped in with renames, so an interrupted run leaves
 * either the old folder or the new one, never a mix; the next run finishes or undoes the swap.
 */
export function writeOutputFolder(dir: string, files: OutputFiles): boolean {
  recoverInterruptedWrite(dir);
  if (sameContent(dir, files)) return false;
  const staging = `${dir}${STAGING}`;
  rmSync(staging, { recursive: true, force: true });
  for (const [rel, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const target = path.join(staging, rel);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  mkdirSync(staging, { recursive: true });
  const previous = `${dir}${PREVIOUS}`;
  if (existsSync(dir)) renameSync(dir, previous);
  renameSync(staging, dir);
  rmSync(previous, { recursive: true, force: true });
  return true;
}

/** A run killed between the two renames leaves `dir` missing and `dir.previous` present. */
export function recoverInterruptedWrite(dir: string): void {
  const previous = `${dir}${PREVIOUS}`;
  if (existsSync(previous)) {
    if (existsSync(dir)) rmSync(previous, { recursive: true, force: true });
    else renameSync(previous, dir);
  }
  rmSync(`${dir}${STAGING}`, { recursive: true, force: true });
}

function sameContent(dir: string, files: OutputFiles): boolean {
  return existsSync(dir) && differences(dir, files).length === 0;
}

/** Paths under `dir` whose content is not `files`: changed, missing, or not generated at all. */
export function differences(dir: string, files: OutputFiles): string[] {
  const existing = existsSync(dir) ? listFiles(dir) : [];
  const out = existing.filter((rel) => files.get(rel) !== readFileSync(path.join(dir, rel), "utf8"));
  for (const rel of files.keys()) if (!existing.includes(rel)) out.push(rel);
  return out.sort().map((rel) => path.join(dir, rel));
}

export function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    // Caches that tools write next to generated code are not output; they neither count nor matter.
    if (CACHE_FOLDERS.has(entry.name)) continue;
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}
