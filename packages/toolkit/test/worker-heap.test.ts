import { spawnSync } from "node:child_process";
import { cpSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listFiles } from "../src/load/list-files.js";
import { CLI, FIXTURES, tempDir } from "./helpers.js";

const WARNING = "EVENTCANON_WORKER_HEAP";

/** `canon generate` from the built CLI, as a user runs it (worker threads need the compiled module). */
function generate(repo: string, out: string, env: Record<string, string>): string {
  const result = spawnSync(process.execPath, [CLI, "generate", "--out", out], {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, EVENTCANON_CACHE: "off", EVENTCANON_WORKER_HEAP_MB: "", ...env },
  });
  if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
  return result.stderr;
}

const tree = (folder: string) => Object.fromEntries(listFiles(folder).map((f) => [f, readFileSync(path.join(folder, f), "utf8")]));

describe("the Python render worker under a heap limit", () => {
  it("renders on the main thread when the worker runs out, and writes what a run without workers writes", () => {
    const repo = tempDir("worker-heap");
    cpSync(path.join(FIXTURES, "kitchen-sink"), repo, { recursive: true });
    // 4 MB cannot even hold quicktype's modules: the worker runs out.
    expect(generate(repo, "capped", { EVENTCANON_WORKER_HEAP_MB: "4" })).toContain(
      `[${WARNING}] Warning: the python renderer needed more than its 4 MB heap; rendering it on the main thread`,
    );
    expect(generate(repo, "default", {})).not.toContain(WARNING);
    generate(repo, "single", { EVENTCANON_WORKERS: "off" });
    const capped = tree(path.join(repo, "capped"));
    expect(Object.keys(capped).filter((f) => f.startsWith("python/")).length).toBeGreaterThan(5);
    expect(capped).toEqual(tree(path.join(repo, "single")));
    expect(tree(path.join(repo, "default"))).toEqual(capped);
  });

  it("warns of a limit that is not a whole number of MB and sets none", () => {
    const repo = tempDir("worker-heap-bad");
    cpSync(path.join(FIXTURES, "kitchen-sink"), repo, { recursive: true });
    expect(generate(repo, "out", { EVENTCANON_WORKER_HEAP_MB: "lots" })).toContain(
      `[${WARNING}] Warning: EVENTCANON_WORKER_HEAP_MB must be a whole number of MB (0: no limit), not lots; using none`,
    );
  });
});
