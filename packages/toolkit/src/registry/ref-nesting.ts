import { joinPointer, MAX_JSON_DEPTH, valueAt } from "../load/json-source.js";

/**
 * A JSON Schema's subschemas as the compatibility check visits them, every `$ref` followed, are at most
 * this many: without a bound a few kilobytes of types that each use the next twice take 2^n steps, and
 * the server answers nothing else meanwhile. A schema without `$ref`s under the 1 MiB body limit stays below it.
 */
export const MAX_EXPANDED_SUBSCHEMAS = 200_000;

/** Values that are data, not subschemas: a `$ref` key inside them names nothing. */
const DATA_KEYWORDS = new Set(["const", "default", "enum", "examples"]);

/** The JSON pointer a `$ref` names, as the compatibility check reads it: the part after `#`, unescaped. */
function refTarget(ref: string): string | undefined {
  const hash = ref.indexOf("#");
  try {
    const pointer = hash < 0 ? "" : decodeURIComponent(ref.slice(hash + 1));
    return pointer === "" || pointer.startsWith("/") ? pointer : undefined;
  } catch {
    return undefined;
  }
}

interface Frame {
  readonly pointer: string;
  readonly children: string[];
  next: number;
  height: number;
  size: number;
}

/**
 * Why a JSON Schema is too deep or too large once its `$ref`s are followed, as the registry's
 * compatibility check follows them (a JSON pointer inside the schema; the file part is ignored, since
 * references to other schemas are not supported); undefined when it is neither. Text nesting alone
 * misses this: each `$ref` naming the next nests 64 levels with a flat `$defs`, and the check would
 * recurse until the stack overflows.
 *
 * Walks with an explicit stack. A `$ref` to a schema already on the path is recursion, which the check
 * cuts, so it adds nothing; each subschema's height and size are worked out once.
 */
export function refNestingProblem(document: unknown): string | undefined {
  const known = new Map<string, { height: number; size: number }>();
  const onPath = new Set<string>();
  const stack: Frame[] = [];
  const enter = (pointer: string): string | undefined => {
    const value = valueAt(document, pointer);
    const children: string[] = [];
    if (typeof value === "object" && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (typeof child === "object" && child !== null && !DATA_KEYWORDS.has(key)) children.push(joinPointer(pointer, key));
      }
      const ref = (value as Record<string, unknown>).$ref;
      if (typeof ref === "string" && !Array.isArray(value)) {
        const target = refTarget(ref);
        if (target === undefined || valueAt(document, target) === undefined)
          return `$ref "${ref}" at ${pointer || "/"} names nothing in this schema: the registry follows JSON pointers within the schema only (references to other schemas are not supported)`;
        children.push(target);
      }
    }
    onPath.add(pointer);
    stack.push({ pointer, children, next: 0, height: 1, size: 1 });
    if (stack.length > MAX_JSON_DEPTH)
      return `with its $refs followed, the schema nests deeper than ${MAX_JSON_DEPTH} levels (at ${pointer || "/"}); the registry holds schemas to the nesting limit canon lint applies to schema files`;
    return undefined;
  };
  const first = enter("");
  if (first !== undefined) return first;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const child = frame.children[frame.next++];
    if (child !== undefined) {
      if (onPath.has(child)) continue;
      const done = known.get(child);
      if (done === undefined) {
        const problem = enter(child);
        if (problem !== undefined) return problem;
        continue;
      }
      frame.height = Math.max(frame.height, done.height + 1);
      frame.size += done.size;
    } else {
      stack.pop();
      onPath.delete(frame.pointer);
      known.set(frame.pointer, { height: frame.height, size: frame.size });
      const parent = stack[stack.length - 1];
      if (parent !== undefined) {
        parent.height = Math.max(parent.height, frame.height + 1);
        parent.size += frame.size;
      }
    }
    const root = stack[0];
    if (root !== undefined && (root.height > MAX_JSON_DEPTH || root.size > MAX_EXPANDED_SUBSCHEMAS)) break;
  }
  const root = known.get("") ?? stack[0];
  if (root !== undefined && root.height > MAX_JSON_DEPTH)
    return `with its $refs followed, the schema nests deeper than ${MAX_JSON_DEPTH} levels; the registry holds schemas to the nesting limit canon lint applies to schema files`;
  if (root !== undefined && root.size > MAX_EXPANDED_SUBSCHEMAS)
    return `with its $refs followed, the schema has more than ${MAX_EXPANDED_SUBSCHEMAS.toLocaleString("en-US")} subschemas (types that use other types several times multiply); the compatibility check would visit each: define fewer levels of shared types`;
  return undefined;
}
