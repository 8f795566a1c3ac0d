// Renders one target in a worker thread (see RenderWorkers): started with the target's name only, so
// that its emitter's modules load while the catalog is read; the job (model, config) follows, structured-cloned.
import { parentPort, workerData } from "node:worker_threads";
import type { CanonConfig } from "../load/config.js";
import type { Model } from "../load/model.js";
import type { ReleasedSchemas } from "../load/released-schemas.js";
import { ModelDigests, type NodeDigests } from "./file-keys.js";
import { keptIn, type Placement } from "./output-manifest.js";
import { RenderCache } from "./render-cache.js";
import { type Target, targetNamed } from "./targets.js";

export interface WorkerData {
  readonly target: Target;
}

export interface RenderJob {
  readonly model: Model;
  readonly config: CanonConfig;
  readonly released: ReleasedSchemas;
  /** Where the target's files go, to build its Kept here (a function cannot be sent). */
  readonly kept: { readonly cache: string; readonly placements: readonly Placement[] } | undefined;
  readonly digests: NodeDigests;
}

const { target } = workerData as WorkerData;
const emitter = targetNamed(target).emitter();
// Unhandled here, a failed import would end the thread before the job's listener reports it.
emitter.catch(() => {});

parentPort?.once("message", async ({ model, config, released, kept, digests }: RenderJob) => {
  ModelDigests.adopt(model, digests);
  const rendering = await (await emitter).emit(
    model,
    config,
    new RenderCache(config.cache),
    released,
    kept && keptIn(kept.cache, kept.placements),
  );
  parentPort?.postMessage(rendering);
});
