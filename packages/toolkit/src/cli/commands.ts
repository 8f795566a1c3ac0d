import { TARGETS } from "../emit/targets.js";
import type { Command, CommandOption, OptionsElsewhere } from "./command.js";
import type { Printed } from "./docs.js";
import { COMMON, CONFIG, FORMAT, HELP, REPORT_FORMAT, SCHEMAS } from "./options.js";

// Every command loads its handler on use: the emitters' compilers alone take a second to import.

function print(printed: Printed): number {
  process.stdout.write(printed.stdout);
  process.stderr.write(printed.stderr);
  return printed.code;
}

const targetList = `${TARGETS.slice(0, -1).join(", ")} or ${TARGETS.at(-1)}`;

const GENERATE_OUT: CommandOption = {
  name: "out",
  kind: "string",
  value: "DIR",
  help: [`write all targets under ${TARGETS.map((t) => `DIR/${t}`).join(", ")}`, "(default: the folders named in eventcanon.config.json)"],
};
const TARGET: CommandOption = {
  name: "target",
  kind: "strings",
  value: "NAME",
  values: TARGETS,
  wrongValue: (value) => `unknown target "${value}"; use ${TARGETS.join(", ")}`,
  checkedBeforeHelp: true,
  help: [`only this target: ${targetList} (repeatable; default: all)`],
};
const CHECK: CommandOption = { name: "check", kind: "boolean", help: ["write nothing; exit 1 and list the files that are stale"] };
const COMPAT_MODE: CommandOption = {
  name: "mode",
  kind: "string",
  value: "MODE",
  help: [
    "BACKWARD (default from config), BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE,",
    "FULL, FULL_TRANSITIVE or NONE (default: the new file's x-compatibility, else config)",
  ],
};
const CHECK_MODE: CommandOption = { ...COMPAT_MODE, help: ["override every event's mode"] };
const COMPAT_POLICY: CommandOption = {
  name: "policy",
  kind: "string",
  value: "POLICY",
  help: ["strict (default) or lenient: Confluent's two JSON Schema policies"],
};
const CHECK_POLICY: CommandOption = { ...COMPAT_POLICY, help: ["strict or lenient (default: from config)"] };
const BASE: CommandOption = {
  name: "base",
  kind: "string",
  value: "REF",
  help: ["the git ref to compare with, e.g. origin/main or HEAD~1"],
};
const DRY_RUN: CommandOption = { name: "dry-run", kind: "boolean", help: ["print what would be released; write nothing"] };
/** compat reads --schemas and --config for the config's default mode and policy without listing them. */
const COMPAT_UNLISTED = [
  { ...SCHEMAS, hidden: true },
  { ...CONFIG, hidden: true },
];
/** compat once took check's --base and ignored it, so a user who meant a git ref got a verdict on the two files alone. */
const CHECK_ONLY: OptionsElsewhere = {
  options: [BASE],
  message:
    "--base is an option of check: `canon check --base REF` compares the changed events with a git ref; compat compares the two files it is given",
};

const GENERATE_ONLY: OptionsElsewhere = {
  options: [GENERATE_OUT, TARGET, CHECK],
  message: "--out, --target and --check are options of generate only (and --out of catalog)",
  beforeHelp: true,
};
const COMPAT_ONLY: OptionsElsewhere = {
  options: [COMPAT_MODE, COMPAT_POLICY, BASE],
  message: "--mode, --policy and --base are options of compat and check",
};

