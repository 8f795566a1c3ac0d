import { readdirSync } from "node:fs";
import path from "node:path";
import { compile } from "json-schema-to-typescript";
import { describe, expect, it } from "vitest";
import { formatDeclaration } from "../src/emit/typescript/declaration-format.js";
import { COMPILE_OPTIONS, declarationSchema } from "../src/emit/typescript/declarations.js";
import { loadCatalog } from "../src/lint/catalog.js";
import { loadConfig } from "../src/load/config.js";
import { FIXTURES, REPO } from "./helpers.js";

const catalogs = [REPO, ...readdirSync(FIXTURES).map((name) => path.join(FIXTURES, name))].filter((dir) =>
  readdirSync(dir).includes("eventcanon.config.json"),
);

/** json-schema-to-typescript's declaration of each named type, unformatted and as prettier lays it out. */
async function declarationsOf(dir: string): Promise<{ name: string; raw: string; prettier: string }[]> {
  const config = loadConfig(dir);
  const model = loadCatalog(config, dir).model;
  return Promise.all(
    [...model.types.values()].map(async (type) => {
      const schema = declarationSchema(model, type, config) as Parameters<typeof compile>[0];
      const [raw, prettier] = await Promise.all([
        compile(schema, type.name, { ...COMPILE_OPTIONS, format: false }),
        compile(schema, type.name, COMPILE_OPTIONS),
      ]);
      return { name: type.name, raw, prettier };
    }),
  );
}

describe("formatDeclaration lays json-schema-to-typescript's output out as prettier does", () => {
  it.each(catalogs)("for every declaration of %s it formats, prettier's layout or none", async (dir) => {
    const declarations = await declarationsOf(dir);
    for (const { name, raw, prettier } of declarations) {
      const laidOut = formatDeclaration(raw);
      if (laidOut !== undefined) expect(laidOut, name).toBe(prettier);
    }
  });

  it("lays out what the catalogs may lack: paragraphs, indented lines, trailing spaces (two are a Markdown line break), maps of arrays, arrays of unions", async () => {
    const schema = {
      type: "object",
      description: "First paragraph.  \n\n  Indented line.\nTrailing space \nThree spaces   \n*  A star\nLast line ",
      properties: {
        a: { type: ["string", "null"], description: "One.\n\nTwo." },
        b: { type: "array", items: { type: ["integer", "null"] } },
        c: { type: "object", additionalProperties: { type: "array", items: { type: "boolean" } } },
        d: { enum: ["x", "y"] },
      },
      required: ["a"],
      additionalProperties: false,
    } as Parameters<typeof compile>[0];
    const raw = await compile(schema, "Sample", { ...COMPILE_OPTIONS, format: false });
    expect(formatDeclaration(raw)).toBe(await compile(schema, "Sample", COMPILE_OPTIONS));
  });

  it("formats nearly every declaration of the repo's catalog itself, leaving few to prettier", async () => {
    const declarations = await declarationsOf(REPO);
    const left = declarations.filter((d) => formatDeclaration(d.raw) === undefined).map((d) => d.name);
    expect(declarations.length).toBeGreaterThan(100);
    expect(left.length, left.join(", ")).toBeLessThanOrEqual(declarations.length / 20);
  });

  it.each([
    ["an empty interface", "export interface Empty {\n}\n"],
    ["a quoted key", 'export interface Q {\n"a-b": string\n}\n'],
    ["a string with an escape", 'export type E = ("a\\"b" | "c")\n'],
    ["a union nested in a union", "export type U = ((A | B) | C)\n"],
    ["a line prettier may break", `export type Long = (${Array.from({ length: 12 }, (_, i) => `"symbol_${i}"`).join(" | ")})\n`],
    ["a nullable object", "export interface N {\nx?: ({\n[k: string]: string | undefined\n} | null)\n}\n"],
    ["non-ASCII text in code", 'export type U = ("é" | "b")\n'],
  ])("leaves %s to prettier", (_what, raw) => {
    expect(formatDeclaration(raw)).toBeUndefined();
  });
});
