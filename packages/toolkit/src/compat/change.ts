/** Where a compared keyword lives: the file (as shown to users) and the JSON pointer in it. */
export interface Place {
  readonly file: string;
  readonly pointer: string;
}

/**
 * One difference between two schemas, classified by kind. `compatible` is the verdict for the
 * direction that was checked: whether the reader (NEW for BACKWARD) accepts what the writer (OLD) wrote.
 */
export interface Change {
  readonly kind: string;
  /** JSON pointer through the compared schema (through `$ref`s, so a shared type shows the event's path). */
  readonly path: string;
  readonly compatible: boolean;
  readonly message: string;
  /** Which rule decided: the kind's verdict under the policy, e.g. `STRICT: incompatible`. */
  readonly rule: string;
  /** Where to point: the keyword in the new file, or in the old one for a removal. */
  readonly at?: Place;
  /**
   * For a change in an event's generated Avro schema (`at` names no file one can open): the schema file
   * and pointer its part came from in the new version (avro-source.ts).
   */
  readonly source?: Place;
  /** How to fix an incompatible change. */
  readonly hint?: string;
}

export function compareChanges(a: Change, b: Change): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}
