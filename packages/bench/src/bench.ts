// npm run bench [-- --sizes 500,1000,2000 --runs 3 --parts catalogs,runtime,python,compat,bus --bus-events 100000
//                   --python-event TYPE]:
// whole-process timings on synthetic catalogs, serialization throughput against the raw libraries, canon compat's
// Avro checks against Avro Java's, and the Kafka bus clients against the raw client on a local broker.
// Figures go to build/bench/results.json.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { examAttemptSubmittedV1 } from "@eventcanon/openedx-events";
import avro from "avsc";
import { createAjvForBench } from "./ajv.js";
import { busFigures } from "./bus.js";
import { compatFigures } from "./compat.js";
import { writeSyntheticCatalog } from "./synthetic.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const CLI = path.join(REPO, "packages/toolkit/dist/cli/main.js");
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "500,1000,2000" },
    runs: { type: "string", default: "3" },
    parts: { type: "string", default: "catalogs,runtime,python,compat,bus" },
    "bus-events": { type: "string", default: "100000" },
    "python-event": { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  process.stdout.write(
    [
      "usage: npm run bench [-- OPTIONS]",
      "  --sizes 500,1000,2000   synthetic catalog sizes (events) for the catalogs part",
      "  --runs 3                runs per figure (medians)",
      "  --parts catalogs,runtime,python,compat,bus",
      "  --bus-events 100000     events per bus figure",
      "  --python-event TYPE     the event the python part times (default: the exam attempt submitted event)",
      "figures go to build/bench/results.json",
      "",
    ].join("\n"),
  );
  process.exit(0);
}
const sizes = (values.sizes ?? "")
  .split(",")
  .filter((size) => size !== "")
  .map(Number);
const runs = Number(values.runs);
const parts = new Set((values.parts ?? "").split(","));

interface Timing {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly peakMiB?: number;
}

