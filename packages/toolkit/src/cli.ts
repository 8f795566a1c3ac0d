import path from "node:path";
import { parseArgs } from "node:util";
import { loadCatalog } from "./catalog.js";
import { loadConfig, TARGETS, type Target } from "./config.js";
import { CanonError, type Diagnostic, ExitCode, formatReport } from "./diagnostics.js";
import { generate, staleFiles } from "./generate.js";
import { catalogStats, formatStats } from "./stats.js";

const USAGE = `canon: eventcanon's command line

usage: canon <command> [options]

commands:
  generate   lint the schemas, then write TypeScript, Avro, Python and bundled JSON Schema for every event
  lint       check the schemas against the meta-schema and the project's rules
  stats      count the catalog's event types, versions, domains and shared types

Run 'canon <command> --help' for a command's options.
Exit codes: 0 ok, 1 the schemas have errors, 2 usage error, 3 file system error.`;

const COMMON_OPTIONS = `  --schemas DIR    folder holding events/ and types/ (default: from eventcanon.config.json, else ./schemas)
  --config FILE    config file (default: ./eventcanon.config.json when present)
  --format FORMAT  text (default) or json
  -h, --help       show this help`;

const HELP: Record<string, string> = {
  generate: `usage: canon generate [options]

Lints every schema, then renders all targets in memory and replaces each output folder atomically.
Nothing is written when any schema has an error. A second run with the same input changes nothing.

options:
  --out DIR        write all targets under DIR/typescript, DIR/avro, DIR/python, DIR/jsonschema
                   (default: the folders named in eventcanon.config.json)
  --target NAME    only this target: typescript, avro, python or jsonschema (repeatable; default: all)
  --check          write nothing; exit 1 and list the files that are stale
${COMMON_OPTIONS}`,
  stats: `usage: canon stats [options]

Lints the schemas, then prints how many event types, versions, domains and shared types the catalog holds.

options:
${COMMON_OPTIONS}`,
  lint: `usage: canon lint [options]

Reports every problem at once, sorted by file and position, with a summary line.

options:
${COMMON_OPTIONS}`,
};

type Format = "text" | "json";

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (!(command in HELP)) {
    process.stderr.write(`canon: unknown command "${command}"\n\n${USAGE}\n`);
    return ExitCode.usage;
  }
  let values: {
    schemas?: string | undefined;
    config?: string | undefined;
    out?: string | undefined;
    format?: string | undefined;
    help?: boolean | undefined;
    target?: string[] | undefined;
    check?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        schemas: { type: "string" },
        config: { type: "string" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
        out: { type: "string" },
        target: { type: "string", multiple: true },
        check: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`canon ${command}: ${(error as Error).message}\n\n${HELP[command]}\n`);
    return ExitCode.usage;
  }
  if (command !== "generate" && (values.out !== undefined || values.target !== undefined || values.check !== undefined)) {
    process.stderr.write(`canon ${command}: --out, --target and --check are options of generate only\n`);
    return ExitCode.usage;
  }
  const targets = (values.target ?? [...TARGETS]) as Target[];
  const unknownTarget = targets.find((t) => !TARGETS.includes(t));
  if (unknownTarget !== undefined) {
    process.stderr.write(`canon ${command}: unknown target "${unknownTarget}"; use ${TARGETS.join(", ")}\n`);
    return ExitCode.usage;
  }
  if (values.help) {
    process.stdout.write(`${HELP[command]}\n`);
    return ExitCode.ok;
  }
  const format = (values.format ?? "text") as Format;
  if (format !== "text" && format !== "json") {
    process.stderr.write(`canon ${command}: --format must be text or json\n`);
    return ExitCode.usage;
  }
  const cwd = process.cwd();
  const config = loadConfig(cwd, {
    ...(values.config === undefined ? {} : { config: values.config }),
    ...(values.schemas === undefined ? {} : { schemas: values.schemas }),
    ...(values.out === undefined ? {} : { out: values.out }),
  });
  const catalog = loadCatalog(config, cwd);
  if (catalog.diagnostics.length > 0) return report(format, catalog.diagnostics, ExitCode.invalidSchemas);
  const summary = `${catalog.model.events.length} events, ${catalog.model.types.size - catalog.model.events.length} other named types`;
  if (command === "stats") {
    const stats = catalogStats(catalog.model);
    process.stdout.write(format === "json" ? `${JSON.stringify(stats, null, 2)}\n` : `${formatStats(stats)}\n`);
    return ExitCode.ok;
  }
  if (command === "lint") {
    if (format === "json") process.stdout.write(`${JSON.stringify({ ok: true, errors: [], summary }, null, 2)}\n`);
    else process.stdout.write(`canon lint: no problems (${summary})\n`);
    return ExitCode.ok;
  }
  if (values.check) {
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

function report(format: Format, diagnostics: readonly Diagnostic[], code: number): number {
  if (format === "json") process.stdout.write(`${JSON.stringify({ ok: false, errors: diagnostics }, null, 2)}\n`);
  else process.stderr.write(`${formatReport(diagnostics)}\n`);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CanonError) {
      process.stderr.write(`${formatReport(error.diagnostics)}\n`);
      process.exitCode = error.exitCode;
    } else if (isFileSystemError(error)) {
      process.stderr.write(`canon: ${error.message}\nCheck that the path exists and is writable.\n`);
      process.exitCode = ExitCode.io;
    } else {
      process.stderr.write(`canon: internal error, please report it with this trace:\n${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 70;
    }
  },
);

function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && "syscall" in error;
}
