import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { avroComparison } from "@eventcanon/toolkit";
import { sampleAvroPairs } from "@eventcanon/toolkit/testing";

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

/** Runs `pass` (one pass over `size` pairs, returning a checksum) for `seconds` after two warm-up passes: pairs/s. */
function pairsPerSecond(size: number, pass: () => number, seconds: number): number {
  let sink = pass() + pass();
  let done = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - start < budget) {
    sink += pass();
    done += size;
  }
  if (sink === Number.MIN_SAFE_INTEGER) process.stdout.write("");
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** canon's pairs/s: whole (parse and check, as canon compat does) and the checks alone, on schemas parsed once. */
function canonPairsPerSecond(texts: readonly [string, string][], seconds: number): { full: number; checks: number } {
  const full = pairsPerSecond(texts.length, () => texts.reduce((sum, [o, n]) => sum + canonPair(o, n), 0), seconds);
  // avroComparison parses each schema on first use and keeps it; the refused ones are left out.
  const comparisons = texts.flatMap(([o, n]) => {
    const comparison = avroComparison("old", { file: "old.avsc", schema: JSON.parse(o) }, { file: "new.avsc", schema: JSON.parse(n) });
    try {
      comparison.backward();
      return [comparison];
    } catch {
      return [];
    }
  });
  const checks = pairsPerSecond(
    comparisons.length,
    () => comparisons.reduce((sum, c) => sum + c.backward().length + c.forward().length, 0),
    seconds,
  );
  return { full, checks };
}

/** Avro Java's pairs/s on the same file (scripts/avro-verdicts.sh bench), or why it cannot run. */
function javaPairsPerSecond(repo: string, file: string, seconds: number): { full: number; checks: number } | string {
  const result = spawnSync("bash", [path.join(repo, "scripts/avro-verdicts.sh"), "bench", file, String(seconds)], { encoding: "utf8" });
  if (result.status !== 0) return result.stderr.trim().split("\n").at(-1) ?? `exit ${result.status}`;
  const figures = /^full ([\d.]+) pairs\/s; checks ([\d.]+) pairs\/s/.exec(result.stdout);
  return { full: Number(figures?.[1]), checks: Number(figures?.[2]) };
}

/**
 * canon compat against Avro Java (Confluent's checker) on the 4,000 pairs, pairs/s: each pair parsed
 * and checked BACKWARD and FORWARD by both ("full"), and the checks alone on schemas parsed before
 * ("checks", as a registry that caches parsed schemas runs them). Timed side by side in alternating
 * rounds, each after its own warm-up, so a change in the machine's load falls on both; medians.
 */
export function compatFigures(repo: string, rounds: number, seconds = 3): Record<string, unknown> {
  const pairs = sampleAvroPairs(SEED, COUNT);
  const texts = pairs.map((p) => [JSON.stringify(p.old), JSON.stringify(p.new)] as [string, string]);
  const folder = mkdtempSync(path.join(os.tmpdir(), "eventcanon-bench-compat-"));
  const file = path.join(folder, "pairs.tsv");
  writeFileSync(file, texts.map(([o, n]) => `${o}\t${n}\n`).join(""));
  const canon: { full: number; checks: number }[] = [];
  const java: { full: number; checks: number }[] = [];
  let unavailable: string | undefined;
  for (let round = 0; round < rounds; round++) {
    const j = javaPairsPerSecond(repo, file, seconds);
    if (typeof j === "string") unavailable = j;
    else java.push(j);
    canon.push(canonPairsPerSecond(texts, seconds));
  }
  rmSync(folder, { recursive: true, force: true });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const of = (runs: { full: number; checks: number }[]) => ({
    full: median(runs.map((r) => r.full)),
    checks: median(runs.map((r) => r.checks)),
  });
  const ours = of(canon);
  if (java.length === 0) return { pairs: COUNT, canon: ours, java: unavailable ?? "not run" };
  const theirs = of(java);
  return {
    pairs: COUNT,
    canon: ours,
    java: theirs,
    ratio: { full: Number((ours.full / theirs.full).toFixed(2)), checks: Number((ours.checks / theirs.checks).toFixed(2)) },
    rounds: { canon, java },
  };
}
