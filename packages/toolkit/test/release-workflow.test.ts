import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, canon, REPO, tempDir, venvPython } from "./helpers.js";

const WORKFLOW = readFileSync(path.join(REPO, ".github/workflows/release.yml"), "utf8");

/** Every step's shell script in order: `run: cmd` on one line, or the indented block after `run: |`. */
function runScripts(workflow: string): string[] {
  const scripts: string[] = [];
  const lines = workflow.split("\n");
  lines.forEach((line, i) => {
    const m = /^(\s*)(?:- )?run: (.*)$/.exec(line);
    if (m?.[2] === undefined) return;
    if (m[2] !== "|") {
      scripts.push(m[2]);
      return;
    }
    const block: string[] = [];
    for (const next of lines.slice(i + 1)) {
      if (next.trim() !== "" && next.search(/\S/) <= (m[1]?.length ?? 0)) break;
      block.push(next.trim());
    }
    scripts.push(block.join("\n").trim());
  });
  return scripts;
}

function script(containing: string): string {
  const found = runScripts(WORKFLOW).filter((s) => s.includes(containing));
  expect(found, `one step of release.yml runs ${containing}`).toHaveLength(1);
  return found[0] ?? "";
}

/** A step's script as this machine runs it: canon from this checkout, Python from the venv. */
function bash(text: string, cwd: string, env: Record<string, string> = {}) {
  const local = text.replaceAll("npx canon", `node ${CLI}`).replace(/^python /gm, `${venvPython()} `);
  const result = spawnSync("bash", ["-e", "-c", local], { cwd, encoding: "utf8", env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the release workflow", () => {
  it("runs on a tag, publishes to npm with provenance and to PyPI by trusted publishing (OIDC, no token)", () => {
    expect(WORKFLOW).toMatch(/\non:\n {2}push:\n {4}tags: \["v\*"\]\n/);
    expect(WORKFLOW).toContain("      id-token: write\n");
    expect(script("npm publish")).toBe("npm publish --provenance --access public --workspace packages/openedx-events");
    expect(WORKFLOW).toMatch(/- uses: pypa\/gh-action-pypi-publish@release\/v1\n {8}with:\n {10}packages-dir: dist-py\/\n/);
    expect(WORKFLOW).not.toMatch(/password:|PYPI_TOKEN/);
  });

  it("sets both packages to the tag's version", () => {
    const copy = tempDir("release-version");
    for (const file of ["package.json", "packages/openedx-events/package.json", "packages/openedx-events-py/pyproject.toml"]) {
      mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      copyFileSync(path.join(REPO, file), path.join(copy, file));
    }
    const result = bash(script("GITHUB_REF_NAME"), copy, { GITHUB_REF_NAME: "v2.3.4" });
    expect(result.stderr).toBe("");
    expect(JSON.parse(readFileSync(path.join(copy, "packages/openedx-events/package.json"), "utf8")).version).toBe("2.3.4");
    const pyproject = readFileSync(path.join(copy, "packages/openedx-events-py/pyproject.toml"), "utf8");
    expect(pyproject.match(/^version = .*$/gm)).toEqual(['version = "2.3.4"']);
  });

  it("refuses to publish while a schema is not in registry/, and passes here, where every one is", () => {
    const step = script("canon release --dry-run");
    expect(bash(step, REPO)).toMatchObject({ code: 0, stderr: "" });
    const catalog = path.join(tempDir("release-unreleased"), "c");
    expect(canon(["init", catalog, "--name", "acme-events"], REPO).code).toBe(0);
    const refused = bash(step, catalog);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "unreleased schemas: run canon release and commit registry/ before tagging: com.acme.example.item.created.v1\n",
    );
  });

  it("its npm publish passes --dry-run with the built package: dist (ESM, CJS), bin, avro, schemas", () => {
    const result = spawnSync("sh", ["-c", `${script("npm publish")} --dry-run --json`], { cwd: REPO, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, { files: { path: string }[] }>;
    const files = (report["@eventcanon/openedx-events"] ?? Object.values(report)[0])?.files.map((f) => f.path) ?? [];
    expect(files).toEqual(
      expect.arrayContaining(["dist/esm/index.js", "dist/cjs/index.js", "dist/cjs/package.json", "bin/eventcanon-openedx.js"]),
    );
    expect(files.filter((f) => f.startsWith("avro/"))).toHaveLength(readdirSync(path.join(REPO, "packages/openedx-events/avro")).length);
    expect(files.filter((f) => f.startsWith("src/") || f.startsWith("test/"))).toEqual([]);
  });

  it("builds the wheel and sdist with its own command, and twine check --strict passes them", () => {
    const out = tempDir("release-dist");
    const build = script("python -m build").replaceAll("dist-py", out);
    expect(bash(build, REPO).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["eventcanon_openedx_events-0.1.0-py3-none-any.whl", "eventcanon_openedx_events-0.1.0.tar.gz"]);
    const check = bash(script("twine check").replaceAll("dist-py/", `${out}/`), REPO);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout.match(/PASSED/g)).toHaveLength(2);
    writeFileSync(path.join(out, "broken.whl"), "not a wheel");
    expect(bash(script("twine check").replaceAll("dist-py/", `${out}/`), REPO).code).not.toBe(0);
  });
});
