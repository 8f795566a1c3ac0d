import type { Mode } from "../compat/change.js";
import type { CanonConfig } from "../config.js";
import { type History, readReleased } from "./history.js";

/** What a subject name is made of: the event's topic and its Avro record's full name. */
export interface SubjectSource {
  readonly eventType: string;
  readonly topic?: string | undefined;
  /** The value schema's full name, e.g. `org.openedx.learning.exam.attempt.submitted.v1.CloudEvent`. */
  readonly fullName: string;
}

export interface SubjectNames {
  readonly value: string;
  readonly key: string;
}

/**
 * Confluent's three subject name strategies. Key subjects follow the value's with `-key`: under
 * topic-record that is `<topic>-<full name>-key`, the subject the Open edX bus's key serializer uses.
 */
export function subjectNames(source: SubjectSource, config: CanonConfig): SubjectNames | string {
  const { strategy, topicPrefix } = config.subjects;
  if (strategy === "record") return { value: source.fullName, key: `${source.fullName}-key` };
  if (source.topic === undefined) return `${source.eventType} has no x-topic; the ${strategy} subject strategy needs one`;
  const topic = topicPrefix === "" ? source.topic : `${topicPrefix}-${source.topic}`;
  if (strategy === "topic") return { value: `${topic}-value`, key: `${topic}-key` };
  return { value: `${topic}-${source.fullName}`, key: `${topic}-${source.fullName}-key` };
}

/** The full name of a named Avro schema (`namespace.name`), or its primitive type name. */
export function avroFullName(schema: unknown): string {
  if (typeof schema === "string") return schema;
  const node = schema as { name?: unknown; namespace?: unknown; type?: unknown };
  if (typeof node.name !== "string") return String(node.type);
  return node.name.includes(".") || typeof node.namespace !== "string" ? node.name : `${node.namespace}.${node.name}`;
}

/** A subject as released: its versions in order, each with its global id, and its compatibility level. */
export interface ReleasedSubject {
  readonly subject: string;
  readonly mode: Mode;
  readonly versions: { readonly id: number; readonly schema: unknown }[];
}

/**
 * The subjects registry/ releases under the configured strategy: each event's value subject gets every
 * version; its key subject gets a version only when the key schema changed.
 */
export function releasedSubjects(history: History, config: CanonConfig): ReleasedSubject[] {
  const subjects = new Map<string, { subject: string; mode: Mode; versions: { id: number; schema: unknown }[] }>();
  const add = (subject: string, mode: Mode, id: number, file: string) => {
    const entry = subjects.get(subject) ?? { subject, mode, versions: [] };
    entry.mode = mode;
    if (entry.versions.at(-1)?.id !== id) entry.versions.push({ id, schema: readReleased(history, file) });
    subjects.set(subject, entry);
  };
  for (const entry of history.entries) {
    const names = subjectNames(
      { eventType: entry.event, topic: entry.topic, fullName: avroFullName(readReleased(history, entry.value.file)) },
      config,
    );
    if (typeof names === "string") throw new Error(names);
    add(names.value, entry.mode, entry.value.id, entry.value.file);
    if (entry.key) add(names.key, entry.mode, entry.key.id, entry.key.file);
  }
  return [...subjects.values()];
}
