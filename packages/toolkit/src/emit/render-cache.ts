import { readdirSync, readFileSync, rmSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { toolkitSalt, writeCacheFile } from "../load/cache-files.js";
import { sha256 } from "../load/canonical.js";

/**
 * A content-addressed store of rendered pieces (a type's declaration, a domain's validators, the
 * Python annotations): a piece whose input did not change since any earlier run is read back instead
 * of rendered again, which is what makes a one-file change cheap. Entries carry their own hash, so a
 * damaged one is rendered again rather than trusted; writes go to a temporary name and are renamed.
 */
export class RenderCache {
  private readonly salt: string | undefined;

  constructor(private readonly folder: string | undefined) {
    this.salt = folder === undefined ? undefined : toolkitSalt();
  }

  async get(kind: string, input: string, render: () => Promise<string> | string): Promise<string> {
    if (this.folder === undefined || this.salt === undefined) return render();
    const key = sha256(`${this.salt}\n${kind}\n${input}`);
    const file = path.join(this.folder, kind, `${key}.txt`);
    try {
      const stored = readFileSync(file, "utf8");
      const newline = stored.indexOf("\n");
      const body = stored.slice(newline + 1);
      if (stored.slice(0, newline) === sha256(body)) {
        // Its time says when it was last used: pruning removes the least recently used first.
        const now = new Date();
        utimesSync(file, now, now);
        return body;
      }
    } catch {
      // not cached yet
    }
    const body = await render();
    writeCacheFile(file, `${sha256(body)}\n${body}`);
    return body;
  }
}

/** No cache: every piece is rendered (tests of the emitters themselves, `EVENTCANON_CACHE=off`). */
export const NO_CACHE = new RenderCache(undefined);

/** Above this size, the entries used longest ago are removed after a generate. */
export const CACHE_BUDGET_BYTES = 512 * 2 ** 20;

/**
 * Keeps the cache within `budget`: entries not used since `since` (the start of this run), least
 * recently used first, go until the rest fit. What this run used is never removed, so a catalog
 * larger than the budget still renders warm. Returns the number of entries removed.
 */
export function pruneRenderCache(folder: string | undefined, since: number, budget = CACHE_BUDGET_BYTES): number {
  if (folder === undefined) return 0;
  const entries: { file: string; size: number; used: number }[] = [];
  try {
    for (const kind of readdirSync(folder, { withFileTypes: true })) {
      // Output manifests (output-manifest.ts) are few and small, and not render entries.
      if (!kind.isDirectory() || kind.name === "outputs") continue;
      for (const name of readdirSync(path.join(folder, kind.name))) {
        const file = path.join(folder, kind.name, name);
        const stat = statSync(file);
        entries.push({ file, size: stat.size, used: stat.mtimeMs });
      }
    }
  } catch {
    return 0;
  }
  let total = entries.reduce((sum, e) => sum + e.size, 0);
  let removed = 0;
  for (const entry of entries.filter((e) => e.used < since).sort((a, b) => a.used - b.used)) {
    if (total <= budget) break;
    rmSync(entry.file, { force: true });
    total -= entry.size;
    removed++;
  }
  return removed;
}
