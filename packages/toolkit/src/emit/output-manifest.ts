import { createHash } from "node:crypto";
import { readFileSync, type Stats, statSync } from "node:fs";
import path from "node:path";
import { writeCacheFile } from "../load/cache-files.js";
import { listFiles } from "../load/list-files.js";
import type { Kept } from "./emitter.js";

/** What generate last wrote to one file, and the file's identity on disk right after. */
interface Entry {
  readonly hash: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  /** The file's key (file-keys.ts), for a keyed file. */
  readonly key?: string;
}

interface Stored {
  /** When the manifest was written: a file changed in the same instant could keep its size and time. */
  readonly writtenMs: number;
  readonly files: Record<string, Entry>;
  /** The inputs key (inputs.ts) of the run that wrote the folder, and what it said of the catalog. */
  readonly inputs?: { readonly key: string; readonly summary: string };
}

/** A file changed within this long before the manifest was written is read, never trusted by its stat. */
const RACY_MS = 2000;

const contentHash = (content: string | Buffer) => createHash("sha1").update(content).digest("hex");

/**
 * What generate wrote to each output folder, kept in the cache folder (never in the output, which
 * is published). A file whose size, time and inode are as recorded still holds what was written,
 * so comparing it with what generate would write now needs only a hash of the new content, not a
 * read of the old: the output at 2,000 events is about 500 MB. As git does for its index, a file
 * that changed close to the moment of recording is read instead (its edit could keep size and time).
 * Used by generate only: `generate --check` always reads every file.
 */
export class OutputManifest {
  private readonly stored: Stored;
  /** Hashes of the new content, made once for both `holds` and `record`. */
  private readonly hashes = new Map<string, string>();
  /** Keys of the new content, for the keyed files. */
  private readonly keys = new Map<string, string>();
  /** Whether `fresh` had to read a file recorded too soon after it was written. */
  private racyRead = false;
  /**
   * The stat of each file found as recorded. A file left as it is (the commit does not touch it,
   * or links it into a new folder, which keeps its inode and time) is recorded with it again instead of a second stat: at 2,000 events that is
   * 8,000 stats. A file changed since its stat was taken then differs from its record, and is read.
   */
  private readonly verified = new Map<string, Stats>();

  constructor(
    private readonly cacheFolder: string,
    private readonly dir: string,
  ) {
    this.stored = this.load();
  }

  private get file(): string {
    return path.join(this.cacheFolder, "outputs", `${contentHash(path.resolve(this.dir))}.json`);
  }

  private load(): Stored {
    try {
      const value = JSON.parse(readFileSync(this.file, "utf8")) as Stored;
      if (typeof value.writtenMs === "number" && typeof value.files === "object" && value.files !== null) return value;
    } catch {
      // none yet, or unreadable: every file is read
    }
    return { writtenMs: 0, files: {} };
  }

  /** True when `rel` is known to hold `content` without reading it; false means "read it to know". */
  holds(rel: string, content: string): boolean {
    const entry = this.stored.files[rel];
    return entry !== undefined && this.unchanged(rel, entry) && entry.hash === this.hash(rel, content);
  }

