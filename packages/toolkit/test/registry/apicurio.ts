import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { REPO } from "../helpers.js";

/** A Java of at least `minimum` (Apicurio 3 is built for 21): JAVA_HOME, then the JDKs under /usr/lib/jvm, then PATH. */
export function findJava(minimum = 21): string | undefined {
  const jvm = "/usr/lib/jvm";
  const candidates = [
    ...(process.env.JAVA_HOME ? [path.join(process.env.JAVA_HOME, "bin/java")] : []),
    ...(existsSync(jvm) ? readdirSync(jvm).map((name) => path.join(jvm, name, "bin/java")) : []),
    "java",
  ];
  for (const java of candidates) {
    const result = spawnSync(java, ["-version"], { encoding: "utf8" });
    const major = /version "(\d+)/.exec(result.stderr ?? "")?.[1];
    if (result.status === 0 && Number(major) >= minimum) return java;
  }
  return undefined;
}

/** The unpacked Apicurio folder, fetched once by scripts/fetch-apicurio.sh; a string is why it is missing. */
export function apicurioFolder(): { folder: string } | string {
  const result = spawnSync("bash", [path.join(REPO, "scripts/fetch-apicurio.sh")], { encoding: "utf8" });
  return result.status === 0 ? { folder: result.stdout.trim().split("\n").at(-1) ?? "" } : result.stderr.trim();
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Apicurio {
  /** The Confluent-compatible API's base URL. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts Apicurio in memory on a free loopback port and waits until its ccompat API answers. */
export async function startApicurio(java: string, folder: string): Promise<Apicurio> {
  const port = await freePort();
  // Its management interface (health, metrics) binds 0.0.0.0:9000 unless told: two runs on one machine collided there.
  const management = await freePort();
  const args = [
    `-Dquarkus.http.port=${port}`,
    "-Dquarkus.http.host=127.0.0.1",
    `-Dquarkus.management.port=${management}`,
    "-Dquarkus.management.host=127.0.0.1",
  ];
  const child: ChildProcess = spawn(java, [...args, "-jar", "quarkus-run.jar"], {
    cwd: folder,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  child.stderr?.on("data", (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}/apis/ccompat/v7`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Apicurio exited with ${child.exitCode}:\n${log}`);
    const up = await fetch(`${url}/subjects`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await stop();
  throw new Error(`Apicurio did not answer within 120 s:\n${log}`);
}
