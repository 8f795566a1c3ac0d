import path from "node:path";
import { parseArgs } from "node:util";
import { affectedSentence, formatJson, formatText } from "../compat/report.js";
import { TARGET_LIST } from "../emit/targets.js";
import { loadCatalog } from "../lint/catalog.js";
import { loadConfig } from "../load/config.js";
import { type Diagnostic, ExitCode, formatReport } from "../load/diagnostics.js";
import { readHistory, verifyHistory } from "../load/history.js";
import { pushRegistry } from "../registry/push.js";
import { applyRelease, planRelease } from "../registry/release.js";
import { serveRegistry } from "../registry/server.js";

export const RELEASE_HELP = `usage: canon release [options]

Appends a new version to registry/ for every event whose Avro schema differs from its latest release:
the value schema (.avsc), the key schema (.key.avsc) and the bundled JSON Schema, each with a global id
and a SHA-256 fingerprint of its Parsing Canonical Form in registry/index.jsonl. The new version is
checked against the released ones under the event's mode; an incompatible change releases nothing.
Released versions are never rewritten or deleted.

options:
  --dry-run        print what would be released; write nothing
  --schemas DIR    folder holding events/ and types/
  --config FILE    config file (default: ./eventcanon.config.json when present)
  --format FORMAT  text (default) or json
  -h, --help       show this help`;

export const REGISTRY_HELP = `usage: canon registry <serve|push|verify> [options]

  serve    a Confluent Schema Registry compatible server over registry/ and a local store
           --port N (default 8081), --host H (default 127.0.0.1), --data DIR (default .eventcanon/registry),
           --read-only, --users FILE (basic auth: one user:password per line; or EVENTCANON_REGISTRY_USERS=u:p,...),
           --max-connections N (default 256, or a quarter of the open-file limit if lower: one more is answered 503;
           each connection must send a whole request within 10 s of opening or of its last answer)
  push     mirror registry/ into a Confluent-compatible registry
           --url URL (required), --dry-run; credentials from EVENTCANON_REGISTRY_USER and
           EVENTCANON_REGISTRY_PASSWORD (an API key and secret for Confluent Cloud)
  verify   check that registry/ holds exactly what canon release wrote (no released file edited)

common options: --config FILE, --schemas DIR, -h/--help`;

function config(values: { config?: string | undefined; schemas?: string | undefined }, cwd: string) {
  return loadConfig(
    cwd,
    {
      ...(values.config === undefined ? {} : { config: values.config }),
      ...(values.schemas === undefined ? {} : { schemas: values.schemas }),
    },
    TARGET_LIST,
  );
}

function fail(diagnostics: readonly Diagnostic[], format: string): number {
  if (format === "json") process.stdout.write(`${JSON.stringify({ ok: false, errors: diagnostics }, null, 2)}\n`);
  else process.stderr.write(`${formatReport(diagnostics)}\n`);
  return ExitCode.invalidSchemas;
}

function usage(verb: string, message: string, help: string): number {
  process.stderr.write(`canon ${verb}: ${message}\n\n${help}\n`);
  return ExitCode.usage;
}

