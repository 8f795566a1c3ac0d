import { TARGET_LIST, type Target } from "../emit/targets.js";
import { type CanonConfig, loadConfig } from "../load/config.js";
import { type CommandOption, type OptionValues, stringOption } from "./command.js";

/** Options several commands share, each with the help line they print. */
export const SCHEMAS: CommandOption = {
  name: "schemas",
  kind: "string",
  value: "DIR",
  help: ["folder holding events/ and types/ (default: from eventcanon.config.json, else ./schemas)"],
};
export const CONFIG: CommandOption = {
  name: "config",
  kind: "string",
  value: "FILE",
  help: ["config file (default: ./eventcanon.config.json when present)"],
};
export const FORMAT: CommandOption = {
  name: "format",
  kind: "string",
  value: "FORMAT",
  values: ["text", "json"],
  help: ["text (default) or json"],
};
/** The format of the compatibility reports, which GitHub Actions can also show as annotations. */
export const REPORT_FORMAT: CommandOption = {
  ...FORMAT,
  values: ["text", "json", "github"],
  help: ["text (default), json or github (GitHub Actions annotations)"],
};
export const HELP: CommandOption = { name: "help", short: "h", kind: "boolean", help: ["show this help"] };
export const COMMON: readonly CommandOption[] = [SCHEMAS, CONFIG, FORMAT, HELP];

/** The config the command's --config and --schemas (and what else it overrides) point at. */
export function configOf(values: OptionValues, cwd: string, overrides: { out?: string; site?: string } = {}): CanonConfig<Target> {
  const config = stringOption(values, "config");
  const schemas = stringOption(values, "schemas");
  return loadConfig(
    cwd,
    {
      ...(config === undefined ? {} : { config }),
      ...(schemas === undefined ? {} : { schemas }),
      ...overrides,
    },
    TARGET_LIST,
  );
}
