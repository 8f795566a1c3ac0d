import * as jsonc from "jsonc-parser";
import type { Diagnostic, ErrorCode } from "./diagnostics.js";
import { pointerOffset } from "./pointer-offset.js";

/** A parsed JSON file that remembers where every value came from. */
export interface JsonSource {
  /** Path as shown to users (relative to the working directory, forward slashes). */
  readonly file: string;
  readonly text: string;
  readonly value: unknown;
  readonly lineStarts: readonly number[];
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

const PARSE_OPTIONS: jsonc.ParseOptions = { disallowComments: true, allowTrailingComma: false };

/**
 * Deeper JSON is refused before any parser that recurses (jsonc's, ajv's, the loader) sees it: a few
 * kilobytes of `[[[[...` would otherwise overflow the stack. Real schemas nest fewer than 10 levels.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Values come from the native JSON.parse; positions are found in the text when asked for (see
 * locate), since most files never need one. A large catalog parses several times faster that way.
 */
class LazySource implements JsonSource {
  private cachedLineStarts: number[] | undefined;
  private cachedText: string | undefined;

  /**
   * `bytes`, when given, are kept instead of the text, which is decoded again on first use: a buffer
   * lives outside the JavaScript heap, so the garbage collector does not copy a catalog's worth of
   * text from young to old space while parsing (a large part of lint's time).
   */
  constructor(
    readonly file: string,
    text: string,
    readonly value: unknown,
    private readonly bytes?: Buffer,
  ) {
    if (bytes === undefined) this.cachedText = text;
  }

  get text(): string {
    this.cachedText ??= (this.bytes as Buffer).toString("utf8");
    return this.cachedText;
  }