/** Runs `canon ...` as a whole process; seconds and peak memory from /usr/bin/time when present. */
function canon(args: string[], cwd: string): { seconds: number; peakMiB?: number } {
  const command = TIME ? [TIME, "-f", "__TIME__ %e %M", process.execPath, CLI, ...args] : [process.execPath, CLI, ...args];
  const start = process.hrtime.bigint();
  // The render cache lives beside the catalog, so "cold" can clear it and the others keep it.
  const env = { ...process.env, EVENTCANON_CACHE: path.join(cwd, ".cache") };
  const result = spawnSync(command[0] as string, command.slice(1), { cwd, env, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0 && !(args[0] === "check" && result.status === 1))
    throw new Error(`canon ${args.join(" ")} failed:\n${result.stderr.slice(-2000)}`);
  const measured = /__TIME__ ([0-9.]+) ([0-9]+)/.exec(result.stderr);
  return measured ? { seconds: Number(measured[1]), peakMiB: Math.round(Number(measured[2]) / 1024) } : { seconds: wall };
}

function repeat(times: number, run: () => { seconds: number; peakMiB?: number }): Timing {
  const samples = Array.from({ length: times }, run);
  const seconds = samples.map((s) => s.seconds).sort((a, b) => a - b);
  const peaks = samples.map((s) => s.peakMiB ?? 0);
  return {
    median: seconds[Math.floor(seconds.length / 2)] as number,
    min: seconds[0] as number,
    max: seconds.at(-1) as number,
    ...(TIME ? { peakMiB: Math.max(...peaks) } : {}),
  };
}

function git(cwd: string, ...args: string[]): void {
  const result = spawnSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
}

/** Changes 5% of the events: half compatibly (a new nullable field), half not (a field removed from a closed record). */
function changeFivePercent(root: string): { compatible: number; breaking: number } {
  const folder = path.join(root, "schemas/events");
  const files = readdirSync(folder).sort();
  const chosen = files.filter((_, i) => i % 20 === 0);
  let compatible = 0;
  let breaking = 0;
  chosen.forEach((file, i) => {
    const full = path.join(folder, file);
    const event = JSON.parse(readFileSync(full, "utf8"));
    if (i % 2 === 0) {
      event.properties.bench_added = { type: ["string", "null"], default: null, description: "Added by the benchmark." };
      compatible++;
    } else {
      const victim = Object.keys(event.properties).at(-1) as string;
      delete event.properties[victim];
      event.required = event.required.filter((n: string) => n !== victim);
      for (const example of event.examples) delete example[victim];
      breaking++;
    }
    writeFileSync(full, `${JSON.stringify(event, null, 2)}\n`);
  });
  return { compatible, breaking };
}

function catalogFigures(size: number): Record<string, unknown> {
  const root = mkdtempSync(path.join(os.tmpdir(), `eventcanon-bench-${size}-`));
  process.stderr.write(`bench: writing a ${size}-event catalog in ${root}\n`);
  writeSyntheticCatalog(root, { events: size, sharedTypes: Math.round((300 * size) / 2000), seed: 2026 });
  const lint = repeat(runs, () => canon(["lint"], root));
  const generateCold = repeat(runs, () => {
    rmSync(path.join(root, "out"), { recursive: true, force: true });
    rmSync(path.join(root, ".cache"), { recursive: true, force: true });
    return canon(["generate"], root);
  });
  const generateWarm = repeat(runs, () => canon(["generate"], root));
  // One schema changed: how much does a second generate cost?
  const one = path.join(root, "schemas/events", readdirSync(path.join(root, "schemas/events")).sort()[0] as string);
  const event = JSON.parse(readFileSync(one, "utf8"));
  const oneFileChange = repeat(runs, () => {
    event.description = `${event.description} (edited)`;
    writeFileSync(one, `${JSON.stringify(event, null, 2)}\n`);
    return canon(["generate"], root);
  });
  // One schema's shape changed (a field added): everything that depends on the shape is rendered again.
  let added = 0;
  const oneFieldAdded = repeat(runs, () => {
    event.properties[`bench_field_${added++}`] = { type: ["string", "null"], default: null, description: "Added by the benchmark." };
    writeFileSync(one, `${JSON.stringify(event, null, 2)}\n`);
    return canon(["generate"], root);
  });
  writeFileSync(path.join(root, ".gitignore"), ".cache/\nout/\n");
  git(root, "init", "-q", "-b", "main");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "base");
  const changed = changeFivePercent(root);
  const check = repeat(runs, () => canon(["check", "--base", "HEAD"], root));
  rmSync(root, { recursive: true, force: true });
  return { events: size, lint, generateCold, generateWarm, oneFileChange, oneFieldAdded, check, changed };
}

/**
 * (helper, raw) operations per second, timed in alternating bursts of 200 after a warm-up: on a shared
 * machine, timing one for a second and then the other puts any change in load between them into the ratio.
 */
function opsPerSecond(helper: () => unknown, raw: () => unknown, seconds = 1): { helper: number; raw: number } {
  for (const op of [helper, raw]) for (let i = 0; i < 2000; i++) op();
  const spent = [0n, 0n];
  let count = 0;
  const budget = BigInt(Math.round(2 * seconds * 1e9));
  while ((spent[0] as bigint) + (spent[1] as bigint) < budget) {
    [helper, raw].forEach((op, side) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 200; i++) op();
      spent[side] = (spent[side] as bigint) + process.hrtime.bigint() - start;
    });
    count += 200;
  }
  return { helper: count / (Number(spent[0]) / 1e9), raw: count / (Number(spent[1]) / 1e9) };
}

