import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { avroComparison } from "../compat/comparisons.js";
import { judge } from "../compat/judge.js";
import { type Affected, avroFileOf, type Subject } from "../compat/report.js";
import { avroKeySchemaOf, avroSchemaOf } from "../emit/avro/index.js";
import { bundledSchemaOf } from "../emit/jsonschema/index.js";
import type { Catalog } from "../lint/catalog.js";
import { avroFingerprint, schemaIdentity, sha256 } from "../load/canonical.js";
import type { CanonConfig } from "../load/config.js";
import type { Diagnostic } from "../load/diagnostics.js";
import { previousMajor } from "../load/event-version.js";
import { eventHistory, type History, INDEX_FILE, type ReleasedSchema, type ReleaseEntry, readReleased } from "../load/history.js";
import { toPosix } from "../load/schema-files.js";
import { consumerServices } from "../load/services.js";
import { avroFullName, subjectNames } from "./subjects.js";

export interface ReleasePlan {
  /** New index lines, in the order they are appended. */
  readonly entries: readonly ReleaseEntry[];
  /** New files by path relative to the registry folder. */
  readonly files: ReadonlyMap<string, string>;
  /** Events whose Avro schema equals their latest release. */
  readonly unchanged: readonly string[];
  /** Every changed event with a previous release, and its compatibility verdict against them. */
  readonly checked: readonly Subject[];
  /** New major versions released for the first time whose previous major version has consumers that must move. */
  readonly moves: readonly { readonly eventType: string; readonly affected: Affected }[];
  /** Problems that stop the release (subject conflicts). */
  readonly diagnostics: readonly Diagnostic[];
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * What `canon release` would append: a new version for every event whose Avro schema (value or key)
 * differs from its latest release, checked against the released versions under the event's mode.
 * Ids are global: one id per distinct schema, so identical key schemas share it, as in Confluent's registry.
 */
export function planRelease(catalog: Catalog, config: CanonConfig, history: History, cwd: string): ReleasePlan {
  const ids = new Map<string, number>();
  for (const entry of history.entries)
    for (const schema of [entry.value, ...(entry.key ? [entry.key] : [])]) ids.set(identityOf(history, schema), schema.id);
  let nextId = Math.max(0, ...ids.values()) + 1;
  const idFor = (schema: unknown) => {
    const identity = schemaIdentity("AVRO", schema);
    let id = ids.get(identity);
    if (id === undefined) {
      id = nextId++;
      ids.set(identity, id);
    }
    return id;
  };

  const diagnostics: Diagnostic[] = [];
  const owners = new Map<string, string>();
  const entries: ReleaseEntry[] = [];
  const files = new Map<string, string>();
  const unchanged: string[] = [];
  const checked: Subject[] = [];
  const moves: { eventType: string; affected: Affected }[] = [];
  for (const event of catalog.model.events) {
    const eventFile = toPosix(path.relative(cwd, path.join(config.schemas, event.origin.file)));
    const value = avroSchemaOf(catalog.model, event, config);
    const key = avroKeySchemaOf(catalog.model, event);
    const names = subjectNames({ eventType: event.eventType, topic: event.topic, fullName: avroFullName(value) }, config);
    if (typeof names === "string") {
      diagnostics.push({
        code: "subject-conflict",
        file: eventFile,
        pointer: "",
        message: names,
        hint: "add x-topic, or set subjects.strategy to record",
      });
      continue;
    }
    const owner = owners.get(names.value);
    if (owner !== undefined)
      diagnostics.push({
        code: "subject-conflict",
        file: eventFile,
        pointer: "/x-topic",
        message: `${event.eventType} and ${owner} would share subject ${names.value}, whose versions must be compatible with each other`,
        hint: 'use the "topic-record" or "record" subject strategy in eventcanon.config.json',
      });
    owners.set(names.value, event.eventType);

    const released = eventHistory(history, event.eventType);
    const latest = released.at(-1);
    if (latest && schemaIdentity("AVRO", readReleased(history, latest.value.file)) === schemaIdentity("AVRO", value)) {
      unchanged.push(event.eventType);
      continue;
    }
    const mode = event.compatibility ?? config.compatibility.mode;
    if (released.length > 0) {
      const verdict = judge(
        mode,
        released.map((r) =>
          avroComparison(
            `release ${r.version}`,
            { file: toPosix(path.relative(cwd, path.join(history.folder, r.value.file))), schema: readReleased(history, r.value.file) },
            { file: avroFileOf(eventFile), schema: value },
          ),
        ),
      );
      const services = verdict.compatible ? [] : consumerServices(catalog.model, event.eventType);
      checked.push({
        name: event.eventType,
        verdict,
        notes: [`subject ${names.value}`],
        ...(services.length === 0 ? {} : { affected: { eventType: event.eventType, reason: "incompatible", services } }),
      });
    } else {
      const previous = previousMajor(event.eventType);
      const services = previous === undefined ? [] : consumerServices(catalog.model, previous);
      if (previous !== undefined && services.length > 0)
        moves.push({ eventType: event.eventType, affected: { eventType: previous, reason: "new-major", services } });
    }
    const version = (latest?.version ?? 0) + 1;
    const stem = `${event.eventType}/v${version}`;
    const schemaFile = (file: string, schema: unknown): ReleasedSchema => {
      const text = json(schema);
      files.set(file, text);
      return { file, sha256: sha256(text), id: idFor(schema), fingerprint: avroFingerprint(schema) };
    };
    const jsonText = json(bundledSchemaOf(catalog.model, event));
    files.set(`${stem}.schema.json`, jsonText);
    entries.push({
      event: event.eventType,
      version,
      ...(event.topic === undefined ? {} : { topic: event.topic }),
      mode,
      value: schemaFile(`${stem}.avsc`, value),
      ...(key === undefined ? {} : { key: schemaFile(`${stem}.key.avsc`, key) }),
      jsonSchema: { file: `${stem}.schema.json`, sha256: sha256(jsonText) },
    });
  }
  return { entries, files, unchanged, checked, moves, diagnostics };
}

function identityOf(history: History, schema: ReleasedSchema): string {
  return schemaIdentity("AVRO", readReleased(history, schema.file));
}

/**
 * Appends a plan to the registry: files first (each written to a temporary name, synced, renamed),
 * then the index lines in one synced append, so an interrupted release lists nothing it did not finish.
 */
export function applyRelease(plan: ReleasePlan, folder: string): void {
  for (const [file, text] of plan.files) {
    const target = path.join(folder, file);
    mkdirSync(path.dirname(target), { recursive: true });
    const temporary = `${target}.tmp-${process.pid}`;
    writeFileSync(temporary, text);
    const fd = openSync(temporary, "r+");
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, target);
  }
  if (plan.entries.length === 0) return;
  const fd = openSync(path.join(folder, INDEX_FILE), "a");
  try {
    writeSync(fd, plan.entries.map((e) => `${JSON.stringify(e)}\n`).join(""));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
