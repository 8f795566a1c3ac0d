import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, edit, FIXTURES, tempDir } from "./helpers.js";

/** `canon lint` from the built CLI with a cache folder, as a user runs it. */
function lint(repo: string, cache: string): { code: number | null; output: string } {
  const result = spawnSync(process.execPath, [CLI, "lint", "--format", "json"], {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, EVENTCANON_CACHE: cache },
  });
  return { code: result.status, output: result.stdout };
}

const recorded = (cache: string) => readFileSync(path.join(cache, "checked-files.txt"), "utf8").split("\n").filter(Boolean);

describe("schema files checked before (CheckedFiles)", () => {
  it("are recorded once they pass, and a changed, failing or damaged one is checked again", () => {
    const repo = tempDir("checked-files");
    cpSync(path.join(FIXTURES, "kitchen-sink"), repo, { recursive: true });
    const cache = path.join(repo, "cache");
    const clean = lint(repo, cache);
    expect(clean.code).toBe(0);
    // One pass per file: 3 events and 5 shared types.
    expect(recorded(cache)).toHaveLength(8);
    expect(lint(repo, cache)).toEqual(clean);

    // A file that passed, changed to break the meta-schema and to repeat a key: its new bytes were never checked.
    const file = path.join(repo, "schemas/types/Money.json");
    edit(repo, "schemas/types/Money.json", (type) => {
      type.properties.amount.multipleOf = 0.01;
    });
    writeFileSync(file, readFileSync(file, "utf8").replace('"title":', '"title": "Twice",\n  "title":'));
    const broken = lint(repo, cache);
    expect(broken.code).toBe(1);
    const codes = (JSON.parse(broken.output) as { errors: { code: string; file: string }[] }).errors.map((e) => `${e.code} ${e.file}`);
    expect(codes).toContain("json-duplicate-key schemas/types/Money.json");
    // A failure is never recorded: the next run finds it again.
    expect(lint(repo, cache)).toEqual(broken);
    writeFileSync(file, readFileSync(file, "utf8").replace('"title": "Twice",\n  ', ""));
    const unsupported = lint(repo, cache);
    expect(unsupported.output).toContain("unsupported-keyword");
    expect(unsupported.output).toContain("multipleOf");
    expect(lint(repo, cache)).toEqual(unsupported);

    // Records that are no digest are ignored, not trusted; the file is written anew with the passes.
    writeFileSync(path.join(cache, "checked-files.txt"), "not a digest\n");
    expect(lint(repo, cache)).toEqual(unsupported);
    expect(recorded(cache)).toHaveLength(7);
  });
});
