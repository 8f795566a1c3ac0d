import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { docs, explain } from "../src/cli/docs.js";
import { TARGET_LIST } from "../src/emit/targets.js";
import { configSchema } from "../src/load/config.js";
import { ERROR_DOCS } from "../src/load/diagnostics.js";
import { canon, FIXTURES, REPO, TOOLKIT } from "./helpers.js";

/** Every hint line of every exact expected report kept as a fixture: what users are actually told. */
function fixtureHints(): string[] {
  const hints: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.startsWith("expected"))
        for (const m of readFileSync(full, "utf8").matchAll(/^\s*hint: (.*)$/gm)) if (m[1] !== undefined) hints.push(m[1]);
    }
  };
  walk(FIXTURES);
  return hints;
}

describe("canon explain", () => {
  it("prints the meaning and fix of a code, also pasted as error[code]", () => {
    const doc = ERROR_DOCS["ref-remote"];
    const expected = `ref-remote\n  meaning: ${doc.meaning}\n  fix:     ${doc.fix}\n`;
    for (const form of ["ref-remote", "error[ref-remote]"])
      expect(canon(["explain", form], REPO)).toEqual({ code: 0, stdout: expected, stderr: "" });
  });

  it("explains every code, and lists them all in the README's order", () => {
    for (const [code, doc] of Object.entries(ERROR_DOCS)) expect(explain([code]).stdout).toContain(`fix:     ${doc.fix}`);
    const listed = explain([]).stdout.trimEnd().split("\n");
    expect(listed.map((line) => line.split(/\s+/)[0])).toEqual(Object.keys(ERROR_DOCS));
  });

  it("refuses an unknown code with exit 2, naming codes that share a word", () => {
    const result = canon(["explain", "ref-missing"], REPO);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('canon explain: unknown error code "ref-missing"; did you mean ');
    expect(result.stderr).toContain("ref-missing-file");
  });
});

describe("canon docs", () => {
  it("prints the schema format the package ships (files: docs)", () => {
    const shipped = readFileSync(path.join(TOOLKIT, "docs/schema-format.md"), "utf8");
    expect(canon(["docs"], REPO)).toEqual({ code: 0, stdout: shipped, stderr: "" });
    const pkg = JSON.parse(readFileSync(path.join(TOOLKIT, "package.json"), "utf8")) as { files: string[] };
    expect(pkg.files).toContain("docs");
  });

  it("lists every key of the config schema, nested ones dotted", () => {
    // With the targets' outputs keys filled in, as the config is checked.
    const schema = configSchema(TARGET_LIST) as { properties: Record<string, { properties?: Record<string, unknown> }> };
    const printed = docs(["config"]).stdout;
    for (const [key, child] of Object.entries(schema.properties)) {
      if (key === "$schema") continue;
      expect(printed).toMatch(new RegExp(`^  ${key.replace("$", "\\$")}\\b`, "m"));
      for (const sub of Object.keys(child.properties ?? {})) expect(printed).toMatch(new RegExp(`^  ${key}\\.${sub}\\b`, "m"));
    }
  });

  it("refuses an unknown topic with exit 2", () => {
    const result = canon(["docs", "nonsense"], REPO);
    expect([result.code, result.stderr.split("\n")[0]]).toEqual([2, 'canon docs: unknown topic "nonsense"']);
  });
});

describe("every hint points to something the user has", () => {
  const hints = [...fixtureHints(), ...Object.values(ERROR_DOCS).map((d) => d.fix)];

  it("names no file of this repository (docs/, packages/, the README)", () => {
    expect(hints.length).toBeGreaterThan(40);
    expect(hints.filter((hint) => /\b(docs|packages)\/|README/.test(hint))).toEqual([]);
  });

  it("names only canon commands that exist, with topics canon docs knows", () => {
    const usage = canon(["--help"], REPO).stdout;
    const commands = new Set([...usage.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]));
    const named = hints.flatMap((hint) => [...hint.matchAll(/`canon ([a-z]+)( [a-z-]+)?`/g)]);
    expect(named.length).toBeGreaterThan(3);
    for (const [, command, topic] of named) {
      expect(commands).toContain(command);
      if (command === "docs") expect(docs(topic === undefined ? [] : [topic.trim()]).code).toBe(0);
    }
  });
});
