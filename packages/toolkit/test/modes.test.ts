import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MODES, POLICIES } from "../src/load/modes.js";
import { TOOLKIT } from "./helpers.js";

const metaSchema = (name: string) => JSON.parse(readFileSync(path.join(TOOLKIT, "meta-schema", name), "utf8")) as Record<string, unknown>;
const at = (value: unknown, ...keys: string[]): unknown => keys.reduce((v, k) => (v as Record<string, unknown>)[k], value);

// The meta-schemas are JSON, so they list the modes again; these keep the lists one.
describe("the compatibility modes and policies", () => {
  it("are the config schema's enums", () => {
    const compatibility = at(metaSchema("config.schema.json"), "properties", "compatibility", "properties");
    expect(at(compatibility, "mode", "enum")).toEqual([...MODES]);
    expect(at(compatibility, "policy", "enum")).toEqual([...POLICIES]);
  });

  it("are the event schema's x-compatibility enum", () => {
    const root = metaSchema("eventcanon.schema.json");
    const found: unknown[] = [];
    const walk = (node: unknown) => {
      if (typeof node !== "object" || node === null) return;
      const xCompatibility = (node as Record<string, unknown>)["x-compatibility"];
      if (typeof xCompatibility === "object" && xCompatibility !== null && "enum" in xCompatibility) found.push(xCompatibility.enum);
      for (const child of Object.values(node)) walk(child);
    };
    walk(root);
    expect(found).toEqual([[...MODES]]);
  });
});
