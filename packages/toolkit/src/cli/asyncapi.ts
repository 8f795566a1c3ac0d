import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { asyncapiFiles } from "../emit/asyncapi/index.js";
import { loadCatalog } from "../lint/catalog.js";
import { ExitCode, formatReport } from "../load/diagnostics.js";
import { type OptionValues, stringOption } from "./command.js";
import { configOf } from "./options.js";

/** `canon asyncapi`. */
export function runAsyncapi(values: OptionValues, cwd: string): number {
  const service = stringOption(values, "service");
  const outOption = stringOption(values, "out");
  const config = configOf(values, cwd);
  const catalog = loadCatalog(config, cwd);
  if (catalog.diagnostics.length > 0) {
    process.stderr.write(`${formatReport(catalog.diagnostics)}\n`);
    return ExitCode.invalidSchemas;
  }
  if (service !== undefined && !catalog.model.services.has(service)) {
    const known = [...catalog.model.services.keys()];
    process.stderr.write(
      `canon asyncapi: no service "${service}" in ${path.relative(cwd, config.services) || "."} (${known.length === 0 ? "it has none" : `known: ${known.join(", ")}`})\n`,
    );
    return ExitCode.usage;
  }
  const out = outOption === undefined ? config.outputs.asyncapi : path.resolve(cwd, outOption);
  mkdirSync(out, { recursive: true });
  const files = asyncapiFiles(catalog.model, config, service);
  for (const [name, text] of files) {
    // Each document is written whole by a rename: a reader never sees half of one.
    const target = path.join(out, name);
    writeFileSync(`${target}.tmp`, text);
    renameSync(`${target}.tmp`, target);
    process.stdout.write(`asyncapi   ${path.relative(cwd, target)}\n`);
  }
  return ExitCode.ok;
}
