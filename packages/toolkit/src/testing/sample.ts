import RandExp from "randexp";
import { type Constraints, type Model, namedType, type RecordType, type TypeNode } from "../load/model.js";

/** A seeded generator (mulberry32): the same seed gives the same instances on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Words that stress encodings: non-ASCII, astral-plane characters, quotes, empty.
const WORDS = [
  "",
  "a",
  "exam",
  "Grüße",
  "日本語",
  "emoji 🎓",
  'quote " and \\ backslash',
  "line\nbreak",
  "course-v1:edX+DemoX+Demo_Course",
];

/**
 * A random value of a record that satisfies its schema: formats, patterns and bounds included.
 * Optional fields are sometimes left out, so instances also exercise defaults.
 */
export function sampleRecord(model: Model, record: RecordType, random: () => number, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of record.fields) {
    if (!field.required && random() < 0.3) continue;
    out[field.name] = sampleType(model, field.type, random, depth + 1);
  }
  return out;
}

function sampleType(model: Model, type: TypeNode, random: () => number, depth: number): unknown {
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  // Recursive types stop growing: deep levels get empty collections and nulls.
  const deep = depth > 6;
  switch (type.kind) {
    case "string":
      return sampleString(type.constraints, int);
    case "integer": {
      const c = type.constraints;
      const low = Math.max(c.minimum ?? -(2 ** 52), c.exclusiveMinimum === undefined ? -Infinity : Math.floor(c.exclusiveMinimum) + 1);
      const high = Math.min(c.maximum ?? 2 ** 52, c.exclusiveMaximum === undefined ? Infinity : Math.ceil(c.exclusiveMaximum) - 1);
      const pick = random();
      if (pick < 0.2) return Math.max(low, Math.min(high, 0));
      if (pick < 0.5) return int(Math.max(low, -1000), Math.min(high, 1000));
      return int(low, high);
    }
    case "number": {
      const c = type.constraints;
      const low = c.minimum ?? c.exclusiveMinimum ?? -1e9;
      const high = c.maximum ?? c.exclusiveMaximum ?? 1e9;
      const value = random() < 0.2 ? Math.max(low, Math.min(high, 0)) : low + random() * (high - low);
      // Exclusive bounds: a value on the bound moves to the middle of the range.
      const onBound = value === c.exclusiveMinimum || value === c.exclusiveMaximum;
      return onBound ? (low + high) / 2 : value;
    }
    case "boolean":
      return random() < 0.5;
    case "nullable":
      return deep || random() < 0.4 ? null : sampleType(model, type.inner, random, depth);
    case "array": {
      const min = type.constraints.minItems ?? 0;
      const length = deep ? min : int(min, Math.max(min, Math.min(type.constraints.maxItems ?? 3, 3)));
      return Array.from({ length }, () => sampleType(model, type.items, random, depth + 1));
    }
    case "map": {
      const length = deep ? 0 : int(0, 3);
      return Object.fromEntries(
        Array.from({ length }, (_, i) => [
          `key_${i}_${WORDS[int(0, WORDS.length - 1)]}`,
          sampleType(model, type.values, random, depth + 1),
        ]),
      );
    }
    case "ref": {
      const named = namedType(model, type.name);
      if (named.kind === "alias") return sampleType(model, named.target, random, depth);
      if (named.kind === "enum") return named.symbols[int(0, named.symbols.length - 1)];
      return sampleRecord(model, named, random, depth);
    }
  }
}

function sampleString(constraints: Constraints, int: (low: number, high: number) => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[int(0, 15)]).join("");
  switch (constraints.format) {
    case "date-time":
      return new Date(Date.UTC(2020, 0, 1) + int(0, 2 ** 31) * 1000).toISOString().replace(".000Z", "Z");
    case "date":
      return new Date(Date.UTC(2020, 0, 1) + int(0, 4000) * 86_400_000).toISOString().slice(0, 10);
    case "uuid":
      return `${hex(8)}-${hex(4)}-4${hex(3)}-${"89ab"[int(0, 3)]}${hex(3)}-${hex(12)}`;
    case "email":
      return `user${int(0, 99999)}@example.com`;
    case "uri":
      return `https://example.com/${hex(6)}`;
    default:
      break;
  }
  if (constraints.pattern !== undefined) {
    const generator = new RandExp(constraints.pattern);
    generator.max = 4;
    generator.randInt = int;
    // randexp knows nothing of minLength/maxLength: draw again until the length fits too.
    const fits = (text: string) =>
      [...text].length >= (constraints.minLength ?? 0) && [...text].length <= (constraints.maxLength ?? Infinity);
    let text = generator.gen();
    for (let attempt = 0; attempt < 50 && !fits(text); attempt++) text = generator.gen();
    return text;
  }
  const word = WORDS[int(0, WORDS.length - 1)] ?? "";
  const min = constraints.minLength ?? 0;
  const max = constraints.maxLength ?? Number.POSITIVE_INFINITY;
  const padded = [...word].length < min ? word + "x".repeat(min - [...word].length) : word;
  return [...padded].slice(0, max).join("");
}
