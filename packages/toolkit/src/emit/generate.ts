import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Catalog } from "../lint/catalog.js";
import type { CanonConfig } from "../load/config.js";
import { readHistory } from "../load/history.js";
import type { Model } from "../load/model.js";
import { type ReleasedSchemas, releasedSchemas } from "../load/released-schemas.js";
import type { Rendering } from "./emitter.js";
import { pruneRenderCache, RenderCache } from "./render-cache.js";
import { TARGETS, type Target, targetNamed } from "./targets.js";
import { differences, writeOutputFolders } from "./write-outputs.js";

/** Renders the targets in memory; nothing touches the disk until all of them succeeded. */
export async function renderAll(
  catalog: Catalog,
  config: CanonConfig,
  targets: readonly Target[] = TARGETS,
): Promise<Map<Target, Rendering>> {
  const cache = new RenderCache(config.cache);
  const released = releasedSchemas(readHistory(config));
  // A target's included targets are rendered too, even when not asked for.
  const needed = TARGETS.filter(
    (t) => targets.includes(t) || targets.some((asked) => Object.values(targetNamed(asked).includes ?? {}).includes(t)),
  );
  // With a second core, a target that asks for a worker renders there while the others render here
  // (EVENTCANON_WORKERS=off renders all in this thread).
  // (The worker loads the compiled module: run from TypeScript sources, as in-process tests do, all render here.)
  const workersWanted =
    needed.length > 1 && availableParallelism() > 1 && process.env.EVENTCANON_WORKERS !== "off" && import.meta.url.endsWith(".js");
  const workers = new Map(
    needed
      .filter((t) => workersWanted && targetNamed(t).worker === true)
      .map((t) => [t, renderInWorker(catalog.model, config, released, t)]),
  );
  try {
    const rendered = new Map<Target, Rendering>();
    for (const target of needed) {
      if (workers.has(target)) continue;
      const emitter = await targetNamed(target).emitter();
      rendered.set(target, await emitter.emit(catalog.model, config, cache, released));
    }
    for (const [target, worker] of workers) rendered.set(target, await worker.rendering);
    return new Map(targets.map((t) => [t, withIncludes(t, rendered)]));
  } finally {
    await Promise.all([...workers.values()].map((w) => w.stop()));
  }
}

/** The target's own rendering with, under each folder it includes, the included target's files. */
function withIncludes(target: Target, rendered: ReadonlyMap<Target, Rendering>): Rendering {
  const own = rendered.get(target) as Rendering;
  const files = new Map(own.files);
  for (const [folder, included] of Object.entries(targetNamed(target).includes ?? {}))
    for (const [rel, content] of rendered.get(included as Target)?.files ?? []) files.set(`${folder}/${rel}`, content);
  return { ...own, files };
}

function renderInWorker(
  model: Model,
  config: CanonConfig,
  released: ReleasedSchemas,
  target: Target,
): { rendering: Promise<Rendering>; stop: () => Promise<number> } {
  const worker = new Worker(new URL("./render-worker.js", import.meta.url), { workerData: { model, config, released, target } });
  const rendering = new Promise<Rendering>((resolve, reject) => {
    worker.once("message", (message: Rendering) => resolve(message));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the ${target} renderer stopped (exit ${code}) before it finished`)));
  });
  // A failure here must not leave the worker running (or an unhandled rejection behind).
  rendering.catch(() => {});
  return { rendering, stop: () => worker.terminate() };
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
  config: CanonConfig<Target>,
  targets?: readonly Target[],
  /** See inputsKey: recorded with the output, so that a run with the same inputs has nothing to do. */
  inputs?: { key: string; summary: string },
): Promise<GenerateResult[]> {
  // A second of slack: file times come from a coarser clock than Date.now().
  const started = Date.now() - 1000;
  const rendered = await renderAll(catalog, config, targets);
  const changed = writeOutputFolders(
    new Map([...rendered].map(([target, { files }]) => [config.outputs[target], files])),
    undefined,
    config.cache,
    inputs,
  );
  pruneRenderCache(config.cache, started);
  return [...rendered].map(([target, { files }]) => ({
    target,
    folder: config.outputs[target],
    files: files.size,
    changed: changed.get(config.outputs[target]) ?? false,
  }));
}

/** Files on disk that differ from what generate would write now (changed, missing or extra). */
export async function staleFiles(catalog: Catalog, config: CanonConfig<Target>, targets?: readonly Target[]): Promise<string[]> {
  const rendered = await renderAll(catalog, config, targets);
  return [...rendered].flatMap(([target, { files }]) => differences(config.outputs[target], files));
}
