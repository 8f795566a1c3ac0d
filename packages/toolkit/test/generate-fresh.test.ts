import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../src/emit/generate.js";
import { freshOutputs, inputsKey } from "../src/emit/inputs.js";
import { TARGET_LIST, TARGETS, type Target } from "../src/emit/targets.js";
import { catalogSummary, loadCatalog } from "../src/lint/catalog.js";
import { type CanonConfig, loadConfig } from "../src/load/config.js";
import { CLI, edit, FIXTURES, tempDir } from "./helpers.js";

/** Past the manifest's racy window: a file written less than 2 s before its record is read, never trusted by its stat. */
const pastRacyWindow = () => new Promise((resolve) => setTimeout(resolve, 2100));

function copyOfKitchenSink(prefix: string): string {
  const repo = tempDir(prefix);
  cpSync(path.join(FIXTURES, "kitchen-sink"), repo, { recursive: true });
  return repo;
}

describe("a generate whose inputs and output are as the last run left them", () => {
  let repo: string;
  let config: CanonConfig<Target>;
  const saved = process.env.EVENTCANON_CACHE;
  const fresh = () => {
    const key = inputsKey(config);
    return key === undefined ? undefined : freshOutputs(config, TARGETS, key);
  };

  beforeAll(async () => {
    repo = copyOfKitchenSink("fresh");
    process.env.EVENTCANON_CACHE = path.join(repo, ".cache");
    config = loadConfig(repo, {}, TARGET_LIST);
    const run = async () => {
      const key = inputsKey(config) as string;
      const catalog = loadCatalog(config, repo);
      return generate(catalog, config, TARGETS, { key, summary: catalogSummary(catalog) });
    };
    await run();
    await pastRacyWindow();
    await run();
  }, 120_000);
  afterAll(() => {
    if (saved === undefined) delete process.env.EVENTCANON_CACHE;
    else process.env.EVENTCANON_CACHE = saved;
  });

  it("is known from its inputs and the output's stat alone, with what the rendering run reported", async () => {
    const catalog = loadCatalog(config, repo);
    expect(fresh()).toEqual({
      summary: catalogSummary(catalog),
      results: TARGETS.map((target) => ({
        target,
        folder: config.outputs[target],
        files: readdirSync(config.outputs[target], { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length,
        changed: false,
      })),
    });
  });

  it("is not, once any input differs: a schema, the config, a service or a release; and is again once it is back", () => {
    // A schema byte for byte (a space after the JSON changes no value, yet it is another file), and the
    // config by what it says (its layout is not an input).
    const changes: [string, (text: string) => string][] = [
      [`schemas/types/${readdirSync(path.join(repo, "schemas/types")).sort()[0] as string}`, (text) => `${text} `],
      ["eventcanon.config.json", (text) => text.replace("{", '{ "envelope": { "sourcelib": "9.9.9" },')],
    ];
    for (const [rel, change] of changes) {
      const file = path.join(repo, rel);
      const text = readFileSync(file, "utf8");
      writeFileSync(file, change(text));
      config = loadConfig(repo, {}, TARGET_LIST);
      expect(fresh(), rel).toBeUndefined();
      writeFileSync(file, text);
      config = loadConfig(repo, {}, TARGET_LIST);
      expect(fresh(), rel).toBeDefined();
    }
    writeFileSync(path.join(repo, "eventcanon.config.json"), `${readFileSync(path.join(repo, "eventcanon.config.json"), "utf8")}\n\n`);
    config = loadConfig(repo, {}, TARGET_LIST);
    expect(fresh()).toBeDefined();
    // The service and release folders (absent here) count too: a file in either is a change.
    for (const folder of [config.services, config.registry]) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, "x.json"), "{}");
      expect(fresh(), folder).toBeUndefined();
      rmSync(folder, { recursive: true });
      expect(fresh(), folder).toBeDefined();
    }
  });

  it("is not, once the output differs: a file added, removed or edited, or a target never written", () => {
    const folder = config.outputs.avro;
    const file = path.join(folder, readdirSync(folder).sort()[0] as string);
    writeFileSync(path.join(folder, "extra.txt"), "not generated");
    expect(fresh()).toBeUndefined();
    rmSync(path.join(folder, "extra.txt"));
    expect(fresh()).toBeDefined();

    renameSync(file, `${file}.away`);
    expect(fresh()).toBeUndefined();
    renameSync(`${file}.away`, file);
    expect(fresh()).toBeDefined();

    const key = inputsKey(config) as string;
    const elsewhere = { ...config, outputs: { ...config.outputs, avro: path.join(repo, "elsewhere") } };
    expect(freshOutputs(elsewhere, TARGETS, key)).toBeUndefined();
    expect(freshOutputs(config, ["avro"], key)?.results.map((r) => r.target)).toEqual(["avro"]);

    // Same size, a time set back to what it was: the inode's change time is not restorable, but the
    // content is what changed, and its time is not trusted either way after this edit.
    const before = statSync(file);
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace(/"/, "'"));
    utimesSync(file, before.atime, before.mtime);
    expect(statSync(file).size).toBe(before.size);
    expect(fresh()).toBeUndefined();
  });
});

