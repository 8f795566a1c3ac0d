import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { toolkitSalt, writeCacheFile } from "./cache-files.js";
import { META_SCHEMA_URL } from "./meta-schema.js";
import type { FileRole } from "./schema-files.js";

/** How many passes are remembered: several catalogs (a base version for check, branches) share a cache. */
export const CHECKED_LIMIT = 50_000;

/**
 * Schema files that passed the checks a file gets on its own (strict JSON without a BOM, repeated
 * keys or too deep nesting, and the meta-schema), by a digest of their bytes, their role, the
 * toolkit (its code and libraries, see toolkitSalt) and the meta-schema: a file that has not changed
 * is not checked again. At 2,000 events those checks were about 0.3 s of every lint. Only passes
 * are recorded, so a lost or damaged record costs a check, never a verdict.
 */
export class CheckedFiles {
  private readonly known: ReadonlySet<string>;
  private readonly seen = new Set<string>();
  private readonly prefix: string | undefined;

  constructor(private readonly cache: string | undefined) {
    this.prefix = cache === undefined ? undefined : `${toolkitSalt()}\n${readFileSync(META_SCHEMA_URL, "utf8")}\n`;
    this.known = new Set(cache === undefined ? [] : readLines(this.file()));
  }

  /** The digest a file is recorded under; undefined without a cache. */
  digest(role: FileRole, bytes: Buffer): string | undefined {
    if (this.prefix === undefined) return undefined;
    return createHash("sha1").update(this.prefix).update(role).update("\n").update(bytes).digest("hex");
  }

  /** Whether the file with this digest passed before. */
  passed(digest: string | undefined): boolean {
    return digest !== undefined && this.known.has(digest);
  }

  /** Records that the file with this digest passed in this run. */
  pass(digest: string | undefined): void {
    if (digest !== undefined) this.seen.add(digest);
  }

  /** Writes this run's passes, then the earlier ones up to CHECKED_LIMIT; nothing when nothing is new. */
  save(): void {
    if (this.cache === undefined || [...this.seen].every((d) => this.known.has(d))) return;
    const kept = [...this.seen, ...[...this.known].filter((d) => !this.seen.has(d))].slice(0, CHECKED_LIMIT);
    writeCacheFile(this.file(), `${kept.join("\n")}\n`);
  }

  private file(): string {
    return path.join(this.cache as string, "checked-files.txt");
  }
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => /^[0-9a-f]{40}$/.test(line));
  } catch {
    return [];
  }
}
