// Regenerates vectors/ (npm run vectors): run after a schema change, then commit the result.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeOutputFolder } from "@eventcanon/toolkit";
import { buildVectors, loadRepoCatalog, REPO, VECTORS } from "./vectors.js";

const catalog = loadRepoCatalog();
if (catalog.diagnostics.length > 0) throw new Error("the catalog has lint errors: run npx canon lint");
const files = buildVectors(catalog);

// Refuse to write vectors that Python does not reproduce byte for byte.
const staging = path.join(mkdtempSync(path.join(os.tmpdir(), "vectors-")), "vectors");
writeOutputFolder(staging, files);
const python = spawnSync(path.join(REPO, ".venv/bin/python"), ["-m", "pytest", "-q", "python"], {
  cwd: path.join(REPO, "packages/conformance"),
  env: { ...process.env, CONFORMANCE_VECTORS: staging },
  encoding: "utf8",
});
if (python.status !== 0) {
  process.stderr.write(`${python.stdout}${python.stderr}\nPython disagrees with TypeScript; vectors/ left unchanged.\n`);
  process.exit(1);
}
const changed = writeOutputFolder(VECTORS, files);
const cases = [...files.values()].reduce((n, text) => n + (JSON.parse(text) as { vectors: unknown[] }).vectors.length, 0);
process.stdout.write(`${files.size} events, ${cases} vectors -> ${path.relative(REPO, VECTORS)} (${changed ? "updated" : "unchanged"})\n`);
