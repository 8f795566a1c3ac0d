// Array schemas: the schema for every item, tuple items kept, added and removed (judged by the content
// model), extra items, contains and unevaluatedItems.
import { arrayView, coverageChange, itemCover, itemsOpen, keywordOpennessChange, opennessChange } from "./json-schema-content-models.js";
import { isEmptySchema } from "./json-schema-keywords.js";
import type { Pair } from "./json-schema-pair.js";

export function arrayChanges(p: Pair): void {
  const { o, n } = p;
  const ov = arrayView(o);
  const nv = arrayView(n);
  if (ov.all || nv.all) {
    if (!ov.all) p.change("SCHEMA_ADDED", p.path("items"), p.newChild("items").place);
    else if (!nv.all) p.change("SCHEMA_REMOVED", p.path("items"), p.newNode.place);
    else p.compare(p.oldChild("items"), p.newChild("items"), p.path("items"));
  }
  for (let i = 0; i < Math.min(ov.tuple.length, nv.tuple.length); i++) {
    p.compare(p.oldChild(ov.tupleKey, i), p.newChild(nv.tupleKey, i), p.path(nv.tupleKey, i));
  }
  // As for properties: an added item is judged by the OLD model, a removed one by the NEW.
  for (let i = ov.tuple.length; i < nv.tuple.length; i++) {
    const added = p.newChild(nv.tupleKey, i);
    const where = p.path(nv.tupleKey, i);
    const cover = itemCover(ov, p.oldNode);
    if (itemsOpen(ov)) {
      const kind = isEmptySchema(nv.tuple[i]) ? "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL" : "ITEM_ADDED_TO_OPEN_CONTENT_MODEL";
      p.change(kind, where, added.place);
    } else if (cover === undefined) p.change("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", where, added.place);
    else coverageChange(p, "ITEM", "ADDED", cover, added, where);
  }
  for (let i = nv.tuple.length; i < ov.tuple.length; i++) {
    const removed = p.oldChild(ov.tupleKey, i);
    const where = p.path(ov.tupleKey, i);
    const cover = itemCover(nv, p.newNode);
    if (itemsOpen(nv)) p.change("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", where, removed.place);
    else if (cover === undefined) {
      const kind = ov.tuple[i] === false ? "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL" : "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL";
      p.change(kind, where, removed.place);
    } else coverageChange(p, "ITEM", "REMOVED", removed, cover, where);
  }
  // Extra items are compared whether or not there is a tuple, as Confluent does.
  if (ov.additional !== undefined || nv.additional !== undefined) {
    const place = nv.additional !== undefined ? p.newChild(nv.additionalKey).place : p.newNode.place;
    const oldChild = p.oldChild(ov.additionalKey);
    const newChild = p.newChild(nv.additionalKey);
    opennessChange(p, ov.additional, nv.additional, oldChild, newChild, "ADDITIONAL_ITEMS", p.path(nv.additionalKey), place);
  }
  if (o.contains !== undefined && n.contains !== undefined) p.compare(p.oldChild("contains"), p.newChild("contains"), p.path("contains"));
  keywordOpennessChange(p, "unevaluatedItems", "UNEVALUATED_ITEMS");
}
