import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Rendering } from "./emitter.js";
import type { RenderJob, WorkerData } from "./render-worker.js";
import { TARGETS, type Target, targetNamed } from "./targets.js";

/** The targets rendered for `targets`: they and the targets they include, in TARGETS order. */
export function targetsNeeded(targets: readonly Target[]): Target[] {
  return TARGETS.filter((t) => targets.includes(t) || targets.some((asked) => includedBy(asked).has(t)));
}

/** The targets `target` includes, by the folder of its output they go in. */
export function includedBy(target: Target): Map<Target, string> {
  return new Map(Object.entries(targetNamed(target).includes ?? {}).map(([folder, included]) => [included as Target, folder]));
}

/**
 * One worker thread per target that asks for one, started before the catalog is read: a worker's
 * first second goes to loading its emitter's modules (quicktype's, for Python), which then overlaps
 * the loading and linting of the catalog on the main thread. Each worker renders one job and ends.
 */
export class RenderWorkers {
  private readonly workers = new Map<Target, IdleWorker>();
  /**
   * Each worker's heap limit in MB (EVENTCANON_WORKER_HEAP_MB; none by default). Below about 2 GB, V8
   * lets a heap grow to less than the 4x of what survived its last full collection that it allows
   * otherwise, so a limit trades time for memory: 1,024 MB measured about 100 MB less peak and 1.5 to 3 s
   * more at 2,000 events cold. A worker that runs out renders again on the main thread (renderEach).
   */
  readonly heapMb = workerHeapMb();

  /**
   * With a second core, the targets that ask for a worker among those `targets` need (EVENTCANON_WORKERS=off:
   * none). The worker loads the compiled module: run from TypeScript sources, as in-process tests do, none start.
   */
  static start(targets: readonly Target[]): RenderWorkers {
    const needed = targetsNeeded(targets);
    const wanted =
      needed.length > 1 && availableParallelism() > 1 && process.env.EVENTCANON_WORKERS !== "off" && import.meta.url.endsWith(".js");
    return new RenderWorkers(wanted ? needed.filter((t) => targetNamed(t).worker === true) : []);
  }

  private constructor(targets: readonly Target[]) {
    for (const target of targets) this.workers.set(target, new IdleWorker(target, this.heapMb));
  }

  has(target: Target): boolean {
    return this.workers.has(target);
  }

  /**
   * Hands the target's worker its job now, unless it has one already: generate does so as soon as the
   * model is built, so that the render overlaps the lint rules here (see beginWorkerRenders).
   */
  begin(target: Target, job: () => RenderJob): void {
    this.worker(target).begin(job);
  }

  /** The target's rendering (see has), handing the worker `job` first if it was not begun. */
  render(target: Target, job: () => RenderJob): Promise<Rendering> {
    const worker = this.worker(target);
    worker.begin(job);
    return worker.take();
  }

  private worker(target: Target): IdleWorker {
    const worker = this.workers.get(target);
    if (worker === undefined) throw new Error(`the ${target} target has no worker`);
    return worker;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.worker.terminate()));
  }
}

function workerHeapMb(): number {
  const given = process.env.EVENTCANON_WORKER_HEAP_MB;
  if (given === undefined || given === "") return 0;
  const mb = Number(given);
  if (Number.isInteger(mb) && mb >= 0) return mb;
  process.emitWarning(`EVENTCANON_WORKER_HEAP_MB must be a whole number of MB (0: no limit), not ${given}; using none`, {
    code: "EVENTCANON_WORKER_HEAP",
  });
  return 0;
}

class IdleWorker {
  readonly worker: Worker;
  private rendering: Promise<Rendering> | undefined;
  private begun = false;

  constructor(target: Target, heapMb: number) {
    const workerData: WorkerData = { target };
    const resourceLimits = heapMb > 0 ? { maxOldGenerationSizeMb: heapMb } : {};
    this.worker = new Worker(new URL("./render-worker.js", import.meta.url), { workerData, resourceLimits });
    // Idle, it must not keep the process alive (a run that stops at lint never hands it a job).
    this.worker.unref();
    const rendering = new Promise<Rendering>((resolve, reject) => {
      this.worker.once("message", (message: Rendering) => resolve(message));
      this.worker.once("error", reject);
      this.worker.once("exit", (code) => reject(new Error(`the ${target} renderer stopped (exit ${code}) before it finished`)));
    });
    // A failure before the job is asked for must not leave an unhandled rejection behind.
    rendering.catch(() => {});
    this.rendering = rendering;
  }

  /** Posts the job, the first time only. */
  begin(job: () => RenderJob): void {
    if (this.begun) return;
    this.begun = true;
    this.worker.ref();
    this.worker.postMessage(job());
  }

  /** Once: the worker holds no reference to the rendering after, so a caller that lets go of it frees it. */
  take(): Promise<Rendering> {
    const rendering = this.rendering;
    if (rendering === undefined) throw new Error("a render worker renders one job");
    this.rendering = undefined;
    return rendering;
  }
}
