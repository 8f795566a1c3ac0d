import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Catalog } from "../lint/catalog.js";
import type { CanonConfig } from "../load/config.js";
import { readHistory } from "../load/history.js";
import type { Model } from "../load/model.js";
import { type ReleasedSchemas, releasedSchemas } from "../load/released-schemas.js";
import type { Rendering } from "./emitter.js";
import { keptIn, type Placement } from "./output-manifest.js";
import { pruneRenderCache, RenderCache } from "./render-cache.js";
import type { WorkerData } from "./render-worker.js";
import { TARGETS, type Target, targetNamed } from "./targets.js";
import { commitStaged, recoverInterruptedWrite, StagedFolder } from "./write-outputs.js";

/** Renders the targets in memory; nothing touches the disk. */
export async function renderAll(
  catalog: Catalog,
  config: CanonConfig,
  targets: readonly Target[] = TARGETS,
): Promise<Map<Target, Rendering>> {
  const rendered = new Map<Target, Rendering>();
  await renderEach(catalog, config, targets, (target, rendering) => rendered.set(target, rendering));
  return new Map(targets.map((t) => [t, withIncludes(t, rendered)]));
}

/**
 * Renders the targets and the targets they include, handing each rendering (without its includes) to
 * `rendered` as soon as it is made, so a caller that keeps none holds one target's output at a time.
 */
async function renderEach(
  catalog: Catalog,
  config: CanonConfig,
  targets: readonly Target[],
  rendered: (target: Target, rendering: Rendering) => void,
  /** Where each target's files go, for an emitter to leave out what is there already (keptIn); none: render all. */
  placements?: (target: Target) => Placement[],
): Promise<void> {
  const cache = new RenderCache(config.cache);
  const keptFor = (target: Target) => (placements && config.cache ? { cache: config.cache, placements: placements(target) } : undefined);
  const released = releasedSchemas(readHistory(config));
  // A target's included targets are rendered too, even when not asked for.
  const needed = TARGETS.filter((t) => targets.includes(t) || targets.some((asked) => includedBy(asked).has(t)));
  // With a second core, a target that asks for a worker renders there while the others render here
  // (EVENTCANON_WORKERS=off renders all in this thread).
  // (The worker loads the compiled module: run from TypeScript sources, as in-process tests do, all render here.)
  const workersWanted =
    needed.length > 1 && availableParallelism() > 1 && process.env.EVENTCANON_WORKERS !== "off" && import.meta.url.endsWith(".js");
  const workers = new Map(
    needed
      .filter((t) => workersWanted && targetNamed(t).worker === true)
      .map((t) => [t, renderInWorker(catalog.model, config, released, t, keptFor(t))]),
  );
  try {
    for (const target of needed) {
      if (workers.has(target)) continue;
      const emitter = await targetNamed(target).emitter();
      const kept = keptFor(target);
      rendered(target, await emitter.emit(catalog.model, config, cache, released, kept && keptIn(kept.cache, kept.placements)));
    }
    for (const [target, worker] of workers) rendered(target, await worker.rendering);
  } finally {
    await Promise.all([...workers.values()].map((w) => w.stop()));
  }
}

/** The targets `target` includes, by the folder of its output they go in. */
function includedBy(target: Target): Map<Target, string> {
  return new Map(Object.entries(targetNamed(target).includes ?? {}).map(([folder, included]) => [included as Target, folder]));
}

/** The target's own rendering with, under each folder it includes, the included target's files. */
function withIncludes(target: Target, rendered: ReadonlyMap<Target, Rendering>): Rendering {
  const own = rendered.get(target) as Rendering;
  const files = new Map(own.files);
  for (const [included, folder] of includedBy(target))
    for (const [rel, content] of rendered.get(included)?.files ?? []) files.set(`${folder}/${rel}`, content);
  return { ...own, files };
}

function renderInWorker(
  model: Model,
  config: CanonConfig,
  released: ReleasedSchemas,
  target: Target,
  kept: WorkerData["kept"],
): { rendering: Promise<Rendering>; stop: () => Promise<number> } {
  const workerData: WorkerData = { model, config, released, target, kept };
  const worker = new Worker(new URL("./render-worker.js", import.meta.url), { workerData });
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

/**
 * Renders every target, then replaces their folders all at once: a killed run leaves all old or all new.
 * Each rendering is staged (compared, and what differs written beside its folder) as soon as it is made
 * and then let go: the output at 2,000 events is hundreds of MB.
 */
export async function generate(
  catalog: Catalog,
  config: CanonConfig<Target>,
  targets: readonly Target[] = TARGETS,
  /** See inputsKey: recorded with the output, so that a run with the same inputs has nothing to do. */
  inputs?: { key: string; summary: string },
): Promise<GenerateResult[]> {
  // A second of slack: file times come from a coarser clock than Date.now().
  const started = Date.now() - 1000;
  for (const target of targets) recoverInterruptedWrite(config.outputs[target]);
  const folders = new Map(targets.map((t) => [t, new StagedFolder(config.outputs[t], { write: true, cache: config.cache })]));
  try {
    await stageEach(catalog, config, targets, folders, true);
  } catch (error) {
    // A render failed before anything was committed: leave no staging behind (the next run would remove it too).
    for (const folder of folders.values()) folder.discard();
    throw error;
  }
  const changed = commitStaged([...folders.values()], undefined, inputs);
  pruneRenderCache(config.cache, started);
  return [...folders].map(([target, folder]) => ({
    target,
    folder: folder.dir,
    files: folder.files,
    changed: changed.get(folder.dir) ?? false,
  }));
}

/** Adds each rendering to its target's folder and to the folders of the targets that include it. */
async function stageEach(
  catalog: Catalog,
  config: CanonConfig<Target>,
  targets: readonly Target[],
  folders: ReadonlyMap<Target, StagedFolder>,
  /** Let emitters leave out files the folders already hold (only when writing: `--check` reads every file). */
  keep: boolean,
): Promise<void> {
  await renderEach(
    catalog,
    config,
    targets,
    (target, { files, keys }) => {
      const own = folders.get(target);
      own?.add(files, undefined, keys);
      // The including folder links the own folder's copies: the Python package's schemas are 40% of the output.
      for (const [asked, folder] of folders) {
        const under = includedBy(asked).get(target);
        if (under !== undefined) folder.add(files, under, keys, own);
      }
    },
    keep ? (target) => placementsOf(target, config, targets) : undefined,
  );
}

/** The folders generate writes `target`'s files to: its own, if asked for, and those of the asked targets that include it. */
export function placementsOf(target: Target, config: CanonConfig<Target>, targets: readonly Target[]): Placement[] {
  return targets.flatMap((asked) => {
    if (asked === target) return [{ dir: config.outputs[asked] }];
    const under = includedBy(asked).get(target);
    return under === undefined ? [] : [{ dir: config.outputs[asked], under }];
  });
}

/** Files on disk that differ from what generate would write now (changed, missing or extra). */
export async function staleFiles(catalog: Catalog, config: CanonConfig<Target>, targets: readonly Target[] = TARGETS): Promise<string[]> {
  const folders = new Map(targets.map((t) => [t, new StagedFolder(config.outputs[t], { write: false })]));
  await stageEach(catalog, config, targets, folders, false);
  return [...folders.values()].flatMap((folder) => folder.finish());
}
