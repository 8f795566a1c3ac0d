// anyOf, oneOf, allOf and not: a plain schema turned into a combined one and back, both sides combined
// (subschemas matched one to one), and the excluded schema.
import { joinPointer, pointerSegments } from "../load/json-source.js";
import type { Change } from "./change.js";
import { type Criterion, criterionOf, distinct, withoutMetadata } from "./json-schema-keywords.js";
import type { Node, Pair } from "./json-schema-pair.js";
import { maximumMatching } from "./matching.js";

export function combinatorChanges(p: Pair): void {
  const { o, n } = p;
  const oc = criterionOf(o);
  const nc = criterionOf(n);
  if (oc === undefined && nc !== undefined) intoCombined(p, nc, n[nc] as unknown[]);
  else if (oc !== undefined && nc === undefined) outOfCombined(p, oc, o[oc] as unknown[]);
  else if (oc !== undefined && nc !== undefined) bothCombined(p, oc, nc);
  if ("not" in o || "not" in n) {
    const where = p.path("not");
    if (!("not" in n)) p.change("NOT_TYPE_NARROWED", where, p.oldNode.place, "not was removed");
    else if (!("not" in o)) p.change("NOT_TYPE_EXTENDED", where, p.newChild("not").place, "not was added");
    else if (JSON.stringify(o.not) !== JSON.stringify(n.not)) {
      // NEW excludes less when its `not` accepts only what OLD's did: compare the other way round.
      const narrowed = p.accepts(p.newChild("not"), p.oldChild("not"));
      p.change(narrowed ? "NOT_TYPE_NARROWED" : "NOT_TYPE_EXTENDED", where, p.newChild("not").place);
    }
  }
}

/** A plain schema turned into a combined one (Confluent: a singleton is its one subschema; a sum needs one branch that accepts all). */
function intoCombined(p: Pair, criterion: Criterion, branches: unknown[]): void {
  const plain: Node = { value: withoutMetadata(p.o), place: p.oldNode.place };
  const where = p.path(criterion);
  if (branches.length === 1) return void p.compare(plain, p.newChild(criterion, 0), p.path(criterion, 0));
  if (criterion === "allOf") return void p.change("PRODUCT_TYPE_EXTENDED", where, p.newChild(criterion).place);
  const ok = branches.some((_, i) => p.accepts(plain, p.newChild(criterion, i)));
  p.change(ok ? "SUM_TYPE_EXTENDED" : "COMBINED_TYPE_SUBSCHEMAS_CHANGED", where, p.newChild(criterion).place);
}

/**
 * A combined schema turned into a plain one. A singleton is its one subschema; an allOf is narrowed
 * when one conjunct alone is accepted (Confluent's rule); a sum type is merged when every branch is.
 */
function outOfCombined(p: Pair, criterion: Criterion, branches: unknown[]): void {
  const plain: Node = { value: withoutMetadata(p.n), place: p.newNode.place };
  const where = p.path(criterion);
  if (branches.length === 1) return void p.compare(p.oldChild(criterion, 0), plain, p.at);
  if (criterion === "allOf") {
    const ok = branches.some((_, i) => p.accepts(p.oldChild(criterion, i), plain));
    return void p.change(ok ? "PRODUCT_TYPE_NARROWED" : "COMBINED_TYPE_SUBSCHEMAS_CHANGED", where, p.newNode.place);
  }
  const ok = branches.every((_, i) => p.accepts(p.oldChild(criterion, i), plain));
  p.change(ok ? "COMBINED_TYPE_EXTENDED" : "SUM_TYPE_NARROWED", where, p.newNode.place);
}

/**
 * Both sides combined (Confluent's CombinedSchemaDiff): the criterion may change only where that
 * widens (to anyOf; between singletons; a singleton to oneOf; allOf to a singleton); duplicate
 * subschemas count once; more or fewer subschemas is a sum or product type extended or narrowed;
 * and the smaller side's subschemas must all be matched, one to one, with compatible ones.
 */
function bothCombined(p: Pair, oc: Criterion, nc: Criterion): void {
  const oldBranches = p.o[oc] as unknown[];
  const newBranches = p.n[nc] as unknown[];
  const where = p.path(nc);
  const place = p.newChild(nc).place;
  if (oc !== nc) {
    const widens =
      nc === "anyOf" ||
      (oldBranches.length === 1 && newBranches.length === 1) ||
      (oldBranches.length === 1 && nc === "oneOf") ||
      (newBranches.length === 1 && oc === "allOf");
    if (!widens) return void p.change("COMBINED_TYPE_CHANGED", where, place, `${oc} -> ${nc}`);
    p.change("COMBINED_TYPE_EXTENDED", where, place, `${oc} -> ${nc}`);
  }
  const oldKids = distinct(oldBranches).map((i) => p.oldChild(oc, i));
  const newKids = distinct(newBranches).map((i) => p.newChild(nc, i));
  if (oldKids.length < newKids.length) p.change(nc === "allOf" ? "PRODUCT_TYPE_EXTENDED" : "SUM_TYPE_EXTENDED", where, place);
  else if (oldKids.length > newKids.length) p.change(oc === "allOf" ? "PRODUCT_TYPE_NARROWED" : "SUM_TYPE_NARROWED", where, place);
  const matched = maximumMatching(oldKids.length, newKids.length, (l, r) => p.accepts(oldKids[l] as Node, newKids[r] as Node));
  const kidAt = (node: Node) => joinPointer(where, pointerSegments(node.place.pointer).at(-1) ?? "");
  matched.forEach((r, l) => {
    if (r >= 0) p.compare(oldKids[l] as Node, newKids[r] as Node, kidAt(newKids[r] as Node));
  });
  const pairs = matched.filter((r) => r >= 0).length;
  if (pairs >= Math.min(oldKids.length, newKids.length)) return;
  // Say why: an unmatched old subschema is compared with the unmatched new one in its place, if any.
  const taken = new Set(matched);
  const unmatched = matched.flatMap((r, l) => (r < 0 ? [l] : []));
  let unexplained = 0;
  for (const l of unmatched) {
    const r = l < newKids.length && !taken.has(l) ? l : -1;
    const scratch: Change[] = [];
    if (r >= 0) p.compare(oldKids[l] as Node, newKids[r] as Node, kidAt(newKids[r] as Node), scratch);
    if (scratch.some((c) => !c.compatible)) p.out.push(...scratch);
    else unexplained++;
  }
  if (unexplained > 0)
    p.change("COMBINED_TYPE_SUBSCHEMAS_CHANGED", where, place, `${unexplained} old subschema(s) match no compatible new one`);
}
