import { randomUUID } from "node:crypto";
import { existsSync, linkSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { listFiles } from "../load/list-files.js";
import type { OutputFiles } from "./emitter.js";
import { OutputManifest } from "./output-manifest.js";

const PREVIOUS = ".previous";
const STAGING = ".staging";
const COMMIT = ".commit";

/** Called after each step that changes the disk; a test throws from it to stop a write where a kill would. */
export type StepHook = (step: string, dir: string) => void;

/** One folder: see writeOutputFolders. */
export function writeOutputFolder(dir: string, files: OutputFiles): boolean {
  return writeOutputFolders(new Map([[dir, files]])).get(dir) ?? false;
}

/**
 * Replaces each folder with its files, all of them or none: a run killed at any point leaves, once
 * the next run has recovered (which every write does first), either every folder as it was or every
 * folder new. Unchanged folders are left untouched.
 *
 * 1. Each changed folder is written in full next to itself (`dir.staging`).
 * 2. Each gets a marker (`dir.commit`) naming the transaction and all its folders, written whole by
 *    a rename. The transaction is committed when the last marker exists: recovery finishes a
 *    committed one and undoes any other.
 * 3. Each folder is swapped in with two renames (`dir -> dir.previous`, `dir.staging -> dir`).
 * 4. The markers go.
 *
 * Between the first and the last swap of step 3 (a few renames) the folders on disk are a mix, and
 * between a folder's two renames it is missing; the markers say so, and recovery completes them.
 */
export function writeOutputFolders(
  outputs: ReadonlyMap<string, OutputFiles>,
  step: StepHook = () => {},
  /** The render cache's folder, where what was written is recorded (see OutputManifest); none: every file is read. */
  cache?: string,
  /** The inputs of the run (inputs.ts), recorded with what it wrote so that the next run with the same can skip. */
  inputs?: { key: string; summary: string },
): Map<string, boolean> {
  for (const dir of outputs.keys()) recoverInterruptedWrite(dir);
  const manifests = new Map([...outputs.keys()].map((dir) => [dir, cache === undefined ? undefined : new OutputManifest(cache, dir)]));
  const stale = new Map([...outputs].map(([dir, files]) => [dir, new Set(differences(dir, files, manifests.get(dir)))]));
  const changed = [...outputs].filter(([dir]) => !existsSync(dir) || (stale.get(dir)?.size ?? 0) > 0);
  for (const [dir, files] of changed) {
    const staging = `${dir}${STAGING}`;
    mkdirSync(staging, { recursive: true });
    for (const [rel, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const target = path.join(staging, rel);
      mkdirSync(path.dirname(target), { recursive: true });
      stageFile(path.join(dir, rel), target, content, stale.get(dir)?.has(path.join(dir, rel)) ?? true);
    }
    step("staged", dir);
  }
  const transaction: Transaction = { id: randomUUID(), folders: changed.map(([dir]) => path.resolve(dir)) };
  for (const dir of transaction.folders) {
    writeFileSync(`${dir}${COMMIT}.tmp`, JSON.stringify(transaction));
    renameSync(`${dir}${COMMIT}.tmp`, `${dir}${COMMIT}`);
    step("marked", dir);
  }
  for (const dir of transaction.folders) swapIn(dir, step);
  for (const dir of transaction.folders) {
    rmSync(`${dir}${COMMIT}`, { force: true });
    step("unmarked", dir);
  }
  for (const [dir, manifest] of manifests) manifest?.record(outputs.get(dir) as OutputFiles, inputs);
  return new Map([...outputs.keys()].map((dir) => [dir, changed.some(([d]) => d === dir)]));
}

interface Transaction {
  readonly id: string;
  /** Absolute paths of every folder the transaction replaces. */
  readonly folders: readonly string[];
}

/** Moves `dir.staging` into place; from any state a swap can be stopped in, it completes it. */
function swapIn(dir: string, step: StepHook = () => {}): void {
  const staging = `${dir}${STAGING}`;
  const previous = `${dir}${PREVIOUS}`;
  if (existsSync(staging)) {
    if (existsSync(dir)) {
      rmSync(previous, { recursive: true, force: true });
      renameSync(dir, previous);
      step("moved-away", dir);
    }
    renameSync(staging, dir);
    step("moved-in", dir);
  }
  rmSync(previous, { recursive: true, force: true });
  step("cleaned", dir);
}

/**
 * Finishes or undoes a write that was stopped, for `dir` and every folder written with it: a
 * transaction whose markers all exist is completed, any other is undone. Leftovers go.
 */
export function recoverInterruptedWrite(dir: string): void {
  const transaction = readTransaction(`${dir}${COMMIT}`);
  if (transaction !== undefined) {
    const committed = transaction.folders.every((folder) => readTransaction(`${folder}${COMMIT}`)?.id === transaction.id);
    for (const folder of transaction.folders) {
      if (committed) swapIn(folder);
      else rmSync(`${folder}${STAGING}`, { recursive: true, force: true });
    }
    for (const folder of transaction.folders) rmSync(`${folder}${COMMIT}`, { force: true });
  }
  rmSync(`${dir}${COMMIT}`, { force: true });
  rmSync(`${dir}${COMMIT}.tmp`, { force: true });
  // Without a marker no swap had started, except in a write by an older version, which swapped one
  // folder at a time: a folder moved away and not replaced is put back.
  const previous = `${dir}${PREVIOUS}`;
  if (existsSync(previous)) {
    if (existsSync(dir)) rmSync(previous, { recursive: true, force: true });
    else renameSync(previous, dir);
  }
  rmSync(`${dir}${STAGING}`, { recursive: true, force: true });
}

function readTransaction(marker: string): Transaction | undefined {
  try {
    const value = JSON.parse(readFileSync(marker, "utf8")) as Transaction;
    return typeof value.id === "string" && Array.isArray(value.folders) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An unchanged file is linked from the folder it replaces rather than written again, so a change to
 * one schema writes the few files it changes. Safe because no file is ever changed in place: the
 * old folder is only renamed away and deleted.
 */
function stageFile(current: string, target: string, content: string, stale: boolean): void {
  // A link to a symbolic link would keep the link, not the file: only regular files are linked.
  if (!stale && lstatSync(current).isFile()) {
    try {
      linkSync(current, target);
      return;
    } catch {
      // No hard links here (another file system, or none at all): write it.
    }
  }
  writeFileSync(target, content);
}

/** Paths under `dir` whose content is not `files`: changed, missing, or not generated at all. */
export function differences(dir: string, files: OutputFiles, manifest?: OutputManifest): string[] {
  const existing = existsSync(dir) ? listFiles(dir) : [];
  const out = existing.filter((rel) => {
    const content = files.get(rel);
    if (content !== undefined && manifest?.holds(rel, content)) return false;
    return content !== readFileSync(path.join(dir, rel), "utf8");
  });
  const onDisk = new Set(existing);
  for (const rel of files.keys()) if (!onDisk.has(rel)) out.push(rel);
  return out.sort().map((rel) => path.join(dir, rel));
}
