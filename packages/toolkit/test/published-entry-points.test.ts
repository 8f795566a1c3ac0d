import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { TOOLKIT } from "./helpers.js";

interface Manifest {
  readonly bin: Record<string, string>;
  readonly exports: Record<string, { readonly default: string }>;
  readonly dependencies: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(path.join(TOOLKIT, "package.json"), "utf8")) as Manifest;

/** The files `npm pack` puts in the tarball, relative to the package. */
function packedFiles(): Set<string> {
  const run = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: TOOLKIT, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`npm pack --dry-run failed: ${run.stderr}`);
  const [pack] = JSON.parse(run.stdout) as { files: { path: string }[] }[];
  return new Set(pack?.files.map((f) => f.path));
}

/**
 * Every module of dist/ that `entries` load, statically, by `import()` or as a worker, the packages they
 * import, and the files and folders they read beside them (`new URL("../../meta-schema/...", import.meta.url)`). ts.preProcessFile reads tokens, so the imports written inside generated code's template strings
 * do not count.
 */
function reached(entries: readonly string[]): { modules: Set<string>; packages: Set<string>; assets: Set<string> } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const assets = new Set<string>();
  const visit = (rel: string) => {
    if (modules.has(rel)) return;
    modules.add(rel);
    const text = readFileSync(path.join(TOOLKIT, rel), "utf8");
    const specifiers = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
    for (const [, url = ""] of text.matchAll(/new URL\("(\.[^"]+)", import\.meta\.url\)/g)) {
      if (url.endsWith(".js")) specifiers.push(url);
      else assets.add(path.posix.join(path.posix.dirname(rel), url));
    }
    for (const specifier of specifiers) {
      if (specifier.startsWith(".")) visit(path.posix.join(path.posix.dirname(rel), specifier));
      else if (!specifier.startsWith("node:") && !builtinModules.includes(specifier))
        packages.add(
          specifier
            .split("/")
            .slice(0, specifier.startsWith("@") ? 2 : 1)
            .join("/"),
        );
    }
  };
  for (const entry of entries) visit(entry);
  return { modules, packages, assets };
}

describe("the published package", () => {
  const packed = packedFiles();
  const entries = [...Object.values(manifest.bin), ...Object.values(manifest.exports).map((e) => e.default)]
    .map((target) => path.posix.normalize(target))
    .filter((target) => packed.has(target));

  it("ships the library and the command, but not the test-only sampler", () => {
    expect(entries).toEqual(["bin/canon.js", "dist/index.js"]);
    expect(manifest.exports["./testing"]?.default).toBe("./dist/testing/index.js");
    expect([...packed].filter((f) => f.startsWith("dist/testing/"))).toEqual([]);
  });

  it("loads only modules it ships, and only packages it depends on", () => {
    const { modules, packages } = reached(entries);
    // The command's handlers are loaded by import() from cli/main.js: they must be among those found.
    expect(modules).toContain("dist/cli/registry.js");
    expect(modules).toContain("dist/emit/render-worker.js");
    expect([...modules].filter((m) => !packed.has(m))).toEqual([]);
    expect([...packages].filter((p) => !(p in manifest.dependencies)).sort()).toEqual([]);
    expect(packages).not.toContain("randexp");
  });

  it("ships every file and folder its modules read (meta-schemas, templates, docs)", () => {
    const { assets } = reached(entries);
    expect(assets.size).toBeGreaterThan(4);
    const missing = [...assets].filter((asset) =>
      asset.endsWith("/") ? ![...packed].some((f) => f.startsWith(asset)) : !packed.has(asset),
    );
    expect(missing).toEqual([]);
  });
});