/** The schema without its first field that has a default (depth first), and the example's bytes written with it. */
function olderWriter(schema: unknown, example: unknown, reader: avro.Type) {
  const copy = structuredClone(schema) as Record<string, unknown>;
  const drop = (node: unknown): boolean => {
    if (typeof node !== "object" || node === null) return false;
    const fields = (node as { fields?: Record<string, unknown>[] }).fields;
    const at = fields?.findIndex((f) => "default" in f) ?? -1;
    if (fields !== undefined && at >= 0) {
      fields.splice(at, 1);
      return true;
    }
    return (fields ?? []).some((f) => drop(f.type)) || (Array.isArray(node) && node.some(drop));
  };
  if (!drop(copy)) throw new Error("the bench event has no field with a default to drop");
  const writer = avro.Type.forSchema(copy as avro.Schema);
  return { schema: copy as avro.Schema, bytes: writer.toBuffer(example), resolver: reader.createResolver(writer) };
}

function runtimeFigures(): Record<string, unknown> {
  const example = JSON.parse(readFileSync(path.join(REPO, "schemas/events/org.openedx.learning.exam.attempt.submitted.v1.json"), "utf8"))
    .examples[0];
  const bytes = examAttemptSubmittedV1.encode(example);
  const raw = createAjvForBench.avroType(examAttemptSubmittedV1.avroSchema);
  const plainValidate = createAjvForBench.validator(
    path.join(REPO, "packages/openedx-events/schemas/org.openedx.learning.exam.attempt.submitted.v1.json"),
  );
  const json = JSON.stringify(example);
  const older = olderWriter(examAttemptSubmittedV1.avroSchema, example, raw);
  const pairs = {
    encode: opsPerSecond(
      () => examAttemptSubmittedV1.encode(example),
      () => raw.toBuffer(example),
    ),
    decode: opsPerSecond(
      () => examAttemptSubmittedV1.decode(bytes),
      () => raw.fromBuffer(bytes),
    ),
    validate: opsPerSecond(
      () => examAttemptSubmittedV1.validate(example),
      () => plainValidate(example),
    ),
    // An older writer: the same schema without a field the reader has a default for. Raw: avsc's resolver.
    resolvedDecode: opsPerSecond(
      () => examAttemptSubmittedV1.decode(older.bytes, older.schema),
      () => raw.fromBuffer(older.bytes, older.resolver),
    ),
  };
  const jsonPair = opsPerSecond(
    () => JSON.stringify(example),
    () => JSON.parse(json),
  );
  const baseline = { stringify: jsonPair.helper, parse: jsonPair.raw };
  return {
    typescript: Object.fromEntries(
      Object.entries(pairs).map(([name, p]) => [name, { ...p, ratio: Number((p.helper / p.raw).toFixed(3)) }]),
    ),
    jsonBaseline: baseline,
  };
}

function pythonFigures(): unknown {
  const python = path.join(REPO, ".venv/bin/python");
  const env = { ...process.env, PYTHONPATH: path.join(REPO, "packages/openedx-events-py/src") };
  const result = spawnSync(
    python,
    [path.join(REPO, "packages/bench/python/bench_runtime.py"), ...(values["python-event"] ? [values["python-event"]] : [])],
    { cwd: REPO, encoding: "utf8", env },
  );
  if (result.status !== 0) return { error: result.stderr.slice(-500) };
  return JSON.parse(result.stdout);
}

const results = {
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  runs,
  catalogs: parts.has("catalogs") ? sizes.map(catalogFigures) : [],
  runtime: parts.has("runtime") ? runtimeFigures() : undefined,
  python: parts.has("python") ? pythonFigures() : undefined,
  compat: parts.has("compat") ? compatFigures(REPO, runs) : undefined,
  bus: parts.has("bus") ? await busFigures(REPO, Number(values["bus-events"])) : undefined,
};
const out = path.join(REPO, "build/bench");
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, "results.json"), `${JSON.stringify(results, null, 2)}\n`);

const row = (label: string, t: Timing) =>
  `${label.padEnd(22)} ${t.median.toFixed(2).padStart(7)} s  (min ${t.min.toFixed(2)}, max ${t.max.toFixed(2)}${t.peakMiB ? `, peak ${t.peakMiB} MiB` : ""})`;
