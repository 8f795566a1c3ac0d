import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import avro from "avsc";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generate } from "../src/emit/generate.js";
import { TARGET_LIST } from "../src/emit/targets.js";
import { loadCatalog } from "../src/lint/catalog.js";
import { loadConfig } from "../src/load/config.js";
import { sampleRecord, seededRandom } from "../src/testing/sample.js";
import { tempDir, tempDirInRepo } from "./helpers.js";
import { avroCase, mypyStrict, readAvsc, typecheckTypeScript, type VerifyEvent, verifyPython } from "./toolchain.js";

/**
 * Random catalogs within the supported subset: records of 1 to 8 fields of strings (with formats),
 * integers, numbers, booleans, enums, arrays, maps, nullable types, nested records and $refs to
 * shared records and enums. For each: lint is clean, generate does not throw, every Avro schema
 * parses in avsc, and sampled instances round-trip through avsc. Over the whole batch at once: tsc
 * compiles all the TypeScript, mypy --strict passes all the Python, and one Python process checks
 * every instance: the dataclass round trip, fastavro's bytes equal avsc's, and fastavro reads them.
 */

const RUNS = 24;
// Fixed, so that a failure reproduces; PROPERTY_SEED=<n> explores others.
const SEED = Number(process.env.PROPERTY_SEED ?? 424_242);
const INSTANCES = 4;

type Shape =
  | { readonly kind: "string"; readonly format: string | undefined }
  | { readonly kind: "integer"; readonly minimum: number | undefined }
  | { readonly kind: "number" }
  | { readonly kind: "boolean" }
  | { readonly kind: "enum"; readonly symbols: readonly string[] }
  | { readonly kind: "array"; readonly items: Shape }
  | { readonly kind: "map"; readonly values: Shape }
  | { readonly kind: "nullable"; readonly inner: Shape }
  | { readonly kind: "record"; readonly fields: readonly FieldShape[] }
  /** A $ref to the shared type at this index (modulo the ones that may be referenced from here). */
  | { readonly kind: "shared"; readonly index: number };

interface FieldShape {
  readonly name: string;
  readonly type: Shape;
  readonly required: boolean;
}

interface CatalogShape {
  readonly shared: readonly (
    | { readonly kind: "enum"; readonly symbols: readonly string[] }
    | { readonly kind: "record"; readonly fields: readonly FieldShape[] }
  )[];
  readonly events: readonly (readonly FieldShape[])[];
}

// Python keywords among them: they become `class_` and `from_` attributes.
const FIELD_NAMES = [
  "id",
  "name",
  "amount",
  "created_at",
  "tags",
  "class",
  "from",
  "is_active",
  "note",
  "count",
  "ratio",
  "status",
  "items",
  "parent",
  "level",
  "a1",
  "user_name",
  "lambda",
];
const SYMBOLS = ["red", "green", "blue", "in_progress", "done", "x1", "A", "b"];
const FORMATS = ["date-time", "date", "uuid", "email", "uri"];

const symbols = fc.uniqueArray(fc.constantFrom(...SYMBOLS), { minLength: 1, maxLength: 4 });

function fieldsOf(type: fc.Arbitrary<Shape>, maxLength: number): fc.Arbitrary<FieldShape[]> {
  return fc.uniqueArray(fc.record({ name: fc.constantFrom(...FIELD_NAMES), type, required: fc.boolean() }), {
    minLength: 1,
    maxLength,
    selector: (f) => f.name,
  });
}

const { shape } = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { maxDepth: 3, depthSize: "small" },
    fc.oneof(
      fc.record({ kind: fc.constant("string" as const), format: fc.option(fc.constantFrom(...FORMATS), { nil: undefined }) }),
      fc.record({ kind: fc.constant("integer" as const), minimum: fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }) }),
      fc.constant({ kind: "number" as const }),
      fc.constant({ kind: "boolean" as const }),
      fc.record({ kind: fc.constant("enum" as const), symbols }),
      fc.record({ kind: fc.constant("shared" as const), index: fc.nat(7) }),
    ),
    fc.record({ kind: fc.constant("array" as const), items: tie("shape") }),
    fc.record({ kind: fc.constant("map" as const), values: tie("shape") }),
    tie("shape").map((inner): Shape => (inner.kind === "nullable" ? inner : { kind: "nullable", inner })),
    fc.record({ kind: fc.constant("record" as const), fields: fieldsOf(tie("shape"), 4) }),
  ),
}));

