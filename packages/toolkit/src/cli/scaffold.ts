import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { TARGET_LIST, TARGETS } from "../emit/targets.js";
import { loadCatalog } from "../lint/catalog.js";
import { loadConfig } from "../load/config.js";
import { CanonError, ExitCode, formatReport } from "../load/diagnostics.js";
import { pascalCase, pythonFieldName } from "../load/naming.js";
import { type CommandInput, type OptionValues, stringOption } from "./command.js";
import { type Printed, usage } from "./docs.js";
import { configOf } from "./options.js";

/** The catalog repository `canon init` writes; `__NAME__`-style tokens in paths and contents are its parameters. */
const INIT_TEMPLATES = new URL("../../templates/init/", import.meta.url);
const TOOLKIT_PACKAGE = new URL("../../package.json", import.meta.url);
const STAGING_PREFIX = ".canon-init-";

/** npm never packs a file named .gitignore, so the template carries it under another name. */
const RENAMED: Readonly<Record<string, string>> = { gitignore: ".gitignore" };

export interface InitOptions {
  readonly name: string;
  readonly npmScope?: string;
  readonly pythonPackage?: string;
  readonly pythonName?: string;
  readonly prefix?: string;
  readonly title?: string;
}

/** Every parameter of the templates, checked; a bad one is a usage error naming the option. */
export function initParameters(options: InitOptions): Record<string, string> {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  const { name } = options;
  // The other names default to ones made from it: one message, not one per derived name.
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name))
    throw new UsageError(`--name "${name}" must be lower-case words joined by "-", e.g. acme-events`);
  const scope = options.npmScope;
  check(scope === undefined || /^@[a-z0-9][a-z0-9._-]*$/.test(scope), `--npm-scope "${scope}" must look like @acme`);
  const pythonPackage = options.pythonPackage ?? name.replace(/-/g, "_");
  check(
    /^[a-z_][a-z0-9_]*$/.test(pythonPackage) && pythonFieldName(pythonPackage) === pythonPackage,
    `--python-package "${pythonPackage}" must be a lower-case Python identifier that is not a keyword`,
  );
  const pythonName = options.pythonName ?? name;
  check(/^[a-z0-9]+([._-][a-z0-9]+)*$/.test(pythonName), `--python-name "${pythonName}" is not a valid distribution name`);
  const prefix = options.prefix ?? `com.${name.split("-")[0]}`;
  check(
    /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(prefix),
    `--prefix "${prefix}" must be two or more dotted lower-case names, e.g. com.acme`,
  );
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  const title = options.title ?? pascalWords(name.replace(/-events?$/, ""));
  const domain = prefix.split(".").reverse().join(".");
  const event = `${prefix}.example.item.created.v1`;
  return {
    __NAME__: name,
    __NPM_NAME__: scope === undefined ? name : `${scope}/${name}`,
    __BIN__: pythonPackage.replace(/_/g, "-"),
    __PY_NAME__: pythonName,
    __PY_PACKAGE__: pythonPackage,
    __PREFIX__: prefix,
    __TITLE__: title,
    __TOOLKIT_VERSION__: (JSON.parse(readFileSync(TOOLKIT_PACKAGE, "utf8")) as { version: string }).version,
    __ID_BASE__: `https://${domain}/schemas/`,
    __TYPE__: "ItemData",
    __EVENT__: event,
    __EVENT_TITLE__: eventTitle(event, prefix),
    __EVENT_TOPIC__: eventTopic(event, prefix),
  };
}

/** The files of the catalog `init` makes, by path relative to the catalog's root, before generation. */
export function renderInitTemplates(parameters: Readonly<Record<string, string>>): Map<string, string> {
  const substitute = (text: string) => text.replace(/__[A-Z_]+?__/g, (token) => parameters[token] ?? token);
  const files = new Map<string, string>();
  const walk = (folder: URL, rel: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = `${rel}${entry.name}`;
      if (entry.isDirectory()) walk(new URL(`${entry.name}/`, folder), `${child}/`);
      else {
        const target = child.split("/").map((part) => substitute(RENAMED[part] ?? part));
        files.set(target.join("/"), substitute(readFileSync(new URL(entry.name, folder), "utf8")));
      }
    }
  };
  walk(INIT_TEMPLATES, "");
  return files;
}

/**
 * `canon init`: renders the templates and generates both packages in a staging folder inside DIR, then moves
 * each top-level entry into place, so a failure (bad option, existing file, a generator error) leaves DIR as it was.
 */