const lines = [
  `machine: ${results.machine.cpus} cores, ${results.machine.memoryGiB} GiB, ${results.machine.model}, node ${results.machine.node}; ${runs} run(s) each`,
];
for (const c of results.catalogs) {
  lines.push(`-- ${c.events} events`);
  for (const key of ["lint", "generateCold", "generateWarm", "oneFileChange", "oneFieldAdded", "check"])
    lines.push(row(key, c[key] as Timing));
}
// Linear growth means each figure grows as the event count does; the smallest catalog is the base.
const [smallest, largest] = [results.catalogs[0], results.catalogs.at(-1)];
if (smallest !== undefined && largest !== undefined && largest !== smallest) {
  const factor = (largest.events as number) / (smallest.events as number);
  const growth = ["lint", "generateCold", "generateWarm", "oneFileChange", "oneFieldAdded", "check"].map(
    (key) => `${key} x${((largest[key] as Timing).median / (smallest[key] as Timing).median).toFixed(1)}`,
  );
  lines.push(`-- growth ${smallest.events} -> ${largest.events} events (x${factor}): ${growth.join(", ")}`);
}
if (results.runtime !== undefined) {
  const ts = results.runtime.typescript as Record<string, { helper: number; raw: number; ratio: number }>;
  lines.push("-- TypeScript runtime (ops/s, helper vs raw library)");
  for (const [name, p] of Object.entries(ts))
    lines.push(
      `${name.padEnd(14)} ${Math.round(p.helper).toString().padStart(9)} vs ${Math.round(p.raw).toString().padStart(9)}  ratio ${p.ratio}`,
    );
  lines.push(
    `JSON baseline: stringify ${Math.round((results.runtime.jsonBaseline as { stringify: number }).stringify)}, parse ${Math.round((results.runtime.jsonBaseline as { parse: number }).parse)}`,
  );
}
if (results.python !== undefined) lines.push(`-- Python runtime: ${JSON.stringify(results.python)}`);
if (results.compat !== undefined) {
  type Figures = { full: number; checks: number };
  const c = results.compat as { pairs: number; canon: Figures; java: Figures | string; ratio?: Figures };
  lines.push(`-- canon compat, Avro (${c.pairs} pairs checked BACKWARD and FORWARD; pairs/s, canon vs Avro Java)`);
  if (typeof c.java === "string") lines.push(`canon ${Math.round(c.canon.full)}; Avro Java not measured: ${c.java}`);
  else
    for (const key of ["full", "checks"] as const)
      lines.push(
        `${(key === "full" ? "parse + check" : "check only").padEnd(14)} ${Math.round(c.canon[key]).toString().padStart(7)} vs ${Math.round(c.java[key]).toString().padStart(7)}  ratio ${c.ratio?.[key]}`,
      );
}
if (typeof results.bus === "string") lines.push(`-- Kafka bus: ${results.bus}`);
else if (results.bus !== undefined) {
  const b = results.bus;
  lines.push(`-- Kafka bus (${b.events} events; messages/s, our clients vs the raw KafkaJS client, local broker)`);
  lines.push(`produce        ${String(b.produce.ours).padStart(9)} vs ${String(b.produce.raw).padStart(9)}  ratio ${b.produce.ratio}`);
  lines.push(`consume        ${String(b.consume.ours).padStart(9)} vs ${String(b.consume.raw).padStart(9)}  ratio ${b.consume.ratio}`);
  lines.push(
    `latency (ms, ${b.latency.samples} events one at a time): ours p50 ${b.latency.ours.p50} p99 ${b.latency.ours.p99}, raw p50 ${b.latency.raw.p50} p99 ${b.latency.raw.p99}`,
  );
}
lines.push(`figures: ${path.relative(REPO, path.join(out, "results.json"))}`);
process.stdout.write(`${lines.join("\n")}\n`);
cpSync(path.join(out, "results.json"), path.join(out, `results-${Date.now()}.json`));
