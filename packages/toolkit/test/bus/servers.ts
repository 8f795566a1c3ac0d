import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { REPO, tempDir } from "../helpers.js";
import { findJava, freePort } from "../registry/apicurio.js";

/**
 * The real servers the bus tests run against, started here on free loopback ports and stopped by
 * PID: a single-node KRaft Kafka broker from the jars scripts/fetch-kafka.sh brought into .cache/,
 * and Debian's redis-server. Each can be stopped and started again on the same port and data, for
 * the fault tests.
 */

export interface Server {
  /** `127.0.0.1:PORT` for Kafka; `redis://127.0.0.1:PORT` for Redis. */
  readonly address: string;
  readonly pid: () => number | undefined;
  /** SIGKILL, as a crash does; or SIGTERM, a clean stop. */
  stop(signal?: "SIGKILL" | "SIGTERM"): Promise<void>;
  /** Starts it again on the same port and data, and waits until it serves. */
  start(): Promise<void>;
}

/** Why Kafka cannot run here, or undefined: Java 17 or newer and the fetched jars. */
export function kafkaUnavailable(): string | undefined {
  if (findJava(17) === undefined) return "no Java 17 or newer (JAVA_HOME, /usr/lib/jvm, PATH)";
  const fetched = spawnSync("bash", [path.join(REPO, "scripts/fetch-kafka.sh")], { encoding: "utf8" });
  return fetched.status === 0 ? undefined : `Apache Kafka's jars: ${fetched.stderr.trim()}`;
}

export function redisUnavailable(): string | undefined {
  return spawnSync("redis-server", ["--version"]).status === 0 ? undefined : "no redis-server (Debian's redis-server package)";
}

function waitForPort(port: number, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`exited ${child.exitCode} before serving:\n${log()}`));
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`not serving on ${port} after ${timeoutMs} ms:\n${log()}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function stopChild(child: ChildProcess | undefined, signal: "SIGKILL" | "SIGTERM"): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

/** A server process with a rolling tail of its output, for the message when it fails to start. */
function launch(command: string, args: string[], cwd: string): { child: ChildProcess; log: () => string } {
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-6000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { child, log: () => tail };
}

/** A single-node KRaft broker (broker and controller in one process) on free loopback ports. */
export async function startKafka(): Promise<Server> {
  const java = findJava(17) as string;
  const libs = spawnSync("bash", [path.join(REPO, "scripts/fetch-kafka.sh")], { encoding: "utf8" }).stdout.trim();
  const dir = tempDir("kafka");
  const [port, controller] = [await freePort(), await freePort()];
  const properties = path.join(dir, "server.properties");
  mkdirSync(path.join(dir, "data"));
  writeFileSync(
    properties,
    [
      "process.roles=broker,controller",
      "node.id=1",
      `controller.quorum.voters=1@127.0.0.1:${controller}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      "controller.listener.names=CONTROLLER",
      "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      "inter.broker.listener.name=PLAINTEXT",
      `log.dirs=${path.join(dir, "data")}`,
      "offsets.topic.replication.factor=1",
      "offsets.topic.num.partitions=1",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "group.initial.rebalance.delay.ms=0",
      "num.partitions=1",
      "auto.create.topics.enable=true",
      // What the broker acknowledges is on disk: the restart test counts on it.
      "log.flush.interval.messages=1",
      "",
    ].join("\n"),
  );
  const classpath = `${libs}/*`;
  const format = spawnSync(java, ["-cp", classpath, "kafka.tools.StorageTool", "format", "-t", randomUUID(), "-c", properties], {
    encoding: "utf8",
  });
  if (format.status !== 0) throw new Error(`kafka storage format failed: ${format.stderr}`);
  let current: { child: ChildProcess; log: () => string } | undefined;
  const start = async () => {
    current = launch(java, ["-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath, "kafka.Kafka", properties], dir);
    await waitForPort(port, current.child, current.log, 60_000);
  };
  await start();
  return {
    address: `127.0.0.1:${port}`,
    pid: () => current?.child.pid,
    stop: (signal = "SIGTERM") => stopChild(current?.child, signal),
    start,
  };
}

/** Debian's redis-server on a free loopback port, every write appended and synced (it survives a restart). */
export async function startRedis(): Promise<Server> {
  const dir = tempDir("redis");
  const port = await freePort();
  let current: { child: ChildProcess; log: () => string } | undefined;
  const start = async () => {
    current = launch(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always"],
      dir,
    );
    await waitForPort(port, current.child, current.log, 20_000);
  };
  await start();
  return {
    address: `redis://127.0.0.1:${port}`,
    pid: () => current?.child.pid,
    stop: (signal = "SIGTERM") => stopChild(current?.child, signal),
    start,
  };
}
