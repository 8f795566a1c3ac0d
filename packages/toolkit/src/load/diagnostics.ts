import type { ErrorCode } from "../lint/error-codes.js";

export { ERROR_CODES, ERROR_DOCS, type ErrorCode } from "../lint/error-codes.js";

/**
 * Every problem the toolkit reports to a user is a Diagnostic: it names the file, the JSON pointer
 * inside it, the line:column where known, a stable code, what is wrong and what to do.
 */
export interface Diagnostic {
  /** Stable, documented identifier (see ERROR_DOCS and `canon explain`), e.g. `ref-missing-file`. */
  readonly code: ErrorCode;
  /** Path relative to the working directory, with forward slashes. */
  readonly file: string;
  /** RFC 6901 JSON pointer into the file; "" is the whole document. */
  readonly pointer: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
  /** What the author should do about it. */
  readonly hint?: string;
}

/** Exit codes of the `canon` command, documented in the README. */
export const ExitCode = {
  ok: 0,
  /** The schemas have problems (load or lint errors); nothing was written. */
  invalidSchemas: 1,
  /** The command line itself is wrong (unknown verb or flag, missing argument). */
  usage: 2,
  /** The tool could not read or write a file it needed (permissions, disk). */
  io: 3,
  /** A bug in eventcanon (an exception nothing above expected); 70 is sysexits.h's EX_SOFTWARE. */
  internal: 70,
} as const;

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    cmp(a.file, b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    cmp(a.pointer, b.pointer) ||
    cmp(a.code, b.code) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`;
  const pointer = d.pointer === "" ? "(document)" : d.pointer;
  const hint = d.hint ? `\n    hint: ${d.hint}` : "";
  return `${where} ${pointer} error[${d.code}]: ${d.message}${hint}`;
}

/** Sorted, de-duplicated report with a summary line, as printed by every verb. */
export function formatReport(diagnostics: readonly Diagnostic[]): string {
  const sorted = sortDiagnostics(diagnostics);
  const files = new Set(sorted.map((d) => d.file)).size;
  const lines = sorted.map(formatDiagnostic);
  lines.push(`${sorted.length} error${sorted.length === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}`);
  return lines.join("\n");
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.file}\0${d.pointer}\0${d.code}\0${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      unique.push(d);
    }
  }
  return unique.sort(compareDiagnostics);
}

/** Thrown when an operation cannot go on; carries every problem found so far. */
export class CanonError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  readonly exitCode: number;
  constructor(diagnostics: readonly Diagnostic[], exitCode: number = ExitCode.invalidSchemas) {
    super(formatReport(diagnostics));
    this.name = "CanonError";
    this.diagnostics = sortDiagnostics(diagnostics);
    this.exitCode = exitCode;
  }
}
