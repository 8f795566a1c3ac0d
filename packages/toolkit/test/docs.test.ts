import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../src/diagnostics.js";
import { REPO } from "./helpers.js";

describe("docs/errors.md", () => {
  it("documents exactly the error codes the toolkit can emit (the compiler holds every emitted code to ERROR_CODES)", () => {
    const documented = [...readFileSync(path.join(REPO, "docs/errors.md"), "utf8").matchAll(/^\| `([a-z-]+)`\s*\|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...ERROR_CODES].sort());
  });
});
