import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAjv } from "../src/ajv.js";
import { loadCatalog } from "../src/catalog.js";
import { loadConfig } from "../src/config.js";
import { bundledSchemaOf } from "../src/emit/json-schema.js";
import { sampleRecord, seededRandom } from "../src/sample.js";
import { FIXTURES, REPO } from "./helpers.js";

describe.each([path.join(FIXTURES, "kitchen-sink"), REPO])("sampled instances of %s", (dir) => {
  const catalog = loadCatalog(loadConfig(dir), dir);

  it("validate against their event's schema (formats, patterns, bounds) and are reproducible from the seed", () => {
    for (const event of catalog.model.events) {
      const validate = createAjv().compile(bundledSchemaOf(catalog.model, event));
      const random = seededRandom(42);
      const again = seededRandom(42);
      for (let i = 0; i < 200; i++) {
        const instance = sampleRecord(catalog.model, event.record, random);
        expect(validate(instance), `${event.eventType} #${i}: ${JSON.stringify(validate.errors)}`).toBe(true);
        expect(sampleRecord(catalog.model, event.record, again)).toEqual(instance);
      }
    }
  });
});
