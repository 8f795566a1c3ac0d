import type { Catalog } from "../lint/catalog.js";
import type { CanonConfig } from "../load/config.js";
import { readHistory } from "../load/history.js";
import type { Model } from "../load/model.js";
import { type ReleasedSchemas, releasedSchemas } from "../load/released-schemas.js";
import type { FileSink, OutputFiles, Rendering } from "./emitter.js";
import { ModelDigests } from "./file-keys.js";
import { keptIn, type Placement } from "./output-manifest.js";
import { pruneRenderCache, RenderCache } from "./render-cache.js";
import type { RenderJob } from "./render-worker.js";
import { includedBy, RenderWorkers, targetsNeeded } from "./render-workers.js";
import { TARGETS, type Target, targetNamed } from "./targets.js";
import { commitStaged, recoverInterruptedWrite, StagedFolder } from "./write-outputs.js";

/** Renders the targets in memory; nothing touches the disk. */
export async function renderAll(
  catalog: Catalog,
  config: CanonConfig,
  targets: readonly Target[] = TARGETS,
): Promise<Map<Target, Rendering>> {
  const rendered = new Map<Target, Rendering>();
  await renderEach(catalog, config, targets, RenderWorkers.start(targets), (target, rendering) => rendered.set(target, rendering));
  return new Map(targets.map((t) => [t, withIncludes(t, rendered)]));
}

/**
 * Renders the targets and the targets they include, handing each rendering (without its includes) to
 * `rendered` as soon as it is made, so a caller that keeps none holds one target's output at a time.
 * With `sink`, a target rendered here hands each file to its sink instead, and its rendering to
 * `rendered` holds none. A target with a worker in `workers` renders there while the others render
 * here; the workers end with it.
 */
async function renderEach(
  catalog: Catalog,
  config: CanonConfig,
  targets: readonly Target[],
  workers: RenderWorkers,
  rendered: (target: Target, rendering: Rendering) => void,
  /** Where each target's files go, for an emitter to leave out what is there already (keptIn); none: render all. */
  placements?: (target: Target) => Placement[],
  sink?: (target: Target) => FileSink,
): Promise<void> {
  try {
    const cache = new RenderCache(config.cache);
    const released = releasedSchemas(readHistory(config));
    const needed = targetsNeeded(targets);
    const renderHere = async (target: Target) => {
      const emitter = await targetNamed(target).emitter();
      const kept = keptFor(target, config, placements);
      return emitter.emit(catalog.model, config, cache, released, kept && keptIn(kept.cache, kept.placements), sink?.(target));
    };
    // A worker's rendering is handed on as it arrives and not held after (it is tens of MB at 2,000 events).
    const inWorkers = needed
      .filter((target) => workers.has(target))
      .map((target) => {
        const staged = workers
          .render(target, () => workerJob(target, catalog.model, config, placements, released))
          .catch((error: unknown) => {
            // A worker over its heap limit (see RenderWorkers) leaves its target to this thread: a limit never fails a run.
            if ((error as { code?: unknown }).code !== "ERR_WORKER_OUT_OF_MEMORY") throw error;
            process.emitWarning(`the ${target} renderer needed more than its ${workers.heapMb} MB heap; rendering it on the main thread`, {
              code: "EVENTCANON_WORKER_HEAP",
            });
            return renderHere(target);
          })
          .then((rendering) => rendered(target, rendering));
        // Awaited below; a failure here first must not be an unhandled rejection.
        staged.catch(() => {});
        return staged;
      });
    for (const target of needed) if (!workers.has(target)) rendered(target, await renderHere(target));
    await Promise.all(inWorkers);
  } finally {
    await workers.stop();
  }
}

/**
 * Hands each worker its job as soon as the model is built, before the lint rules run on this thread
 * (a run that lint stops ends the workers unused): at 2,000 events the Python render is the longest
 * part of a one-field change, and the rules took about 0.3 s of it. `keep` as for stageEach.
 */
