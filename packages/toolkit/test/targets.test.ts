import { cpSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import avro from "avsc";
import { beforeAll, describe, expect, it } from "vitest";
import { type Catalog, loadCatalog } from "../src/lint/catalog.js";
import { createAjv } from "../src/load/ajv.js";
import { type CanonConfig, loadConfig } from "../src/load/config.js";
import { listFiles } from "../src/load/list-files.js";
import { canon, FIXTURES, REPO, TOOLKIT, tempDir, tempDirInRepo } from "./helpers.js";
import { avroCase, mypyStrict, pyrightStrict, readAvsc, typecheckTypeScript, verifyPython } from "./toolchain.js";

/**
 * The generated code of each catalog is checked with the real tools: tsc over the TypeScript,
 * mypy --strict and an import over the Python, avsc and fastavro over the Avro, and the bytes of
 * both Avro libraries compared.
 */
const CATALOGS = [
  { label: "kitchen-sink fixture", dir: path.join(FIXTURES, "kitchen-sink") },
  // Recursion through a nullable field, an array and a map, directly and through other types, and an event that contains itself.
  { label: "recursive fixture", dir: path.join(FIXTURES, "recursive") },
  { label: "the repository's schemas/", dir: REPO },
];

describe.each(CATALOGS)("generated targets for $label", ({ dir }) => {
  let out: string;
  let config: CanonConfig;
  let catalog: Catalog;

  beforeAll(() => {
    out = tempDirInRepo("targets");
    config = loadConfig(dir, { out });
    catalog = loadCatalog(config, dir);
    const result = canon(["generate", "--out", out], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("lints clean", () => {
    expect(catalog.diagnostics).toEqual([]);
    expect(catalog.model.events.length).toBeGreaterThan(0);
  });

  it("is deterministic: a second run changes nothing", () => {
    const again = canon(["generate", "--out", out], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/typescript .* \(unchanged\)/);
    expect(again.stdout).toMatch(/avro .* \(unchanged\)/);
    expect(again.stdout).toMatch(/python .* \(unchanged\)/);
    expect(again.stdout).toMatch(/jsonschema .* \(unchanged\)/);
    expect(canon(["generate", "--out", out, "--check"], dir).code).toBe(0);
  });

  it("TypeScript compiles under tsc --strict --exactOptionalPropertyTypes", () => {
    const ts = path.join(out, "typescript");
    // A catalog may bring a consumer file whose @ts-expect-error lines prove that misuse fails to compile.
    const consumer = path.join(dir, "consumer.ts");
    if (existsSync(consumer)) cpSync(consumer, path.join(ts, "consumer.ts"));
    const tsc = typecheckTypeScript(ts);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.code).toBe(0);
  });

  it("every example round-trips through avsc to its canonical form", () => {
    for (const event of catalog.model.events) {
      const type = avro.Type.forSchema(readAvsc(path.join(out, "avro"), event.eventType));
      for (const example of event.examples) avroCase(catalog.model, event, type, example as Record<string, unknown>);
    }
  });

  it("each bundled JSON Schema stands alone: accepts every example, rejects what the source rejects", () => {
    for (const event of catalog.model.events) {
      const bundle = JSON.parse(readFileSync(path.join(out, "jsonschema", `${event.eventType}.json`), "utf8")) as { $id: string };
      // A fresh validator that knows no other file: any unresolved $ref would throw here.
      const validate = createAjv().compile(bundle);
      for (const example of event.examples) expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
      expect(validate({})).toBe(false);
      expect(validate({ ...(event.examples[0] as object), not_a_field: 1 })).toBe(false);
    }
  });

  it("Python passes mypy --strict and pyright --strict, imports, round-trips every example, and fastavro agrees with avsc byte for byte", () => {
    const parent = tempDir("py");
    cpSync(path.join(out, "python"), path.join(parent, "generated_events"), { recursive: true });
    const mypy = mypyStrict(parent, ["generated_events"]);
    expect(mypy.stdout).toMatch(/^Success: no issues found in \d+ source files/);
    expect(mypy.code).toBe(0);
    const pyright = pyrightStrict(parent, ["generated_events"]);
    expect(pyright.stdout).toMatch(/(^|\n)0 errors, 0 warnings, 0 informations/);
    expect(pyright.code).toBe(0);

    const verify = verifyPython(
      parent,
      catalog.model.events.map((event) => {
        const type = avro.Type.forSchema(readAvsc(path.join(out, "avro"), event.eventType));
        return {
          package: "generated_events",
          eventType: event.eventType,
          avsc: path.join(out, "avro", `${event.eventType}.avsc`),
          cases: event.examples.map((example) => avroCase(catalog.model, event, type, example as Record<string, unknown>)),
        };
      }),
    );
    expect(verify.run.stderr).toBe("");
    expect(verify.failures).toEqual([]);
    expect(verify.checked).toBe(catalog.model.events.reduce((n, e) => n + e.examples.length, 0));
    expect(verify.run.code).toBe(0);
  });
});

/** Files that are templates copied as they are, or other targets' output: reviewed there, not here. */
function copiedVerbatim(target: string, file: string): boolean {
  // validators/ are proven equal to ajv (verdicts and errors) by sample.test.ts and the validate/check tests, not reviewed line by line.
  if (target === "typescript") return file.startsWith("runtime/") || file.startsWith("validators/");
  if (target === "python") return file.startsWith("schemas/") || existsSync(path.join(TOOLKIT, "templates/python", file));
  return false;
}

describe("kitchen-sink golden files", () => {
  it("match the committed goldens (which the tests above prove compile, type-check and round-trip)", async () => {
    const dir = path.join(FIXTURES, "kitchen-sink");
    const out = tempDir("golden");
    expect(canon(["generate", "--out", out], dir).code).toBe(0);
    for (const target of ["typescript", "avro", "python", "jsonschema"]) {
      for (const file of listFiles(path.join(out, target)).filter((f) => !copiedVerbatim(target, f))) {
        const golden = path.join(TOOLKIT, "test/golden/kitchen-sink", target, file);
        await expect(readFileSync(path.join(out, target, file), "utf8")).toMatchFileSnapshot(golden);
      }
    }
  });
});

describe("bundled JSON Schema keeps validation keywords", () => {
  it("rejects a currency that breaks the shared type's pattern, as the source schema does", () => {
    const dir = path.join(FIXTURES, "kitchen-sink");
    const out = tempDir("bundle");
    expect(canon(["generate", "--out", out, "--target", "jsonschema"], dir).code).toBe(0);
    const bundle = JSON.parse(readFileSync(path.join(out, "jsonschema", "com.example.billing.invoice.issued.v1.json"), "utf8")) as object;
    const validate = createAjv().compile(bundle);
    const good = { amount: { amount: 1, currency: "EUR" }, status: "closed", lines: {} };
    expect(validate(good)).toBe(true);
    expect(validate({ ...good, amount: { amount: 1, currency: "eur" } })).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe("/amount/currency");
  });
});
