import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const TOOLKIT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const REPO = path.resolve(TOOLKIT, "../..");
export const CLI = path.join(TOOLKIT, "dist/cli.js");
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
