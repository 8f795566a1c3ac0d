import { spawn, spawnSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { avroSchemaOf } from "../emit/avro/index.js";
import { type Catalog, loadCatalog } from "../lint/catalog.js";
import type { CanonConfig } from "../load/config.js";
import { CanonError, ExitCode } from "../load/diagnostics.js";
import { majorVersion, previousMajor, withMajorVersion } from "../load/event-version.js";
import { eventHistory, type History, readHistory, readReleased } from "../load/history.js";
import { type EventDefinition, type Model, reachableTypes } from "../load/model.js";
import type { Mode } from "../load/modes.js";
import { type SchemaFile, toPosix } from "../load/schema-files.js";
import { consumerServices } from "../load/services.js";
import { avroSource } from "./avro-source.js";
import { avroComparison, jsonSchemaComparison, prefixed } from "./comparisons.js";
import { SourceCache } from "./files.js";
import { JsonSchemaDiff } from "./json-schema-diff.js";
import { type Comparison, type JudgedChange, judge, type Verdict } from "./judge.js";
import { avroFileOf, isAvroFile, type Locate, type Subject } from "./report.js";

export function git(args: string[], cwd: string): string {
  const result = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw gitFailed(args, result.stderr);
  return result.stdout;
}

function gitFailed(args: readonly string[], stderr: string): CanonError {
  return new CanonError(
    [
      {
        code: "check-git-failed",
        file: ".",
        pointer: "",
        message: `git ${args.join(" ")} failed: ${stderr.trim()}`,
        hint: "run inside a git repository and pass a ref that exists, e.g. --base origin/main",
      },
    ],
    ExitCode.usage,
  );
}

/**
 * `git(args)` started now and read later: the process runs while this one works (loads a catalog,
 * compares), and the output is given, or git()'s error thrown, by the function it settles to. It
 * never rejects, so a process whose output is never asked for (an earlier error was thrown) is no
 * unhandled rejection.
 */
function gitStarted(args: string[], cwd: string): Promise<() => string> {
  return new Promise((resolve) => {
    const child = spawn("git", args, { cwd });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const failed = (text: string) => () => {
      throw gitFailed(args, text);
    };
    child.on("error", () => resolve(failed("")));
    child.on("close", (status) => {
      const text = Buffer.concat(stdout).toString("utf8");
      resolve(status === 0 ? () => text : failed(Buffer.concat(stderr).toString("utf8")));
    });
  });
}

/**
 * Reads many `<rev>:<path>` blobs with one `git cat-file --batch` instead of one `git show` each:
 * on a 2,000-event catalog the process starts, not the reads, were most of check's time.
 */
export function gitShowMany(specs: readonly string[], top: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  if (specs.length === 0) return out;
  const result = spawnSync("git", ["cat-file", "--batch"], { cwd: top, input: `${specs.join("\n")}\n`, maxBuffer: 1024 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`git cat-file --batch failed: ${result.stderr.toString()}`);
  const bytes = result.stdout;
  let at = 0;
  for (const spec of specs) {
    const newline = bytes.indexOf(10, at);
    const header = bytes.subarray(at, newline).toString("utf8");
    at = newline + 1;
    const size = /^[0-9a-f]+ blob ([0-9]+)$/.exec(header);
    if (size === null) {
      out.set(spec, undefined); // "<spec> missing" (or not a blob): no body follows
      continue;
    }
    out.set(spec, bytes.subarray(at, at + Number(size[1])).toString("utf8"));
    at += Number(size[1]) + 1;
  }
  return out;
}

export interface CheckResult {
  readonly subjects: Subject[];
  readonly locate: Locate;
}

/**
 * `canon check --base REF`: every event file changed since REF (or using a changed shared type) is
 * checked against its version at REF and, in transitive modes, every released version, under its
 * mode. Old versions are read with `git show`; nothing is checked out.
 */
export async function checkAgainstBase(base: string, config: CanonConfig, cwd: string): Promise<CheckResult> {
  const top = git(["rev-parse", "--show-toplevel"], cwd).trim();
  const schemasRel = toPosix(path.relative(top, config.schemas));
  const shown = (rel: string) => toPosix(path.relative(cwd, path.join(top, rel)));
  /** A file of the schemas folder (`rel` as the model's origins name it), as users see it. */
  const shownSchema = (rel: string) => shown(path.join(schemasRel, rel));
  // What git says about the base needs no catalog, so it runs while the new catalog loads; its errors
  // are thrown in the order they always were (a bad ref before the schemas' problems).
  const verified = gitStarted(["rev-parse", "--verify", "--quiet", `${base}^{commit}`], cwd);
  const listed = gitStarted(["ls-tree", "-r", "--name-only", base, "--", schemasRel], top);
  const diffed = gitStarted(["diff", "--name-only", base, "--", schemasRel], top);
  const untracked = gitStarted(["ls-files", "--others", "--exclude-standard", "--", schemasRel], top);

  // The files of the schemas folder that differ at base, in a scratch folder the old catalog loads from.
  const scratch = mkdtempSync(path.join(os.tmpdir(), "eventcanon-base-"));
  try {
    const oldRoot = path.join(scratch, schemasRel);
    const newCatalog = loadCatalog(config, cwd);
    (await verified)();
    const rels = (await listed)().split("\n").filter(Boolean);
    if (newCatalog.diagnostics.length > 0) throw new CanonError(newCatalog.diagnostics, ExitCode.invalidSchemas);

    const changed = new Set(
      (await diffed)()
        .split("\n")
        .concat((await untracked)().split("\n"))
        .filter(Boolean)
        .map((rel) => toPosix(path.relative(schemasRel, rel))),
    );
    // A file git finds unchanged holds the same bytes at base: the new catalog's parsed and checked copy
    // serves both versions, which spares reading, parsing and checking the whole catalog twice. A
    // symbolic link is the exception: at base it is read as a file holding the link's text.
    const inBase = new Set(rels.map((rel) => toPosix(path.relative(schemasRel, rel))));
    const unchanged = newCatalog.files.filter(
      (f) => inBase.has(f.rel) && !changed.has(f.rel) && !lstatSync(path.join(config.schemas, f.rel)).isSymbolicLink(),
    );
    const same = new Set(unchanged.map((f) => path.join(schemasRel, f.rel)));
    const differing = rels.filter((rel) => !same.has(path.normalize(rel)));
    const blobs = gitShowMany(
      differing.map((rel) => `${base}:${rel}`),
      top,
    );
    mkdirSync(oldRoot, { recursive: true });
    for (const rel of differing) {
      const target = path.join(scratch, rel);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, blobs.get(`${base}:${rel}`) ?? "");
    }
    const oldCatalog = loadCatalog({ ...config, schemas: oldRoot }, scratch, { lint: false, unchanged });

    // Both versions are named by the path users see; the old one is read from the scratch copy, or
    // from the working tree where the two are the same. What each catalog parsed is not read again
    // (the old catalog's files include the new catalog's parse of those that are the same).
    const parsed = (catalog: Catalog) => catalog.files.map((f) => [shownSchema(f.rel), f.source] as const);
    const newCache = new SourceCache((file) => path.resolve(cwd, file), parsed(newCatalog));
    const oldSources = new SourceCache((file) => {
      const rel = path.relative(top, path.resolve(cwd, file));
      return same.has(rel) ? path.join(top, rel) : path.join(scratch, rel);
    }, parsed(oldCatalog));

    const settledRels = settledFiles(unchanged);
    const settled = new Set([...settledRels].map(shownSchema));

    const subjects: Subject[] = [];
    const oldEvents = new Map(oldCatalog.model.events.map((e) => [e.origin.file, e]));
    const history = readHistory(config);
    const checked = newCatalog.model.events.filter((event) =>
      [event.origin.file, ...reachableTypes(newCatalog.model, event).map((t) => t.origin.file)].some((rel) => changed.has(rel)),
    );
    // The minor versions' git log runs while the events are compared.
    const logging = commitsTouching(
      checked.filter((e) => oldEvents.has(e.origin.file)).map((e) => topRelative(shownSchema(e.origin.file), top, cwd)),
      top,
      base,
    );
    const judged = checked.map((event) => {
      const file = shownSchema(event.origin.file);
      const old = oldEvents.get(event.origin.file);
      const read = { old: oldSources.read, new: newCache.read, settled: (f: string) => settled.has(f) };
      const subject = checkEvent(event, old, oldCatalog, newCatalog, config, history, file, read, cwd, base);
      return { file, old, subject: withAvroSources(subject, event, newCatalog.model, file, shownSchema) };
    });
    const logged = await logging;
    for (const { file, old, subject } of judged) {
      if (old === undefined) subjects.push(subject);
      else subjects.push({ ...subject, notes: minorVersionNote(subject.verdict, topRelative(file, top, cwd), top, base, config, logged) });
    }
    for (const [rel, old] of oldEvents) {
      if (newCatalog.model.events.some((e) => e.origin.file === rel)) continue;
      const file = shownSchema(rel);
      subjects.push({
        name: old.eventType,
        verdict: {
          compatible: false,
          mode: config.compatibility.mode,
          changes: [
            {
              kind: "EVENT_REMOVED",
              path: "",
              compatible: false,
              message: `the event file was deleted; consumers of ${old.eventType} lose their schema`,
              rule: "versioning policy",
              hint: "keep released event types; stop producing them instead of deleting their schema",
              at: { file, pointer: "/x-event-type" },
              direction: "BACKWARD",
              against: base,
            },
          ],
        },
        notes: [],
      });
    }
    for (const [index, subject] of subjects.entries()) subjects[index] = withAffected(subject, newCatalog, oldCatalog);
    const locate: Locate = (file, pointer) =>
      isAvroFile(file) ? undefined : (newCache.locate(file, pointer) ?? oldSources.locate(file, pointer));
    // Positions are looked up after the scratch copy is gone: parse every file a change points into now.
    for (const change of subjects.flatMap((s) => s.verdict.changes))
      for (const place of [change.at, change.source]) if (place) locate(place.file, place.pointer);
    return { subjects: subjects.sort((a, b) => (a.name < b.name ? -1 : 1)), locate };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Names the consumers that must move: an incompatible event's own (from the new catalog, or the old one
 * for a deleted event), or a new major version's predecessor's.
 */
function withAffected(subject: Subject, newCatalog: Catalog, oldCatalog: Catalog): Subject {
  const predecessor = previousMajor(subject.name);
  const [eventType, reason, model] = !subject.verdict.compatible
    ? ([
        subject.name,
        "incompatible",
        newCatalog.model.events.some((e) => e.eventType === subject.name) ? newCatalog.model : oldCatalog.model,
      ] as const)
    : predecessor !== undefined && !oldCatalog.model.events.some((e) => e.eventType === subject.name)
      ? ([predecessor, "new-major", newCatalog.model] as const)
      : [undefined, undefined, undefined];
  if (eventType === undefined) return subject;
  const services = consumerServices(model, eventType);
  return services.length === 0 ? subject : { ...subject, affected: { eventType, reason, services } };
}

/** The files among `same` whose `$ref`s, followed transitively, reach only files among `same`. */
function settledFiles(same: readonly SchemaFile[]): Set<string> {
  const targets = new Map(same.map((f) => [f.rel, referencedFiles(f)]));
  const settled = new Set(targets.keys());
  for (let shrunk = true; shrunk; ) {
    shrunk = false;
    for (const [rel, used] of targets) {
      if (settled.has(rel) && [...used].some((target) => !settled.has(target))) {
        settled.delete(rel);
        shrunk = true;
      }
    }
  }
  return settled;
}

/**
 * Every file a `$ref` in the file names (itself for an internal one), relative to the schemas folder.
 * Examples and defaults are data the diff compares as text, never following a `$ref`; they are most
 * of a catalog's bytes, so they are not searched.
 */
function referencedFiles(file: SchemaFile): Set<string> {
  const out = new Set<string>();
  // Under properties and $defs the keys are names, which may well be "default" or "examples".
  const visit = (value: unknown, named = false): void => {
    if (typeof value !== "object" || value === null) return;
    for (const [key, item] of Object.entries(value)) {
      if (!named && (key === "examples" || key === "default")) continue;
      if (key === "$ref" && typeof item === "string") {
        const refPath = item.split("#", 1)[0] ?? "";
        out.add(refPath === "" ? file.rel : path.posix.normalize(path.posix.join(path.posix.dirname(file.rel), refPath)));
      } else visit(item, !named && (key === "properties" || key === "$defs"));
    }
  };
  visit(file.source.value);
  return out;
}

/** How a check reads the two versions' files, and which files are the same in both with all they reference. */
interface VersionReaders {
  readonly old: (file: string) => unknown;
  readonly new: (file: string) => unknown;
  readonly settled: (file: string) => boolean;
}

/**
 * An event's verdict against the base and the releases. A new event's subject comes with its notes;
 * an existing one's (its minor version, from git history) are added once the history has been read.
 */
function checkEvent(
  event: EventDefinition,
  old: EventDefinition | undefined,
  oldCatalog: Catalog,
  newCatalog: Catalog,
  config: CanonConfig,
  history: History,
  file: string,
  read: VersionReaders,
  cwd: string,
  base: string,
): Subject {
  const mode: Mode = event.compatibility ?? config.compatibility.mode;
  if (old === undefined) return newEventSubject(event, oldCatalog, mode, base);
  const previous: Comparison[] = [
    ...eventHistory(history, event.eventType).map((r) =>
      prefixed(
        avroComparison(
          `release ${r.version}`,
          { file: toPosix(path.relative(cwd, path.join(history.folder, r.value.file))), schema: readReleased(history, r.value.file) },
          { file: avroFileOf(file), schema: avroSchemaOf(newCatalog.model, event, config) },
        ),
        "Avro",
      ),
    ),
    prefixed(
      jsonSchemaComparison(base, { file, read: read.old }, { file, read: read.new }, config.compatibility.policy, read.settled),
      "JSON Schema",
    ),
    prefixed(
      avroComparison(
        base,
        { file: avroFileOf(file), schema: avroSchemaOf(oldCatalog.model, old, config) },
        { file: avroFileOf(file), schema: avroSchemaOf(newCatalog.model, event, config) },
      ),
      "Avro",
    ),
  ];
  // The base version and the latest release are both "the previous version"; transitive modes check all.
  return { name: event.eventType, verdict: withHints(judgeAll(mode, previous), event.eventType), notes: [] };
}

/** Each change found in the event's generated Avro (named `<file> (Avro)`), with the schema file and pointer its part came from. */
function withAvroSources(
  subject: Subject,
  event: EventDefinition,
  model: Model,
  file: string,
  shownSchema: (rel: string) => string,
): Subject {
  const sourced = (change: JudgedChange): JudgedChange => {
    if (change.at?.file !== avroFileOf(file)) return change;
    const origin = avroSource(model, event, change.path);
    return { ...change, source: { file: shownSchema(origin.file), pointer: origin.pointer } };
  };
  return { ...subject, verdict: { ...subject.verdict, changes: subject.verdict.changes.map(sourced) } };
}

/** judge() checks only the last comparison in non-transitive modes; the base's JSON and Avro views are both "latest". */
function judgeAll(mode: Mode, previous: readonly Comparison[]): Verdict {
  const latest = previous.filter((c) => !c.against.startsWith("release "));
  const verdicts = mode.endsWith("_TRANSITIVE") ? [judge(mode, previous)] : latest.map((c) => judge(mode, [c]));
  const changes = verdicts.flatMap((v) => v.changes);
  return { compatible: changes.every((c) => c.compatible), mode, changes };
}

function newEventSubject(event: EventDefinition, oldCatalog: Catalog, mode: Mode, base: string): Subject {
  const major = majorVersion(event.eventType);
  // Not previousMajor: a legacy `.v0` is the predecessor of its `.v1`.
  const previousType = major === undefined ? undefined : withMajorVersion(event.eventType, major - 1);
  const predecessor = oldCatalog.model.events.find((e) => e.eventType === previousType);
  const note = predecessor
    ? `new major version: consumers of ${predecessor.eventType} must subscribe to ${event.eventType} to get the new fields; producers should send both until they have`
    : "new event type: nothing to be compatible with yet";
  return { name: event.eventType, verdict: { compatible: true, mode, changes: [] }, notes: [note, `compared with ${base}`] };
}

function withHints(verdict: Verdict, eventType: string): Verdict {
  const major = majorVersion(eventType);
  const next = major === undefined ? eventType : withMajorVersion(eventType, major + 1);
  const createNext = next === eventType ? "create a new event type" : `create ${next}.json (a new major version)`;
  return {
    ...verdict,
    changes: verdict.changes.map((c) =>
      c.compatible
        ? c
        : { ...c, hint: c.hint ? `${c.hint}; or ${createNext}` : `make it compatible (add a default, make it optional), or ${createNext}` },
    ),
  };
}

/**
 * The minor version of an event within its major version: how many commits changed it beyond its
 * docs (description, title, examples, extensions), counted from its git history; this change adds one.
 */
function minorVersionNote(
  verdict: Verdict,
  rel: string,
  top: string,
  base: string,
  config: CanonConfig,
  logged: ReadonlyMap<string, readonly string[]>,
): string[] {
  if (!verdict.compatible) return [];
  const history = minorVersionFromHistory(rel, top, base, config, logged.get(rel));
  const structural = verdict.changes.some((c) => !DOC_KINDS.has(c.kind) && !c.kind.startsWith("AVRO_"));
  if (structural) return [`minorversion ${history} -> ${history + 1}`];
  return [verdict.changes.length > 0 ? `doc-only change: minorversion stays ${history}` : `no change: minorversion ${history}`];
}

const DOC_KINDS = new Set([
  "TITLE_CHANGED",
  "DESCRIPTION_CHANGED",
  "EXAMPLES_CHANGED",
  "DEFAULT_CHANGED",
  "ID_CHANGED",
  "EXTENSION_CHANGED",
]);

function topRelative(file: string, top: string, cwd: string): string {
  return toPosix(path.relative(top, path.resolve(cwd, file)));
}

/** Paths git takes literally as pathspecs and prints unquoted, one a line. */
const PLAIN_PATH = /^[A-Za-z0-9._/-]+$/;

/**
 * What `git log --reverse --format=%H ref -- <rel>` lists for each of `rels` (top-relative), from one
 * `git log` for all of them instead of one each (those processes were most of check's time at 2,000
 * events). That holds only where history is linear: a merge may be simplified away for one path and
 * kept for a set of paths. Then, or for a path git might quote or match as a pattern, the map is empty
 * and each file is asked for alone.
 */
export async function commitsTouching(rels: readonly string[], top: string, ref: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (rels.length < 2 || !rels.every((rel) => PLAIN_PATH.test(rel))) return out;
  // Both start at once, so that the log runs while the caller compares events (a continuation after
  // awaiting rev-list would start it only after that work); where there is a merge it ran for nothing.
  const merges = gitStarted(["rev-list", "--min-parents=2", "--max-count=1", ref], top);
  // The root commit's files count (log.showRoot), as `git log -- <rel>` lists a file's first commit.
  const log = gitStarted(
    [
      "-c",
      "log.showRoot=true",
      "log",
      "--reverse",
      "--no-renames",
      "--no-show-signature",
      "--format=%x01%H",
      "--name-only",
      ref,
      "--",
      ...rels,
    ],
    top,
  );
  if ((await merges)().trim() !== "") return out;
  for (const rel of rels) out.set(rel, []);
  let commit = "";
  for (const line of (await log)().split("\n")) {
    if (line.startsWith("\u0001")) commit = line.slice(1);
    else if (line !== "") out.get(line)?.push(commit);
  }
  return out;
}

/** Counts the commits up to `ref` that changed an event file (top-relative) beyond its docs. */
export function minorVersionFromHistory(rel: string, top: string, ref: string, config: CanonConfig, logged?: readonly string[]): number {
  const commits = logged ?? git(["log", "--reverse", "--format=%H", ref, "--", rel], top).split("\n").filter(Boolean);
  if (commits.length < 2) return 0; // nothing to compare: spare the git process
  const blobs = gitShowMany(
    commits.map((commit) => `${commit}:${rel}`),
    top,
  );
  // The event file at each commit is read up front; shared types it references, on first use.
  const readAt = (commit: string) => (file: string) => {
    const spec = `${commit}:${file}`;
    if (!blobs.has(spec)) blobs.set(spec, gitShowMany([spec], top).get(spec));
    const text = blobs.get(spec);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  };
  let minor = 0;
  for (let i = 1; i < commits.length; i++) {
    const before = readAt(commits[i - 1] as string);
    const after = readAt(commits[i] as string);
    const node = (read: (f: string) => unknown) => ({ value: read(rel), place: { file: rel, pointer: "" } });
    const changes = new JsonSchemaDiff(before, after, config.compatibility.policy).diff(node(before), node(after));
    if (changes.some((c) => !DOC_KINDS.has(c.kind))) minor++;
  }
  return minor;
}
