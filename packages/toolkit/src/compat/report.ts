import type { Position } from "../load/json-source.js";
import type { Service } from "../load/model.js";
import { describeServices } from "../load/services.js";
import type { JudgedChange, Verdict } from "./judge.js";

export type ReportFormat = "text" | "json" | "github";

/** One compared subject (an event, or a file pair) with its verdict and notes such as the minor version. */
export interface Subject {
  readonly name: string;
  readonly verdict: Verdict;
  readonly notes: readonly string[];
  /**
   * The consumer services that must move: those of the event when it changed incompatibly, or of its
   * previous major version when this is a new one. Absent when none is recorded.
   */
  readonly affected?: Affected;
}

export interface Affected {
  /** The event type the services receive today. */
  readonly eventType: string;
  readonly services: readonly Pick<Service, "id" | "name" | "owner">[];
  readonly reason: "incompatible" | "new-major";
}

/** One sentence naming the consumers that must move (because of `eventType`) and their owners. */
export function affectedSentence(eventType: string, affected: Affected | undefined): string | undefined {
  if (affected === undefined || affected.services.length === 0) return undefined;
  const who = describeServices(affected.services);
  return affected.reason === "incompatible"
    ? `consumers of ${affected.eventType} that must move before this ships: ${who}`
    : `consumers of ${affected.eventType} that must move to ${eventType}: ${who}`;
}

/** Finds the line:column of a change's place; undefined when the file cannot be located. */
export type Locate = (file: string, pointer: string) => Position | undefined;

export function formatText(subjects: readonly Subject[], locate: Locate): string {
  const lines: string[] = [];
  for (const subject of subjects) {
    const bad = subject.verdict.changes.filter((c) => !c.compatible);
    lines.push(
      `${subject.verdict.compatible ? "ok  " : "FAIL"} ${subject.name} (${subject.verdict.mode}): ${bad.length} incompatible, ${subject.verdict.changes.length - bad.length} compatible change(s)`,
    );
    for (const note of subject.notes) lines.push(`     ${note}`);
    const affected = affectedSentence(subject.name, subject.affected);
    if (affected !== undefined) lines.push(`     ${affected}`);
    for (const change of subject.verdict.changes) {
      const at = change.at === undefined ? "" : ` ${where(change, locate)}`;
      lines.push(
        `     ${change.compatible ? "compatible  " : "INCOMPATIBLE"} ${change.direction} ${change.kind} at ${change.path || "/"}${at}: ${change.message} [${change.rule}]`,
      );
      if (!change.compatible && change.hint) lines.push(`       fix: ${change.hint}`);
    }
  }
  const failed = subjects.filter((s) => !s.verdict.compatible).length;
  lines.push(`${subjects.length} checked, ${failed} incompatible`);
  return `${lines.join("\n")}\n`;
}

function where(change: JudgedChange, locate: Locate): string {
  if (change.at === undefined) return "";
  const source = change.source && locate(change.source.file, change.source.pointer);
  if (change.source !== undefined && source !== undefined) return `(${change.source.file}:${source.line}:${source.column}${AVRO_SUFFIX})`;
  const position = locate(change.at.file, change.at.pointer);
  return position === undefined ? `(${change.at.file})` : `(${change.at.file}:${position.line}:${position.column})`;
}

export function formatJson(subjects: readonly Subject[], locate: Locate): string {
  const shape = (s: Subject) => ({
    name: s.name,
    compatible: s.verdict.compatible,
    mode: s.verdict.mode,
    notes: s.notes,
    ...(s.affected === undefined
      ? {}
      : {
          consumers: {
            eventType: s.affected.eventType,
            reason: s.affected.reason,
            services: s.affected.services.map((x) => ({ id: x.id, name: x.name, owner: x.owner })),
          },
        }),
    changes: s.verdict.changes.map((c) => {
      const position = c.at ? locate(c.at.file, c.at.pointer) : undefined;
      const source = c.source && locate(c.source.file, c.source.pointer);
      return {
        kind: c.kind,
        path: c.path,
        compatible: c.compatible,
        message: c.message,
        direction: c.direction,
        against: c.against,
        rule: c.rule,
        ...(c.hint ? { hint: c.hint } : {}),
        ...(c.at ? { file: c.at.file, pointer: c.at.pointer, ...(position ?? {}) } : {}),
        ...(c.source ? { source: { file: c.source.file, pointer: c.source.pointer, ...(source ?? {}) } } : {}),
      };
    }),
  });
  const only = subjects.length === 1 ? subjects[0] : undefined;
  const body =
    only !== undefined ? shape(only) : { compatible: subjects.every((s) => s.verdict.compatible), subjects: subjects.map(shape) };
  return `${JSON.stringify(body, null, 2)}\n`;
}

const AVRO_SUFFIX = " (Avro)";

/** The name a change in an event's generated Avro schema is reported under: the event file's, marked. */
export const avroFileOf = (file: string): string => `${file}${AVRO_SUFFIX}`;

/** Whether a reported file is an event's Avro schema (which has no position in any file). */
export const isAvroFile = (file: string): boolean => file.endsWith(AVRO_SUFFIX);

/** GitHub Actions workflow commands: an annotation on the line of each incompatible keyword. */
export function formatGithub(subjects: readonly Subject[], locate: Locate): string {
  const lines: string[] = [];
  for (const subject of subjects) {
    const affected = affectedSentence(subject.name, subject.affected);
    if (affected !== undefined && subject.affected?.reason === "new-major")
      lines.push(`::notice title=${escapeProperty(`${subject.name}: new major version`)}::${escapeData(affected)}`);
    for (const change of subject.verdict.changes.filter((c) => !c.compatible)) {
      // An Avro change is named "<file> (Avro)"; GitHub places an annotation only on a file it has, so it goes on
      // the schema file its part came from (the event file when that is unknown), and the title says which schema
      // the change is in.
      const avro = change.at !== undefined && isAvroFile(change.at.file);
      const place = change.source ?? change.at;
      const position = place ? locate(place.file, place.pointer) : undefined;
      const file = place && (isAvroFile(place.file) ? place.file.slice(0, -AVRO_SUFFIX.length) : place.file);
      const props = [
        ...(file !== undefined ? [`file=${escapeProperty(file)}`] : []),
        ...(position ? [`line=${position.line}`, `col=${position.column}`] : []),
        `title=${escapeProperty(`${subject.name}: ${change.kind}${avro ? AVRO_SUFFIX : ""}`)}`,
      ];
      // The reviewer sees on the line who must move, not only that something broke.
      const text = `${change.direction} ${change.path || "/"}: ${change.message} [${change.rule}]${change.hint ? `. Fix: ${change.hint}` : ""}${affected === undefined ? "" : `. Affected ${affected}`}`;
      lines.push(`::error ${props.join(",")}::${escapeData(text)}`);
    }
  }
  const failed = subjects.filter((s) => !s.verdict.compatible).length;
  lines.push(`${subjects.length} checked, ${failed} incompatible`);
  return `${lines.join("\n")}\n`;
}

// The escapes GitHub's workflow command parser expects.
function escapeData(value: string): string {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
