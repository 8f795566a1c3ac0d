import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { asyncapiFiles } from "../emit/asyncapi/index.js";
import { TARGET_LIST } from "../emit/targets.js";
import { loadCatalog } from "../lint/catalog.js";
import { loadConfig } from "../load/config.js";
import { ExitCode, formatReport } from "../load/diagnostics.js";

export const ASYNCAPI_HELP = `usage: canon asyncapi [options]

Writes one AsyncAPI 3.0 document per service of the services folder: its channels (the topics, with
Kafka bindings and the message key), its send and receive operations (from the events' x-producers and
x-consumers) and their messages (the Avro payload and the Open edX bus's CloudEvents headers).
canon generate writes the same documents into the asyncapi output folder.

options:
  --service ID     only this service's document
  --out DIR        where to write <id>.asyncapi.json (default: outputs.asyncapi in eventcanon.config.json)
  --schemas DIR    folder holding events/ and types/ (default: from eventcanon.config.json, else ./schemas)
  --config FILE    config file (default: ./eventcanon.config.json when present)
  -h, --help       show this help`;

/** `canon asyncapi`. */
export function runAsyncapi(args: string[], cwd: string): number {
  let values: { service?: string; out?: string; schemas?: string; config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        service: { type: "string" },
        out: { type: "string" },
        schemas: { type: "string" },
        config: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`canon asyncapi: ${(error as Error).message}\n\n${ASYNCAPI_HELP}\n`);
    return ExitCode.usage;
  }
  if (values.help) {
    process.stdout.write(`${ASYNCAPI_HELP}\n`);
    return ExitCode.ok;
  }
  const config = loadConfig(
    cwd,
    {
      ...(values.config === undefined ? {} : { config: values.config }),
      ...(values.schemas === undefined ? {} : { schemas: values.schemas }),
    },
    TARGET_LIST,
  );
  const catalog = loadCatalog(config, cwd);
  if (catalog.diagnostics.length > 0) {
    process.stderr.write(`${formatReport(catalog.diagnostics)}\n`);
    return ExitCode.invalidSchemas;
  }
  if (values.service !== undefined && !catalog.model.services.has(values.service)) {
    const known = [...catalog.model.services.keys()];
    process.stderr.write(
      `canon asyncapi: no service "${values.service}" in ${path.relative(cwd, config.services) || "."} (${known.length === 0 ? "it has none" : `known: ${known.join(", ")}`})\n`,
    );
    return ExitCode.usage;
  }
  const out = values.out === undefined ? config.outputs.asyncapi : path.resolve(cwd, values.out);
  mkdirSync(out, { recursive: true });
  const files = asyncapiFiles(catalog.model, config, values.service);
  for (const [name, text] of files) {
    // Each document is written whole by a rename: a reader never sees half of one.
    const target = path.join(out, name);
    writeFileSync(`${target}.tmp`, text);
    renameSync(`${target}.tmp`, target);
    process.stdout.write(`asyncapi   ${path.relative(cwd, target)}\n`);
  }
  return ExitCode.ok;
}
