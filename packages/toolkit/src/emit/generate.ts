import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Catalog } from "../lint/catalog.js";
import { type CanonConfig, TARGETS, type Target } from "../load/config.js";
import { readHistory } from "../load/history.js";
import type { Model } from "../load/model.js";
import { type ReleasedSchemas, releasedSchemas } from "../load/released-schemas.js";
import { asyncapiEmitter } from "./asyncapi/index.js";
import { avroEmitter } from "./avro/index.js";
import type { Emitter, OutputFiles } from "./emitter.js";
import { jsonSchemaEmitter } from "./jsonschema/index.js";
import { pythonEmitter } from "./python/index.js";
import { pruneRenderCache, RenderCache } from "./render-cache.js";
import { typescriptEmitter } from "./typescript/index.js";
import { differences, writeOutputFolders } from "./write-outputs.js";

export const EMITTERS: Readonly<Record<Target, Emitter>> = {
  typescript: typescriptEmitter,
  avro: avroEmitter,
  python: pythonEmitter,
  jsonschema: jsonSchemaEmitter,
  asyncapi: asyncapiEmitter,
};

/** Renders the targets in memory; nothing touches the disk until all of them succeeded. */
export async function renderAll(
  catalog: Catalog,
  config: CanonConfig,
  targets: readonly Target[] = TARGETS,
): Promise<Map<Target, OutputFiles>> {
  const cache = new RenderCache(config.cache);
  const released = releasedSchemas(readHistory(config));
  // A target's included targets are rendered too, even when not asked for.
  const needed = TARGETS.filter(
    (t) => targets.includes(t) || targets.some((asked) => Object.values(EMITTERS[asked].includes ?? {}).includes(t)),
  );
  // quicktype is the slowest single call and runs on one thread: with a second core, Python renders in a
  // worker while the other targets render here (EVENTCANON_WORKERS=off renders all in this thread).
  // (The worker loads the compiled module: run from TypeScript sources, as in-process tests do, all render here.)
  const inWorker =
    needed.length > 1 &&
    needed.includes("python") &&
    availableParallelism() > 1 &&
    process.env.EVENTCANON_WORKERS !== "off" &&
    import.meta.url.endsWith(".js");
  const worker = inWorker ? renderInWorker(catalog.model, config, released, "python") : undefined;
  try {
    const rendered = new Map<Target, OutputFiles>();
    for (const target of needed) {
      if (inWorker && target === "python") continue;
      rendered.set(target, await EMITTERS[target].emit(catalog.model, config, cache, released));
    }
    if (worker !== undefined) rendered.set("python", await worker.files);
    return new Map(targets.map((t) => [t, withIncludes(t, rendered)]));
  } finally {
    await worker?.stop();
  }
}

/** The target's own files and, under each folder it includes, the included target's files. */
function withIncludes(target: Target, rendered: ReadonlyMap<Target, OutputFiles>): OutputFiles {
  const files = new Map(rendered.get(target));
  for (const [folder, included] of Object.entries(EMITTERS[target].includes ?? {}))
    for (const [rel, content] of rendered.get(included) ?? []) files.set(`${folder}/${rel}`, content);
  return files;
}

function renderInWorker(
  model: Model,
  config: CanonConfig,
  released: ReleasedSchemas,
  target: Target,
): { files: Promise<OutputFiles>; stop: () => Promise<number> } {
  const worker = new Worker(new URL("./render-worker.js", import.meta.url), { workerData: { model, config, released, target } });
  const files = new Promise<OutputFiles>((resolve, reject) => {
    worker.once("message", (message: OutputFiles) => resolve(message));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the ${target} renderer stopped (exit ${code}) before it finished`)));
  });
  // A failure here must not leave the worker running (or an unhandled rejection behind).
  files.catch(() => {});
  return { files, stop: () => worker.terminate() };
}

export interface GenerateResult {
  readonly target: Target;
  readonly folder: string;
  readonly files: number;
  readonly changed: boolean;
}

/** Renders every target, then replaces their folders all at once: a killed run leaves all old or all new. */
export async function generate(
  catalog: Catalog,
  config: CanonConfig,
  targets?: readonly Target[],
  /** See inputsKey: recorded with the output, so that a run with the same inputs has nothing to do. */
  inputs?: { key: string; summary: string },
): Promise<GenerateResult[]> {
  // A second of slack: file times come from a coarser clock than Date.now().
  const started = Date.now() - 1000;
  const rendered = await renderAll(catalog, config, targets);
  const changed = writeOutputFolders(
    new Map([...rendered].map(([target, files]) => [config.outputs[target], files])),
    undefined,
    config.cache,
    inputs,
  );
  pruneRenderCache(config.cache, started);
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
