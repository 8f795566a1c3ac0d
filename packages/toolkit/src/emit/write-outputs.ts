import { randomUUID } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
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
 * past its own comparison: each file that differs is written at once. A folder that exists is then
 * patched (see patchIn): staging holds only what differs, and the unchanged files are not touched. A
 * new folder is staged whole and renamed into place. Without `write` it only compares (`generate --check`).
 */
export class StagedFolder {
  private readonly existing: ReadonlySet<string>;
  /** Existing files that are symbolic links: one that holds what is generated is still replaced by a file. */
  private readonly links = new Set<string>();
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
  /** Existing paths that are not generated (known once finished). */
  private extra: string[] = [];
  private replaced = false;

  constructor(
    readonly dir: string,
    /** `cache`: the render cache's folder, whose OutputManifest spares reading unchanged files; never used by --check. */
    options: { write: boolean; cache?: string | undefined },
  ) {
    // Recovery (recoverInterruptedWrite) must have run: leftovers of a stopped write are no part of the folder.
    this.existing = new Set(existsSync(dir) ? listFiles(dir, "", this.links) : []);
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
    this.extra = [...this.existing].filter((rel) => !this.generated.has(rel));
    this.result = [...this.written, ...this.extra].sort().map((rel) => path.join(this.dir, rel));
    this.replaced = this.result.length > 0 || !existsSync(this.dir);
    if (this.write && this.replaced) {
      mkdirSync(`${this.dir}${STAGING}`, { recursive: true });
      for (const rel of this.same) if (this.links.has(rel)) linkUnchanged(path.join(this.dir, rel), this.stagedPath(rel));
    }
    return this.result;
  }

  /**
   * How commitStaged puts the staged folder in place: the existing files to remove when it patches
   * the folder (see patchIn), or undefined when the staging folder is the whole new folder (there was
   * none; it then swaps, see swapIn).
   */
  get removals(): readonly string[] | undefined {
    this.finish();
    return this.existing.size === 0 && !existsSync(this.dir) ? undefined : this.extra;
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
 * 1. What differs in each changed folder is written next to it (`dir.staging`): its changed and new
 *    files, or, for a folder that does not exist yet, all of them.
 * 2. Each gets a marker (`dir.commit`) naming the transaction and all its folders, and the files the
 *    folder is to lose, written whole by a rename. The transaction is committed when the last marker
 *    exists: recovery finishes a committed one and undoes any other (by removing the staging folders;
 *    until step 3 no folder was touched).
 * 3. Each folder is patched (patchIn: the files it loses go, each staged file is renamed over its old
 *    copy) or, when new, renamed into place (swapIn).
 * 4. The markers go.
 * 5. What each folder holds is recorded in its manifest.
 *
 * During step 3 the folders on disk are a mix of old and new files; the markers say so, and recovery
 * completes them. A change to one schema so costs renames of the files it changes, not a new link for
 * every file of every folder (8,000 at 2,000 events). Returns whether each folder changed.
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
  const removals = new Map(changed.map((folder) => [path.resolve(folder.dir), folder.removals]));
  for (const dir of transaction.folders) {
    const remove = removals.get(dir);
    writeFileSync(`${dir}${COMMIT}.tmp`, JSON.stringify({ ...transaction, ...(remove && { remove }) } satisfies Marker));
    renameSync(`${dir}${COMMIT}.tmp`, `${dir}${COMMIT}`);
    step("marked", dir);
  }
  for (const dir of transaction.folders) putInPlace(dir, removals.get(dir), step);
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

/** One folder's marker: the transaction, and the files the folder loses when it is patched (none: it is swapped). */
interface Marker extends Transaction {
  readonly remove?: readonly string[];
}

function putInPlace(dir: string, remove: readonly string[] | undefined, step: StepHook = () => {}): void {
  if (remove === undefined) swapIn(dir, step);
  else patchIn(dir, remove, step);
}

/**
 * Moves what `dir.staging` holds into `dir`, after removing `remove` from it; from any state a patch
 * can be stopped in, it completes it. Each staged file replaces its old copy by a rename, so a file is
 * always whole, and a file that changed is a new file: one linked elsewhere (an including target's
 * copy, a user's link) keeps what it held.
 */
function patchIn(dir: string, remove: readonly string[], step: StepHook): void {
  for (const rel of remove) {
    try {
      rmSync(path.join(dir, rel), { force: true });
    } catch (error) {
      // Done before the stop this completes: a generated folder, or a file, took the path (or its parent's).
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EISDIR" && code !== "ENOTDIR" && code !== "ERR_FS_EISDIR") throw error;
    }
  }
  if (remove.length > 0) removeEmptyFolders(dir);
  step("removed", dir);
  const staging = `${dir}${STAGING}`;
  if (existsSync(staging)) {
    for (const rel of listFiles(staging)) {
      const target = path.join(dir, rel);
      mkdirSync(path.dirname(target), { recursive: true });
      renameSync(path.join(staging, rel), target);
      step("applied", dir);
    }
  }
  rmSync(staging, { recursive: true, force: true });
  step("cleaned", dir);
}

/** Removes every folder under `dir` (not itself) that holds nothing once its empty subfolders are gone. */
function removeEmptyFolders(dir: string): boolean {
  let empty = true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && removeEmptyFolders(path.join(dir, entry.name))) rmdirSync(path.join(dir, entry.name));
    else empty = false;
  }
  return empty;
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
    const markers = transaction.folders.map((folder) => readTransaction(`${folder}${COMMIT}`));
    const committed = markers.every((marker) => marker?.id === transaction.id);
    transaction.folders.forEach((folder, i) => {
      if (committed) putInPlace(folder, markers[i]?.remove);
      else rmSync(`${folder}${STAGING}`, { recursive: true, force: true });
    });
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

function readTransaction(marker: string): Marker | undefined {
  try {
    const value = JSON.parse(readFileSync(marker, "utf8")) as Marker;
    const remove = value.remove === undefined || (Array.isArray(value.remove) && value.remove.every((rel) => typeof rel === "string"));
    return typeof value.id === "string" && Array.isArray(value.folders) && remove ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A copy of another folder's file (an included target's) is linked rather than written again, and so
 * is an unchanged file that is a symbolic link, to become a file. Safe because no file is ever changed
 * in place: a changed file is a new one renamed over the old, and a folder that shares a file with
 * another is told of any edit by both manifests.
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
