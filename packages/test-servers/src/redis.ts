import { spawnSync } from "node:child_process";
import { accepts, freePort, type Launched, launch, type Server, stopChild, tempDir, waitUntil } from "./process.js";

export function redisUnavailable(): string | undefined {
  return spawnSync("redis-server", ["--version"]).status === 0 ? undefined : "no redis-server (Debian's redis-server package)";
}

/** Debian's redis-server on a free loopback port, every write appended and synced (it survives a restart). */
export async function startRedis(): Promise<Server> {
  const dir = tempDir("redis");
  const port = await freePort();
  let current: Launched | undefined;
  const start = async () => {
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
    ];
    current = launch("redis-server", args, dir);
    await waitUntil(current, () => accepts(port), "redis-server", 20_000);
  };
  await start();
  return {
    address: `redis://127.0.0.1:${port}`,
    pid: () => current?.child.pid,
    stop: (signal = "SIGTERM") => stopChild(current?.child, signal),
    start,
  };
}