describe("a fresh run right after the run that wrote the output", () => {
  it("reads the files too recent to trust by their stat, then records them as read", async () => {
    const repo = copyOfKitchenSink("fresh-racy");
    const saved = process.env.EVENTCANON_CACHE;
    process.env.EVENTCANON_CACHE = path.join(repo, ".cache");
    try {
      const config = loadConfig(repo, {}, TARGET_LIST);
      const key = inputsKey(config) as string;
      const catalog = loadCatalog(config, repo);
      await generate(catalog, config, TARGETS, { key, summary: catalogSummary(catalog) });
      const manifests = path.join(repo, ".cache/outputs");
      const manifestOf = (name: string) => JSON.parse(readFileSync(path.join(manifests, name), "utf8"));
      const names = readdirSync(manifests);
      // The Avro folder's own manifest: its .avsc files are at its top (the Python package holds copies under schemas/avro/).
      const ownAvsc = (f: string) => f.endsWith(".avsc") && !f.includes("/");
      const avro = names.find((n) => Object.keys(manifestOf(n).files).some(ownAvsc)) as string;
      const writtenBefore = manifestOf(avro).writtenMs;

      // An edit that keeps the file's size, time and inode (simulated in the record, as no clock can
      // be set back exactly): within the racy window its content is what decides.
      const stored = manifestOf(avro);
      const rel = Object.keys(stored.files).find(ownAvsc) as string;
      const file = path.join(config.outputs.avro, rel);
      const text = readFileSync(file, "utf8");
      writeFileSync(file, text.replace("{", " ").replace(/}\s*$/, "}"));
      const stat = statSync(file);
      const forged = {
        ...stored,
        files: { ...stored.files, [rel]: { ...stored.files[rel], size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino } },
      };
      writeFileSync(path.join(manifests, avro), JSON.stringify(forged));
      expect(freshOutputs(config, TARGETS, key)).toBeUndefined();

      writeFileSync(file, text);
      await generate(catalog, config, TARGETS, { key, summary: catalogSummary(catalog) });
      const recorded = manifestOf(avro).writtenMs;
      expect(recorded).toBeGreaterThanOrEqual(writtenBefore);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(freshOutputs(config, TARGETS, key)).toBeDefined();
      expect(manifestOf(avro).writtenMs).toBeGreaterThan(recorded);
    } finally {
      if (saved === undefined) delete process.env.EVENTCANON_CACHE;
      else process.env.EVENTCANON_CACHE = saved;
    }
  }, 120_000);
});

describe("canon generate, run again with nothing changed", () => {
  it("renders nothing (the render cache is not even read) and prints what the rendering run printed", async () => {
    const repo = copyOfKitchenSink("fresh-cli");
    const cache = path.join(repo, ".cache");
    const env = { ...process.env, EVENTCANON_CACHE: cache };
    const generateCli = (...args: string[]) => {
      const result = spawnSync(process.execPath, [CLI, "generate", ...args], { cwd: repo, encoding: "utf8", env });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      return result.stdout;
    };
    generateCli();
    await pastRacyWindow();
    // Two rendering runs that find the output as it should be, the second with its record of what it wrote removed.
    const rendered = generateCli();
    rmSync(path.join(cache, "outputs"), { recursive: true });
    const renderedJson = JSON.parse(generateCli("--format", "json"));
    expect(rendered).toMatch(/\(unchanged\)/);
    // Entries read by a rendering run get the time of that read (pruning is least recently used first).
    const entries = readdirSync(cache, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.parentPath.endsWith("outputs"))
      .map((e) => path.join(e.parentPath, e.name));
    expect(entries.length).toBeGreaterThan(10);
    const longAgo = new Date(Date.now() - 86_400_000);
    for (const entry of entries) utimesSync(entry, longAgo, longAgo);

    expect(generateCli()).toBe(rendered);
    expect(JSON.parse(generateCli("--format", "json"))).toEqual(renderedJson);
    expect(entries.filter((e) => statSync(e).mtimeMs > longAgo.getTime() + 1000)).toEqual([]);

    // A schema changed: rendered again (entries read), output updated.
    edit(repo, `schemas/types/${readdirSync(path.join(repo, "schemas/types")).sort()[0] as string}`, (t) => {
      t.description = `${t.description} Changed.`;
    });
    expect(generateCli()).toMatch(/\(updated\)/);
    expect(entries.filter((e) => statSync(e).mtimeMs > longAgo.getTime() + 1000).length).toBeGreaterThan(0);
  }, 120_000);
});
