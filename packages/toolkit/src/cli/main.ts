import path from "node:path";
import { parseArgs } from "node:util";
import { TARGET_LIST, TARGETS, type Target } from "../emit/targets.js";
import { loadCatalog } from "../lint/catalog.js";
import { loadConfig } from "../load/config.js";
import { CanonError, type Diagnostic, ExitCode, formatReport } from "../load/diagnostics.js";
import { runCheck, runCompat } from "./compat.js";
import { catalogStats, formatStats } from "./stats.js";

const USAGE = `canon: eventcanon's command line

usage: canon <command> [options]

commands:
  init       create an event catalog repository: schemas, config, an npm and a Python package, CI
  new        write a skeleton event (new event TYPE [--from TYPE]) or shared type (new type NAME)
  generate   lint the schemas, then write TypeScript, Avro, Python and bundled JSON Schema for every event
  lint       check the schemas against the meta-schema and the project's rules
  stats      count the catalog's event types, versions, domains, shared types, services and unknown producers
  catalog    build the static event catalog site, with each event's generated code
  compat     compare two schema files (.json: JSON Schema and generated Avro; .avsc: Avro)
  check      check every event changed since a git ref against that ref and the released versions
  release    append every changed event's schemas to registry/ as a new version, with ids and fingerprints
  registry   serve registry/ as a Confluent-compatible schema registry, push it to one, or verify it
  explain    what an error code means and how to fix it (canon explain missing-keyword)
  docs       print the schema format (canon docs) or the config file's keys (canon docs config)
  asyncapi   write an AsyncAPI 3.0 document per service (its channels, send/receive operations, messages)

Run 'canon <command> --help' for a command's options.
Exit codes: 0 ok, 1 the schemas have errors or a change is incompatible, 2 usage error, 3 file system error.`;

const COMMON_OPTIONS = `  --schemas DIR    folder holding events/ and types/ (default: from eventcanon.config.json, else ./schemas)
  --config FILE    config file (default: ./eventcanon.config.json when present)
  --format FORMAT  text (default) or json
  -h, --help       show this help`;

const HELP: Record<string, string> = {
  generate: `usage: canon generate [options]

Lints every schema, then renders all targets in memory and swaps the changed output folders in
together: a killed run leaves all of them old or all new, and the next run completes or undoes it.
Nothing is written when any schema has an error. A second run with the same input changes nothing.
Library output is cached by input in node_modules/.cache/eventcanon (EVENTCANON_CACHE=DIR or off),
kept under 512 MiB by removing what was used longest ago.

options:
  --out DIR        write all targets under ${TARGETS.map((t) => `DIR/${t}`).join(", ")}
                   (default: the folders named in eventcanon.config.json)
  --target NAME    only this target: ${TARGETS.slice(0, -1).join(", ")} or ${TARGETS.at(-1)} (repeatable; default: all)
  --check          write nothing; exit 1 and list the files that are stale
${COMMON_OPTIONS}`,
  catalog: `usage: canon catalog [options]

Builds the static catalog site: an index with search, a page per event version and per shared type.
It opens from file:// and any static host, and fetches nothing from elsewhere.

options:
  --out DIR        where to write the site (default: site in eventcanon.config.json, else build/catalog)
${COMMON_OPTIONS}`,
  compat: `usage: canon compat OLD NEW [options]

Compares two versions of a schema. .avsc files are compared by Avro schema resolution; .json files by
Confluent's JSON Schema rules, and, when they are catalog event files, also by their generated Avro.
Exit 0 compatible, 1 incompatible, 2 usage or input error.

options:
  --mode MODE      BACKWARD (default from config), BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE,
                   FULL, FULL_TRANSITIVE or NONE (default: the new file's x-compatibility, else config)
  --policy POLICY  strict (default) or lenient: Confluent's two JSON Schema policies
  --format FORMAT  text (default), json or github (GitHub Actions annotations)
  -h, --help       show this help`,
  check: `usage: canon check --base REF [options]

Checks every event file changed since REF (and every event using a changed shared type) against its
version at REF and, in transitive modes, every released version, under the event's mode. Old versions
are read with git show; nothing is checked out. Exit 0 when all are compatible, 1 otherwise, 2 on usage errors.

options:
  --base REF       the git ref to compare with, e.g. origin/main or HEAD~1
  --mode MODE      override every event's mode
  --policy POLICY  strict or lenient (default: from config)
  --format FORMAT  text (default), json or github (GitHub Actions annotations)
${COMMON_OPTIONS.split("\n").slice(0, 2).join("\n")}
  -h, --help       show this help`,
  stats: `usage: canon stats [options]

Lints the schemas, then prints how many event types, versions, domains, shared types and services the catalog
holds, and how many versions no source names a producer for (no x-producers).

options:
${COMMON_OPTIONS}`,
  lint: `usage: canon lint [options]

Reports every problem at once, sorted by file and position, with a summary line.

options:
${COMMON_OPTIONS}`,
};

