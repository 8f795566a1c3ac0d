import type { Target } from "../emit/targets.js";
import { type Catalog, catalogSummary, type LoadOptions, loadCatalog } from "../lint/catalog.js";
import type { CanonConfig } from "../load/config.js";
import { type Diagnostic, ExitCode, formatReport } from "../load/diagnostics.js";
import { type OptionValues, stringOption } from "./command.js";
import { configOf } from "./options.js";

export type CatalogFormat = "text" | "json";

export interface LintedCatalog {
  readonly catalog: Catalog;
  readonly config: CanonConfig<Target>;
  readonly format: CatalogFormat;
  /** "N events, M other named types", as lint and generate print it. */
  readonly summary: string;
}

/** The config and the linted catalog a command works on; or, when the schemas have errors, the exit code after reporting them. */
export function lintedCatalog(
  values: OptionValues,
  cwd: string,
  overrides: { out?: string; site?: string } = {},
  config: CanonConfig<Target> = configOf(values, cwd, overrides),
  options: LoadOptions = {},
): LintedCatalog | number {
  const format = formatOf(values);
  const catalog = loadCatalog(config, cwd, options);
  if (catalog.diagnostics.length > 0) return report(format, catalog.diagnostics, ExitCode.invalidSchemas);
  return { catalog, config, format, summary: catalogSummary(catalog) };
}

export const formatOf = (values: OptionValues) => (stringOption(values, "format") ?? "text") as CatalogFormat;

function report(format: CatalogFormat, diagnostics: readonly Diagnostic[], code: number): number {
  if (format === "json") process.stdout.write(`${JSON.stringify({ ok: false, errors: diagnostics }, null, 2)}\n`);
  else process.stderr.write(`${formatReport(diagnostics)}\n`);
  return code;
}

/** `canon lint`. */
export function runLint(values: OptionValues, cwd: string): number {
  const linted = lintedCatalog(values, cwd);
  if (typeof linted === "number") return linted;
  if (linted.format === "json") process.stdout.write(`${JSON.stringify({ ok: true, errors: [], summary: linted.summary }, null, 2)}\n`);
  else process.stdout.write(`canon lint: no problems (${linted.summary})\n`);
  return ExitCode.ok;
}
