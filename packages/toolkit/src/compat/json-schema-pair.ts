import { joinPointer, valueAt } from "../load/json-source.js";
import type { Policy } from "../load/modes.js";
import type { Change, Place } from "./change.js";
import type { Json } from "./json-schema-keywords.js";
import { judgedChange } from "./json-schema-kinds.js";

/** A schema node and where it lives, so that a change can point at the line that made it. */
export interface Node {
  readonly value: unknown;
  readonly place: Place;
}

/** What the keyword comparisons ask of the diff: to compare two subschemas, and whether NEW accepts all OLD does. */
export interface Comparer {
  readonly policy: Policy;
  compare(oldNode: Node, newNode: Node, at: string, out: Change[]): void;
  accepts(oldNode: Node, newNode: Node): boolean;
}

/** The node under a keyword path of another node. */
export function child(node: Node, ...segments: (string | number)[]): Node {
  return {
    value: valueAt(node.value, joinPointer("", ...segments)),
    place: { file: node.place.file, pointer: joinPointer(node.place.pointer, ...segments) },
  };
}

/**
 * Two resolved object schemas under comparison: OLD and NEW with their nodes, the path through the
 * compared schema (`at`), and the list their changes go to. Each keyword's comparison takes one.
 */
export class Pair {
  readonly o: Json;
  readonly n: Json;

  constructor(
    private readonly comparer: Comparer,
    readonly oldNode: Node,
    readonly newNode: Node,
    readonly at: string,
    readonly out: Change[],
  ) {
    this.o = oldNode.value as Json;
    this.n = newNode.value as Json;
  }

  /** The path of a keyword below the compared schemas. */
  path(...segments: (string | number)[]): string {
    return joinPointer(this.at, ...segments);
  }

  oldChild(...segments: (string | number)[]): Node {
    return child(this.oldNode, ...segments);
  }

  newChild(...segments: (string | number)[]): Node {
    return child(this.newNode, ...segments);
  }

  /** Where a keyword's change points: the keyword in NEW, or in OLD when NEW has none (a removal). */
  keywordPlace(keyword: string): Place {
    const { place } = keyword in this.n ? this.newNode : this.oldNode;
    return { file: place.file, pointer: joinPointer(place.pointer, keyword) };
  }

  change(kind: string, path: string, place: Place, detail?: string): void {
    this.out.push(judgedChange(kind, this.comparer.policy, path, place, detail));
  }

  compare(oldNode: Node, newNode: Node, at: string, out: Change[] = this.out): void {
    this.comparer.compare(oldNode, newNode, at, out);
  }

  accepts(oldNode: Node, newNode: Node): boolean {
    return this.comparer.accepts(oldNode, newNode);
  }

  /**
   * Whether a partial model's schema covers a property or item (NEW accepts what OLD did); the
   * differences found on the way are reported too, as Confluent does, so under LENIENT an uncovered
   * property is still refused when its schema changed in a way LENIENT does not accept.
   */
  covers(oldNode: Node, newNode: Node, at: string): boolean {
    const scratch: Change[] = [];
    this.compare(oldNode, newNode, at, scratch);
    this.out.push(...scratch);
    return scratch.every((c) => c.compatible);
  }
}
