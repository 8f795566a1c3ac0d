import type { Mode } from "../load/modes.js";
import { type Change, compareChanges } from "./change.js";

/** A change as judged under a mode: which direction found it, and against which earlier version. */
export interface JudgedChange extends Change {
  /** BACKWARD: the new schema reads data written with the old; FORWARD: the other way round. */
  readonly direction: "BACKWARD" | "FORWARD";
  /** Which previous version it was checked against (`base`, or a released version). */
  readonly against: string;
}

export interface Verdict {
  readonly compatible: boolean;
  readonly mode: Mode;
  readonly changes: readonly JudgedChange[];
}

/** One earlier version, and the two checks that compare it with the new one. */
export interface Comparison {
  readonly against: string;
  /** Differences with NEW as reader of OLD's data. */
  readonly backward: () => Change[];
  /** Differences with OLD as reader of NEW's data (the same check, arguments swapped). */
  readonly forward: () => Change[];
}

/**
 * Confluent's modes: which directions to check, and against the latest previous version only or
 * against every one (`previous` is ordered oldest first; the last is the latest).
 */
export function judge(mode: Mode, previous: readonly Comparison[]): Verdict {
  if (mode === "NONE" || previous.length === 0) return { compatible: true, mode, changes: [] };
  const transitive = mode.endsWith("_TRANSITIVE");
  const versions = transitive ? previous : previous.slice(-1);
  const backward = mode.startsWith("BACKWARD") || mode.startsWith("FULL");
  const forward = mode.startsWith("FORWARD") || mode.startsWith("FULL");
  const changes: JudgedChange[] = [];
  for (const version of versions) {
    if (backward) for (const c of version.backward()) changes.push({ ...c, direction: "BACKWARD", against: version.against });
    if (forward) for (const c of version.forward()) changes.push({ ...c, direction: "FORWARD", against: version.against });
  }
  changes.sort((a, b) => compareChanges(a, b) || (a.direction < b.direction ? -1 : a.direction > b.direction ? 1 : 0));
  return { compatible: changes.every((c) => c.compatible), mode, changes };
}
