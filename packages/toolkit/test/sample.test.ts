import path from "node:path";
import type { ErrorObject } from "ajv";
import { describe, expect, it } from "vitest";
import { bundledSchemaOf } from "../src/emit/jsonschema/index.js";
import { validatorsCode } from "../src/emit/typescript/validators.js";
import { loadCatalog } from "../src/lint/catalog.js";
import { createAjv } from "../src/load/ajv.js";
import { loadConfig } from "../src/load/config.js";
import type { EventDefinition } from "../src/load/model.js";
import { valueError } from "../src/load/values.js";
import { sampleRecord, seededRandom } from "../src/testing/sample.js";
import type { CompiledValidator } from "../templates/typescript/codec.js";
import { FIXTURES, REPO } from "./helpers.js";

/** Breaks one random spot of a valid instance in one of the ways a hand-written example goes wrong. */
function mutate(value: unknown, random: () => number): unknown {
  const copy = structuredClone(value);
  const spots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node))
      for (const [i, item] of node.entries()) {
        spots.push({ parent: node, key: i });
        walk(item);
      }
    else if (typeof node === "object" && node !== null)
      for (const [k, v] of Object.entries(node)) {
        spots.push({ parent: node as Record<string, unknown>, key: k });
        walk(v);
      }
  };
  walk(copy);
  const spot = spots[Math.floor(random() * spots.length)];
  if (spot === undefined) return { unexpected: 1 };
  const replacements = [
    null,
    "",
    "x".repeat(300),
    "not-a-date 2026-13-45",
    "2026-11-25T10:00:00Z",
    -1e9,
    1e12,
    1.5,
    0,
    true,
    [],
    {},
    "\u{1F600}".repeat(3),
    "\u{1F600}".repeat(4),
    "A",
    "ABCDEF",
    "abc",
    11,
    1,
    ["a", "b", "c", "d"],
    [""],
    // A map key that is escaped in a JSON pointer.
    { "a/b~c": 1 },
  ];
  const pick = Math.floor(random() * (replacements.length + 2));
  const parent = spot.parent as Record<string | number, unknown>;
  if (pick === replacements.length && !Array.isArray(spot.parent)) delete parent[spot.key];
  else if (pick === replacements.length + 1 && !Array.isArray(spot.parent)) parent.unexpected_field = 1;
  else parent[spot.key] = replacements[pick % replacements.length];
  return copy;
}

describe.each([path.join(FIXTURES, "kitchen-sink"), path.join(FIXTURES, "constraints"), REPO])("sampled instances of %s", (dir) => {
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

  /** Each event's valid and broken instances (one in three left valid), with ajv's verdict on each. */
  function expectAjvVerdicts(
    verdict: (event: EventDefinition, instance: unknown, ajvErrors: ErrorObject[] | null | undefined) => [boolean, string],
  ) {
    let valid = 0;
    let invalid = 0;
    for (const event of catalog.model.events) {
      const validate = createAjv().compile(bundledSchemaOf(catalog.model, event));
      const random = seededRandom(7);
      // Small catalogs get more draws, so every (spot, breakage) pair of the constraints fixture comes up.
      for (let i = 0; i < Math.max(150, 4000 / catalog.model.events.length); i++) {
        const sample = sampleRecord(catalog.model, event.record, random);
        const instance = i % 3 === 0 ? sample : mutate(sample, random);
        const ajvSays = validate(instance);
        const [says, why] = verdict(event, instance, validate.errors);
        expect(says, `${event.eventType} #${i}: ${why}, ajv ${JSON.stringify(validate.errors)}`).toBe(ajvSays);
        if (ajvSays) valid++;
        else invalid++;
      }
    }
    expect(valid).toBeGreaterThan(catalog.model.events.length * 50);
    expect(invalid).toBeGreaterThan(catalog.model.events.length * 40);
    console.log(`${path.basename(dir)}: ${valid} valid and ${invalid} broken instances`);
  }

  it("the model's verdict on an instance equals ajv's, for valid and broken instances (lint relies on it)", () => {
    expectAjvVerdicts((event, instance) => {
      const error = valueError(catalog.model, { kind: "ref", name: event.record.name }, instance);
      return [error === undefined, `model ${error}`];
    });
  });

  /** The TypeScript package's validators of every event, evaluated from the generated module's code. */
  function typescriptValidators(): Record<string, CompiledValidator> {
    const { code, validators } = validatorsCode(catalog.model, catalog.model.events);
    const exports = [...validators].map(([event, validator]) => `${JSON.stringify(event)}: ${validator}`).join(", ");
    // ajv's own date-time expression in place of the runtime's (which adds the calendar): the verdict
    // compared is ajv's on the bundled schema; the calendar has its own tests (runtime/datetimes).
    return new Function("dateTimeFormat", `${code}\nreturn { ${exports} };`)((withOffset: RegExp) => withOffset);
  }

  it("the TypeScript package's verdict-only validators (validate) give ajv's verdict, for valid and broken instances", () => {
    const validators = typescriptValidators();
    expectAjvVerdicts((event, instance) => [validators[event.record.name]?.accepts?.(instance) === true, "accepts"]);
  });

  it("the TypeScript package's validators (check) give ajv's errors, in ajv's order, for valid and broken instances", () => {
    const validators = typescriptValidators();
    const keywords = new Map<string, number>();
    let compared = 0;
    expectAjvVerdicts((event, instance, ajvErrors) => {
      const validator = validators[event.record.name] as CompiledValidator;
      const says = validator(instance);
      // Every field ajv gives but schemaPath, which names the compiled schema's keywords, not the event's.
      const expected = ajvErrors?.map(({ instancePath, keyword, params, message }) => ({ instancePath, keyword, params, message })) ?? null;
      expect(validator.errors, `${event.eventType}: ${JSON.stringify(instance)}`).toEqual(expected);
      for (const error of expected ?? []) keywords.set(error.keyword, (keywords.get(error.keyword) ?? 0) + 1);
      compared += expected?.length ?? 0;
      return [says, JSON.stringify(validator.errors)];
    });
    console.log(
      `${path.basename(dir)}: ${compared} errors compared, by keyword ${JSON.stringify(Object.fromEntries([...keywords].sort()))}`,
    );
    expect(compared).toBeGreaterThan(catalog.model.events.length * 40);
  });
});
