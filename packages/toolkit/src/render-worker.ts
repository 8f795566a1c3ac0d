// Renders one target in a worker thread (see renderAll); the model and config arrive structured-cloned.
import { parentPort, workerData } from "node:worker_threads";
import type { CanonConfig, Target } from "./config.js";
import { RenderCache } from "./emit/render-cache.js";
import { EMITTERS } from "./generate.js";
import type { Model } from "./model.js";
import type { ReleasedSchemas } from "./registry/released-schemas.js";

const { model, config, released, target } = workerData as { model: Model; config: CanonConfig; released: ReleasedSchemas; target: Target };
parentPort?.postMessage(await EMITTERS[target].emit(model, config, new RenderCache(config.cache), released));
