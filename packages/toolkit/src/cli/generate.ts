import path from "node:path";
import { beginWorkerRenders, type GenerateResult, generate, staleFiles } from "../emit/generate.js";
import { freshOutputs, inputsKey } from "../emit/inputs.js";
import { RenderWorkers } from "../emit/render-workers.js";
import { TARGETS, type Target } from "../emit/targets.js";
import { ExitCode } from "../load/diagnostics.js";
import type { Model } from "../load/model.js";
import { type OptionValues, stringOption } from "./command.js";
import { type CatalogFormat, formatOf, lintedCatalog } from "./lint.js";
import { configOf } from "./options.js";

/** `canon generate` and `canon generate --check`. */
export async function runGenerate(values: OptionValues, cwd: string): Promise<number> {
  const out = stringOption(values, "out");
  const overrides = out === undefined ? {} : { out };
  const targets = (values.target ?? [...TARGETS]) as Target[];
  const config = configOf(values, cwd, overrides);
  // Taken before anything is read: a schema edited during the run leaves a key that no longer matches.
  const inputs = values.check !== true && config.cache !== undefined ? inputsKey(config) : undefined;
  const fresh = inputs === undefined ? undefined : freshOutputs(config, targets, inputs);
  if (fresh !== undefined) return printGenerated(formatOf(values), fresh.summary, fresh.results);
  // Their modules load while the catalog is read here, and they render while it is linted.
  const workers = RenderWorkers.start(targets);
  const built = (model: Model) => beginWorkerRenders(model, config, targets, workers, values.check !== true);
  const linted = lintedCatalog(values, cwd, overrides, config, { built });
  if (typeof linted === "number") {
    await workers.stop();
    return linted;
  }
  const { catalog, format, summary } = linted;
  if (values.check === true) {
    const stale = await staleFiles(catalog, config, targets, workers);
    if (format === "json") process.stdout.write(`${JSON.stringify({ ok: stale.length === 0, stale }, null, 2)}\n`);
    else if (stale.length === 0) process.stdout.write("canon generate --check: all generated files are up to date\n");
    else
      process.stderr.write(
        `${stale.map((f) => `stale: ${path.relative(cwd, f)}`).join("\n")}\n${stale.length} generated file(s) are stale: run npm run generate and commit the result\n`,
      );
    return stale.length === 0 ? ExitCode.ok : ExitCode.invalidSchemas;
  }
  const results = await generate(catalog, config, targets, inputs === undefined ? undefined : { key: inputs, summary }, workers);
  return printGenerated(format, summary, results);
}

function printGenerated(format: CatalogFormat, summary: string, results: readonly GenerateResult[]): number {
  if (format === "json") {
    process.stdout.write(`${JSON.stringify({ ok: true, errors: [], summary, targets: results }, null, 2)}\n`);
  } else {
    for (const r of results) {
      process.stdout.write(`${r.target.padEnd(10)} ${r.files} files -> ${r.folder} (${r.changed ? "updated" : "unchanged"})\n`);
    }
  }
  return ExitCode.ok;
}
