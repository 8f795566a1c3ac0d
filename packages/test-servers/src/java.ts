import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

/** A Java of at least `minimum`: JAVA_HOME, then the JDKs under /usr/lib/jvm, then PATH. */
export function findJava(minimum: number): string | undefined {
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
