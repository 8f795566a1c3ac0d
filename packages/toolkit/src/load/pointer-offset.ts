// Character codes of the JSON text's structure.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Where the value at a JSON pointer (its decoded `segments`) starts in a valid JSON text, one that
 * JSON.parse accepted without repeated keys; for an object member, where its key starts. A pointer
 * that only partly resolves gives its deepest part's offset. The text is scanned from the start,
 * skipping the members and items before each one asked for: reports ask for a few positions per
 * file, and a syntax tree of the whole file (one node per value) cost far more than such a scan.
 */
export function pointerOffset(text: string, segments: readonly string[]): number {
  let at = skipSpace(text, 0);
  let offset = at;
  for (const segment of segments) {
    const c = text.charCodeAt(at);
    // An array index is read as Number() reads it ("" is 0, "1e1" is 10), as locating always has.
    const found = c === OPEN_BRACE ? memberOf(text, at, segment) : c === OPEN_BRACKET ? itemOf(text, at, Number(segment)) : undefined;
    if (found === undefined) break;
    [offset, at] = found;
  }
  return offset;
}

/** The offsets of the key and the value of the member named `name` of the object opened at `open`. */
function memberOf(text: string, open: number, name: string): [number, number] | undefined {
  let at = skipSpace(text, open + 1);
  if (text.charCodeAt(at) === CLOSE_BRACE) return undefined;
  for (;;) {
    const key = at;
    const keyEnd = stringEnd(text, key);
    at = skipSpace(text, keyEnd);
    if (text.charCodeAt(at) !== COLON) return undefined;
    const value = skipSpace(text, at + 1);
    if (keyName(text, key, keyEnd) === name) return [key, value];
    at = skipSpace(text, valueEnd(text, value));
    if (text.charCodeAt(at) !== COMMA) return undefined;
    at = skipSpace(text, at + 1);
  }
}

/** The offset of item `index` of the array opened at `open`, twice (an item has no key). */
function itemOf(text: string, open: number, index: number): [number, number] | undefined {
  if (!Number.isInteger(index) || index < 0) return undefined;
  let at = skipSpace(text, open + 1);
  if (text.charCodeAt(at) === CLOSE_BRACKET) return undefined;
  for (let i = 0; ; i++) {
    if (i === index) return [at, at];
    at = skipSpace(text, valueEnd(text, at));
    if (text.charCodeAt(at) !== COMMA) return undefined;
    at = skipSpace(text, at + 1);
  }
}

/** A key as JSON.parse reads it: escapes (rare in keys) are decoded by JSON.parse itself. */
function keyName(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes("\\") ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/**
 * The offset just after the string whose opening quote is at `quote`. The scan never runs past the
 * end of the text: whatever text it is given, every loop ends.
 */
function stringEnd(text: string, quote: number): number {
  let close = text.indexOf('"', quote + 1);
  // A quote is escaped when an odd number of backslashes precede it.
  for (;;) {
    if (close === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return close + 1;
    close = text.indexOf('"', close + 1);
  }
}

/** The offset just after the value that starts at `start`; nesting is counted, not recursed into. */
function valueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringEnd(text, start);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null ends where the structure resumes.
    let at = start;
    while (at < text.length && !isDelimiter(text.charCodeAt(at))) at++;
    return at;
  }
  let depth = 0;
  for (let at = start; at < text.length; at++) {
    const c = text.charCodeAt(at);
    if (c === QUOTE) at = stringEnd(text, at) - 1;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return at + 1;
  }
  return text.length;
}

function isDelimiter(c: number): boolean {
  return c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c);
}

/** JSON's whitespace only: the text is valid JSON, so nothing else separates its tokens. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(text: string, from: number): number {
  let at = from;
  while (isSpace(text.charCodeAt(at))) at++;
  return at;
}
