import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { compile } from "json-schema-to-typescript";
import { FetchingJSONSchemaStore, InputData, JSONSchemaInput, quicktype } from "quicktype-core";
import { beforeAll, describe, expect, it } from "vitest";
import { listFiles } from "../src/load/list-files.js";
import { canon, FIXTURES, tempDir } from "./helpers.js";

/**
 * Each wrapped library is wrong for us out of the box in known ways. These tests show the raw
 * behaviour (so a library upgrade that changes it is noticed) next to the fixed output.
 */
let out: string;
beforeAll(() => {
  out = tempDir("fixes");
  expect(canon(["generate", "--out", out], path.join(FIXTURES, "kitchen-sink")).code).toBe(0);
});

const read = (target: string, file: string) => readFileSync(path.join(out, target, file), "utf8");

describe("quicktype-core (Python)", () => {
  const schema = {
    title: "Sample",
    type: "object",
    properties: { zeta: { type: "string" }, class: { type: "string" }, alpha: { type: "integer" } },
    required: ["zeta", "class", "alpha"],
    additionalProperties: false,
  };

  async function raw(justTypes: boolean): Promise<string> {
    const input = new JSONSchemaInput(new FetchingJSONSchemaStore());
    await input.addSource({ name: "Sample", schema: JSON.stringify(schema) });
    const data = new InputData();
    data.addInput(input);
    const result = await quicktype({ inputData: data, lang: "python", rendererOptions: { "just-types": justTypes ? "true" : "false" } });
    return result.lines.join("\n");
  }

  it("raw: sorts fields, renames a keyword field, and converts with assert and dateutil", async () => {
    const types = await raw(true);
    const fields = [...types.matchAll(/^ {4}(\w+): /gm)].map((m) => m[1]);
    expect(fields).not.toEqual(["zeta", "class_", "alpha"]);
    expect(fields).not.toContain("class");
    const full = await raw(false);
    expect(full).toMatch(/^\s+assert isinstance/m);
  });

  it("fixed: schema field order, keyword-safe names mapped back to wire names, no assert, no dateutil", () => {
    const shop = read("python", "shop.py");
    const body = shop.slice(shop.indexOf("class OrderPlacedV1:"));
    const fields = [...body.matchAll(/^ {4}(\w+): /gm)].map((m) => m[1]).slice(0, 7);
    expect(fields).toEqual(["EVENT_TYPE", "order_id", "placed_at", "status", "total", "items", "attributes"]);
    expect(body).toContain('class_=read_str(record["class"], path, ".class")');
    expect(body).toContain('"class": self.class_,');
    for (const file of readdirSync(path.join(out, "python")).filter((f) => f.endsWith(".py"))) {
      const code = read("python", file);
      expect(code).not.toMatch(/^\s*assert\b/m);
      expect(code).not.toContain("dateutil");
    }
  });
});

describe("json-schema-to-typescript", () => {
  it("raw: re-declares a referenced type inside every file that uses it, and adds index signatures when not told otherwise", async () => {
    const money = { title: "Money", type: "object", properties: { amount: { type: "number" } }, required: ["amount"] };
    const order = await compile(
      { title: "Order", type: "object", properties: { total: money, refund: money }, required: ["total"] } as never,
      "Order",
      { bannerComment: "" },
    );
    expect(order).toContain("export interface Money");
    expect(order).toContain("[k: string]: unknown");
  });

  it("fixed: each named type is declared exactly once across all files, imported elsewhere, with no index signature", () => {
    const files = listFiles(path.join(out, "typescript")).filter((f) => f.endsWith(".ts"));
    const all = files.map((f) => read("typescript", f)).join("\n");
    for (const name of ["Money", "Status", "Node", "Geometry", "Point", "LineItem", "OrderPlacedV1"]) {
      expect(all.match(new RegExp(`export (?:interface|type) ${name}\\b`, "g")), name).toHaveLength(1);
    }
    expect(all).not.toContain("[k: string]: unknown");
    const shop = read("typescript", "types/shop.ts");
    expect(shop).toContain('import type { Geometry, Money, Node, Status, TagName } from "./shared.js";');
    expect(shop).toContain("channel?: OrderPlacedV1Channel;");
    expect(shop).toContain('export type OrderPlacedV1Channel = "web" | "mobile";');
  });
});
