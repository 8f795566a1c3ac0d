import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { workerModel } from "../src/emit/generate.js";
import { NO_CACHE } from "../src/emit/render-cache.js";
import { TARGETS, targetNamed } from "../src/emit/targets.js";
import { loadCatalog } from "../src/lint/catalog.js";
import { loadConfig } from "../src/load/config.js";
import { readHistory } from "../src/load/history.js";
import { releasedSchemas } from "../src/load/released-schemas.js";
import { FIXTURES, REPO } from "./helpers.js";

const catalogs = [REPO, ...readdirSync(FIXTURES).map((name) => path.join(FIXTURES, name))].filter((dir) =>
  readdirSync(dir).includes("eventcanon.config.json"),
);
const lean = TARGETS.filter((t) => targetNamed(t).readsExamples === false);

/** A worker is handed the model without examples only for a target whose output does not depend on them. */
describe.each(catalogs)("the model a render worker is handed, for %s", (dir) => {
  it("renders every file of each target that reads no examples exactly as the whole model does", async () => {
    expect(lean.length).toBeGreaterThan(0);
    const config = loadConfig(dir);
    const model = loadCatalog(config, dir).model;
    const released = releasedSchemas(readHistory(config));
    expect(model.events.some((e) => e.examples.length > 0)).toBe(true);
    for (const target of lean) {
      const emitter = await targetNamed(target).emitter();
      const handed = workerModel(target, model);
      expect(handed.events.every((e) => e.examples.length === 0)).toBe(true);
      const whole = await emitter.emit(model, config, NO_CACHE, released);
      expect((await emitter.emit(handed, config, NO_CACHE, released)).files, target).toEqual(whole.files);
    }
  }, 60_000);

  it("hands every other target the model as it is", () => {
    const config = loadConfig(dir);
    const model = loadCatalog(config, dir).model;
    for (const target of TARGETS.filter((t) => !lean.includes(t))) expect(workerModel(target, model)).toBe(model);
  });
});
