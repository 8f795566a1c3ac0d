import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const TOOLKIT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const REPO = path.resolve(TOOLKIT, "../..");
export const CLI = path.join(TOOLKIT, "dist/cli/main.js");
export const FIXTURES = path.join(TOOLKIT, "test/fixtures");

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(command: string, args: readonly string[], cwd: string, input?: string): Run {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the built `canon` command, as a user would. */
export function canon(args: readonly string[], cwd: string): Run {
  return run(process.execPath, [CLI, ...args], cwd);
}

/** Runs the built `canon` command without blocking this process, so a server in the test can answer meanwhile. */
export function canonAsync(args: readonly string[], cwd: string): Promise<Run> {
  return runAsync(process.execPath, [CLI, ...args], { cwd });
}

/** `run` without blocking this process (a server in the test can answer meanwhile), `input` written to its stdin. */
export function runAsync(command: string, args: readonly string[], options: { cwd?: string; input?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** Loaded before the CLI (`node --import`): prints the process's peak resident set size when it exits. */
const PRINT_PEAK_RSS = `data:text/javascript,process.on("exit",()=>process.stderr.write("\\npeak-rss-kib="+process.resourceUsage().maxRSS+"\\n"))`;

/** `canon` as a user runs it, and the peak memory (resident set, KiB) of its process. */
export function canonMeasured(args: readonly string[], cwd: string): Run & { readonly peakRssKiB: number } {
  const result = run(process.execPath, ["--import", PRINT_PEAK_RSS, CLI, ...args], cwd);
  const match = /\npeak-rss-kib=(\d+)\n$/.exec(result.stderr);
  if (match?.[1] === undefined) throw new Error(`no peak RSS in: ${result.stderr.slice(-500)}`);
  return { ...result, stderr: result.stderr.slice(0, match.index), peakRssKiB: Number(match[1]) };
}

/** The repository's Python venv, made by scripts/setup.sh; the tests need real Python. */
export function venvPython(): string {
  const python = path.join(REPO, ".venv/bin/python");
  if (!existsSync(python)) throw new Error(`${python} not found: run scripts/setup.sh first`);
  return python;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `eventcanon-${prefix}-`));
}

/** A temporary folder inside the toolkit, so generated TypeScript resolves avsc and @types/node. */
export function tempDirInRepo(prefix: string): string {
  const root = path.join(TOOLKIT, ".tmp");
  mkdirSync(root, { recursive: true });
  return mkdtempSync(path.join(root, `${prefix}-`));
}

/** git in a test repository, with an identity so commits work on a fresh machine. */
export function git(repo: string, ...args: string[]): string {
  const result = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd: repo, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/** A fresh git repository holding a copy of a fixture catalog as its one commit. */
export function gitRepoOf(fixture: string, prefix: string): string {
  const repo = tempDir(prefix);
  cpSync(path.join(FIXTURES, fixture), repo, { recursive: true });
  git(repo, "init", "-q", "-b", "main");
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "base");
  return repo;
}

/** Edits a JSON file of a test repository in place. */
// biome-ignore lint/suspicious/noExplicitAny: the scenarios edit arbitrary JSON paths.
export function edit(repo: string, file: string, change: (value: Record<string, any>) => void): void {
  const full = path.join(repo, file);
  const value = JSON.parse(readFileSync(full, "utf8"));
  change(value);
  writeFileSync(full, `${JSON.stringify(value, null, 2)}\n`);
}

export { markdownTable } from "../src/cli/markdown.js";
