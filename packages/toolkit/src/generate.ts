import type { Catalog } from "./catalog.js";
import { type CanonConfig, TARGETS, type Target } from "./config.js";
import { avroEmitter } from "./emit/avro.js";
import type { Emitter, OutputFiles } from "./emit/emitter.js";
import { jsonSchemaEmitter } from "./emit/json-schema.js";
import { pythonEmitter } from "./emit/python.js";
import { RenderCache } from "./emit/render-cache.js";
import { typescriptEmitter } from "./emit/typescript.js";
import { differences, writeOutputFolders } from "./write-outputs.js";

export const EMITTERS: Readonly<Record<Target, Emitter>> = {
  typescript: typescriptEmitter,
  avro: avroEmitter,
  python: pythonEmitter,
  jsonschema: jsonSchemaEmitter,
};

/** Renders the targets in memory; nothing touches the disk until all of them succeeded. */
export async function renderAll(
  catalog: Catalog,
  config: CanonConfig,
  targets: readonly Target[] = TARGETS,
): Promise<Map<Target, OutputFiles>> {
  const rendered = new Map<Target, OutputFiles>();
  const cache = new RenderCache(config.cache);
  for (const target of targets) rendered.set(target, await EMITTERS[target].emit(catalog.model, config, cache));
  return rendered;
}

export interface GenerateResult {
  readonly target: Target;
  readonly folder: string;
  readonly files: number;
  readonly changed: boolean;
}

/** Renders every target, then replaces their folders all at once: a killed run leaves all old or all new. */
export async function generate(catalog: Catalog, config: CanonConfig, targets?: readonly Target[]): Promise<GenerateResult[]> {
  const rendered = await renderAll(catalog, config, targets);
  const changed = writeOutputFolders(new Map([...rendered].map(([target, files]) => [config.outputs[target], files])));
  return [...rendered].map(([target, files]) => ({
    target,
    folder: config.outputs[target],
    files: files.size,
    changed: changed.get(config.outputs[target]) ?? false,
  }));
}

/** Files on disk that differ from what generate would write now (changed, missing or extra). */
export async function staleFiles(catalog: Catalog, config: CanonConfig, targets?: readonly Target[]): Promise<string[]> {
  const rendered = await renderAll(catalog, config, targets);
  return [...rendered].flatMap(([target, files]) => differences(config.outputs[target], files));
}
