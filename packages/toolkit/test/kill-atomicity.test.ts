import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TARGETS } from "../src/emit/targets.js";
import { recoverInterruptedWrite } from "../src/emit/write-outputs.js";
import { listFiles } from "../src/load/list-files.js";
import { seededRandom } from "../src/testing/sample.js";
import { canon, FIXTURES, TOOLKIT, tempDir } from "./helpers.js";

/**
 * `canon generate` killed with SIGKILL at seeded random moments of a run that changes every target:
 * the output must hold the previous complete output or the complete new one, never a mix of both and
 * never a missing file, and the next normal run must recover.
 */

const BIN = path.join(TOOLKIT, "bin/canon.js");
const KILLS = 6;
const SEED = 20_261_125;

/** sha256 of every file of every target folder (null for a missing folder): what a reader of the output sees. */
function outputState(out: string): string {
  const state = TARGETS.map((target) => {
    const dir = path.join(out, target);
    if (!existsSync(dir)) return [target, null];
    return [
      target,
      listFiles(dir).map((rel) => [
        rel,
        createHash("sha256")
          .update(readFileSync(path.join(dir, rel)))
          .digest("hex"),
      ]),
    ];
  });
  return JSON.stringify(state);
}

interface Outcome {
  readonly killed: boolean;
  readonly code: number | null;
  /** When the first folder began to be written (ms after the start), if seen. */
  readonly writeStartedMs?: number;
}

/** Runs `canon generate --out` in a child and SIGKILLs it after `delayMs` (or lets it finish first). */
function generateKilledAfter(cwd: string, out: string, delayMs: number, watch = false): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, "generate", "--out", out], { cwd, stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), delayMs);
    let writeStartedMs: number | undefined;
    const poll = watch
      ? setInterval(() => {
          if (writeStartedMs === undefined && readdirSync(out).some((name) => name.endsWith(".staging"))) {
            writeStartedMs = performance.now() - started;
          }
        }, 1)
      : undefined;
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ killed: signal === "SIGKILL", code, ...(writeStartedMs === undefined ? {} : { writeStartedMs }) });
    });
  });
}

/** Markers of a write that was committed but not finished (see writeOutputFolders). */
function pendingCommit(out: string): boolean {
  const markers = TARGETS.filter((target) => existsSync(path.join(out, `${target}.commit`)));
  return markers.length === TARGETS.length;
}

describe("canon generate killed with SIGKILL", () => {
  it(`leaves the old or the new output at ${2 * KILLS} seeded moments of a run, and the next run recovers`, async () => {
    const catalog = tempDir("kill-catalog");
    cpSync(path.join(FIXTURES, "kitchen-sink"), catalog, { recursive: true });
    const out = path.join(tempDir("kill-out"), "out");
    expect(canon(["generate", "--out", out], catalog).code).toBe(0);
    const oldOutput = path.join(tempDir("kill-old"), "out");
    cpSync(out, oldOutput, { recursive: true });
    const oldState = outputState(out);

    // A description of a shared type is in every target: TypeScript JSDoc, Avro doc, Python docstring, JSON Schema.
    const money = path.join(catalog, "schemas/types/Money.json");
    writeFileSync(money, readFileSync(money, "utf8").replace(/"description": "([^"]*)"/, '"description": "$1 Changed."'));
    const resetToOld = () => {
      rmSync(path.dirname(out), { recursive: true, force: true });
      cpSync(oldOutput, out, { recursive: true });
    };
    // The run to kill, measured whole first, from the same starting point.
    resetToOld();
    const started = performance.now();
    const whole = await generateKilledAfter(catalog, out, 600_000, true);
    const duration = performance.now() - started;
    expect(whole.code).toBe(0);
    const newState = outputState(out);
    expect(newState).not.toBe(oldState);

    // One kill in each of KILLS equal slices of the run, at a seeded place in its slice; as many again
    // over the end of the run, from just before the writing starts, where the swap can be hit.
    const random = seededRandom(SEED);
    const spread = (from: number, to: number) =>
      Array.from({ length: KILLS }, (_, i) => Math.round(from + ((i + random()) * (to - from)) / KILLS));
    const writing = Math.max(0, (whole.writeStartedMs ?? duration) - 20);
    const delays = [...spread(0, duration), ...spread(writing, duration)];
    const outcomes: string[] = [];
    for (const delay of delays) {
      resetToOld();
      const { killed, code } = await generateKilledAfter(catalog, out, delay);
      if (!killed) expect(code).toBe(0);
      let state = outputState(out);
      const pending = pendingCommit(out);
      if (pending) {
        // Killed inside the few renames after the commit point: the next run's first step completes them.
        for (const target of TARGETS) recoverInterruptedWrite(path.join(out, target));
        state = outputState(out);
        expect(state, `killed after ${delay} ms, recovered`).toBe(newState);
      }
      expect([oldState, newState], `killed after ${delay} ms`).toContain(state);
      outcomes.push(
        `${delay} ms: ${killed ? "killed" : "finished"}, ${pending ? "committed, recovered to " : ""}${state === newState ? "new" : "old"}`,
      );
    }
    expect(outcomes).toHaveLength(2 * KILLS);
    console.log(
      `generate ran ${Math.round(duration)} ms, writing from ${Math.round(whole.writeStartedMs ?? -1)} ms; ${outcomes.join("; ")}`,
    );

    const recovered = canon(["generate", "--out", out], catalog);
    expect(recovered.code).toBe(0);
    expect(outputState(out)).toBe(newState);
    expect(readdirSync(path.dirname(out))).toEqual(["out"]);
    expect(readdirSync(out).sort()).toEqual([...TARGETS].sort());
    const check = canon(["generate", "--out", out, "--check"], catalog);
    expect(check.stdout).toBe("canon generate --check: all generated files are up to date\n");
    expect(check.code).toBe(0);
  });
});
