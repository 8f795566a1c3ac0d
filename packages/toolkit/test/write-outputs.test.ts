import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { differences, recoverInterruptedWrite, writeOutputFolder, writeOutputFolders } from "../src/emit/write-outputs.js";
import { listFiles } from "../src/load/list-files.js";
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

  it("writes only the files that changed: the others are the same files, and a symbolic link becomes a file", () => {
    const dir = path.join(tempDir("write"), "out");
    writeOutputFolder(dir, files({ "a.ts": "A", "sub/b.ts": "B", "c.ts": "C", "linked.ts": "L" }));
    const elsewhere = path.join(tempDir("write"), "elsewhere.ts");
    writeFileSync(elsewhere, "L");
    rmSync(path.join(dir, "linked.ts"));
    symlinkSync(elsewhere, path.join(dir, "linked.ts"));
    const inode = (rel: string) => statSync(path.join(dir, rel)).ino;
    // Not even linked again: a new link to a file changes its ctime.
    const identity = (rel: string) => ({ ino: inode(rel), ctimeMs: statSync(path.join(dir, rel)).ctimeMs });
    const before = { a: identity("a.ts"), b: identity("sub/b.ts"), c: inode("c.ts") };
    expect(writeOutputFolder(dir, files({ "a.ts": "A", "sub/b.ts": "B", "c.ts": "C2", "linked.ts": "L" }))).toBe(true);
    expect({ a: identity("a.ts"), b: identity("sub/b.ts") }).toEqual({ a: before.a, b: before.b });
    expect(inode("c.ts")).not.toBe(before.c);
    expect(readFileSync(path.join(dir, "c.ts"), "utf8")).toBe("C2");
    expect(lstatSync(path.join(dir, "linked.ts")).isFile()).toBe(true);
    expect(readFileSync(path.join(dir, "linked.ts"), "utf8")).toBe("L");
  });

  it("with a manifest, trusts a file only while its size, time and inode are as written; --check reads every file", () => {
    const dir = path.join(tempDir("write"), "out");
    const cache = tempDir("write-cache");
    const want = files({ "a.ts": "AAAA", "b.ts": "BBBB" });
    writeOutputFolders(new Map([[dir, want]]), undefined, cache);
    // Files written just now are not trusted (an edit in the same instant keeps the time): age them.
    const hourAgo = new Date(Date.now() - 3600_000);
    for (const rel of ["a.ts", "b.ts"]) utimesSync(path.join(dir, rel), hourAgo, hourAgo);
    expect(writeOutputFolders(new Map([[dir, want]]), undefined, cache).get(dir)).toBe(false);

    // An edit in place, same size: its time changes, so it is read, found and undone.
    writeFileSync(path.join(dir, "a.ts"), "XXXX");
    expect(writeOutputFolders(new Map([[dir, want]]), undefined, cache).get(dir)).toBe(true);
    expect(readFileSync(path.join(dir, "a.ts"), "utf8")).toBe("AAAA");

    // An edit that also puts the time back is trusted by generate (as git trusts its index), and
    // found by the comparison --check makes, which reads every file.
    for (const rel of ["a.ts", "b.ts"]) utimesSync(path.join(dir, rel), hourAgo, hourAgo);
    writeOutputFolders(new Map([[dir, want]]), undefined, cache);
    writeFileSync(path.join(dir, "b.ts"), "YYYY");
    utimesSync(path.join(dir, "b.ts"), hourAgo, hourAgo);
    expect(writeOutputFolders(new Map([[dir, want]]), undefined, cache).get(dir)).toBe(false);
    expect(differences(dir, want).map((f) => path.basename(f))).toEqual(["b.ts"]);
  });

  it("records each file as the disk holds it after the write, changed or left as it was", () => {
    const dir = path.join(tempDir("write"), "out");
    const cache = tempDir("write-cache");
    writeOutputFolders(new Map([[dir, files({ "a.ts": "AAAA", "b.ts": "BBBB" })]]), undefined, cache);
    const hourAgo = new Date(Date.now() - 3600_000);
    for (const rel of ["a.ts", "b.ts"]) utimesSync(path.join(dir, rel), hourAgo, hourAgo);
    // Read and recorded with their new times; then both are found as recorded by their stat, which is
    // taken then: a.ts is recorded with it again, b.ts is written anew.
    writeOutputFolders(new Map([[dir, files({ "a.ts": "AAAA", "b.ts": "BBBB" })]]), undefined, cache);
    writeOutputFolders(new Map([[dir, files({ "a.ts": "AAAA", "b.ts": "BB2" })]]), undefined, cache);
    const [manifest] = readdirSync(path.join(cache, "outputs"));
    const recorded = JSON.parse(readFileSync(path.join(cache, "outputs", manifest as string), "utf8")).files;
    for (const rel of ["a.ts", "b.ts"]) {
      const stat = statSync(path.join(dir, rel));
      expect({ rel, ...recorded[rel], hash: undefined }).toEqual({
        rel,
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        ino: stat.ino,
        hash: undefined,
      });
    }
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

describe("writeOutputFolders", () => {
  /** Every file of every folder with its content; a missing folder is null. */
  const snapshot = (dirs: readonly string[]) =>
    dirs.map((dir) => (existsSync(dir) ? listFiles(dir).map((rel) => [rel, readFileSync(path.join(dir, rel), "utf8")]) : null));

  class Stop extends Error {}

  it("stopped after any step, then recovered as the next run does, leaves every folder old or every folder new", () => {
    const before = [files({ "a.ts": "A1", "sub/x.ts": "X" }), files({ "b.py": "B1", pkg: "P" }), files({ "c.avsc": "C" }), undefined];
    // a and b change (in a the folder sub becomes a file, in b the file pkg a folder), c does not, d is new.
    const after = [
      files({ "a.ts": "A2", sub: "S" }),
      files({ "b.py": "B2", "more.py": "M", "pkg/mod.py": "X" }),
      files({ "c.avsc": "C" }),
      files({ "d.json": "D" }),
    ];
    let stopAt = 0;
    for (let stopped = true; stopped; stopAt++) {
      const root = tempDir("crash");
      const dirs = ["a", "b", "c", "d"].map((name) => path.join(root, name));
      writeOutputFolders(new Map(dirs.flatMap((dir, i) => (before[i] === undefined ? [] : [[dir, before[i]] as const]))));
      const old = snapshot(dirs);
      const changedFolders = 3;
      let steps = 0;
      let markers = 0;
      stopped = false;
      try {
        writeOutputFolders(new Map(dirs.map((dir, i) => [dir, after[i] ?? files({})])), (step) => {
          if (step === "marked") markers++;
          if (steps++ === stopAt) throw new Stop();
        });
      } catch (error) {
        if (!(error instanceof Stop)) throw error;
        stopped = true;
      }
      for (const dir of dirs) recoverInterruptedWrite(dir);
      const state = snapshot(dirs);
      // Once every changed folder has its marker the write is committed: recovery completes it.
      expect(state, `stopped after step ${stopAt}`).toEqual(markers === changedFolders ? snapshot(written(after)) : old);
      expect(readdirSync(root).sort(), `leftovers after step ${stopAt}`).toEqual(["a", "b", "c", ...(state[3] === null ? [] : ["d"])]);
    }
    // 3 folders staged, 3 marked, 2 patches of 5 and 3 steps and a swap of 2, 3 markers removed.
    expect(stopAt).toBeGreaterThan(20);

    function written(outputs: typeof after): string[] {
      const root = tempDir("expected");
      const dirs = ["a", "b", "c", "d"].map((name) => path.join(root, name));
      writeOutputFolders(new Map(dirs.map((dir, i) => [dir, outputs[i] ?? files({})])));
      return dirs;
    }
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
