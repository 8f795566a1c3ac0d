import path from "node:path";
import { affectedSentence, formatJson, formatText } from "../compat/report.js";
import { loadCatalog } from "../lint/catalog.js";
import { type Diagnostic, ExitCode, formatReport } from "../load/diagnostics.js";
import { readHistory, verifyHistory } from "../load/history.js";
import { pushRegistry } from "../registry/push.js";
import { applyRelease, planRelease } from "../registry/release.js";
import { serveRegistry } from "../registry/server.js";
import { type CommandInput, stringOption } from "./command.js";
import { configOf } from "./options.js";

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
export function runRelease({ values }: CommandInput, cwd: string): number {
  const format = stringOption(values, "format") ?? "text";
  const settings = configOf(values, cwd);
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
export async function runRegistry({ verb, values, help }: CommandInput, cwd: string): Promise<number> {
  const str = (name: string) => stringOption(values, name);
  const settings = configOf(values, cwd);
  if (verb === "verify") {
    const problems = verifyHistory(settings, cwd);
    if (problems.length > 0) return fail(problems, "text");
    const history = readHistory(settings);
    process.stdout.write(`canon registry verify: ${history.entries.length} released versions, every file as released\n`);
    return ExitCode.ok;
  }
  if (verb === "serve") {
    const port = Number(str("port") ?? "8081");
    if (!Number.isInteger(port) || port < 0 || port > 65535) return usage("registry serve", "--port must be 0-65535", help);
    const maxConnections = str("max-connections") === undefined ? undefined : Number(str("max-connections"));
    if (maxConnections !== undefined && (!Number.isInteger(maxConnections) || maxConnections < 1))
      return usage("registry serve", "--max-connections must be a whole number, at least 1", help);
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
  // The command table lets only serve, push and verify through: this is push.
  const url = str("url");
  if (url === undefined) return usage("registry push", "--url URL is required", help);
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
