import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { REPO, tempDir } from "../helpers.js";

export type JavaVerdict = "compatible" | "incompatible" | "invalid" | "error";

/** Avro Java's BACKWARD and FORWARD verdicts on one pair, and why when it refused or threw. */
export interface JavaVerdicts {
  readonly backward: JavaVerdict;
  readonly forward: JavaVerdict;
  readonly reason: string;
}

/**
 * Runs scripts/avro-verdicts.sh (test/compat/java/AvroVerdicts.java against Avro Java from Maven
 * Central) on schema pairs. A string says what is missing: no Java, or no Maven to fetch Avro with.
 * Anything else that goes wrong is thrown: a test must not pass by not running.
 */
export function avroJavaVerdicts(pairs: readonly { old: unknown; new: unknown }[]): JavaVerdicts[] | string {
  const file = path.join(tempDir("avro-java"), "pairs.tsv");
  writeFileSync(file, pairs.map((p) => `${JSON.stringify(p.old)}\t${JSON.stringify(p.new)}\n`).join(""));
  const result = spawnSync("bash", [path.join(REPO, "scripts/avro-verdicts.sh"), "verdicts", file], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status === 3) return result.stderr.trim();
  if (result.status !== 0) throw new Error(`scripts/avro-verdicts.sh failed (${result.status}): ${result.stderr.slice(-2000)}`);
  const lines = result.stdout.split("\n").slice(0, -1);
  if (lines.length !== pairs.length) throw new Error(`Avro Java answered ${lines.length} of ${pairs.length} pairs`);
  return lines.map((line) => {
    const [backward, forward, reason = ""] = line.split("\t");
    return { backward: backward as JavaVerdict, forward: forward as JavaVerdict, reason };
  });
}