  /**
   * The file on disk is the one recorded: same size, time and inode, recorded long enough after its
   * last change; or, with `readRacy`, one recorded too soon after whose content hashes as recorded.
   */
  private unchanged(rel: string, entry: Entry, readRacy = false): boolean {
    const racy = entry.mtimeMs >= this.stored.writtenMs - RACY_MS;
    if (racy && !readRacy) return false;
    try {
      const file = path.join(this.dir, rel);
      const stat = statSync(file);
      if (!(stat.isFile() && stat.size === entry.size && stat.mtimeMs === entry.mtimeMs && stat.ino === entry.ino)) return false;
      if (racy) {
        this.racyRead = true;
        if (contentHash(readFileSync(file)) !== entry.hash) return false;
      }
      this.verified.set(rel, stat);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * True when `rel` was recorded with `key` and is on disk as recorded: by its stat, or, written too
   * close to the recording, by its content's hash. Then it holds what a render with that key writes.
   */
  keeps(rel: string, key: string): boolean {
    const entry = this.stored.files[rel];
    return entry !== undefined && entry.key === key && this.unchanged(rel, entry, true);
  }

  /** Hashes what `rel` is to hold now (rendered from `key`, when keyed), so that `record` needs no content: the caller can let it go. */
  remember(rel: string, content: string, key?: string): void {
    this.hash(rel, content);
    if (key !== undefined) this.keys.set(rel, key);
  }

  /** `rel` stays as recorded (kept: see `keeps`), with the hash and key it was recorded with. */
  keep(rel: string): void {
    const entry = this.stored.files[rel];
    if (entry?.key === undefined) throw new Error(`${path.join(this.dir, rel)}: kept, but never recorded with a key`);
    this.hashes.set(rel, entry.hash);
    this.keys.set(rel, entry.key);
  }

  private hash(rel: string, content: string): string {
    let hash = this.hashes.get(rel);
    if (hash === undefined) {
      hash = contentHash(content);
      this.hashes.set(rel, hash);
    }
    return hash;
  }

  /**
   * Whether the folder is exactly as the run with these inputs left it: every recorded file by its
   * stat, and no other file. Then the catalog's summary as that run gave it and the number of files;
   * undefined means "render to know".
   */
  fresh(key: string): { summary: string; files: number } | undefined {
    const inputs = this.stored.inputs;
    if (inputs === undefined || inputs.key !== key) return undefined;
    const recorded = Object.keys(this.stored.files);
    let listed: string[];
    try {
      listed = listFiles(this.dir);
    } catch {
      return undefined;
    }
    if (listed.length !== recorded.length) return undefined;
    for (const rel of listed) {
      const entry = this.stored.files[rel];
      // Right after a run most files are too recent to trust by their stat: read those, as git does.
      if (entry === undefined || !this.unchanged(rel, entry, true)) return undefined;
    }
    // Recorded again now that they are read: the next run trusts what is old enough by its stat.
    if (this.racyRead) writeCacheFile(this.file, JSON.stringify({ ...this.stored, writtenMs: Date.now() } satisfies Stored));
    return { summary: inputs.summary, files: listed.length };
  }

  /**
   * Records the folder as it is now, holding the files at `rels` (each `remember`ed), written by a run
   * with `inputs`; `written`: those this run wrote, whose earlier stat is no longer theirs.
   */
  record(rels: Iterable<string>, written: ReadonlySet<string>, inputs?: { key: string; summary: string }): void {
    const entries: Record<string, Entry> = {};
    for (const rel of rels) {
      const hash = this.hashes.get(rel);
      if (hash === undefined) throw new Error(`${path.join(this.dir, rel)}: recorded, but its content was never remembered`);
      try {
        const stat = (!written.has(rel) && this.verified.get(rel)) || statSync(path.join(this.dir, rel));
        const key = this.keys.get(rel);
        entries[rel] = { hash, size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino, ...(key === undefined ? {} : { key }) };
      } catch {
        return; // a file removed since the write: keep the last record (holds() checks each entry against the disk)
      }
    }
    writeCacheFile(this.file, JSON.stringify({ writtenMs: Date.now(), files: entries, ...(inputs && { inputs }) } satisfies Stored));
  }
}

/** A folder that holds a target's files, under `under` when it includes them as another target's. */
export interface Placement {
  readonly dir: string;
  readonly under?: string;
}

/**
 * Kept for a target whose files go to `placements` (a worker builds its own from the same): a file is
 * kept only when every folder that holds it keeps it, since a kept file's content is never made.
 */
export function keptIn(cache: string, placements: readonly Placement[]): Kept | undefined {
  if (placements.length === 0) return undefined;
  const manifests = placements.map((p) => ({ manifest: new OutputManifest(cache, p.dir), under: p.under }));
  return (rel, key) => manifests.every(({ manifest, under }) => manifest.keeps(under === undefined ? rel : `${under}/${rel}`, key));
}
