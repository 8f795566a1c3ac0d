import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { catalogStats } from "../src/cli/stats.js";
import { loadCatalog } from "../src/lint/catalog.js";
import { LINT_RULES } from "../src/lint/rules/index.js";
import { lintCatalog } from "../src/lint/run.js";
import { loadConfig } from "../src/load/config.js";
import { ERROR_DOCS, formatReport } from "../src/load/diagnostics.js";
import { canon, FIXTURES, TOOLKIT, tempDir } from "./helpers.js";

const LINT = path.join(FIXTURES, "lint");
const CASES = readdirSync(path.join(LINT, "cases")).sort();

/** The valid base catalog with one case's files (schemas and services) laid over it, and its deleted files removed. */
function caseFolder(name: string): string {
  const dir = tempDir(`lint-${name}`);
  cpSync(path.join(LINT, "base"), dir, { recursive: true });
  for (const folder of ["schemas", "services"]) {
    const from = path.join(LINT, "cases", name, folder);
    if (existsSync(from)) cpSync(from, path.join(dir, folder), { recursive: true });
  }
  const deleted = path.join(LINT, "cases", name, "deleted.txt");
  if (existsSync(deleted)) {
    for (const rel of readFileSync(deleted, "utf8").split("\n").filter(Boolean)) rmSync(path.join(dir, "schemas", rel));
  }
  return dir;
}

