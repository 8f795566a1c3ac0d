import path from "node:path";
import { writeOutputFolder } from "../emit/write-outputs.js";
import { ExitCode } from "../load/diagnostics.js";
import { buildSite } from "../site/build.js";
import { type OptionValues, stringOption } from "./command.js";
import { lintedCatalog } from "./lint.js";

/** `canon catalog`: the static catalog site. */
export async function runCatalog(values: OptionValues, cwd: string): Promise<number> {
  const site = stringOption(values, "out");
  const linted = lintedCatalog(values, cwd, site === undefined ? {} : { site });
  if (typeof linted === "number") return linted;
  const { catalog, config } = linted;
  const written = writeOutputFolder(config.site, await buildSite(catalog, config));
  process.stdout.write(
    `catalog    ${catalog.model.events.length} events -> ${config.site} (${written ? "updated" : "unchanged"}); open ${path.join(config.site, "index.html")}\n`,
  );
  return ExitCode.ok;
}