const catalogShape: fc.Arbitrary<CatalogShape> = fc.record({
  shared: fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant("enum" as const), symbols }),
      fc.record({ kind: fc.constant("record" as const), fields: fieldsOf(shape, 8) }),
    ),
    {
      maxLength: 3,
    },
  ),
  events: fc.array(fieldsOf(shape, 8), { minLength: 1, maxLength: 2 }),
});

const ID_BASE = "https://example.com/schemas/";
const DEFAULT_OF_FORMAT: Record<string, string> = {
  "date-time": "2020-01-01T00:00:00Z",
  date: "2020-01-01",
  uuid: "00000000-0000-4000-8000-000000000000",
  email: "someone@example.com",
  uri: "https://example.com/",
};

/** Writes a catalog's JSON Schema files; inline records and enums get unique titles. */
class CatalogWriter {
  private inline = 0;

  constructor(private readonly shape: CatalogShape) {}

  sharedTitle(index: number): string {
    return `Shared${index}`;
  }

  write(dir: string): string[] {
    mkdirSync(path.join(dir, "schemas/types"), { recursive: true });
    mkdirSync(path.join(dir, "schemas/events"), { recursive: true });
    writeFileSync(path.join(dir, "eventcanon.config.json"), JSON.stringify({ schemas: "schemas", eventTypePrefix: "com.example" }));
    this.shape.shared.forEach((type, i) => {
      const title = this.sharedTitle(i);
      const head = {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $id: `${ID_BASE}types/${title}.json`,
        title,
        description: `Shared type ${i}.`,
      };
      const body = type.kind === "enum" ? { type: "string", enum: type.symbols } : this.record(type.fields, i, "");
      writeJson(path.join(dir, "schemas/types", `${title}.json`), { ...head, ...body });
    });
    return this.shape.events.map((fields, i) => {
      const eventType = `com.example.${i % 2 === 0 ? "alpha" : "beta"}.thing${i}.happened.v1`;
      writeJson(path.join(dir, "schemas/events", `${eventType}.json`), {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $id: `${ID_BASE}events/${eventType}.json`,
        title: `Thing${i}HappenedV1`,
        description: `Random event ${i}.`,
        "x-event-type": eventType,
        ...this.record(fields, this.shape.shared.length, "../types/"),
        examples: [{}],
      });
      return eventType;
    });
  }

  /** A record of the fields; `sharedBelow` shared types may be referenced (so they never form a cycle). */
  private record(fields: readonly FieldShape[], sharedBelow: number, typesPath: string): Record<string, unknown> {
    const properties: Record<string, unknown> = {};
    const required: string[] = [];
    for (const field of fields) {
      const schema = this.schema(field.type, sharedBelow, typesPath);
      const fallback = this.defaultOf(field.type, sharedBelow);
      // A field without a default must be required (a record has none that is simple to write).
      if (field.required || fallback === undefined) required.push(field.name);
      properties[field.name] = { ...schema, ...(field.required || fallback === undefined ? {} : { default: fallback.value }) };
    }
    return { type: "object", properties, required, additionalProperties: false };
  }

