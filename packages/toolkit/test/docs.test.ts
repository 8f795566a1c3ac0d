import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, ERROR_DOCS, ExitCode } from "../src/load/diagnostics.js";
import { canon, markdownTable, REPO } from "./helpers.js";

describe("the README's Errors section", () => {
  it("documents exactly the error codes the toolkit can emit (the compiler holds every emitted code to ERROR_CODES)", () => {
    const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
    const section = /\n## Errors\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? "";
    const documented = [...section.matchAll(/^\| `([a-z-]+)`\s*\|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...ERROR_CODES].sort());
  });

  it("is the table of ERROR_DOCS, the source canon explain prints from, row for row", () => {
    const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
    const table = /\n### Codes\n\n(\|[\s\S]*?)\n\n/.exec(readme)?.[1];
    const rows = Object.entries(ERROR_DOCS).map(([code, doc]) => [`\`${code}\``, doc.meaning, doc.fix]);
    // After adding a code to ERROR_DOCS, paste `canon explain --markdown` over the table.
    expect(table).toBe(markdownTable(["code", "meaning", "fix"], rows));
    expect(canon(["explain", "--markdown"], REPO).stdout).toBe(`${table}\n`);
  });

  it("lists exactly the exit codes the toolkit has names for", () => {
    const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
    const section = /\n### Exit codes\n([\s\S]*?)\n### /.exec(readme)?.[1] ?? "";
    const documented = [...section.matchAll(/^\| (\d+)\s*\|/gm)].map((m) => Number(m[1]));
    expect(documented).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
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
