import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pruneRenderCache, RenderCache } from "../src/emit/render-cache.js";
import { listFiles } from "../src/load/list-files.js";
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
    expect(kinds).toEqual(["avro-accepted", "checked-files.txt", "outputs", "py-quicktype", "ts-declaration"]);
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

    // Every entry damaged (manifests and the checked files too): each is detected by its own hash and rendered again.
    for (const kind of kinds) {
      const at = path.join(cache, kind);
      if (kind.endsWith(".txt")) writeFileSync(at, "garbage");
      else for (const entry of readdirSync(at)) writeFileSync(path.join(at, entry), "0000\ngarbage");
    }
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

describe("pruning the render cache", () => {
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

  it("removes entries unused in this run, least recently used first, until the rest fit", () => {
    const cache = tempDir("prune");
    const entry = (kind: string, name: string, used: Date) => {
      mkdirSync(path.join(cache, kind), { recursive: true });
      const file = path.join(cache, kind, name);
      writeFileSync(file, "x".repeat(100));
      utimesSync(file, used, used);
      return file;
    };
    const oldest = entry("ts-declaration", "a.txt", daysAgo(3));
    const older = entry("py-quicktype", "b.txt", daysAgo(2));
    const old = entry("ts-declaration", "c.txt", daysAgo(1));
    const now = entry("avro-accepted", "d.txt", new Date());
    const manifest = entry("outputs", "m.json", daysAgo(30));
    const started = Date.now() - 60_000;

    expect(pruneRenderCache(cache, started, 10_000)).toBe(0);
    expect(pruneRenderCache(cache, started, 250)).toBe(2);
    expect([oldest, older, old, now, manifest].map((f) => existsSync(f))).toEqual([false, false, true, true, true]);
    // What this run used stays even when it alone is over the budget.
    expect(pruneRenderCache(cache, started, 10)).toBe(1);
    expect(existsSync(now)).toBe(true);
  });

  it("marks an entry used each time it is read", async () => {
    const folder = tempDir("touch");
    const cache = new RenderCache(folder);
    await cache.get("kind", "input", () => "rendered");
    const [name] = readdirSync(path.join(folder, "kind"));
    const file = path.join(folder, "kind", name as string);
    utimesSync(file, daysAgo(5), daysAgo(5));
    expect(await cache.get("kind", "input", () => "not used")).toBe("rendered");
    expect(statSync(file).mtimeMs).toBeGreaterThan(daysAgo(1).getTime());
  });
});