  get lineStarts(): readonly number[] {
    this.cachedLineStarts ??= computeLineStarts(this.text);
    return this.cachedLineStarts;
  }
}

/**
 * Parses strict JSON; syntax errors, a BOM, too deep nesting and duplicate keys become diagnostics.
 * `bytes` are the file `text` was decoded from (as UTF-8), when the caller read it. `passed`: the same
 * bytes passed these checks before (see CheckedFiles), so only the value is parsed.
 */
export function parseJsonSource(
  file: string,
  text: string,
  bytes?: Buffer,
  passed = false,
): { source: JsonSource; diagnostics: Diagnostic[] } {
  if (passed) return { source: new LazySource(file, text, JSON.parse(text), bytes), diagnostics: [] };
  const failed = (diagnostics: Diagnostic[]) => ({ source: new LazySource(file, text, undefined), diagnostics });
  if (text.charCodeAt(0) === 0xfeff) {
    return failed([
      {
        code: "json-bom",
        file,
        pointer: "",
        line: 1,
        column: 1,
        message: "file starts with a byte order mark (BOM)",
        hint: "save the file as UTF-8 without BOM",
      },
    ]);
  }
  let value: unknown;
  try {
    // V8's JSON.parse does not recurse, so it may see deep text; everything after it is held to the limit.
    value = JSON.parse(text);
  } catch {
    const { tooDeepAt } = scan(text);
    return failed(tooDeepAt !== undefined ? [tooDeepError(file, text, tooDeepAt)] : syntaxErrors(file, text));
  }
  const shape = measure(value);
  if (shape === undefined) return failed([tooDeepError(file, text, scan(text).tooDeepAt ?? 0)]);
  // Each colon outside a string separates one member, so fewer members than colons means a repeated
  // key; only then is the slow positional walk needed to say where.
  const duplicates = shape.members === structuralColons(text, shape.stringColons) ? [] : duplicateKeys(file, text);
  return duplicates.length > 0 ? failed(duplicates) : { source: new LazySource(file, text, value, bytes), diagnostics: [] };
}

/**
 * Object members in a parsed value (JSON.parse keeps one per distinct key) and the colons inside its
 * keys and strings, in one walk that gives up (undefined) below MAX_JSON_DEPTH levels, so it never
 * recurses deeper than that.
 */
function measure(value: unknown): { members: number; stringColons: number } | undefined {
  let members = 0;
  let stringColons = 0;
  const walk = (item: unknown, depth: number): boolean => {
    if (typeof item === "string") {
      stringColons += colonsIn(item);
      return true;
    }
    if (typeof item !== "object" || item === null) return true;
    if (depth > MAX_JSON_DEPTH) return false;
    if (Array.isArray(item)) {
      for (const element of item) if (!walk(element, depth + 1)) return false;
      return true;
    }
    const record = item as Record<string, unknown>;
    for (const key in record) {
      members++;
      stringColons += colonsIn(key);
      if (!walk(record[key], depth + 1)) return false;
    }
    return true;
  };
  return walk(value, 1) ? { members, stringColons } : undefined;
}

function colonsIn(text: string): number {
  let count = 0;
  for (let at = text.indexOf(":"); at !== -1; at = text.indexOf(":", at + 1)) count++;
  return count;
}

/**
 * The colons of a valid JSON text that are outside strings. Without a `\u` escape every colon of a
 * parsed string stands for one colon of the text, so a native count of all colons minus those gives
 * it; with one (it may spell a colon) the text is scanned character by character.
 */
function structuralColons(text: string, stringColons: number): number {
  return text.includes("\\u") ? scan(text).colons : colonsIn(text) - stringColons;
}

/**
 * The `json-too-deep` problem of a JSON text (where it first nests deeper than `limit`), found without
 * recursion; undefined when it does not. The registry server holds schemas sent to it to the same limit
 * as schema files, before any parser that recurses sees them.
 */
export function tooDeep(file: string, text: string, limit = MAX_JSON_DEPTH): Diagnostic | undefined {
  const { tooDeepAt } = scan(text, limit);
  return tooDeepAt === undefined ? undefined : tooDeepError(file, text, tooDeepAt);
}

/** How many levels (objects and arrays) a JSON text nests, found without recursion. */
export function nestingDepth(text: string): number {
  return scan(text, Number.POSITIVE_INFINITY).deepest;
}

/**
 * One pass without recursion: the offset of the first `{` or `[` that opens level `limit` + 1, the
 * number of colons outside strings, and the deepest level reached.
 */
function scan(text: string, limit = MAX_JSON_DEPTH): { tooDeepAt: number | undefined; colons: number; deepest: number } {
  let depth = 0;
  let deepest = 0;
  let colons = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x3a) colons++;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return { tooDeepAt: i, colons, deepest: depth };
      if (depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return { tooDeepAt: undefined, colons, deepest };
}

function tooDeepError(file: string, text: string, offset: number): Diagnostic {
  // The text up to the offending bracket nests MAX_JSON_DEPTH + 1 levels only, so jsonc may walk it.
  let pointer = "";
  const at = (start: number, _length: number, _line: number, _column: number, path: () => jsonc.JSONPath) => {
    if (start === offset) pointer = joinPointer("", ...path());
  };
  jsonc.visit(text.slice(0, offset + 1), { onObjectBegin: at, onArrayBegin: at }, PARSE_OPTIONS);
  return {
    code: "json-too-deep",
    file,
    pointer,
    ...positionAt(computeLineStarts(text.slice(0, offset + 1)), offset),
    message: `JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
    hint: "move nested records into shared types under types/ and $ref them: each file counts its own depth",
  };
}

/** What the tolerant parser says about text that JSON.parse refused, with positions. */
function syntaxErrors(file: string, text: string): Diagnostic[] {
  const lineStarts = computeLineStarts(text);
  const errors: jsonc.ParseError[] = [];
  const tree = jsonc.parseTree(text, errors, PARSE_OPTIONS);
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<number>();
  for (const error of errors) {
    // One syntax slip often yields several parser errors at the same offset; the first explains it.
    if (reported.has(error.offset)) continue;
    reported.add(error.offset);
    diagnostics.push({
      code: "json-syntax",
      file,
      pointer: "",
      ...positionAt(lineStarts, error.offset),
      message: `invalid JSON: ${describeParseError(error.error)}`,
      hint: "fix the JSON syntax (no comments, no trailing commas)",
    });
  }
  if (diagnostics.length === 0) {
    diagnostics.push({ code: "json-syntax", file, pointer: "", message: tree === undefined ? "file is empty" : "invalid JSON" });
  }
  return diagnostics;
}

/** JSON.parse keeps the last of two equal keys silently; parsers disagree, so a duplicate is an error. */
function duplicateKeys(file: string, text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stack: Set<string>[] = [];
  let lineStarts: number[] | undefined;
  jsonc.visit(
    text,
    {
      onObjectBegin: () => {
        stack.push(new Set());
      },
      onObjectEnd: () => {
        stack.pop();
      },
      onObjectProperty: (property, offset, _length, _line, _character, pathSupplier) => {
        const keys = stack[stack.length - 1];
        if (keys === undefined) return;
        if (keys.has(property)) {
          lineStarts ??= computeLineStarts(text);
          out.push({
            code: "json-duplicate-key",
            file,
            pointer: joinPointer("", ...pathSupplier(), property),
            ...positionAt(lineStarts, offset),
            message: `duplicate key "${property}"`,
            hint: "JSON parsers disagree on which value wins; keep exactly one",
          });
        }
        keys.add(property);
      },
    },
    PARSE_OPTIONS,
  );
  return out;
}

function describeParseError(code: jsonc.ParseErrorCode): string {
  const name = jsonc.printParseErrorCode(code);
  const words: Record<string, string> = {
    InvalidSymbol: "unexpected character",
    InvalidNumberFormat: "invalid number",
    PropertyNameExpected: "expected a property name (trailing comma?)",
    ValueExpected: "expected a value (trailing comma or truncated file?)",
    ColonExpected: "expected ':'",
    CommaExpected: "expected ','",
    CloseBraceExpected: "expected '}' (truncated file?)",
    CloseBracketExpected: "expected ']' (truncated file?)",
    EndOfFileExpected: "unexpected content after the end of the document",
    InvalidCommentToken: "comments are not allowed in JSON",
    UnexpectedEndOfComment: "unterminated comment",
    UnexpectedEndOfString: "unterminated string",
    UnexpectedEndOfNumber: "unterminated number",
    InvalidUnicode: "invalid unicode escape",
    InvalidEscapeCharacter: "invalid escape character",
    InvalidCharacter: "invalid character in string",
  };
  return words[name] ?? name;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) starts.push(i + 1);
  }
  return starts;
}

export function positionAt(lineStarts: readonly number[], offset: number): Position {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
}

// Pointers are built and split for every node of every schema: segments without `~` or `/` (nearly
// all) skip the replaces, which were a large part of comparing big catalogs.

export function escapePointerSegment(segment: string | number): string {
  const s = String(segment);
  return s.includes("~") || s.includes("/") ? s.replace(/~/g, "~0").replace(/\//g, "~1") : s;
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => (s.includes("~") ? s.replace(/~1/g, "/").replace(/~0/g, "~") : s));
}

export function joinPointer(pointer: string, ...segments: (string | number)[]): string {
  let joined = pointer;
  for (const segment of segments) joined += `/${escapePointerSegment(segment)}`;
  return joined;
}

/**
 * Where a pointer's target starts. For an object member the key is reported, because that is the
 * keyword the author has to look at; a pointer that only partly resolves gives its deepest part.
 */
export function locate(source: JsonSource, pointer: string): Position | undefined {
  if (source.value === undefined) return undefined;
  return positionAt(source.lineStarts, pointerOffset(source.text, pointerSegments(pointer)));
}

/** A diagnostic about a place in a source, with its line:column filled in. */
export function diagnosticAt(source: JsonSource, pointer: string, code: ErrorCode, message: string, hint?: string): Diagnostic {
  const at = locate(source, pointer);
  return { code, file: source.file, pointer, ...at, message, ...(hint === undefined ? {} : { hint }) };
}

export function valueAt(value: unknown, pointer: string): unknown {
  let current = value;
  for (const segment of pointerSegments(pointer)) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
