import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../src/catalog.js";
import { loadConfig } from "../src/config.js";
import { formatReport } from "../src/diagnostics.js";
import { catalogStats } from "../src/stats.js";
import { canon, FIXTURES, tempDir } from "./helpers.js";

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