export async function runInit({ values, positionals, help }: CommandInput, cwd: string): Promise<Printed> {
  let parsed: ReturnType<typeof initArguments>;
  try {
    parsed = initArguments(values, positionals);
  } catch (error) {
    return usage("init", (error as Error).message, help);
  }
  let parameters: Record<string, string>;
  try {
    parameters = initParameters(parsed.options);
  } catch (error) {
    if (error instanceof UsageError) return usage("init", error.message, help);
    throw error;
  }
  const dir = path.resolve(cwd, parsed.dir);
  const shown = path.relative(cwd, dir) || ".";
  if (existsSync(dir) && !statSync(dir).isDirectory()) return usage("init", `${shown} exists and is not a folder`);
  // A staging folder is all an init killed midway leaves behind (it moves nothing before everything is ready).
  const stale = existsSync(dir) ? readdirSync(dir).filter((entry) => entry.startsWith(STAGING_PREFIX)) : [];
  const existing = existsSync(dir) ? readdirSync(dir).filter((entry) => !stale.includes(entry)) : [];
  if (existing.length > 0 && !parsed.force)
    return usage(
      "init",
      `${shown} is not empty (${existing.slice(0, 3).join(", ")}${existing.length > 3 ? ", ..." : ""}); pass --force to write into it`,
    );
  const files = renderInitTemplates(parameters);
  // Entries move in whole, so any top-level name init writes that is already there is a clash.
  const tops = new Set([...files.keys()].map((file) => file.split("/")[0] ?? file));
  const clashes = [...tops, "registry"].filter((top) => existsSync(path.join(dir, top)));
  if (clashes.length > 0) return usage("init", `would overwrite ${clashes.join(", ")} in ${shown}; nothing was written`);

  const created = !existsSync(dir);
  mkdirSync(dir, { recursive: true });
  for (const entry of stale) rmSync(path.join(dir, entry), { recursive: true, force: true });
  const staging = mkdtempSync(path.join(dir, STAGING_PREFIX));
  const moved: string[] = [];
  try {
    for (const [file, text] of files) {
      mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
      writeFileSync(path.join(staging, file), text);
    }
    mkdirSync(path.join(staging, "registry"));
    const config = loadConfig(staging, {}, TARGET_LIST);
    const catalog = loadCatalog(config, staging);
    if (catalog.diagnostics.length > 0) throw new CanonError(catalog.diagnostics);
    const { generate } = await import("../emit/generate.js");
    await generate(catalog, config, TARGETS);
    for (const top of readdirSync(staging)) {
      renameSync(path.join(staging, top), path.join(dir, top));
      moved.push(top);
    }
  } catch (error) {
    // Undo a move that got halfway (a full disk, a name taken meanwhile): DIR is left as it was.
    for (const top of moved.splice(0)) rmSync(path.join(dir, top), { recursive: true, force: true });
    if (error instanceof CanonError)
      return {
        code: ExitCode.invalidSchemas,
        stdout: "",
        stderr: `canon init: the templates did not lint (a bug):\n${formatReport(error.diagnostics)}\n`,
      };
    throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    if (created && moved.length === 0) rmSync(dir, { recursive: true, force: true });
  }
  const cd = shown === "." ? "" : `cd ${shown} && `;
  return {
    code: ExitCode.ok,
    stdout: `canon init: wrote the ${parameters.__TITLE__} event catalog to ${shown} (${parameters.__NPM_NAME__} in packages/${parameters.__NAME__}, ${parameters.__PY_NAME__} in packages/${parameters.__NAME__}-py)\nnext: ${cd}npm install && npm test\n`,
    stderr: "",
  };
}

function initArguments(values: OptionValues, positionals: readonly string[]) {
  const option = (name: string) => stringOption(values, name);
  const name = option("name");
  if (positionals.length > 1) throw new Error(`expected one folder, got: ${positionals.join(" ")}`);
  if (name === undefined) throw new Error("--name is required, e.g. --name acme-events");
  const given = (key: keyof InitOptions, value: string | undefined) => (value === undefined ? {} : { [key]: value });
  const options: InitOptions = {
    name,
    ...given("npmScope", option("npm-scope")),
    ...given("pythonPackage", option("python-package")),
    ...given("pythonName", option("python-name")),
    ...given("prefix", option("prefix")),
    ...given("title", option("title")),
  };
  return { dir: positionals[0] ?? ".", force: values.force === true, options };
}

// --- canon new ---

