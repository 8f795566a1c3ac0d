import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, parseJsonSource } from "../src/load/json-source.js";

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
