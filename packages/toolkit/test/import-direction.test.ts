import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { listFiles } from "../src/load/list-files.js";
import { TOOLKIT } from "./helpers.js";

const SRC = path.join(TOOLKIT, "src");

/** The pipeline's folders in the order data goes through them: a folder may import only from itself and those before it. */
const ORDER = ["load", "lint", "emit", "compat", "registry", "site", "cli"] as const;

/**
 * Upward imports that are there on purpose, as "importing file -> imported file" (relative to src/), with why.
 * Any other upward import fails the test; one listed here that is gone fails it too, so the list stays true.
 */
const KNOWN_UPWARD: Readonly<Record<string, string>> = {
  "load/diagnostics.ts -> lint/error-codes.ts":
    "a Diagnostic's code is typed by every code there is, and lint/ assembles that list from its rules (lint/rules/<code>.ts)",
};

interface Arrow {
  readonly from: string;
  readonly to: string;
}

/** Every relative import, re-export and dynamic import() of every file under src/, as file -> file. */
function arrows(): Arrow[] {
  const out: Arrow[] = [];
  for (const from of listFiles(SRC).filter((file) => file.endsWith(".ts"))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(SRC, from), "utf8"), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith(".")) continue;
      const to = path.posix.join(path.posix.dirname(from), fileName).replace(/\.js$/, ".ts");
      out.push({ from, to });
    }
  }
  return out;
}

function rank(file: string): number {
  return ORDER.indexOf(file.split("/")[0] as (typeof ORDER)[number]);
}

function isUpward({ from, to }: Arrow): boolean {
  // index.ts at the root is the public barrel; src/types/ holds declarations for untyped packages.
  return rank(from) >= 0 && rank(to) > rank(from);
}

describe("the source folders follow the pipeline", () => {
  const all = arrows();
  const upward = [...new Set(all.filter(isUpward).map((a) => `${a.from} -> ${a.to}`))].sort();

  it("reads the imports it judges", () => {
    // A parser that found nothing would pass every check below.
    expect(all.length).toBeGreaterThan(200);
    expect(all).toContainEqual({ from: "cli/main.ts", to: "load/diagnostics.ts" });
    // A dynamic import() counts as much as a static one.
    expect(all).toContainEqual({ from: "cli/commands.ts", to: "cli/registry.ts" });
  });

  it(`has no import pointing upward in ${ORDER.join(" < ")} but the known ones`, () => {
    expect(upward.filter((arrow) => !(arrow in KNOWN_UPWARD))).toEqual([]);
  });

  it("places every folder: in the pipeline, or one that nothing in it imports", () => {
    // testing/ is the samplers the tests and bench import (`@eventcanon/toolkit/testing`, not shipped);
    // types/ declares untyped packages. A new folder must be one of these or join ORDER.
    const outside = { testing: "test helpers", types: "declarations" } as const;
    const folders = [
      ...new Set(
        listFiles(SRC)
          .filter((f) => f.includes("/"))
          .map((f) => f.split("/")[0] as string),
      ),
    ].sort();
    expect(folders.filter((f) => !(ORDER as readonly string[]).includes(f) && !(f in outside))).toEqual([]);
    expect(all.filter((a) => rank(a.from) >= 0 && a.to.split("/")[0] === "testing")).toEqual([]);
  });

  it("lists no known exception that is gone", () => {
    expect(Object.keys(KNOWN_UPWARD).filter((arrow) => !upward.includes(arrow))).toEqual([]);
  });
});
