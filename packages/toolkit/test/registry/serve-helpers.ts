import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { type CanonConfig, loadConfig } from "../../src/load/config.js";
import { CONTENT_TYPE } from "../../src/registry/server.js";
import { CLI, REPO, tempDir } from "../helpers.js";

// biome-ignore lint/suspicious/noExplicitAny: responses are asserted field by field.
export type Body = any;

export interface Answer {
  readonly status: number;
  readonly type: string | null;
  readonly body: Body;
}

/** One request to the registry; the body is JSON unless a string is given, sent with Confluent's content type unless told. */
export async function call(
  url: string,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { "content-type": CONTENT_TYPE, ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: text === "" ? undefined : (JSON.parse(text) as Body),
  };
}

export const record = (name: string, fields: object[]) => JSON.stringify({ type: "record", name, namespace: "test.registry", fields });

/** The repository's config with an empty registry/: a server that starts in milliseconds, for tests that start many. */
export function emptyRegistryConfig(): CanonConfig {
  return { ...loadConfig(REPO), registry: path.join(tempDir("registry-empty"), "registry") };
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the process wrote to standard output and standard error so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `canon registry serve --port 0` from the built CLI, as an operator runs it, resolved once it says where
 * it serves. `shell` runs first in the same bash (e.g. `ulimit -f 8`), and the CLI replaces that shell,
 * so the child's pid is the server's.
 */
export function startServer(data: string, options: { shell?: string; args?: string[] } = {}): Promise<ServerProcess> {
  const command = [
    "exec",
    JSON.stringify(process.execPath),
    JSON.stringify(CLI),
    "registry",
    "serve",
    "--port",
    "0",
    "--data",
    JSON.stringify(data),
  ];
  for (const arg of options.args ?? []) command.push(JSON.stringify(arg));
  const child = spawn("bash", ["-c", `${options.shell ?? ""}\n${command.join(" ")}`], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      const url = /serving \d+ subjects on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url !== undefined) resolve({ child, url, stdout: () => stdout, stderr: () => stderr, exited });
    });
    exited.then(({ code, signal }) => reject(new Error(`canon registry serve ended (${code ?? signal}) before serving:\n${stderr}`)));
  });
}

/** Runs `canon registry serve` expecting it to refuse to start: its exit code and standard error. */
export async function failedStart(data: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, "registry", "serve", "--port", "0", "--data", data], { cwd: REPO });
  let stderr = "";
  let stdout = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    // It started after all: stop it, and let the test see why.
    if (stdout.includes("serving")) child.kill("SIGTERM");
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  return { code, stderr: stdout.includes("serving") ? `started: ${stdout}${stderr}` : stderr };
}
