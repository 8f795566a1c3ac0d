import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commitsTouching } from "../../src/compat/check.js";
import { git, tempDir } from "../helpers.js";

const FILES = ["events/a.json", "events/b.json", "events/c.json"];

function write(repo: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  writeFileSync(path.join(repo, file), text);
}

function commit(repo: string, message: string): void {
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", message);
}

/** What check asked git for each file before the batch: the answer the batch must equal. */
const alone = (repo: string, rel: string) => git(repo, "log", "--reverse", "--format=%H", "HEAD", "--", rel).split("\n").filter(Boolean);

describe("commitsTouching: one git log for every checked event file", () => {
  it("lists each file's commits, oldest first, as git log for that file alone does", async () => {
    const repo = tempDir("commits-touching");
    git(repo, "init", "-q", "-b", "main");
    write(repo, "events/a.json", "1");
    write(repo, "events/b.json", "1");
    commit(repo, "root");
    write(repo, "events/a.json", "2");
    commit(repo, "a");
    write(repo, "events/c.json", "1");
    write(repo, "other.txt", "x");
    commit(repo, "c");
    write(repo, "events/a.json", "3");
    write(repo, "events/b.json", "2");
    commit(repo, "a and b");
    const batched = await commitsTouching(FILES, repo, "HEAD");
    expect(batched.get("events/a.json")).toHaveLength(3);
    for (const rel of FILES) expect(batched.get(rel)).toEqual(alone(repo, rel));
  });

  it("leaves a history with a merge to one git log per file (simplification differs for a set of paths)", async () => {
    const repo = tempDir("commits-touching-merge");
    git(repo, "init", "-q", "-b", "main");
    write(repo, "events/a.json", "1");
    commit(repo, "root");
    git(repo, "checkout", "-q", "-b", "side");
    write(repo, "events/b.json", "1");
    commit(repo, "b");
    git(repo, "checkout", "-q", "main");
    write(repo, "events/a.json", "2");
    commit(repo, "a");
    git(repo, "merge", "-q", "--no-edit", "side");
    expect((await commitsTouching(FILES, repo, "HEAD")).size).toBe(0);
  });
});
