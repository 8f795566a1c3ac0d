import path from "node:path";
import { checkAgainstBase, git, gitShowMany } from "../compat/check.js";
import { compareFiles, SourceCache } from "../compat/files.js";
import { formatGithub, formatJson, formatText, isAvroFile, type Locate, type ReportFormat, type Subject } from "../compat/report.js";
import type { CanonConfig } from "../load/config.js";
import { ExitCode, formatReport } from "../load/diagnostics.js";
import { appendOnlySince, verifyHistory } from "../load/history.js";
import { isMode, isPolicy, MODES, type Mode, POLICIES, type Policy } from "../load/modes.js";
import { toPosix } from "../load/schema-files.js";
import { type CommandInput, stringOption } from "./command.js";
import { configOf } from "./options.js";

export interface CompatArgs {
  readonly positionals: readonly string[];
  readonly mode?: string | undefined;
  readonly policy?: string | undefined;
  readonly base?: string | undefined;
  readonly format: ReportFormat;
}

export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

function usage(message: string): CommandOutput {
  return { stdout: "", stderr: `${message}\n`, code: ExitCode.usage };
}

function render(subjects: readonly Subject[], locate: Locate, format: ReportFormat): CommandOutput {
  const text =
    format === "json" ? formatJson(subjects, locate) : format === "github" ? formatGithub(subjects, locate) : formatText(subjects, locate);
  return { stdout: text, stderr: "", code: subjects.every((s) => s.verdict.compatible) ? ExitCode.ok : ExitCode.invalidSchemas };
}

function options(args: CompatArgs, config: CanonConfig): { mode?: Mode; policy: Policy } | string {
  if (args.mode !== undefined && !isMode(args.mode)) return `--mode must be one of ${MODES.join(", ")}`;
  if (args.policy !== undefined && !isPolicy(args.policy)) return `--policy must be ${POLICIES.join(" or ")}`;
  return {
    ...(args.mode === undefined ? {} : { mode: args.mode }),
    policy: args.policy ?? config.compatibility.policy,
  };
}

/** `canon compat` and `canon check` from the command line: the config their options name, the report printed. */
async function printed(
  run: (args: CompatArgs, config: CanonConfig, cwd: string) => CommandOutput | Promise<CommandOutput>,
  { values, positionals }: CommandInput,
  cwd: string,
): Promise<number> {
  const args: CompatArgs = {
    positionals,
    mode: stringOption(values, "mode"),
    policy: stringOption(values, "policy"),
    base: stringOption(values, "base"),
    format: (stringOption(values, "format") ?? "text") as ReportFormat,
  };
  const result = await run(args, configOf(values, cwd), cwd);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.code;
}

export function runCompatCommand(input: CommandInput, cwd: string): Promise<number> {
  return printed(runCompat, input, cwd);
}

export function runCheckCommand(input: CommandInput, cwd: string): Promise<number> {
  return printed(runCheck, input, cwd);
}

/** `canon compat OLD NEW`. */
export function runCompat(args: CompatArgs, config: CanonConfig, cwd: string): CommandOutput {
  const [oldFile, newFile, ...extra] = args.positionals;
  if (oldFile === undefined || newFile === undefined || extra.length > 0) return usage("canon compat: give exactly two files: OLD NEW");
  const parsed = options(args, config);
  if (typeof parsed === "string") return usage(`canon compat: ${parsed}`);
  const subjects = compareFiles(oldFile, newFile, cwd, parsed, config);
  const cache = new SourceCache((file) => `${cwd}/${file}`);
  return render(subjects, (file, pointer) => (isAvroFile(file) ? undefined : cache.locate(file, pointer)), args.format);
}

/** `canon check --base REF`. */
export async function runCheck(args: CompatArgs, config: CanonConfig, cwd: string): Promise<CommandOutput> {
  if (args.base === undefined) return usage("canon check: --base REF is required (e.g. --base origin/main)");
  if (args.positionals.length > 0) return usage("canon check: takes no file arguments; it finds the changed event files itself");
  const parsed = options(args, config);
  if (typeof parsed === "string") return usage(`canon check: ${parsed}`);
  const effective = { ...config, compatibility: { mode: parsed.mode ?? config.compatibility.mode, policy: parsed.policy } };
  const { subjects, locate } = await checkAgainstBase(args.base, effective, cwd);
  const output = render(subjects, locate, args.format);
  const registry = [...verifyHistory(config, cwd), ...registryEditsSince(args.base, config, cwd)];
  if (registry.length === 0) return output;
  return { stdout: output.stdout, stderr: `${output.stderr}${formatReport(registry)}\n`, code: ExitCode.invalidSchemas };
}

/** What git says changed under registry/ since the base, for the append-only rule. */
function registryEditsSince(base: string, config: CanonConfig, cwd: string) {
  const top = git(["rev-parse", "--show-toplevel"], cwd).trim();
  const rel = toPosix(path.relative(top, config.registry));
  return appendOnlySince(config, cwd, {
    show: (file) => gitShowMany([`${base}:${rel}/${file}`], top).get(`${base}:${rel}/${file}`),
    changedFiles: () =>
      git(["diff", "--name-status", "--no-renames", base, "--", rel], top)
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const [status, file] = line.split("\t");
          return { status: status ?? "", file: path.posix.relative(rel, file ?? "") };
        }),
  });
}