/** Every command of `canon`, in the order `canon --help` lists them. */
export const COMMANDS: readonly Command[] = [
  {
    name: "init",
    summary: "create an event catalog repository: schemas, config, an npm and a Python package, CI",
    usage: ["canon init [DIR] --name NAME [options]"],
    about: `Creates an event catalog repository in DIR (default: the current folder), which must be empty or absent:
schemas/ with one example event and one shared type, eventcanon.config.json, an npm package in
packages/NAME and a Python package in packages/NAME-py (generated code, runtime, tests, packaging),
an empty registry/, CI and release workflows, and a README. Nothing is written when anything fails.`,
    options: [
      { name: "name", kind: "string", value: "NAME", help: ["the npm package's name without scope, e.g. acme-events (required)"] },
      { name: "npm-scope", kind: "string", value: "@SCOPE", help: ["npm scope, e.g. @acme (default: none)"] },
      { name: "python-package", kind: "string", value: "NAME", help: ["Python import name (default: NAME with _ for -)"] },
      { name: "python-name", kind: "string", value: "NAME", help: ["Python distribution name on PyPI (default: NAME)"] },
      {
        name: "prefix",
        kind: "string",
        value: "PREFIX",
        help: ["dotted prefix of every event type, e.g. com.acme (default: com.<first part of NAME>)"],
      },
      { name: "title", kind: "string", value: "TITLE", help: ["what the catalog is called in descriptions (default: from NAME)"] },
      { name: "force", kind: "boolean", help: ["write into a non-empty DIR (never over an existing file)"] },
      HELP,
    ],
    optionColumn: 23,
    positionals: true,
    run: async (input, cwd) => print(await (await import("./scaffold.js")).runInit(input, cwd)),
  },
  {
    name: "new",
    summary: "write a skeleton event (new event TYPE [--from TYPE]) or shared type (new type NAME)",
    usage: ["canon new event TYPE [--from EXISTING_TYPE] [options]", "canon new type NAME [options]"],
    about: `Writes a skeleton that passes lint: an event file schemas/events/TYPE.json (with --from, a copy of that
event's file under the new type, e.g. for the next major version), or a shared record type
schemas/types/NAME.json. Never overwrites a file.`,
    options: [
      { name: "from", kind: "string", value: "TYPE", help: ["(event) start from this existing event's file"] },
      SCHEMAS,
      CONFIG,
      HELP,
    ],
    positionals: true,
    run: async (input, cwd) => print((await import("./scaffold.js")).runNew(input, cwd)),
  },
  {
    name: "generate",
    summary: "lint the schemas, then write TypeScript, Avro, Python and bundled JSON Schema for every event",
    usage: ["canon generate [options]"],
    about: `Lints every schema, then renders all targets in memory and swaps the changed output folders in
together: a killed run leaves all of them old or all new, and the next run completes or undoes it.
Nothing is written when any schema has an error. A second run with the same input changes nothing.
Library output is cached by input in node_modules/.cache/eventcanon (EVENTCANON_CACHE=DIR or off),
kept under 512 MiB by removing what was used longest ago.`,
    options: [GENERATE_OUT, TARGET, CHECK, ...COMMON],
    elsewhere: [COMPAT_ONLY],
    run: async ({ values }, cwd) => (await import("./generate.js")).runGenerate(values, cwd),
  },
  {
    name: "lint",
    summary: "check the schemas against the meta-schema and the project's rules",
    usage: ["canon lint [options]"],
    about: "Reports every problem at once, sorted by file and position, with a summary line.",
    options: COMMON,
    elsewhere: [GENERATE_ONLY, COMPAT_ONLY],
    run: async ({ values }, cwd) => (await import("./lint.js")).runLint(values, cwd),
  },
  {
    name: "stats",
    summary: "count the catalog's event types, versions, domains, shared types, services and unknown producers",
    usage: ["canon stats [options]"],
    about: `Lints the schemas, then prints how many event types, versions, domains, shared types and services the catalog
holds, and how many versions no source names a producer for (no x-producers).`,
    options: COMMON,
    elsewhere: [GENERATE_ONLY, COMPAT_ONLY],
    run: async ({ values }, cwd) => (await import("./stats.js")).runStats(values, cwd),
  },
  {
    name: "catalog",
    summary: "build the static event catalog site, with each event's generated code",
    usage: ["canon catalog [options]"],
    about: `Builds the static catalog site: an index with search, a page per event version and per shared type.
It opens from file:// and any static host, and fetches nothing from elsewhere.`,
    options: [
      {
        name: "out",
        kind: "string",
        value: "DIR",
        help: ["where to write the site (default: site in eventcanon.config.json, else build/catalog)"],
      },
      ...COMMON,
    ],
    elsewhere: [{ ...GENERATE_ONLY, options: [TARGET, CHECK] }, COMPAT_ONLY],
    run: async ({ values }, cwd) => (await import("./site.js")).runCatalog(values, cwd),
  },
  {
    name: "compat",
    summary: "compare two schema files (.json: JSON Schema and generated Avro; .avsc: Avro)",
    usage: ["canon compat OLD NEW [options]"],
    about: `Compares two versions of a schema. .avsc files are compared by Avro schema resolution; .json files by
Confluent's JSON Schema rules, and, when they are catalog event files, also by their generated Avro.
Exit 0 compatible, 1 incompatible, 2 usage or input error.`,
    options: [COMPAT_MODE, COMPAT_POLICY, REPORT_FORMAT, HELP, ...COMPAT_UNLISTED],
    elsewhere: [GENERATE_ONLY, CHECK_ONLY],
    positionals: true,
    run: async (input, cwd) => (await import("./compat.js")).runCompatCommand(input, cwd),
  },
  {
    name: "check",
    summary: "check every event changed since a git ref against that ref and the released versions",
    usage: ["canon check --base REF [options]"],
    about: `Checks every event file changed since REF (and every event using a changed shared type) against its
version at REF and, in transitive modes, every released version, under the event's mode. Old versions
are read with git show; nothing is checked out. Exit 0 when all are compatible, 1 otherwise, 2 on usage errors.`,
    options: [BASE, CHECK_MODE, CHECK_POLICY, REPORT_FORMAT, SCHEMAS, CONFIG, HELP],
    elsewhere: [GENERATE_ONLY],
    positionals: true,
    run: async (input, cwd) => (await import("./compat.js")).runCheckCommand(input, cwd),
  },
  {
    name: "release",
    summary: "append every changed event's schemas to registry/ as a new version, with ids and fingerprints",
    usage: ["canon release [options]"],
    about: `Appends a new version to registry/ for every event whose Avro schema differs from its latest release:
the value schema (.avsc), the key schema (.key.avsc) and the bundled JSON Schema, each with a global id
and a SHA-256 fingerprint of its Parsing Canonical Form in registry/index.jsonl. The new version is
checked against the released ones under the event's mode; an incompatible change releases nothing.
Released versions are never rewritten or deleted.`,
    options: [DRY_RUN, { ...SCHEMAS, help: ["folder holding events/ and types/"] }, CONFIG, FORMAT, HELP],
    helpAfterWrongValue: true,
    run: async (input, cwd) => (await import("./registry.js")).runRelease(input, cwd),
  },
  {
    name: "registry",
    summary: "serve registry/ as a Confluent-compatible schema registry, push it to one, or verify it",
    usage: ["canon registry <serve|push|verify> [options]"],
    about: `  serve    a Confluent Schema Registry compatible server over registry/ and a local store
           --port N (default 8081), --host H (default 127.0.0.1), --data DIR (default .eventcanon/registry),
           --read-only, --users FILE (basic auth: one user:password per line; or EVENTCANON_REGISTRY_USERS=u:p,...),
           --max-connections N (default 256, or a quarter of the open-file limit if lower: one more is answered 503;
           each connection must send a whole request within 10 s of opening or of its last answer)
  push     mirror registry/ into a Confluent-compatible registry
           --url URL (required), --dry-run; credentials from EVENTCANON_REGISTRY_USER and
           EVENTCANON_REGISTRY_PASSWORD (an API key and secret for Confluent Cloud)
  verify   check that registry/ holds exactly what canon release wrote (no released file edited)`,
    verbs: ["serve", "push", "verify"],
    options: [
      CONFIG,
      SCHEMAS,
      HELP,
      // Each verb's own options are described in the text above, with the verb.
      { name: "port", kind: "string" },
      { name: "host", kind: "string" },
      { name: "data", kind: "string" },
      { name: "read-only", kind: "boolean" },
      { name: "users", kind: "string" },
      { name: "max-connections", kind: "string" },
      { name: "url", kind: "string" },
      { name: "dry-run", kind: "boolean" },
    ],
    run: async (input, cwd) => (await import("./registry.js")).runRegistry(input, cwd),
  },
  {
    name: "explain",
    summary: "what an error code means and how to fix it (canon explain missing-keyword)",
    usage: ["canon explain [CODE | --markdown]"],
    about: `Prints what an error code means and how to fix it; without CODE, every code with its meaning.
The codes are the ones in brackets in every report, e.g. error[missing-keyword].
--markdown prints every code as the README's Errors table (a test holds the two equal).`,
    options: [],
    ownArguments: true,
    run: async ({ args, help }) => print((await import("./docs.js")).explain(args, help)),
  },
  {
    name: "docs",
    summary: "print the schema format (canon docs) or the config file's keys (canon docs config)",
    usage: ["canon docs [TOPIC]"],
    about: `Prints the documentation that ships with the toolkit:
  schema-format   (default) the schema file format, the supported subset, names, limits and lint rules
  config          every key of eventcanon.config.json, from the schema the config is checked against`,
    options: [],
    ownArguments: true,
    run: async ({ args, help }) => print((await import("./docs.js")).docs(args, help)),
  },
  {
    name: "asyncapi",
    summary: "write an AsyncAPI 3.0 document per service (its channels, send/receive operations, messages)",
    usage: ["canon asyncapi [options]"],
    about: `Writes one AsyncAPI 3.0 document per service of the services folder: its channels (the topics, with
Kafka bindings and the message key), its send and receive operations (from the events' x-producers and
x-consumers) and their messages (the Avro payload and the Open edX bus's CloudEvents headers).
canon generate writes the same documents into the asyncapi output folder.`,
    options: [
      { name: "service", kind: "string", value: "ID", help: ["only this service's document"] },
      {
        name: "out",
        kind: "string",
        value: "DIR",
        help: ["where to write <id>.asyncapi.json (default: outputs.asyncapi in eventcanon.config.json)"],
      },
      SCHEMAS,
      CONFIG,
      HELP,
    ],
    run: async ({ values }, cwd) => (await import("./asyncapi.js")).runAsyncapi(values, cwd),
  },
];
