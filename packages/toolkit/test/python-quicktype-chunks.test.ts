import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { groupBy } from "../src/emit/emitter.js";
import { type QuicktypeClasses, quicktypeAnnotations } from "../src/emit/python/quicktype-annotations.js";
import { quicktypeChunks } from "../src/emit/python/quicktype-chunks.js";
import { NO_CACHE } from "../src/emit/render-cache.js";
import { loadCatalog } from "../src/lint/catalog.js";
import { loadConfig } from "../src/load/config.js";
import { type EnumType, namedType, type RecordType, referencedNames, type TypeNode } from "../src/load/model.js";
import { FIXTURES, REPO } from "./helpers.js";

const catalogs = [REPO, ...readdirSync(FIXTURES).map((name) => path.join(FIXTURES, name))].filter((dir) =>
  readdirSync(dir).includes("eventcanon.config.json"),
);

const flat = (q: QuicktypeClasses) => ({
  annotations: [...q.annotations].map(([name, fields]) => [name, [...fields]]).sort(),
  members: [...q.members].map(([name, members]) => [name, [...members]]).sort(),
});

/**
 * quicktype runs over chunks of a module so that one edit runs it over one chunk; what it gives must
 * be what one run over the whole module gives (which is what the package held before chunks).
 */
describe.each(catalogs)("quicktype over the chunks of each module of %s", (dir) => {
  const model = loadCatalog(loadConfig(dir), dir).model;
  const classes = [...model.types.values()].filter((t): t is RecordType | EnumType => t.kind !== "alias");
  const modules = groupBy(classes, (t) => t.module);

  it("gives every class's annotations and members exactly as one run over the whole module", async () => {
    for (const [module, types] of modules) {
      const chunks = quicktypeChunks(model, types);
      expect(
        chunks
          .flat()
          .map((t) => t.name)
          .sort(),
        module,
      ).toEqual(types.map((t) => t.name).sort());
      const merged: QuicktypeClasses = { annotations: new Map(), members: new Map() };
      for (const chunk of chunks) {
        const part = await quicktypeAnnotations(model, chunk, NO_CACHE);
        for (const [name, fields] of part.annotations) merged.annotations.set(name, fields);
        for (const [name, members] of part.members) merged.members.set(name, members);
      }
      expect(flat(merged), module).toEqual(flat(await quicktypeAnnotations(model, types, NO_CACHE)));
    }
  }, 60_000);

  it("names each class outside a run as a run that holds that class too would: the stand-ins change no annotation", async () => {
    const merged: QuicktypeClasses = { annotations: new Map(), members: new Map() };
    for (const types of modules.values())
      for (const chunk of quicktypeChunks(model, types)) {
        const part = await quicktypeAnnotations(model, chunk, NO_CACHE);
        for (const [name, fields] of part.annotations) merged.annotations.set(name, fields);
        for (const [name, members] of part.members) merged.members.set(name, members);
      }
    const whole = flat(await quicktypeAnnotations(model, classes, NO_CACHE));
    expect(flat(merged)).toEqual(whole);
    // Each catalog's events refer to shared classes, so stand-ins were in use.
    const elsewhere = (module: string, type: TypeNode): boolean =>
      referencedNames(type).some((name) => {
        const named = namedType(model, name);
        return named.kind === "alias" ? elsewhere(module, named.target) : named.module !== module;
      });
    const records = classes.filter((t): t is RecordType => t.kind === "record");
    expect(records.some((r) => r.fields.some((f) => elsewhere(r.module, f.type)))).toBe(true);
  }, 60_000);
});

describe("chunks", () => {
  it("split a large module, and keep classes that refer to each other in one chunk", () => {
    const model = loadCatalog(loadConfig(REPO), REPO).model;
    const shared = [...model.types.values()].filter((t): t is RecordType | EnumType => t.kind !== "alias" && t.module === "shared");
    const chunks = quicktypeChunks(model, shared);
    expect(chunks.length).toBeGreaterThan(1);
    const chunkOf = new Map(chunks.flatMap((chunk, i) => chunk.map((t) => [t.name, i] as const)));
    let together = 0;
    for (const type of shared)
      if (type.kind === "record")
        for (const field of type.fields)
          if (field.type.kind === "ref" && chunkOf.has(field.type.name)) {
            expect(chunkOf.get(field.type.name), `${type.name}.${field.name}`).toBe(chunkOf.get(type.name));
            together++;
          }
    expect(together).toBeGreaterThan(0);
  });
});
