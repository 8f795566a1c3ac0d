import { cpSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Rendering } from "../src/emit/emitter.js";
import { generate, placementsOf, staleFiles } from "../src/emit/generate.js";
import { keptIn } from "../src/emit/output-manifest.js";
import { NO_CACHE } from "../src/emit/render-cache.js";
import { TARGET_LIST, TARGETS, type Target, targetNamed } from "../src/emit/targets.js";
import { type Catalog, loadCatalog } from "../src/lint/catalog.js";
import { type CanonConfig, loadConfig } from "../src/load/config.js";
import { readHistory } from "../src/load/history.js";
import { type EventDefinition, reachableTypes } from "../src/load/model.js";
import { releasedSchemas } from "../src/load/released-schemas.js";
import { edit, FIXTURES, tempDir } from "./helpers.js";

const KEYED: readonly Target[] = ["typescript", "avro", "python", "jsonschema"];

/**
 * A generate leaves a keyed file unrendered when the disk holds what the last render with its key wrote
 * (file-keys.ts). What it leaves out must be exactly what would render the same: after each edit, the
 * emitters render only the files of what the edit reaches, and `generate --check`'s comparison, which
 * renders everything and reads every file, finds the output up to date.
 */
describe("generate renders only the files whose key changed", () => {
  let repo: string;
  let config: CanonConfig<Target>;
  const saved = process.env.EVENTCANON_CACHE;

  const load = (): Catalog => {
    config = loadConfig(repo, {}, TARGET_LIST);
    return loadCatalog(config, repo);
  };
  /** What each keyed target renders now, with what generate's folders keep. */
  const rendered = async (catalog: Catalog): Promise<Map<Target, Rendering>> => {
    const released = releasedSchemas(readHistory(config));
    const out = new Map<Target, Rendering>();
    for (const target of KEYED) {
      const emitter = await targetNamed(target).emitter();
      const kept = keptIn(config.cache as string, placementsOf(target, config, TARGETS));
      out.set(target, await emitter.emit(catalog.model, config, NO_CACHE, released, kept));
    }
    return out;
  };
  const renderedKeyed = (rendering: Rendering | undefined) =>
    [...(rendering?.files.keys() ?? [])].filter((rel) => rendering?.keys?.has(rel) === true).sort();
  /** Generates, then holds the output equal to a full render of the catalog. */
  const generateAndCheck = async () => {
    const catalog = load();
    await generate(catalog, config);
    expect(await staleFiles(load(), config)).toEqual([]);
  };
  /** The keyed files of these events' own outputs, by target (TS and Python by domain module). */
  const filesOf = (events: readonly EventDefinition[], shared: boolean) => {
    const domains = [...new Set(events.map((e) => e.domain))].sort();
    return {
      avro: events.map((e) => `${e.eventType}.avsc`).sort(),
      jsonschema: events.map((e) => `${e.eventType}.json`).sort(),
      typescript: [
        ...domains.flatMap((d) => [`${d}.ts`, `types/${d}.ts`, `validators/${d}.ts`]),
        ...(shared ? ["types/shared.ts"] : []),
      ].sort(),
      python: [...domains.map((d) => `${d}.py`), ...(shared ? ["shared.py"] : [])].sort(),
    };
  };

  beforeAll(async () => {
    repo = tempDir("kept");
    cpSync(path.join(FIXTURES, "kitchen-sink"), repo, { recursive: true });
    process.env.EVENTCANON_CACHE = path.join(repo, ".cache");
    await generateAndCheck();
  }, 120_000);
  afterAll(() => {
    if (saved === undefined) delete process.env.EVENTCANON_CACHE;
    else process.env.EVENTCANON_CACHE = saved;
  });

  it("renders nothing keyed when nothing changed, and every file's key is recorded", async () => {
    const renderings = await rendered(load());
    for (const target of KEYED) {
      expect(renderedKeyed(renderings.get(target)), target).toEqual([]);
      expect(renderings.get(target)?.keys?.size, target).toBeGreaterThan(0);
    }
  });

  it("after one event's description changes, renders only that event's files and its domain's modules", async () => {
    const file = "schemas/events/com.example.shop.order.placed.v1.json";
    edit(repo, file, (schema) => {
      schema.description = `${schema.description} Edited.`;
    });
    const catalog = load();
    const event = catalog.model.events.find((e) => e.origin.file === "events/com.example.shop.order.placed.v1.json") as EventDefinition;
    const renderings = await rendered(catalog);
    const expected = filesOf([event], false);
    for (const target of KEYED) expect(renderedKeyed(renderings.get(target)), target).toEqual(expected[target as keyof typeof expected]);
    await generateAndCheck();
  });

  it("hands a sink each file as it is made, kept ones as such, and holds none of them: what the rendering holds without one", async () => {
    edit(repo, "schemas/events/com.example.shop.order.placed.v1.json", (schema) => {
      schema.description = `${schema.description} Sunk.`;
    });
    const catalog = load();
    const released = releasedSchemas(readHistory(config));
    for (const target of KEYED) {
      const emitter = await targetNamed(target).emitter();
      const kept = () => keptIn(config.cache as string, placementsOf(target, config, TARGETS));
      const held = await emitter.emit(catalog.model, config, NO_CACHE, released, kept());
      const sunk = new Map<string, string | undefined>();
      const sunkKeys = new Map<string, string>();
      const rendering = await emitter.emit(catalog.model, config, NO_CACHE, released, kept(), (rel, content, key) => {
        expect(sunk.has(rel), `${target} ${rel} handed twice`).toBe(false);
        sunk.set(rel, content);
        if (key !== undefined) sunkKeys.set(rel, key);
      });
      expect(rendering.files.size, target).toBe(0);
      expect(rendering.keys?.size ?? 0, target).toBe(0);
      expect(rendering.snippets, target).toBeUndefined();
      expect(new Map([...sunk].filter(([, content]) => content !== undefined)), target).toEqual(held.files);
      expect(sunkKeys, target).toEqual(held.keys);
      // Something was kept, and something rendered.
      expect([...sunk.values()].filter((c) => c === undefined).length, target).toBeGreaterThan(0);
      expect(held.files.size, target).toBeGreaterThan(0);
    }
    await generateAndCheck();
  });

  it("after a shared type changes, renders exactly the files of the events that reach it", async () => {
    edit(repo, "schemas/types/Status.json", (schema) => {
      schema.enum.push("archived");
    });
    const catalog = load();
    const reaching = catalog.model.events.filter((e) => reachableTypes(catalog.model, e).some((t) => t.name === "Status"));
    expect(reaching.length).toBeGreaterThan(0);
    expect(reaching.length).toBeLessThan(catalog.model.events.length);
    const renderings = await rendered(catalog);
    const expected = filesOf(reaching, true);
    for (const target of ["avro", "jsonschema"] as const) expect(renderedKeyed(renderings.get(target)), target).toEqual(expected[target]);
    // The shared module, plus each domain module that reads it (every domain here does).
    for (const target of ["typescript", "python"] as const) {
      expect(renderedKeyed(renderings.get(target)), target).toEqual(expect.arrayContaining(expected[target]));
    }
    await generateAndCheck();
  });

  it("renders a file changed or removed on disk again, in every folder that holds it", async () => {
    const avsc = path.join(config.outputs.avro, "com.example.billing.invoice.issued.v1.avsc");
    writeFileSync(avsc, `${readFileSync(avsc, "utf8")} `);
    const copy = path.join(config.outputs.python, "schemas/avro/com.example.shop.order.cancelled.v1.avsc");
    rmSync(copy);
    const renderings = await rendered(load());
    // The Python package holds the Avro files too: one missing there is rendered for both folders.
    expect(renderedKeyed(renderings.get("avro"))).toEqual([
      "com.example.billing.invoice.issued.v1.avsc",
      "com.example.shop.order.cancelled.v1.avsc",
    ]);
    expect(renderedKeyed(renderings.get("jsonschema"))).toEqual([]);
    await generateAndCheck();
  });

  it("links the Python package's copies of the Avro files to the Avro folder's, and undoes an edit in place of either in both", async () => {
    const name = "com.example.billing.invoice.issued.v1.avsc";
    const own = path.join(config.outputs.avro, name);
    const copy = path.join(config.outputs.python, "schemas/avro", name);
    expect(statSync(copy).ino).toBe(statSync(own).ino);
    const text = readFileSync(own, "utf8");
    // In place (the same inode), as an editor may: both folders see it.
    writeFileSync(copy, text.replace("{", "{ "));
    expect(readFileSync(own, "utf8")).not.toBe(text);
    await generateAndCheck();
    expect(readFileSync(own, "utf8")).toBe(text);
    expect(readFileSync(copy, "utf8")).toBe(text);
  });

  it("renders everything keyed when the config changes, and after an event is added or removed holds the output right", async () => {
    const configFile = path.join(repo, "eventcanon.config.json");
    const text = readFileSync(configFile, "utf8");
    writeFileSync(configFile, text.replace("{", '{ "envelope": { "sourcelib": "9.9.9" },'));
    const renderings = await rendered(load());
    for (const target of KEYED)
      expect(renderedKeyed(renderings.get(target)), target).toEqual([...(renderings.get(target)?.keys?.keys() ?? [])].sort());
    await generateAndCheck();
    const events = path.join(repo, "schemas/events");
    cpSync(path.join(events, "com.example.shop.order.cancelled.v1.json"), path.join(events, "com.example.shop.order.refunded.v1.json"));
    edit(repo, "schemas/events/com.example.shop.order.refunded.v1.json", (schema) => {
      schema.$id = schema.$id.replace("cancelled", "refunded");
      schema.title = "OrderRefundedV1";
      schema["x-event-type"] = "com.example.shop.order.refunded.v1";
    });
    await generateAndCheck();
    rmSync(path.join(events, "com.example.shop.order.refunded.v1.json"));
    await generateAndCheck();
  });
});
