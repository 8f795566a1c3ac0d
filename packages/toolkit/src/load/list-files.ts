import { readdirSync } from "node:fs";
import path from "node:path";

const CACHE_FOLDERS = new Set(["__pycache__", ".mypy_cache"]);

/**
 * Every file under dir, relative to it with "/" and sorted. It sits in load/ because the release history
 * (load/history.ts) lists registry/ with it as well as emit/ listing its output folders.
 */
export function listFiles(dir: string, prefix = "", links?: Set<string>): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    // Caches that tools write next to generated code are not output; they neither count nor matter.
    if (CACHE_FOLDERS.has(entry.name)) continue;
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel, links));
    else {
      out.push(rel);
      // The listing knows for free which entries are symbolic links (`links` collects them); a stat would not.
      if (entry.isSymbolicLink()) links?.add(rel);
    }
  }
  return out.sort();
}
