import { randomUUID } from "node:crypto";
import { copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
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
 * folder new. Unchanged folders are left untouched. The steps are StagedFolder's and commitStaged's.
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
  const folders = [...outputs].map(([dir, files]) => {
    const folder = new StagedFolder(dir, { write: true, cache });
    folder.add(files);
    return folder;
  });
  return commitStaged(folders, step, inputs);
}

/**
 * One output folder's new content, compared with the folder as it is and written to `dir.staging`
 * part by part as it arrives (step 1 of commitStaged), so that no target's output is held in memory
 * past its own comparison: each file that differs is written at once, and the unchanged ones, which
 * need no content, are linked in by `finish` once the folder is known to have changed. Without
 * `write` it only compares (`generate --check`).
 */
export class StagedFolder {
  private readonly existing: ReadonlySet<string>;
  private readonly manifest: OutputManifest | undefined;
  private readonly write: boolean;
  /** Every path generated so far, relative to the folder. */
  private readonly generated = new Set<string>();
  /** Generated paths whose file on disk already holds their content. */
  private readonly same: string[] = [];
  /** Generated paths written to staging (changed or missing on disk). */
  private readonly written = new Set<string>();
  private readonly folders = new Set<string>();
  private result: string[] | undefined;
  private replaced = false;

  constructor(
    readonly dir: string,
    /** `cache`: the render cache's folder, whose OutputManifest spares reading unchanged files; never used by --check. */
    options: { write: boolean; cache?: string | undefined },
  ) {
    // Recovery (recoverInterruptedWrite) must have run: leftovers of a stopped write are no part of the folder.
    this.existing = new Set(existsSync(dir) ? listFiles(dir) : []);
    this.write = options.write;
    this.manifest = options.cache === undefined ? undefined : new OutputManifest(options.cache, dir);
  }

  /**
   * Adds `files`, under the subfolder `under` when given (another target's output the folder includes).
   * `keys`: the key of each keyed file; one not in `files` was kept (see Kept), and stays as it is.
   * `from`: a folder the same files were added to at its top (the included target's own), whose copy
   * of a file this one links instead of writing the content again.
   */
  add(files: OutputFiles, under?: string, keys?: ReadonlyMap<string, string>, from?: StagedFolder): void {
    if (this.result !== undefined) throw new Error(`${this.dir}: a part was added after the folder was finished`);
    const place = (name: string) => {
      const rel = under === undefined ? name : `${under}/${name}`;
      if (this.generated.has(rel))
        throw new Error(`${path.join(this.dir, rel)}: generated twice (a target's file and an included target's)`);
      this.generated.add(rel);
      return rel;
    };
    for (const name of keys?.keys() ?? []) {
      if (files.has(name)) continue;
      const rel = place(name);
      if (this.manifest === undefined || !this.existing.has(rel)) throw new Error(`${path.join(this.dir, rel)}: kept, but not on disk`);
      this.manifest.keep(rel);
      this.same.push(rel);
    }
    for (const [name, content] of files) {
      const rel = place(name);
      this.manifest?.remember(rel, content, keys?.get(name));
      if (this.existing.has(rel) && (this.manifest?.holds(rel, content) || content === readFileSync(path.join(this.dir, rel), "utf8"))) {
        this.same.push(rel);
        continue;
      }
      this.written.add(rel);
      if (!this.write) continue;
      const copy = from?.holding(name);
      if (copy === undefined) writeFileSync(this.stagedPath(rel), content);
      else linkUnchanged(copy, this.stagedPath(rel));
    }
  }

  /** The file that holds what was added at `rel`, when this folder is written: its staged copy, or the unchanged one on disk. */
  private holding(rel: string): string | undefined {
    if (!this.write || !this.generated.has(rel)) return undefined;
    return this.written.has(rel) ? path.join(`${this.dir}${STAGING}`, rel) : path.join(this.dir, rel);
  }

  /**
   * Paths under the folder that differ from what was added (changed, missing or not generated at all),
   * sorted; when writing and there are any, the staging folder is completed with the unchanged files.
   */
  finish(): string[] {
    if (this.result !== undefined) return this.result;
    const extra = [...this.existing].filter((rel) => !this.generated.has(rel));
    this.result = [...this.written, ...extra].sort().map((rel) => path.join(this.dir, rel));
    this.replaced = this.result.length > 0 || !existsSync(this.dir);
    if (this.write && this.replaced) {
      mkdirSync(`${this.dir}${STAGING}`, { recursive: true });
      for (const rel of this.same) linkUnchanged(path.join(this.dir, rel), this.stagedPath(rel));
    }
    return this.result;
  }

  /** How many files the folder is to hold. */
  get files(): number {
    return this.generated.size;
  }

  /** Whether the folder is to be replaced: it differs or does not exist (an empty output is still a folder). */
  get changed(): boolean {
    this.finish();
    return this.replaced;
  }

  /** Step 5 of commitStaged: what the folder holds now, for the next run. */
  record(inputs?: { key: string; summary: string }): void {
    this.manifest?.record(this.generated, this.written, inputs);
  }

  /** Removes what was staged: the run stopped before its commit. */
  discard(): void {
    rmSync(`${this.dir}${STAGING}`, { recursive: true, force: true });
  }

  private stagedPath(rel: string): string {
    const target = path.join(`${this.dir}${STAGING}`, rel);
    const folder = path.dirname(target);
    if (!this.folders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      this.folders.add(folder);
    }
    return target;
  }
}

/**
 * Commits folders staged by StagedFolder, each one finished here:
 *
 * 1. Each changed folder is written in full next to itself (`dir.staging`).
 * 2. Each gets a marker (`dir.commit`) naming the transaction and all its folders, written whole by
 *    a rename. The transaction is committed when the last marker exists: recovery finishes a
 *    committed one and undoes any other.
 * 3. Each folder is swapped in with two renames (`dir -> dir.previous`, `dir.staging -> dir`).
 * 4. The markers go.
 * 5. What each folder holds is recorded in its manifest.
 *
 * Between the first and the last swap of step 3 (a few renames) the folders on disk are a mix, and
 * between a folder's two renames it is missing; the markers say so, and recovery completes them.
 * Returns whether each folder changed.
 */
export function commitStaged(
  folders: readonly StagedFolder[],
  step: StepHook = () => {},
  inputs?: { key: string; summary: string },
): Map<string, boolean> {
  const changed = folders.filter((folder) => {
    if (folder.changed) step("staged", folder.dir);
    return folder.changed;
  });
  const transaction: Transaction = { id: randomUUID(), folders: changed.map((folder) => path.resolve(folder.dir)) };
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
  for (const folder of folders) folder.record(inputs);
  return new Map(folders.map((folder) => [folder.dir, changed.includes(folder)]));
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
 * one schema writes the few files it changes; so is a copy of another folder's file (an included
 * target's). Safe because no file is ever changed in place: an old folder is only renamed away and
 * deleted, and a folder that shares a file with another is told of any edit by both manifests.
 */
function linkUnchanged(current: string, target: string): void {
  // A link to a symbolic link would keep the link, not the file: only regular files are linked.
  if (lstatSync(current).isFile()) {
    try {
      linkSync(current, target);
      return;
    } catch {
      // No hard links here (another file system, or none at all): copy it.
    }
  }
  // Its content is the generated one (compared when added): a copy through the link, if it is one, is that content.
  copyFileSync(current, target);
}

/** Paths under `dir` whose content is not `files`: changed, missing, or not generated at all. */
export function differences(dir: string, files: OutputFiles): string[] {
  const folder = new StagedFolder(dir, { write: false });
  folder.add(files);
  return folder.finish();
}
