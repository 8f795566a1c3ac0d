import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { avroComparison, sampleAvroPairs } from "@eventcanon/toolkit";

/** The differential test's sample: seed 17, 4,000 pairs (packages/toolkit/test/compat/avro-differential.test.ts). */
const SEED = 17;
const COUNT = 4000;

/** What canon compat does with two .avsc texts: parse the JSON, check both schemas, resolve both ways. */
function canonPair(oldText: string, newText: string): number {
  const comparison = avroComparison(
    "old",
    { file: "old.avsc", schema: JSON.parse(oldText) },
    { file: "new.avsc", schema: JSON.parse(newText) },
  );
  try {
    return comparison.backward().length + comparison.forward().length;
  } catch {
    return -1; // an invalid schema: refused, as canon compat does
  }
}

/** canon's pairs/s over the whole sample, in whole passes for `seconds`, after two warm-up passes. */
function canonPairsPerSecond(texts: readonly [string, string][], seconds: number): number {
  let sink = 0;
  for (let warm = 0; warm < 2; warm++) for (const [o, n] of texts) sink += canonPair(o, n);
  let done = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - start < budget) {
    for (const [o, n] of texts) sink += canonPair(o, n);
    done += texts.length;
  }
  if (sink === Number.MIN_SAFE_INTEGER) process.stdout.write("");
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Avro Java's pairs/s on the same file (scripts/avro-verdicts.sh bench), or why it cannot run. */
function javaPairsPerSecond(repo: string, file: string, seconds: number): number | string {
  const result = spawnSync("bash", [path.join(repo, "scripts/avro-verdicts.sh"), "bench", file, String(seconds)], { encoding: "utf8" });
  if (result.status !== 0) return result.stderr.trim().split("\n").at(-1) ?? `exit ${result.status}`;
  return Number(/^([\d.]+) pairs\/s/.exec(result.stdout)?.[1]);
}

/**
 * canon compat against Avro Java (Confluent's checker) on the 4,000 pairs, pairs/s: each pair parsed
 * and checked BACKWARD and FORWARD by both. Timed side by side in alternating rounds, each after its
 * own warm-up, so a change in the machine's load falls on both; medians of the rounds.
 */
export function compatFigures(repo: string, rounds: number, seconds = 3): Record<string, unknown> {
  const pairs = sampleAvroPairs(SEED, COUNT);
  const texts = pairs.map((p) => [JSON.stringify(p.old), JSON.stringify(p.new)] as [string, string]);
  const folder = mkdtempSync(path.join(os.tmpdir(), "eventcanon-bench-compat-"));
  const file = path.join(folder, "pairs.tsv");
  writeFileSync(file, texts.map(([o, n]) => `${o}\t${n}\n`).join(""));
  const canon: number[] = [];
  const java: number[] = [];
  let unavailable: string | undefined;
  for (let round = 0; round < rounds; round++) {
    const j = javaPairsPerSecond(repo, file, seconds);
    if (typeof j === "string") unavailable = j;
    else java.push(j);
    canon.push(canonPairsPerSecond(texts, seconds));
  }
  rmSync(folder, { recursive: true, force: true });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const ours = median(canon);
  if (java.length === 0) return { pairs: COUNT, canon: ours, java: unavailable ?? "not run" };
  const theirs = median(java);
  return { pairs: COUNT, canon: ours, java: theirs, ratio: Number((ours / theirs).toFixed(2)), canonRounds: canon, javaRounds: java };
}