describe("lint", () => {
  it("accepts the valid base catalog", () => {
    const catalog = loadCatalog(loadConfig(path.join(LINT, "base")), path.join(LINT, "base"));
    expect(catalog.diagnostics).toEqual([]);
  });

  it.each(CASES)("rejects %s with the exact report in its expected.txt", async (name) => {
    const dir = caseFolder(name);
    const catalog = loadCatalog(loadConfig(dir), dir);
    expect(catalog.diagnostics.length).toBeGreaterThan(0);
    for (const d of catalog.diagnostics) {
      expect(d.file).toMatch(/^(schemas|services)\//);
      expect(d.message).not.toBe("");
      expect(d.line, `${d.code} should have a position`).toBeGreaterThan(0);
    }
    await expect(`${formatReport(catalog.diagnostics)}\n`).toMatchFileSnapshot(path.join(LINT, "cases", name, "expected.txt"));
  });

  it("canon lint exits 1 and prints every error with a summary; --format json gives the same as data", () => {
    const dir = caseFolder("many-errors-at-once");
    const text = canon(["lint"], dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe("");
    expect(text.stderr).toBe(readFileSync(path.join(LINT, "cases", "many-errors-at-once", "expected.txt"), "utf8"));
    const json = canon(["lint", "--format", "json"], dir);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; errors: { code: string; file: string; pointer: string; line: number }[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.errors.map((e) => e.code)).toEqual(loadCatalog(loadConfig(dir), dir).diagnostics.map((d) => d.code));
  });

  it("reports every problem of a file at once: fixing the meta-schema's and the loader's problems reveals nothing new", () => {
    const dir = caseFolder("every-problem-in-one-file");
    const found = (d: string) => loadCatalog(loadConfig(d), d).diagnostics.map((x) => `${x.code} ${x.pointer}`);
    const once = found(dir);
    // A name that breaks a pattern (meta-schema) and a $ref to a missing file (loader) once hid every rule on this file.
    const fixedHere = [
      "type-name-not-pascal-case /properties/item/title",
      "field-name-not-snake-case /properties/giftWrap",
      "ref-missing-file /properties/address/$ref",
    ];
    expect(once).toEqual(
      expect.arrayContaining([...fixedHere, "optional-without-default /properties/coupon", "record-not-closed /properties/item"]),
    );
    const file = path.join(dir, "schemas/events/org.example.shop.order.placed.v1.json");
    const schema = JSON.parse(readFileSync(file, "utf8")) as { properties: Record<string, Record<string, unknown>> };
    const { giftWrap, item, ...rest } = schema.properties;
    schema.properties = { ...rest, item: { ...item, title: "LineItem" }, gift_wrap: giftWrap ?? {} };
    schema.properties.address = { type: "string", description: "Where it goes." };
    writeFileSync(file, JSON.stringify(schema, null, 2));
    const rules = once.filter((d) => !fixedHere.includes(d));
    expect(rules.length).toBeGreaterThan(4);
    expect(found(dir).sort()).toEqual(rules.sort());
  });

  it("a lint rule is one file named by its code, listed once in LINT_RULES, whose row is its own in ERROR_DOCS", async () => {
    const folder = path.join(TOOLKIT, "src/lint/rules");
    const files = readdirSync(folder).filter((f) => f !== "index.ts");
    const codes = await Promise.all(
      files.map(async (f) => ((await import(path.join(folder, f))) as { default: { code: string } }).default.code),
    );
    expect(codes).toEqual(files.map((f) => f.replace(/\.ts$/, "")));
    expect(LINT_RULES.map((r) => r.code).sort()).toEqual([...codes].sort());
    for (const rule of LINT_RULES) expect(ERROR_DOCS[rule.code]).toEqual({ meaning: rule.meaning, fix: rule.fix });
  });

  it("runs a rule beside load errors under the rule's own code; a rule that needs a clean catalog waits", () => {
    const dir = caseFolder("ref-missing-file");
    const catalog = loadCatalog(loadConfig(dir), dir);
    const input = { files: catalog.files, model: catalog.model, config: loadConfig(dir) };
    const reporting = (code: string, pointer: string) => ({
      code,
      meaning: "",
      fix: "",
      check: ({ model }: typeof input, report: (file: string, pointer: string, message: string) => void) => {
        for (const event of model.events) report(event.origin.file, pointer, event.eventType);
      },
    });
    const rules = [reporting("every-event", "/title"), { ...reporting("when-clean", ""), onlyWhenClean: true as const }];
    const seen = (loaded: boolean, rejected: string[] = []) =>
      lintCatalog(input, { rejected: new Set(rejected), loaded }, rules).map((d) => `${d.code} ${d.pointer} ${d.message}`);
    expect(seen(false)).toEqual(["every-event /title org.example.shop.order.placed.v1"]);
    expect(seen(true)).toEqual(["every-event /title org.example.shop.order.placed.v1"]);
    // A value the meta-schema rejected is not judged again; with nothing else found, the waiting rule runs.
    expect(seen(true, ["events/org.example.shop.order.placed.v1.json#/title"])).toEqual(["when-clean  org.example.shop.order.placed.v1"]);
    expect(seen(false, ["events/org.example.shop.order.placed.v1.json#/title"])).toEqual([]);
  });

  it("canon generate writes nothing when the schemas have errors", () => {
    const dir = caseFolder("ref-missing-file");
    const out = tempDir("no-output");
    const result = canon(["generate", "--out", out], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error[ref-missing-file]");
    expect(readdirSync(out)).toEqual([]);
  });

  it("finds services beside the schemas folder, or where the config says; without any, every producer is unknown", () => {
    const dir = caseFolder("service-unused");
    expect(loadConfig(dir).services).toBe(path.join(dir, "services"));
    expect(loadConfig(dir, { schemas: "elsewhere/schemas" }).services).toBe(path.join(dir, "elsewhere/services"));
    const moved = tempDir("services-moved");
    cpSync(dir, moved, { recursive: true });
    cpSync(path.join(moved, "services"), path.join(moved, "teams"), { recursive: true });
    rmSync(path.join(moved, "services"), { recursive: true });
    writeFileSync(
      path.join(moved, "eventcanon.config.json"),
      JSON.stringify({ schemas: "schemas", eventTypePrefix: "org.example", services: "teams" }),
    );
    const found = loadCatalog(loadConfig(moved), moved);
    expect(found.diagnostics.map((d) => `${d.file} ${d.code}`)).toEqual(["teams/billing.json service-unused"]);
    expect([...found.model.services.keys()]).toEqual(["billing", "shop"]);
    // The base catalog has no services folder: nothing to check, and the one event's producer is unknown.
    const base = loadCatalog(loadConfig(path.join(LINT, "base")), path.join(LINT, "base"));
    expect(base.model.services.size).toBe(0);
    expect(base.model.events.map((e) => e.producers)).toEqual([undefined]);
    expect(catalogStats(base.model)).toMatchObject({ services: 0, unknownProducers: 1 });
    expect(catalogStats(found.model)).toMatchObject({ services: 2, unknownProducers: 0 });
  });

  it("reports a missing schemas folder", () => {
    const dir = tempDir("empty");
    const result = canon(["lint", "--schemas", "nowhere"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "nowhere (document) error[schemas-folder-missing]: schemas folder not found\n    hint: run from the repository root or pass --schemas DIR\n1 error in 1 file\n",
    );
  });
});
