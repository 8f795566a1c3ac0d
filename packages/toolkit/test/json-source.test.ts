import { readFileSync } from "node:fs";
import path from "node:path";
import * as jsonc from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { joinPointer, locate, MAX_JSON_DEPTH, type Position, parseJsonSource, pointerSegments } from "../src/load/json-source.js";
import { listFiles } from "../src/load/list-files.js";
import { FIXTURES, REPO } from "./helpers.js";

const codes = (text: string) =>
  parseJsonSource("f.json", text).diagnostics.map(({ code, pointer, line, column }) => ({ code, pointer, line, column }));

/**
 * Duplicate keys are found by comparing members with the colons outside strings, which are counted
 * natively when no `\u` escape can spell a colon: each case below would fool a count that got it wrong.
 */
describe("parseJsonSource: duplicate keys", () => {
  it("finds a duplicate among keys and strings that hold colons", () => {
    const text = '{\n  "a:b": "x:y:z",\n  "c": ["u:v", {"d": "w:"}],\n  "a:b": 1\n}';
    expect(codes(text)).toEqual([{ code: "json-duplicate-key", pointer: "/a:b", line: 4, column: 3 }]);
  });

  it("finds a duplicate when an escaped colon (\\u003a) in a string would balance the count", () => {
    const text = '{"s": "\\u003a", "k": 1, "k": 2}';
    expect(codes(text)).toEqual([{ code: "json-duplicate-key", pointer: "/k", line: 1, column: 25 }]);
  });

  it("accepts distinct keys with escaped and literal colons", () => {
    expect(codes('{"\\u003a": ":", "x": {"\\\\u003a": "a:b\\u003a"}}')).toEqual([]);
    expect(parseJsonSource("f.json", '{"\\u003a": ":"}').source.value).toEqual({ ":": ":" });
  });
});

describe("parseJsonSource: depth", () => {
  const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}[]${"}".repeat(levels - 1)}`;

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1} at the bracket that opens the extra one`, () => {
    expect(codes(nested(MAX_JSON_DEPTH))).toEqual([]);
    expect(codes(nested(MAX_JSON_DEPTH + 1))).toEqual([
      { code: "json-too-deep", pointer: "/a".repeat(MAX_JSON_DEPTH), line: 1, column: 5 * MAX_JSON_DEPTH + 1 },
    ]);
  });

  it("reports depth before a syntax error and before a duplicate key", () => {
    expect(codes(`${nested(MAX_JSON_DEPTH + 1)},`).map((d) => d.code)).toEqual(["json-too-deep"]);
    expect(codes(`{"k": 1, "k": ${nested(MAX_JSON_DEPTH)}}`).map((d) => d.code)).toEqual(["json-too-deep"]);
  });
});

/** The tree-based lookup locate used before it scanned the text: the reference the scan is held to. */
function locateByTree(text: string, tree: jsonc.Node | undefined, pointer: string): Position | undefined {
  let node = tree;
  if (node === undefined) return undefined;
  let offset = node.offset;
  for (const segment of pointerSegments(pointer)) {
    if (node.type === "object") {
      const property: jsonc.Node | undefined = node.children?.find((p) => p.children?.[0]?.value === segment);
      const key = property?.children?.[0];
      const value: jsonc.Node | undefined = property?.children?.[1];
      if (key === undefined || value === undefined) break;
      offset = key.offset;
      node = value;
    } else if (node.type === "array") {
      const child: jsonc.Node | undefined = node.children?.[Number(segment)];
      if (child === undefined) break;
      offset = child.offset;
      node = child;
    } else break;
  }
  const lines = text.slice(0, offset).split("\n");
  return { line: lines.length, column: (lines.at(-1) ?? "").length + 1 };
}

/**
 * Every value's pointer, and pointers that resolve only partly: a missing key, indexes past the end
 * or spelled oddly (Number() reads "" as 0 and "1e0" as 1), and a step below a scalar.
 */
function pointersOf(value: unknown, at = ""): string[] {
  if (typeof value !== "object" || value === null) return [at, joinPointer(at, "below")];
  if (Array.isArray(value)) {
    const odd = [value.length, -1, "01", "", "1e0", "-0", "x"].map((segment) => joinPointer(at, segment));
    return [at, ...odd, ...value.flatMap((item, index) => pointersOf(item, joinPointer(at, index)))];
  }
  const members = Object.entries(value as Record<string, unknown>);
  return [at, joinPointer(at, "no such key"), ...members.flatMap(([key, item]) => pointersOf(item, joinPointer(at, key)))];
}

describe("locate: the text scan gives the syntax tree's positions", () => {
  const handWritten = [
    '{"a\\"b": 1, "a\\\\": [2], "\\u00e9": {"x": 3}, "é": 4, "\\/": 5, "a~b/c": {"~0": 6}, "": {"": 7}}',
    '{\r\n\t"s": "}\\"]\\\\",\r\n\t"t" : [ [ [1, [2, {"u": null}]], [] ], {} ],\r\n\t"v":true,"w":-1.5e3}',
    '  \n["😀", {"😀": "ü"}, "\\ud83d\\ude00", {"k\\ud83d\\ude00": [false]}, [[[]]], 0]',
    '"just a string"',
    " 42 ",
    '{"deep": {"a": [{"b": [[{"c": "}"}]]}], "z": {}}, "after": ["{", "[", "\\""]}',
  ].map((text, index) => ({ name: `hand-written #${index}`, text }));
  const files = [path.join(REPO, "schemas"), FIXTURES].flatMap((dir) =>
    listFiles(dir)
      .filter((rel) => rel.endsWith(".json"))
      .map((rel) => ({ name: path.relative(REPO, path.join(dir, rel)), text: readFileSync(path.join(dir, rel), "utf8") })),
  );

  it("on every value of the repo's schemas and fixtures and of hand-written texts with escapes, unicode and nested arrays", () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const { name, text } of [...handWritten, ...files]) {
      const { source } = parseJsonSource(name, text);
      const pointers = source.value === undefined ? ["", "/a"] : pointersOf(source.value);
      const tree =
        source.value === undefined ? undefined : jsonc.parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
      // Large files are sampled evenly: each scan reads the text from its start.
      const step = Math.max(1, Math.floor(pointers.length / 2000));
      for (let i = 0; i < pointers.length; i += step) {
        const pointer = pointers[i] as string;
        const expected = locateByTree(text, tree, pointer);
        const actual = locate(source, pointer);
        checked++;
        if (JSON.stringify(actual) !== JSON.stringify(expected))
          wrong.push(`${name} ${pointer}: ${JSON.stringify(actual)}, tree says ${JSON.stringify(expected)}`);
      }
    }
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(files.length).toBeGreaterThan(100);
    expect(checked).toBeGreaterThan(10000);
  });
});
