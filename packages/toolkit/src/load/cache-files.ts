import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

// What every file of the cache folder (the render cache, the output manifests, CheckedFiles) is made with.

/**
 * The libraries whose output is cached or written, each as `[name, the library it is resolved from]`:
 * a new version of any of them must miss. ajv-formats' expressions are written into the validators;
 * prettier formats json-schema-to-typescript's output and is its dependency, not ours.
 */
const LIBRARIES: readonly (readonly [string, string?])[] = [
  ["ajv"],
  ["ajv-formats"],
  ["json-schema-to-typescript"],
  ["prettier", "json-schema-to-typescript"],
  ["quicktype-core"],
  ["avsc"],
];

/**
 * What every key includes besides its input: the toolkit's own compiled code and the libraries'
 * versions, so a rebuilt emitter or an upgraded library never reads an entry made by the old one.
 */
export function toolkitSalt(): string {
  salt ??= computeSalt();
  return salt;
}
let salt: string | undefined;

function computeSalt(): string {
  // This module is in dist/load/: every compiled module of the toolkit is under its parent.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const hash = createHash("sha256");
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".js")) hash.update(entry.name).update(readFileSync(full));
    }
  };
  walk(path.dirname(here));
  const ours = createRequire(import.meta.url);
  for (const [name, from] of LIBRARIES) {
    const require = from === undefined ? ours : createRequire(ours.resolve(from));
    const manifest = require(`${name}/package.json`) as { version: string };
    hash.update(`${name}@${manifest.version}`);
  }
  return hash.digest("hex");
}

/**
 * Writes a file of the cache folder whole (to a temporary name, then renamed), or not at all: a
 * read-only or full disk makes the cache useless, not the run wrong.
 */
export function writeCacheFile(file: string, text: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch {
    // see above
  }
}
