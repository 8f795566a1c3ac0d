import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listFiles } from "../src/write-outputs.js";
import { CLI, edit, FIXTURES, tempDir } from "./helpers.js";

function generate(repo: string, out: string, cache: string, workers = "on"): string {
  const env = { ...process.env, EVENTCANON_CACHE: cache, EVENTCANON_WORKERS: workers };
  const result = spawnSync(process.execPath, [CLI, "generate", "--out", out], { cwd: repo, encoding: "utf8", env });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

function tree(folder: string): Record<string, string> {
  return Object.fromEntries(listFiles(folder).map((file) => [file, readFileSync(path.join(folder, file), "utf8")]));
}

describe("the render cache", () => {
  it("gives exactly what an uncached run gives: warm, after a change, and from a damaged entry", () => {
    const repo = tempDir("cache");
    cpSync(path.join(FIXTURES, "kitchen-sink"), repo, { recursive: true });
    const cache = path.join(repo, "cache");
    generate(repo, "cached", cache);
    const kinds = readdirSync(cache).sort();
    // Rendered pieces by kind, and what generate wrote to each output folder (output-manifest.ts).
    expect(kinds).toEqual(["avro-accepted", "outputs", "py-quicktype", "ts-declaration", "ts-validators"]);
    generate(repo, "uncached", "off");
    expect(tree(path.join(repo, "cached"))).toEqual(tree(path.join(repo, "uncached")));

    // A change to one shared type: the cached run must render it anew, not serve the old piece.
    const typeFile = readdirSync(path.join(repo, "schemas/types")).sort()[0] as string;
    edit(repo, `schemas/types/${typeFile}`, (t) => {
      t.description = `${t.description} Changed for the cache test.`;
    });
    generate(repo, "cached", cache);
    generate(repo, "uncached", "off");
    expect(tree(path.join(repo, "cached"))).toEqual(tree(path.join(repo, "uncached")));

    // Every entry damaged (manifests too): each is detected by its own hash and rendered again.
    for (const kind of kinds)
      for (const entry of readdirSync(path.join(cache, kind))) writeFileSync(path.join(cache, kind, entry), "0000\ngarbage");
    generate(repo, "cached", cache);
    expect(tree(path.join(repo, "cached"))).toEqual(tree(path.join(repo, "uncached")));
  }, 120_000);

  it("renders the same Python in a worker thread as in the main thread", () => {
    const repo = tempDir("workers");
    cpSync(path.join(FIXTURES, "kitchen-sink"), repo, { recursive: true });
    generate(repo, "threaded", "off", "on");
    generate(repo, "single", "off", "off");
    const threaded = tree(path.join(repo, "threaded"));
    expect(Object.keys(threaded).filter((f) => f.startsWith("python/")).length).toBeGreaterThan(5);
    expect(threaded).toEqual(tree(path.join(repo, "single")));
  }, 120_000);
});
