import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root, for the jars and scripts there. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `eventcanon-${prefix}-`));
}

/** A port nothing listens on now, on loopback. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server process with a rolling tail of its output, for the message when it fails to start. */
export interface Launched {
  readonly child: ChildProcess;
  readonly log: () => string;
}

export function launch(command: string, args: readonly string[], cwd: string): Launched {
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-6000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { child, log: () => tail };
}

/** Resolves once `ready()` holds, polling; rejects when the process exits first or the time is up. */
export async function waitUntil(launched: Launched, ready: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (launched.child.exitCode !== null) throw new Error(`${what} exited ${launched.child.exitCode} before serving:\n${launched.log()}`);
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`${what} not serving after ${timeoutMs} ms:\n${launched.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Stops a process by its PID and waits for it: SIGKILL as a crash does, SIGTERM a clean stop. */
export function stopChild(child: ChildProcess | undefined, signal: "SIGKILL" | "SIGTERM"): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

/** A server the tests stop and start again. */
export interface Server {
  /** `127.0.0.1:PORT` for Kafka; `redis://127.0.0.1:PORT` for Redis. */
  readonly address: string;
  readonly pid: () => number | undefined;
  /** SIGKILL, as a crash does; or SIGTERM, a clean stop. */
  stop(signal?: "SIGKILL" | "SIGTERM"): Promise<void>;
  /** Starts it again on the same port and data, and waits until it serves. */
  start(): Promise<void>;
}
