import path from "node:path";
import { generate, staleFiles } from "../emit/generate.js";
import { TARGETS, type Target } from "../load/config.js";
import { ExitCode } from "../load/diagnostics.js";
import { type OptionValues, stringOption } from "./command.js";
import { lintedCatalog } from "./lint.js";

/** `canon generate` and `canon generate --check`. */
export async function runGenerate(values: OptionValues, cwd: string): Promise<number> {
  const out = stringOption(values, "out");
  const linted = lintedCatalog(values, cwd, out === undefined ? {} : { out });
  if (typeof linted === "number") return linted;
  const { catalog, config, format, summary } = linted;
  const targets = (values.target ?? [...TARGETS]) as Target[];
  if (values.check === true) {
    const stale = await staleFiles(catalog, config, targets);
    if (format === "json") process.stdout.write(`${JSON.stringify({ ok: stale.length === 0, stale }, null, 2)}\n`);
    else if (stale.length === 0) process.stdout.write("canon generate --check: all generated files are up to date\n");
    else
      process.stderr.write(
        `${stale.map((f) => `stale: ${path.relative(cwd, f)}`).join("\n")}\n${stale.length} generated file(s) are stale: run npm run generate and commit the result\n`,
      );
    return stale.length === 0 ? ExitCode.ok : ExitCode.invalidSchemas;
  }
  const results = await generate(catalog, config, targets);
  if (format === "json") {
    process.stdout.write(`${JSON.stringify({ ok: true, errors: [], summary, targets: results }, null, 2)}\n`);
  } else {
    for (const r of results) {
      process.stdout.write(`${r.target.padEnd(10)} ${r.files} files -> ${r.folder} (${r.changed ? "updated" : "unchanged"})\n`);
    }
  }
  return ExitCode.ok;
}