/** `canon release`. */
export function runRelease(args: string[], cwd: string): number {
  let values: { "dry-run"?: boolean; schemas?: string; config?: string; format?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        "dry-run": { type: "boolean" },
        schemas: { type: "string" },
        config: { type: "string" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    return usage("release", (error as Error).message, RELEASE_HELP);
  }
  if (values.help) {
    process.stdout.write(`${RELEASE_HELP}\n`);
    return ExitCode.ok;
  }
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json") return usage("release", "--format must be text or json", RELEASE_HELP);
  const settings = config(values, cwd);
  const problems = verifyHistory(settings, cwd);
  if (problems.length > 0) return fail(problems, format);
  const catalog = loadCatalog(settings, cwd);
  if (catalog.diagnostics.length > 0) return fail(catalog.diagnostics, format);
  const plan = planRelease(catalog, settings, readHistory(settings), cwd);
  if (plan.diagnostics.length > 0) return fail(plan.diagnostics, format);
  const compatible = plan.checked.every((s) => s.verdict.compatible);
  if (compatible && !values["dry-run"]) applyRelease(plan, settings.registry);
  const released = plan.entries.map((e) => ({ event: e.event, version: e.version, id: e.value.id, ...(e.key ? { keyId: e.key.id } : {}) }));
  if (format === "json") {
    const checked = JSON.parse(formatJson(plan.checked, () => undefined)) as unknown;
    process.stdout.write(
      `${JSON.stringify({ ok: compatible, dryRun: values["dry-run"] === true, released: compatible ? released : [], unchanged: plan.unchanged, checked, moves: plan.moves }, null, 2)}\n`,
    );
  } else {
    if (plan.checked.length > 0) process.stdout.write(formatText(plan.checked, () => undefined));
    if (!compatible) {
      process.stderr.write("canon release: incompatible with a released version; nothing was released\n");
    } else {
      const verb = values["dry-run"] ? "would release" : "released";
      for (const r of released) {
        process.stdout.write(`${verb} ${r.event} v${r.version} (id ${r.id}${r.keyId === undefined ? "" : `, key id ${r.keyId}`})\n`);
        const move = plan.moves.find((m) => m.eventType === r.event);
        const sentence = affectedSentence(r.event, move?.affected);
        if (sentence !== undefined) process.stdout.write(`  ${sentence}\n`);
      }
      process.stdout.write(
        `${released.length} ${values["dry-run"] ? "to release" : "released"}, ${plan.unchanged.length} unchanged -> ${path.relative(cwd, settings.registry) || "."}\n`,
      );
      // The packages ship the history: until they are generated again, they frame the new versions with no id.
      if (released.length > 0 && !values["dry-run"])
        process.stdout.write("next: canon generate, so that the packages ship the new release history and ids\n");
    }
  }
  return compatible ? ExitCode.ok : ExitCode.invalidSchemas;
}

/** `canon registry serve|push|verify`. */
export async function runRegistry(args: string[], cwd: string): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === undefined || verb === "-h" || verb === "--help") {
    process.stdout.write(`${REGISTRY_HELP}\n`);
    return verb === undefined ? ExitCode.usage : ExitCode.ok;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        schemas: { type: "string" },
        config: { type: "string" },
        help: { type: "boolean", short: "h" },
        port: { type: "string" },
        host: { type: "string" },
        data: { type: "string" },
        "read-only": { type: "boolean" },
        users: { type: "string" },
        "max-connections": { type: "string" },
        url: { type: "string" },
        "dry-run": { type: "boolean" },
      },
      strict: true,
    }));
  } catch (error) {
    return usage(`registry ${verb}`, (error as Error).message, REGISTRY_HELP);
  }
  if (values.help) {
    process.stdout.write(`${REGISTRY_HELP}\n`);
    return ExitCode.ok;
  }
  const str = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const settings = config({ config: str("config"), schemas: str("schemas") }, cwd);
  if (verb === "verify") {
    const problems = verifyHistory(settings, cwd);
    if (problems.length > 0) return fail(problems, "text");
    const history = readHistory(settings);
    process.stdout.write(`canon registry verify: ${history.entries.length} released versions, every file as released\n`);
    return ExitCode.ok;
  }
  if (verb === "serve") {
    const port = Number(str("port") ?? "8081");
    if (!Number.isInteger(port) || port < 0 || port > 65535) return usage("registry serve", "--port must be 0-65535", REGISTRY_HELP);
    const maxConnections = str("max-connections") === undefined ? undefined : Number(str("max-connections"));
    if (maxConnections !== undefined && (!Number.isInteger(maxConnections) || maxConnections < 1))
      return usage("registry serve", "--max-connections must be a whole number, at least 1", REGISTRY_HELP);
    const problems = verifyHistory(settings, cwd);
    if (problems.length > 0) return fail(problems, "text");
    const server = await serveRegistry({
      config: settings,
      port,
      host: str("host") ?? "127.0.0.1",
      data: path.resolve(cwd, str("data") ?? ".eventcanon/registry"),
      readOnly: values["read-only"] === true,
      ...(maxConnections === undefined ? {} : { maxConnections }),
      ...(str("users") === undefined ? {} : { usersFile: path.resolve(cwd, str("users") as string) }),
    });
    process.stdout.write(
      `canon registry: serving ${server.subjects} subjects on ${server.url} (at most ${server.maxConnections} connections at once)\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => server.close().then(resolve);
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    return ExitCode.ok;
  }
  if (verb === "push") {
    const url = str("url");
    if (url === undefined) return usage("registry push", "--url URL is required", REGISTRY_HELP);
    const problems = verifyHistory(settings, cwd);
    if (problems.length > 0) return fail(problems, "text");
    const result = await pushRegistry({
      config: settings,
      url,
      dryRun: values["dry-run"] === true,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    if (!result.ok) process.stderr.write(`canon registry push: ${result.error}\n`);
    return result.ok ? ExitCode.ok : ExitCode.invalidSchemas;
  }
  return usage("registry", `unknown verb "${verb}"`, REGISTRY_HELP);
}