export function beginWorkerRenders(
  model: Model,
  config: CanonConfig<Target>,
  targets: readonly Target[],
  workers: RenderWorkers,
  keep: boolean,
): void {
  const placements = keep ? (target: Target) => placementsOf(target, config, targets) : undefined;
  for (const target of targetsNeeded(targets))
    if (workers.has(target))
      workers.begin(target, () => workerJob(target, model, config, placements, releasedSchemas(readHistory(config))));
}

/** Where an emitter finds what the disk holds already (see keptIn); none without placements or a cache. */
function keptFor(target: Target, config: CanonConfig, placements: ((target: Target) => Placement[]) | undefined) {
  return placements && config.cache ? { cache: config.cache, placements: placements(target) } : undefined;
}

/** A worker's job. The digests are made on this thread anyway, for its own targets' keys; the worker is handed them. */
function workerJob(
  target: Target,
  model: Model,
  config: CanonConfig,
  placements: ((target: Target) => Placement[]) | undefined,
  released: ReleasedSchemas,
): RenderJob {
  return {
    model: workerModel(target, model),
    config,
    released,
    kept: keptFor(target, config, placements),
    digests: ModelDigests.of(model).all(),
  };
}

/** What a worker rendering `target` is handed of the model: without the events' examples if it reads none (see readsExamples). */
export function workerModel(target: Target, model: Model): Model {
  if (targetNamed(target).readsExamples !== false) return model;
  return { ...model, events: model.events.map((event) => ({ ...event, examples: [] })) };
}

/** The target's own rendering with, under each folder it includes, the included target's files. */
function withIncludes(target: Target, rendered: ReadonlyMap<Target, Rendering>): Rendering {
  const own = rendered.get(target) as Rendering;
  const files = new Map(own.files);
  for (const [included, folder] of includedBy(target))
    for (const [rel, content] of rendered.get(included)?.files ?? []) files.set(`${folder}/${rel}`, content);
  return { ...own, files };
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
  /** Started before the catalog was read (see RenderWorkers); they end with the render. */
  workers: RenderWorkers = RenderWorkers.start(targets),
): Promise<GenerateResult[]> {
  // A second of slack: file times come from a coarser clock than Date.now().
  const started = Date.now() - 1000;
  const folders = new Map<Target, StagedFolder>();
  try {
    for (const target of targets) recoverInterruptedWrite(config.outputs[target]);
    for (const t of targets) folders.set(t, new StagedFolder(config.outputs[t], { write: true, cache: config.cache }));
    await stageEach(catalog, config, targets, folders, workers, true);
  } catch (error) {
    await workers.stop();
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
  workers: RenderWorkers,
  /** Let emitters leave out files the folders already hold (only when writing: `--check` reads every file). */
  keep: boolean,
): Promise<void> {
  const stage = (target: Target, files: OutputFiles, keys: ReadonlyMap<string, string> | undefined) => {
    const own = folders.get(target);
    own?.add(files, undefined, keys);
    // The including folder links the own folder's copies: the Python package's schemas are 40% of the output.
    for (const [asked, folder] of folders) {
      const under = includedBy(asked).get(target);
      if (under !== undefined) folder.add(files, under, keys, own);
    }
  };
  await renderEach(
    catalog,
    config,
    targets,
    workers,
    (target, { files, keys }) => stage(target, files, keys),
    keep ? (target) => placementsOf(target, config, targets) : undefined,
    (target) => (rel, content, key) =>
      stage(target, content === undefined ? new Map() : new Map([[rel, content]]), key === undefined ? undefined : new Map([[rel, key]])),
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
export async function staleFiles(
  catalog: Catalog,
  config: CanonConfig<Target>,
  targets: readonly Target[] = TARGETS,
  workers: RenderWorkers = RenderWorkers.start(targets),
): Promise<string[]> {
  const folders = new Map(targets.map((t) => [t, new StagedFolder(config.outputs[t], { write: false })]));
  await stageEach(catalog, config, targets, folders, workers, false);
  return [...folders.values()].flatMap((folder) => folder.finish());
}
