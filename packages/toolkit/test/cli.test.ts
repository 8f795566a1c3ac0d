import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canon, FIXTURES, tempDir } from "./helpers.js";

const KITCHEN = path.join(FIXTURES, "kitchen-sink");

describe("canon command line", () => {
  it("prints usage and exits 2 without a command", () => {
    const result = canon([], KITCHEN);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("usage: canon <command> [options]");
  });

  it.each(["generate", "lint"])("%s --help explains the verb and exits 0", (verb) => {
    const result = canon([verb, "--help"], KITCHEN);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^usage: canon ${verb} \\[options\\]`));
    expect(result.stdout).toContain("--schemas DIR");
  });

  it.each(["init", "new", "explain", "docs"])("%s --help prints its usage, and the command list names it", (verb) => {
    const result = canon([verb, "--help"], KITCHEN);
    expect([result.code, result.stdout.split("\n")[0]]).toEqual([0, expect.stringMatching(new RegExp(`^usage: canon ${verb}\\b`))]);
    expect(canon(["--help"], KITCHEN).stdout).toMatch(new RegExp(`^  ${verb} {2,}\\S`, "m"));
  });

  it.each([
    [["frobnicate"], 'canon: unknown command "frobnicate"'],
    [["lint", "--bogus"], "canon lint: Unknown option '--bogus'"],
    [["lint", "--out", "x"], "canon lint: --out, --target and --check are options of generate only (and --out of catalog)"],
    [["generate", "--target", "rust"], 'canon generate: unknown target "rust"; use typescript, avro, python, jsonschema, asyncapi'],
    [["lint", "--format", "yaml"], "canon lint: --format must be text or json"],
    [
      ["compat", "a.json", "b.json", "--base", "HEAD"],
      "canon compat: --base is an option of check: `canon check --base REF` compares the changed events with a git ref; compat compares the two files it is given",
    ],
  ])("rejects %j with exit 2 and a clear message", (args, message) => {
    const result = canon(args, KITCHEN);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("reports an unknown config key with file, pointer and position", () => {
    const dir = tempDir("config");
    const file = path.join(dir, "bad.json");
    writeFileSync(file, '{\n  "schemas": "schemas",\n  "output": {}\n}\n');
    const result = canon(["lint", "--config", file], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'bad.json:3:3 /output error[config-invalid]: unknown config key "output"\n    hint: `canon docs config` lists every key and its values\n1 error in 1 file\n',
    );
  });

  it("generate --target writes only the named targets; --format json reports them", () => {
    const out = tempDir("only-avro");
    const result = canon(["generate", "--out", out, "--target", "avro", "--format", "json"], KITCHEN);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; targets: { target: string; files: number; changed: boolean }[] };
    expect(report.ok).toBe(true);
    expect(report.targets.map((t) => [t.target, t.files, t.changed])).toEqual([["avro", 3, true]]);
  });
});
