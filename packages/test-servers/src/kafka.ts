import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { findJava } from "./java.js";
import { accepts, freePort, type Launched, launch, REPO, type Server, stopChild, tempDir, waitUntil } from "./process.js";

/** Why Kafka cannot run here, or undefined: Java 17 or newer and the jars scripts/fetch-kafka.sh brings into .cache/. */
export function kafkaUnavailable(): string | undefined {
  if (findJava(17) === undefined) return "no Java 17 or newer (JAVA_HOME, /usr/lib/jvm, PATH)";
  const fetched = spawnSync("bash", [path.join(REPO, "scripts/fetch-kafka.sh")], { encoding: "utf8" });
  return fetched.status === 0 ? undefined : `Apache Kafka's jars: ${fetched.stderr.trim()}`;
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
      // Not flushed per message: what the broker wrote survives the broker's SIGKILL in the OS's page cache,
      // which is all the restart tests kill, and a sync per message bounded the bench at ~500 messages/s.
      "",
    ].join("\n"),
  );
  const classpath = `${libs}/*`;
  const format = spawnSync(java, ["-cp", classpath, "kafka.tools.StorageTool", "format", "-t", randomUUID(), "-c", properties], {
    encoding: "utf8",
  });
  if (format.status !== 0) throw new Error(`kafka storage format failed: ${format.stderr}`);
  let current: Launched | undefined;
  const start = async () => {
    current = launch(java, ["-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath, "kafka.Kafka", properties], dir);
    await waitUntil(current, () => accepts(port), "the Kafka broker", 60_000);
  };
  await start();
  return {
    address: `127.0.0.1:${port}`,
    pid: () => current?.child.pid,
    stop: (signal = "SIGTERM") => stopChild(current?.child, signal),
    start,
  };
}