  private schema(shape: Shape, sharedBelow: number, typesPath: string): Record<string, unknown> {
    switch (shape.kind) {
      case "string":
        return { type: "string", ...(shape.format === undefined ? {} : { format: shape.format }) };
      case "integer":
        return { type: "integer", ...(shape.minimum === undefined ? {} : { minimum: shape.minimum }) };
      case "number":
      case "boolean":
        return { type: shape.kind };
      case "enum":
        return { title: `Inline${this.inline++}`, type: "string", enum: shape.symbols };
      case "array":
        return { type: "array", items: this.schema(shape.items, sharedBelow, typesPath) };
      case "map":
        return { type: "object", additionalProperties: this.schema(shape.values, sharedBelow, typesPath) };
      case "nullable":
        return { anyOf: [this.schema(shape.inner, sharedBelow, typesPath), { type: "null" }] };
      case "record":
        return { title: `Inline${this.inline++}`, ...this.record(shape.fields, sharedBelow, typesPath) };
      case "shared":
        return sharedBelow === 0 ? { type: "string" } : { $ref: `${typesPath}${this.sharedTitle(shape.index % sharedBelow)}.json` };
    }
  }

  private defaultOf(shape: Shape, sharedBelow: number): { value: unknown } | undefined {
    switch (shape.kind) {
      case "string":
        return { value: shape.format === undefined ? "" : DEFAULT_OF_FORMAT[shape.format] };
      case "integer":
        return { value: shape.minimum ?? 0 };
      case "number":
        return { value: 0.5 };
      case "boolean":
        return { value: false };
      case "enum":
        return { value: shape.symbols[0] };
      case "array":
        return { value: [] };
      case "map":
        return { value: {} };
      case "nullable":
        return { value: null };
      case "record":
        return undefined;
      case "shared": {
        if (sharedBelow === 0) return { value: "" };
        const type = this.shape.shared[shape.index % sharedBelow];
        return type?.kind === "enum" ? { value: type.symbols[0] } : undefined;
      }
    }
  }
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

describe("property: random catalogs in the supported subset", () => {
  it(`${RUNS} random catalogs lint clean and generate; all their TypeScript compiles, all their Python passes mypy --strict, and sampled instances agree in avsc, the dataclasses and fastavro`, async () => {
    const root = tempDirInRepo("property");
    const python = tempDir("property-py");
    const packages: string[] = [];
    const cases: VerifyEvent[] = [];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(catalogShape, fc.nat(), async (shape, seed) => {
        const dir = path.join(root, `catalog${run++}`);
        const writer = new CatalogWriter(shape);
        writer.write(dir);
        const out = path.join(dir, "out");
        const config = loadConfig(dir, { out }, TARGET_LIST);
        // The examples are sampled from the model, then written back: the catalog must then lint clean.
        const draft = loadCatalog(config, dir);
        const random = seededRandom(seed);
        for (const event of draft.model.events) {
          const file = path.join(dir, "schemas", event.origin.file);
          const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
          writeJson(file, { ...json, examples: [sampleRecord(draft.model, event.record, random)] });
        }
        const catalog = loadCatalog(config, dir);
        expect(catalog.diagnostics, dir).toEqual([]);
        expect(catalog.model.events).toHaveLength(shape.events.length);
        await generate(catalog, config);

        const name = `gen_${packages.length}`;
        packages.push(name);
        cpSync(path.join(out, "python"), path.join(python, name), { recursive: true });
        for (const event of catalog.model.events) {
          const type = avro.Type.forSchema(readAvsc(path.join(out, "avro"), event.eventType));
          const values = [...event.examples, ...Array.from({ length: INSTANCES }, () => sampleRecord(catalog.model, event.record, random))];
          cases.push({
            package: name,
            eventType: event.eventType,
            avsc: path.join(out, "avro", `${event.eventType}.avsc`),
            cases: values.map((value) => avroCase(catalog.model, event, type, value as Record<string, unknown>)),
          });
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect(packages).toHaveLength(RUNS);

    const tsc = typecheckTypeScript(root);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.code).toBe(0);

    const mypy = mypyStrict(python, packages);
    expect(mypy.stdout).toMatch(/^Success: no issues found in \d+ source files/);
    expect(mypy.code).toBe(0);

    const verify = verifyPython(python, cases);
    expect(verify.failures).toEqual([]);
    expect(verify.checked).toBe(cases.reduce((n, e) => n + e.cases.length, 0));
    expect(verify.run.code).toBe(0);
  });
});
