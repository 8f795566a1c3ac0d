import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../src/diagnostics.js";
import { canon, REPO } from "./helpers.js";

describe("the README's Errors section", () => {
  it("documents exactly the error codes the toolkit can emit (the compiler holds every emitted code to ERROR_CODES)", () => {
    const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
    const section = /\n## Errors\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? "";
    const documented = [...section.matchAll(/^\| `([a-z-]+)`\s*\|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...ERROR_CODES].sort());
  });
});

describe("README", () => {
  it("quotes the catalog counts exactly as canon stats prints them", () => {
    const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
    const quoted = /<!-- stats -->\n(.*)\n<!-- \/stats -->/.exec(readme)?.[1];
    const printed = canon(["stats"], REPO);
    expect(printed.code).toBe(0);
    expect(quoted).toBe(printed.stdout.trim());
  });
});
