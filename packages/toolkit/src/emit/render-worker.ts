// Renders one target in a worker thread (see renderAll); the model and config arrive structured-cloned.
import { parentPort, workerData } from "node:worker_threads";
import type { CanonConfig } from "../load/config.js";
import type { Model } from "../load/model.js";
import type { ReleasedSchemas } from "../load/released-schemas.js";
import { keptIn, type Placement } from "./output-manifest.js";
import { RenderCache } from "./render-cache.js";
import { type Target, targetNamed } from "./targets.js";

export interface WorkerData {
  readonly model: Model;
  readonly config: CanonConfig;
  readonly released: ReleasedSchemas;
  readonly target: Target;
  /** Where the target's files go, to build its Kept here (a function cannot be sent). */
  readonly kept: { readonly cache: string; readonly placements: readonly Placement[] } | undefined;
}

const { model, config, released, target, kept } = workerData as WorkerData;
const emitter = await targetNamed(target).emitter();
const rendering = await emitter.emit(model, config, new RenderCache(config.cache), released, kept && keptIn(kept.cache, kept.placements));
parentPort?.postMessage(rendering);
