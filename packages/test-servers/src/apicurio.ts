import { spawnSync } from "node:child_process";
import path from "node:path";
import { findJava } from "./java.js";
import { freePort, launch, REPO, stopChild, waitUntil } from "./process.js";

/** Why Apicurio cannot run here, or undefined: Java 21 or newer and the folder scripts/fetch-apicurio.sh unpacks. */
export function apicurioUnavailable(): string | undefined {
  if (findJava(21) === undefined) return "no Java 21 or newer (JAVA_HOME, /usr/lib/jvm, PATH)";
  const fetched = spawnSync("bash", [path.join(REPO, "scripts/fetch-apicurio.sh")], { encoding: "utf8" });
  return fetched.status === 0 ? undefined : fetched.stderr.trim();
}

export interface Apicurio {
  /** The Confluent-compatible API's base URL. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Apicurio Registry in memory on a free loopback port, once its ccompat API answers. */
export async function startApicurio(): Promise<Apicurio> {
  const java = findJava(21) as string;
  const fetched = spawnSync("bash", [path.join(REPO, "scripts/fetch-apicurio.sh")], { encoding: "utf8" });
  const folder = fetched.stdout.trim().split("\n").at(-1) ?? "";
  const port = await freePort();
  // Its management interface (health, metrics) binds 0.0.0.0:9000 unless told: two runs on one machine collided there.
  const management = await freePort();
  const args = [
    `-Dquarkus.http.port=${port}`,
    "-Dquarkus.http.host=127.0.0.1",
    `-Dquarkus.management.port=${management}`,
    "-Dquarkus.management.host=127.0.0.1",
    "-jar",
    "quarkus-run.jar",
  ];
  const launched = launch(java, args, folder);
  const url = `http://127.0.0.1:${port}/apis/ccompat/v7`;
  const stop = () => stopChild(launched.child, "SIGTERM");
  try {
    await waitUntil(
      launched,
      () =>
        fetch(`${url}/subjects`).then(
          (r) => r.ok,
          () => false,
        ),
      "Apicurio Registry",
      120_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
