// Renders one target in a worker thread (see renderAll); the model and config arrive structured-cloned.
import { parentPort, workerData } from "node:worker_threads";
import type { CanonConfig } from "../load/config.js";
import type { Model } from "../load/model.js";
import type { ReleasedSchemas } from "../load/released-schemas.js";
import { RenderCache } from "./render-cache.js";
import { type Target, targetNamed } from "./targets.js";

const { model, config, released, target } = workerData as { model: Model; config: CanonConfig; released: ReleasedSchemas; target: Target };
const emitter = await targetNamed(target).emitter();
parentPort?.postMessage(await emitter.emit(model, config, new RenderCache(config.cache), released));
