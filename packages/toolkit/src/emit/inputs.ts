import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { toolkitSalt } from "../load/cache-files.js";
import type { CanonConfig } from "../load/config.js";
import { listFiles } from "../load/list-files.js";
import type { GenerateResult } from "./generate.js";
import { OutputManifest } from "./output-manifest.js";
import type { Target } from "./targets.js";

const TEMPLATES = fileURLToPath(new URL("../../templates/", import.meta.url));

/**
 * One hash of everything a generate run reads: the schema, service and release folders byte for
 * byte, the resolved config, the runtime templates, and the toolkit's code and libraries. Two runs
 * with the same key write the same files, so a run whose key and output are as the last one left
 * them has nothing to do. Undefined where an entry cannot be read as a file (a link to a folder,
 * whose contents the loader may or may not read, or a dangling one): such a tree is always rendered.
 */
export function inputsKey(config: CanonConfig<string>): string | undefined {
  const hash = createHash("sha256");
  hash.update(toolkitSalt());
  hash.update(JSON.stringify(config, (_key, value: unknown) => (value instanceof Map ? [...value] : value)));
  for (const folder of [config.schemas, config.services, config.registry, TEMPLATES]) {
    hash.update(`\0folder ${folder}\0`);
    if (!existsSync(folder)) continue;
    for (const rel of listFiles(folder)) {
      let content: Buffer;
      try {
        content = readFileSync(path.join(folder, rel));
      } catch {
        return undefined;
      }
      hash.update(`\0file ${rel} ${content.length}\0`).update(content);
    }
  }
  return hash.digest("hex");
}

/**
 * What generate would report, when every asked target's folder is as the last run with the same
 * inputs left it (see OutputManifest.fresh): nothing to render, compare or write. Undefined: render.
 */
export function freshOutputs(
  config: CanonConfig<Target>,
  targets: readonly Target[],
  key: string,
): { summary: string; results: GenerateResult[] } | undefined {
  if (config.cache === undefined) return undefined;
  const results: GenerateResult[] = [];
  let summary: string | undefined;
  for (const target of targets) {
    const folder = config.outputs[target];
    const fresh = new OutputManifest(config.cache, folder).fresh(key);
    if (fresh === undefined || (summary !== undefined && fresh.summary !== summary)) return undefined;
    summary = fresh.summary;
    results.push({ target, folder, files: fresh.files, changed: false });
  }
  return summary === undefined ? undefined : { summary, results };
}
