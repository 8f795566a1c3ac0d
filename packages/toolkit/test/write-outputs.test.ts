import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { differences, listFiles, recoverInterruptedWrite, writeOutputFolder } from "../src/write-outputs.js";
import { canon, FIXTURES, tempDir } from "./helpers.js";

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe("writeOutputFolder", () => {
  it("replaces the folder's whole content and removes files no longer generated", () => {
    const dir = path.join(tempDir("write"), "out");
    expect(writeOutputFolder(dir, files({ "a.ts": "A", "sub/b.ts": "B" }))).toBe(true);
    expect(writeOutputFolder(dir, files({ "a.ts": "A2" }))).toBe(true);
    expect(listFiles(dir)).toEqual(["a.ts"]);
    expect(readFileSync(path.join(dir, "a.ts"), "utf8")).toBe("A2");
  });

  it("leaves an unchanged folder untouched (same inode, no rewrite)", () => {
    const dir = path.join(tempDir("write"), "out");
    writeOutputFolder(dir, files({ "a.ts": "A" }));
    const marker = path.join(dir, "__pycache__");
    mkdirSync(marker);
    expect(writeOutputFolder(dir, files({ "a.ts": "A" }))).toBe(false);
    expect(existsSync(marker)).toBe(true);
  });

  it("finishes a swap that was interrupted between its two renames", () => {
    const dir = path.join(tempDir("write"), "out");
    writeOutputFolder(dir, files({ "a.ts": "old" }));
    // The state a kill leaves after `dir -> dir.previous` and before `staging -> dir`.
    renameSync(dir, `${dir}.previous`);
    mkdirSync(`${dir}.staging`);
    writeFileSync(path.join(`${dir}.staging`, "half.ts"), "partial");
    recoverInterruptedWrite(dir);
    expect(listFiles(dir)).toEqual(["a.ts"]);
    expect(readFileSync(path.join(dir, "a.ts"), "utf8")).toBe("old");
    expect(existsSync(`${dir}.staging`)).toBe(false);
    expect(existsSync(`${dir}.previous`)).toBe(false);
  });

  it("lists changed, missing and extra files as differences", () => {
    const dir = path.join(tempDir("write"), "out");
    writeOutputFolder(dir, files({ "a.ts": "A", "b.ts": "B" }));
    expect(differences(dir, files({ "a.ts": "A", "b.ts": "B" }))).toEqual([]);
    expect(differences(dir, files({ "a.ts": "changed", "c.ts": "C" })).map((f) => path.basename(f))).toEqual(["a.ts", "b.ts", "c.ts"]);
  });
});

describe("canon generate --check", () => {
  it("passes on fresh output and names a stale file after a hand edit, writing nothing", () => {
    const dir = path.join(FIXTURES, "kitchen-sink");
    const out = tempDir("check");
    expect(canon(["generate", "--out", out], dir).code).toBe(0);
    expect(canon(["generate", "--out", out, "--check"], dir).stdout).toBe("canon generate --check: all generated files are up to date\n");
    const edited = path.join(out, "python", "shop.py");
    writeFileSync(edited, "# hand edit\n");
    const result = canon(["generate", "--out", out, "--check"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `stale: ${path.relative(dir, edited)}\n1 generated file(s) are stale: run npm run generate and commit the result\n`,
    );
    expect(readFileSync(edited, "utf8")).toBe("# hand edit\n");
  });
});
