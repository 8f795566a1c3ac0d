// The keywords compared as values: metadata, type, the limits, multipleOf, pattern and format, enum and
// const, uniqueItems. None of them has a subschema.
import { LIMITS, METADATA, typeSet } from "./json-schema-keywords.js";
import type { Pair } from "./json-schema-pair.js";

export function metadataChanges(p: Pair): void {
  const { o, n } = p;
  for (const key of new Set([...Object.keys(o), ...Object.keys(n)])) {
    const kind = METADATA[key] ?? (key.startsWith("x-") ? "EXTENSION_CHANGED" : undefined);
    if (kind === undefined || JSON.stringify(o[key]) === JSON.stringify(n[key])) continue;
    p.change(kind, p.path(key), p.keywordPlace(key));
  }
}

/** Every keyword of this file but the metadata, in the order their changes are reported. */
export function valueChanges(p: Pair): void {
  typeChanges(p);
  for (const [keyword, base] of LIMITS) numberChange(p, keyword, base, (o, n) => `${base}_${n > o ? "INCREASED" : "DECREASED"}`);
  const divides = (a: number, b: number) => Math.abs(b / a - Math.round(b / a)) < 1e-12;
  numberChange(p, "multipleOf", "MULTIPLE_OF", (o, n) =>
    divides(n, o) ? "MULTIPLE_OF_REDUCED" : divides(o, n) ? "MULTIPLE_OF_EXPANDED" : "MULTIPLE_OF_CHANGED",
  );
  presenceChange(p, "pattern", "PATTERN");
  presenceChange(p, "format", "FORMAT");
  enumChanges(p);
  const { o, n } = p;
  if (o.uniqueItems !== true && n.uniqueItems === true)
    p.change("UNIQUE_ITEMS_ADDED", p.path("uniqueItems"), p.keywordPlace("uniqueItems"));
  if (o.uniqueItems === true && n.uniqueItems !== true)
    p.change("UNIQUE_ITEMS_REMOVED", p.path("uniqueItems"), p.keywordPlace("uniqueItems"));
}

function typeChanges(p: Pair): void {
  const { o, n } = p;
  const oldTypes = typeSet(o);
  const newTypes = typeSet(n);
  if (oldTypes === undefined && newTypes === undefined) return;
  // A side without `type` but with alternatives is judged by the combinator rules instead.
  const combined = (s: typeof o) => ["anyOf", "oneOf", "allOf"].some((k) => Array.isArray(s[k]));
  if ((oldTypes === undefined && combined(o)) || (newTypes === undefined && combined(n))) return;
  const where = p.path("type");
  const place = p.keywordPlace("type");
  if (newTypes === undefined) return void p.change("TYPE_EXTENDED", where, place, "any type is allowed now");
  if (oldTypes === undefined) return void p.change("TYPE_NARROWED", where, place, `only ${[...newTypes].join(", ")} now`);
  const covered = (types: Set<string>, t: string) => types.has(t) || (t === "integer" && types.has("number"));
  const widened = [...oldTypes].every((t) => covered(newTypes, t));
  const narrowed = [...newTypes].every((t) => covered(oldTypes, t));
  const detail = `${[...oldTypes].join("|")} -> ${[...newTypes].join("|")}`;
  if (widened && narrowed) return;
  if (widened) p.change("TYPE_EXTENDED", where, place, detail);
  else if (narrowed) p.change("TYPE_NARROWED", where, place, detail);
  else p.change("TYPE_CHANGED", where, place, detail);
}

/** A numeric keyword (a limit, multipleOf) added, removed, or changed to the kind `changed` names. */
function numberChange(p: Pair, keyword: string, base: string, changed: (o: number, n: number) => string): void {
  const o = p.o[keyword];
  const n = p.n[keyword];
  if (o === n) return;
  const at = p.path(keyword);
  const place = p.keywordPlace(keyword);
  if (typeof o !== "number") return void (typeof n === "number" && p.change(`${base}_ADDED`, at, place, `${n}`));
  if (typeof n !== "number") return void p.change(`${base}_REMOVED`, at, place, `was ${o}`);
  p.change(changed(o, n), at, place, `${o} -> ${n}`);
}

/** pattern and format: added, removed or changed, never judged by their content. */
function presenceChange(p: Pair, keyword: string, base: string): void {
  const o = p.o[keyword];
  const n = p.n[keyword];
  if (o === n) return;
  const at = p.path(keyword);
  const place = p.keywordPlace(keyword);
  if (o === undefined) p.change(`${base}_ADDED`, at, place, JSON.stringify(n));
  else if (n === undefined) p.change(`${base}_REMOVED`, at, place, `was ${JSON.stringify(o)}`);
  else p.change(`${base}_CHANGED`, at, place, `${JSON.stringify(o)} -> ${JSON.stringify(n)}`);
}

/** enum and const alike: a const is an enum of one value. */
function enumChanges(p: Pair): void {
  const { o, n } = p;
  const at = p.path("enum");
  const place = p.keywordPlace("enum" in n ? "enum" : "const");
  const values = (s: typeof o) => (Array.isArray(s.enum) ? s.enum : "const" in s ? [s.const] : undefined);
  const oldValues = values(o)?.map((v) => JSON.stringify(v));
  const newValues = values(n)?.map((v) => JSON.stringify(v));
  if (oldValues === undefined && newValues === undefined) return;
  if (newValues === undefined) return void p.change("ENUM_ARRAY_EXTENDED", at, place, "any value is allowed now");
  if (oldValues === undefined) return void p.change("ENUM_ARRAY_NARROWED", at, place, `only ${newValues.join(", ")} now`);
  const added = newValues.filter((v) => !oldValues.includes(v));
  const removed = oldValues.filter((v) => !newValues.includes(v));
  if (removed.length === 0 && added.length > 0) p.change("ENUM_ARRAY_EXTENDED", at, place, `added ${added.join(", ")}`);
  else if (removed.length > 0 && added.length === 0) p.change("ENUM_ARRAY_NARROWED", at, place, `removed ${removed.join(", ")}`);
  else if (removed.length > 0) p.change("ENUM_ARRAY_CHANGED", at, place, `removed ${removed.join(", ")}, added ${added.join(", ")}`);
}
