import path from "node:path";
import { valueAt } from "../load/json-source.js";
import type { Policy } from "../load/modes.js";
import type { Change } from "./change.js";
import { arrayChanges } from "./json-schema-arrays.js";
import { combinatorChanges } from "./json-schema-combinators.js";
import { ASSERTIONS, isObject } from "./json-schema-keywords.js";
import { judgedChange } from "./json-schema-kinds.js";
import { objectChanges } from "./json-schema-objects.js";
import { type Comparer, type Node, Pair } from "./json-schema-pair.js";
import { metadataChanges, valueChanges } from "./json-schema-scalars.js";

/** Reads a file of the compared version by the path shown to users; undefined when it does not exist. */
export type ReadFile = (file: string) => unknown;

/**
 * Classifies every difference between OLD and NEW as Confluent does, with its BACKWARD verdict
 * under the policy (json-schema-kinds.ts). Callers get FORWARD by swapping the arguments.
 */
export class JsonSchemaDiff implements Comparer {
  private readonly active = new Set<string>();
  private readonly verdicts = new Map<string, boolean>();

  /**
   * `settled` names files that are equal in both versions, as is every file their `$ref`s reach:
   * the same place in one of them holds the same schema on both sides, so it is not walked.
   */
  constructor(
    private readonly readOld: ReadFile,
    private readonly readNew: ReadFile,
    readonly policy: Policy,
    private readonly settled: (file: string) => boolean = () => false,
  ) {}

  diff(oldNode: Node, newNode: Node): Change[] {
    const out: Change[] = [];
    this.compare(oldNode, newNode, "", out);
    return out;
  }

  /** True when NEW accepts every document OLD accepts (no incompatible change), memoised. */
  accepts(oldNode: Node, newNode: Node): boolean {
    const key = `${oldNode.place.file}#${oldNode.place.pointer}|${newNode.place.file}#${newNode.place.pointer}`;
    const known = this.verdicts.get(key);
    if (known !== undefined) return known;
    const scratch: Change[] = [];
    this.compare(oldNode, newNode, "", scratch);
    const verdict = scratch.every((c) => c.compatible);
    this.verdicts.set(key, verdict);
    return verdict;
  }

  compare(oldRaw: Node, newRaw: Node, at: string, out: Change[]): void {
    if (this.unchanged(oldRaw, newRaw)) return;
    const oldNode = this.resolve(oldRaw, this.readOld);
    const newNode = this.resolve(newRaw, this.readNew);
    const key = `${oldNode.place.file}#${oldNode.place.pointer}|${newNode.place.file}#${newNode.place.pointer}`;
    // A recursive schema meets the same pair of definitions again below itself; it adds nothing new.
    if (this.active.has(key)) return;
    this.active.add(key);
    try {
      this.compareResolved(oldNode, newNode, at, out);
    } finally {
      this.active.delete(key);
    }
  }

  /** Follows `$ref`s (relative files and internal pointers) to the schema they name. */
  private resolve(node: Node, read: ReadFile, seen = new Set<string>()): Node {
    const value = node.value;
    if (!isObject(value) || typeof value.$ref !== "string") return node;
    const key = `${node.place.file}#${node.place.pointer}`;
    if (seen.has(key)) return node;
    seen.add(key);
    const [file = "", fragment = ""] = value.$ref.split("#", 2);
    const targetFile = file === "" ? node.place.file : path.posix.normalize(path.posix.join(path.posix.dirname(node.place.file), file));
    const document = read(targetFile);
    const pointer = decodeURIComponent(fragment);
    const target = valueAt(document, pointer);
    if (target === undefined) throw new Error(`${node.place.file}${node.place.pointer}: cannot resolve $ref "${value.$ref}"`);
    // Keywords beside $ref (2020-12 allows them) apply too; the catalog uses them only for descriptions.
    const siblings = Object.fromEntries(Object.entries(value).filter(([k]) => k !== "$ref"));
    const merged = isObject(target) ? { ...target, ...siblings } : target;
    return this.resolve({ value: merged, place: { file: targetFile, pointer } }, read, seen);
  }

  private unchanged(oldNode: Node, newNode: Node): boolean {
    const { file, pointer } = newNode.place;
    if (oldNode.place.file !== file || oldNode.place.pointer !== pointer || !this.settled(file)) return false;
    // A child of a $ref merged with the keywords beside it may hold what the file does not.
    return valueAt(this.readOld(file), pointer) === oldNode.value && valueAt(this.readNew(file), pointer) === newNode.value;
  }

  private compareResolved(oldNode: Node, newNode: Node, at: string, out: Change[]): void {
    const o = oldNode.value;
    const n = newNode.value;
    const whole = (kind: string) => out.push(judgedChange(kind, this.policy, at, newNode.place));
    if (o === false) {
      if (n !== false) whole("FALSE_SCHEMA_CHANGED");
      return;
    }
    const oldAny = o === true || (isObject(o) && ![...Object.keys(o)].some((k) => ASSERTIONS.has(k)));
    const newAny = n === true || (isObject(n) && ![...Object.keys(n)].some((k) => ASSERTIONS.has(k)));
    if (newAny) {
      if (!oldAny) whole("SCHEMA_REMOVED");
      if (isObject(o) && isObject(n)) metadataChanges(new Pair(this, oldNode, newNode, at, out));
      return;
    }
    if (oldAny || n === false) {
      // From "anything" to something: that is the whole change; its details add nothing.
      whole("SCHEMA_ADDED");
      return;
    }
    if (!isObject(o) || !isObject(n)) return;
    const p = new Pair(this, oldNode, newNode, at, out);
    metadataChanges(p);
    combinatorChanges(p);
    valueChanges(p);
    objectChanges(p);
    arrayChanges(p);
  }
}