type Format = "text" | "json" | "github";

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? ExitCode.usage : ExitCode.ok;
  }
  // Commands load their heavy modules on use: the emitters' compilers alone take a second to import.
  if (command === "release") return (await import("./registry.js")).runRelease(rest, process.cwd());
  if (command === "registry") return (await import("./registry.js")).runRegistry(rest, process.cwd());
  if (command === "explain" || command === "docs" || command === "new" || command === "init") {
    const { docs, explain } = await import("./docs.js");
    const { runInit, runNew } = await import("./scaffold.js");
    const printed =
      command === "explain"
        ? explain(rest)
        : command === "docs"
          ? docs(rest)
          : command === "new"
            ? runNew(rest, process.cwd())
            : await runInit(rest, process.cwd());
    process.stdout.write(printed.stdout);
    process.stderr.write(printed.stderr);
    return printed.code;
  }
  if (command === "asyncapi") return (await import("./asyncapi.js")).runAsyncapi(rest, process.cwd());
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
    mode?: string | undefined;
    policy?: string | undefined;
    base?: string | undefined;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: {
        schemas: { type: "string" },
        config: { type: "string" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
        out: { type: "string" },
        target: { type: "string", multiple: true },
        check: { type: "boolean" },
        mode: { type: "string" },
        policy: { type: "string" },
        base: { type: "string" },
      },
      strict: true,
      allowPositionals: command === "compat" || command === "check",
    }));
  } catch (error) {
    process.stderr.write(`canon ${command}: ${(error as Error).message}\n\n${HELP[command]}\n`);
    return ExitCode.usage;
  }
  if (
    command !== "generate" &&
    (values.target !== undefined || values.check !== undefined || (values.out !== undefined && command !== "catalog"))
  ) {
    process.stderr.write(`canon ${command}: --out, --target and --check are options of generate only (and --out of catalog)\n`);
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
  const formats: Format[] = command === "compat" || command === "check" ? ["text", "json", "github"] : ["text", "json"];
  if (!formats.includes(format)) {
    process.stderr.write(`canon ${command}: --format must be ${formats.join(" or ")}\n`);
    return ExitCode.usage;
  }
  const cwd = process.cwd();
  const config = loadConfig(
    cwd,
    {
      ...(values.config === undefined ? {} : { config: values.config }),
      ...(values.schemas === undefined ? {} : { schemas: values.schemas }),
      ...(values.out === undefined ? {} : command === "catalog" ? { site: values.out } : { out: values.out }),
    },
    TARGET_LIST,
  );
  if (command === "compat" || command === "check") {
    const run = command === "compat" ? runCompat : runCheck;
    const result = run({ positionals, mode: values.mode, policy: values.policy, base: values.base, format }, config, cwd);
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    return result.code;
  }
  if (values.mode !== undefined || values.policy !== undefined || values.base !== undefined) {
    process.stderr.write(`canon ${command}: --mode, --policy and --base are options of compat and check\n`);
    return ExitCode.usage;
  }
  const catalog = loadCatalog(config, cwd);
  if (catalog.diagnostics.length > 0) return report(format as "text" | "json", catalog.diagnostics, ExitCode.invalidSchemas);
  const summary = `${catalog.model.events.length} events, ${catalog.model.types.size - catalog.model.events.length} other named types`;
  if (command === "catalog") {
    const { buildSite } = await import("../site/build.js");
    const { writeOutputFolder } = await import("../emit/write-outputs.js");
    const written = writeOutputFolder(config.site, await buildSite(catalog, config));
    process.stdout.write(
      `catalog    ${catalog.model.events.length} events -> ${config.site} (${written ? "updated" : "unchanged"}); open ${path.join(config.site, "index.html")}\n`,
    );
    return ExitCode.ok;
  }
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
  const { generate, staleFiles } = await import("../emit/generate.js");
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
