// How open an object or array schema is to names and items it does not declare (Confluent's content
// models), and the change when that openness itself changes.
import type { Place } from "./change.js";
import { isEmptySchema, isObject, type Json } from "./json-schema-keywords.js";
import { child, type Node, type Pair } from "./json-schema-pair.js";

/**
 * OPEN: additionalProperties absent or true, no patternProperties, unevaluatedProperties absent or
 * empty. CLOSED: additionalProperties false (or unevaluatedProperties false in its place), no
 * patternProperties. PARTIALLY OPEN: otherwise; which names it covers, `coveringSchema` says.
 */
export function contentModel(s: Json): "open" | "closed" | "partial" {
  const patterns = isObject(s.patternProperties) && Object.keys(s.patternProperties).length > 0;
  if (patterns || isObject(s.additionalProperties)) return "partial";
  if (s.additionalProperties === false) return "closed";
  const rest = s.unevaluatedProperties;
  if (rest === undefined || isEmptySchema(rest)) return "open";
  return rest === false ? "closed" : "partial";
}

/**
 * The schema a model that is not open applies to an undeclared property name, as Confluent finds
 * it: the first patternProperties entry whose pattern occurs in the name, else an additionalProperties
 * schema, else (additionalProperties absent) an unevaluatedProperties schema; undefined when none does.
 */
export function coveringSchema(s: Json, node: Node, name: string): Node | undefined {
  if (isObject(s.patternProperties)) {
    for (const pattern of Object.keys(s.patternProperties))
      if (new RegExp(pattern, "u").test(name)) return child(node, "patternProperties", pattern);
  }
  if (isObject(s.additionalProperties)) return child(node, "additionalProperties");
  const rest = s.unevaluatedProperties;
  if (s.additionalProperties !== false && isObject(rest) && !isEmptySchema(rest)) return child(node, "unevaluatedProperties");
  return undefined;
}

/**
 * An array schema's items as Confluent's model has them: one schema for every item (`all`), tuple
 * items, and what applies to items after the tuple. Draft-07 writes these `items` (a schema or an
 * array) and `additionalItems`; 2020-12 writes `items` (a schema), `prefixItems` and `items` after
 * them. A boolean `items` allows or forbids the extra items.
 */
export interface ArrayView {
  readonly all: boolean;
  readonly tuple: readonly unknown[];
  readonly tupleKey: string;
  readonly additional: unknown;
  readonly additionalKey: string;
  readonly unevaluated: unknown;
}

export function arrayView(s: Json): ArrayView {
  const unevaluated = s.unevaluatedItems;
  if (Array.isArray(s.prefixItems))
    return { all: false, tuple: s.prefixItems, tupleKey: "prefixItems", additional: s.items, additionalKey: "items", unevaluated };
  if (Array.isArray(s.items))
    return { all: false, tuple: s.items, tupleKey: "items", additional: s.additionalItems, additionalKey: "additionalItems", unevaluated };
  if (typeof s.items === "boolean")
    return { all: false, tuple: [], tupleKey: "prefixItems", additional: s.items, additionalKey: "items", unevaluated };
  return {
    all: s.items !== undefined,
    tuple: [],
    tupleKey: "prefixItems",
    additional: s.additionalItems,
    additionalKey: "additionalItems",
    unevaluated,
  };
}

/** OPEN: extra items allowed with no schema, and unevaluatedItems absent or empty. */
export function itemsOpen(view: ArrayView): boolean {
  return view.additional !== false && !isObject(view.additional) && (view.unevaluated === undefined || isEmptySchema(view.unevaluated));
}

/** The schema extra items must match in a model that is not open; undefined when it is closed. */
export function itemCover(view: ArrayView, node: Node): Node | undefined {
  if (isObject(view.additional)) return child(node, view.additionalKey);
  if (view.additional !== false && isObject(view.unevaluated) && !isEmptySchema(view.unevaluated)) return child(node, "unevaluatedItems");
  return undefined;
}

/**
 * A property or tuple item added (judged by OLD's model) or removed (judged by NEW's) where a partial
 * model's schema applies to it: covered when NEW accepts what OLD did. Points at the side that has it.
 */
export function coverageChange(
  p: Pair,
  what: "PROPERTY" | "ITEM",
  how: "ADDED" | "REMOVED",
  oldNode: Node,
  newNode: Node,
  where: string,
  detail?: string,
): void {
  const covered = p.covers(oldNode, newNode, where);
  const place = (how === "ADDED" ? newNode : oldNode).place;
  p.change(`${what}_${how}_${covered ? "IS" : "NOT"}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL`, where, place, detail);
}

/** additionalProperties-like keywords: absent/true (open), false (closed), or a schema. */
export function opennessChange(
  p: Pair,
  before: unknown,
  after: unknown,
  oldChild: Node,
  newChild: Node,
  base: string,
  where: string,
  place: Place,
): void {
  const state = (v: unknown) => (v === undefined || v === true ? "open" : v === false ? "closed" : "schema");
  const from = state(before);
  const to = state(after);
  if (from === to && from !== "schema") return;
  if (from === "closed") return void p.change(`${base}_ADDED`, where, place);
  if (to === "closed") return void p.change(`${base}_REMOVED`, where, place);
  if (from === "open") return void p.change(`${base}_NARROWED`, where, place);
  if (to === "open") return void p.change(`${base}_EXTENDED`, where, place);
  p.compare(oldChild, newChild, where);
}

/** opennessChange for a keyword of the pair itself (additionalProperties, unevaluatedProperties, unevaluatedItems). */
export function keywordOpennessChange(p: Pair, keyword: string, base: string): void {
  const { o, n } = p;
  // Absent on both sides (the usual case) is no change; the child nodes cost more than the check.
  if (o[keyword] === undefined && n[keyword] === undefined) return;
  const place = keyword in n ? p.newChild(keyword).place : p.newNode.place;
  opennessChange(p, o[keyword], n[keyword], p.oldChild(keyword), p.newChild(keyword), base, p.path(keyword), place);
}
