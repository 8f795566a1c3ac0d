import type { CanonConfig } from "../load/config.js";
import { type History, readReleased } from "../load/history.js";
import type { Mode } from "../load/modes.js";

/** What a subject name is made of: the event's topic and its Avro record's full name. */
export interface SubjectSource {
  readonly eventType: string;
  readonly topic?: string | undefined;
  /** The value schema's full name, e.g. `org.openedx.learning.exam.attempt.submitted.v1.CloudEvent`. */
  readonly fullName: string;
  /** The key schema's name (see avroFullName): `string` for a string key; absent without a key. */
  readonly keyName?: string | undefined;
}

export interface SubjectNames {
  readonly value: string;
  readonly key: string | undefined;
}

/**
 * Confluent's three subject name strategies, applied to the value and the key alike. The key's "record
 * name" is the key schema's name, so under topic-record a string key is `<topic>-string`: the subject
 * edx-event-bus-kafka's key serializer (confluent-kafka's topic_record_subject_name_strategy) uses, one
 * for every event keyed by a string on that topic.
 */
export function subjectNames(source: SubjectSource, config: CanonConfig): SubjectNames | string {
  const { strategy, topicPrefix } = config.subjects;
  if (strategy === "record") return { value: source.fullName, key: source.keyName };
  if (source.topic === undefined) return `${source.eventType} has no x-topic; the ${strategy} subject strategy needs one`;
  const topic = topicPrefix === "" ? source.topic : `${topicPrefix}-${source.topic}`;
  if (strategy === "topic") return { value: `${topic}-value`, key: source.keyName === undefined ? undefined : `${topic}-key` };
  return { value: `${topic}-${source.fullName}`, key: source.keyName === undefined ? undefined : `${topic}-${source.keyName}` };
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
  /** Whether the subject holds message values or message keys. */
  readonly role: "value" | "key";
  readonly mode: Mode;
  readonly versions: { readonly id: number; readonly schema: unknown }[];
}

/**
 * The subjects registry/ releases under the configured strategy: each event's value subject gets every
 * version; a key subject, which several events on one topic may share, gets each distinct key schema once.
 */
export function releasedSubjects(history: History, config: CanonConfig): ReleasedSubject[] {
  const subjects = new Map<string, { subject: string; role: "value" | "key"; mode: Mode; versions: { id: number; schema: unknown }[] }>();
  const add = (subject: string, role: "value" | "key", mode: Mode, id: number, schema: unknown) => {
    const entry = subjects.get(subject) ?? { subject, role, mode, versions: [] };
    entry.mode = mode;
    if (!entry.versions.some((v) => v.id === id)) entry.versions.push({ id, schema });
    subjects.set(subject, entry);
  };
  for (const entry of history.entries) {
    const value = readReleased(history, entry.value.file);
    const key = entry.key === undefined ? undefined : readReleased(history, entry.key.file);
    const names = subjectNames(
      {
        eventType: entry.event,
        topic: entry.topic,
        fullName: avroFullName(value),
        keyName: key === undefined ? undefined : avroFullName(key),
      },
      config,
    );
    if (typeof names === "string") throw new Error(names);
    add(names.value, "value", entry.mode, entry.value.id, value);
    if (entry.key !== undefined && names.key !== undefined) add(names.key, "key", entry.mode, entry.key.id, key);
  }
  return [...subjects.values()];
}