export function runNew({ values, positionals, help }: CommandInput, cwd: string): Printed {
  const from = stringOption(values, "from");
  const [kind, name, ...extra] = positionals;
  if ((kind !== "event" && kind !== "type") || name === undefined || extra.length > 0)
    return usage("new", `expected "event TYPE" or "type NAME", got: ${positionals.join(" ") || "nothing"}`, help);
  if (kind === "type" && from !== undefined) return usage("new", "--from is an option of new event only");
  const config = configOf(values, cwd);
  const idBase = schemaIdBase(config.schemas);
  let file: string;
  let schema: Record<string, unknown>;
  if (kind === "type") {
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) return usage("new", `type name "${name}" must be PascalCase, e.g. CourseData`);
    file = path.join(config.schemas, "types", `${name}.json`);
    schema = typeSkeleton(name, idBase);
  } else {
    const prefix = config.eventTypePrefix;
    const problem = newEventTypeProblem(name, prefix);
    if (problem !== undefined) return usage("new", problem);
    file = path.join(config.schemas, "events", `${name}.json`);
    if (from !== undefined) {
      const fromFile = path.join(config.schemas, "events", `${from}.json`);
      if (!existsSync(fromFile)) return usage("new", `no event ${from}: ${path.relative(cwd, fromFile)} does not exist`);
      schema = JSON.parse(readFileSync(fromFile, "utf8")) as Record<string, unknown>;
      schema.$id = `${idBase}events/${name}.json`;
      schema.title = eventTitle(name, prefix);
      schema["x-event-type"] = name;
    } else {
      schema = eventSkeleton(name, prefix, idBase);
    }
  }
  const shown = path.relative(cwd, file);
  if (existsSync(file)) return usage("new", `${shown} already exists; nothing was written`);
  mkdirSync(path.dirname(file), { recursive: true });
  // Written whole and renamed into place: lint never sees half a file.
  const temporary = `${file}.canon-new-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(schema, null, 2)}\n`);
  renameSync(temporary, file);
  const next =
    kind === "event"
      ? "edit its fields and examples, then run canon generate"
      : "add its fields, $ref it from an event, then run canon generate";
  return { code: ExitCode.ok, stdout: `canon new: wrote ${shown}; ${next}\n`, stderr: "" };
}

/** The `$id` base the catalog's files share (lint's id-mismatch rule), read from any file that has one. */
function schemaIdBase(schemas: string): string {
  for (const sub of ["events", "types"]) {
    const folder = path.join(schemas, sub);
    if (!existsSync(folder)) continue;
    for (const entry of readdirSync(folder).sort()) {
      if (!entry.endsWith(".json")) continue;
      try {
        const id = (JSON.parse(readFileSync(path.join(folder, entry), "utf8")) as { $id?: unknown }).$id;
        const suffix = `${sub}/${entry}`;
        if (typeof id === "string" && id.endsWith(suffix)) return id.slice(0, -suffix.length);
      } catch {
        // A broken file says nothing about the base; lint reports it.
      }
    }
  }
  return "https://example.com/schemas/";
}

function newEventTypeProblem(eventType: string, prefix: string): string | undefined {
  const rest = prefix === "" ? eventType : eventType.startsWith(`${prefix}.`) ? eventType.slice(prefix.length + 1) : undefined;
  if (rest === undefined)
    return `event type "${eventType}" must start with the prefix "${prefix}." (eventTypePrefix in eventcanon.config.json)`;
  if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2,}\.v[1-9][0-9]*$/.test(rest))
    return `event type "${eventType}" must be ${prefix === "" ? "" : `${prefix}.`}<domain>.<subject>.<action>.v<N> in lower case, e.g. ${prefix === "" ? "com.acme." : `${prefix}.`}billing.invoice.paid.v1`;
  return undefined;
}

function withoutPrefix(eventType: string, prefix: string): string[] {
  return (prefix !== "" && eventType.startsWith(`${prefix}.`) ? eventType.slice(prefix.length + 1) : eventType).split(".");
}

/** `<prefix>.learning.exam.attempt.submitted.v1` -> `ExamAttemptSubmittedV1`, as the catalog names its events. */
function eventTitle(eventType: string, prefix: string): string {
  return pascalCase(withoutPrefix(eventType, prefix).slice(1).join("_"));
}

/** The bus convention `<domain>-<subject>-lifecycle`, e.g. learning-exam-attempt-lifecycle. */
function eventTopic(eventType: string, prefix: string): string {
  const parts = withoutPrefix(eventType, prefix);
  return [...parts.slice(0, -2)]
    .map((p) => p.replace(/_/g, "-"))
    .join("-")
    .concat("-lifecycle");
}

function pascalWords(name: string): string {
  return name
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(" ");
}

function eventSkeleton(eventType: string, prefix: string, idBase: string): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `${idBase}events/${eventType}.json`,
    title: eventTitle(eventType, prefix),
    description: "What happened, who sends it, and what a consumer should do with it.",
    "x-event-type": eventType,
    "x-topic": eventTopic(eventType, prefix),
    "x-event-key-field": "id",
    type: "object",
    properties: { id: { type: "string", minLength: 1, description: "Identifier of what the event is about; the message key." } },
    required: ["id"],
    additionalProperties: false,
    examples: [{ id: "example-1" }],
  };
}

function typeSkeleton(name: string, idBase: string): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `${idBase}types/${name}.json`,
    title: name,
    description: "What this type describes; events use it through a relative $ref.",
    type: "object",
    properties: { id: { type: "string", minLength: 1, description: "Stable identifier." } },
    required: ["id"],
    additionalProperties: false,
  };
}

class UsageError extends Error {}
