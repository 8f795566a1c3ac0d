import { seededRandom } from "./sample.js";

type Json = Record<string, unknown>;

/** Two versions of one Avro schema, and the edits that made the new one from the old. */
export interface AvroPair {
  readonly old: unknown;
  readonly new: unknown;
  readonly edits: readonly string[];
}

const PRIMITIVES = ["boolean", "int", "long", "float", "double", "bytes", "string"] as const;
// A few short names in a few namespaces, so that names meet across namespaces as they do in real schemas.
const SHORT_NAMES = ["Leaf", "Inner", "Item", "Kind", "Md5", "Other", "Point"];
const NAMESPACES = ["", "a", "b", "com.acme"];
const SYMBOLS = ["A", "B", "C", "D", "E", "Z"];
// Writer type -> reader types it is promoted to, and the reverse (demotions) that are not.
const PROMOTE: Record<string, string[]> = {
  int: ["long", "float", "double"],
  long: ["float", "double", "int"],
  float: ["double", "int"],
  double: ["float", "long"],
  string: ["bytes"],
  bytes: ["string"],
  boolean: ["int", "string"],
};

/**
 * How often the sampler draws what the Avro specification and Avro Java decide differently (listed
 * with their counts in docs/compatibility-avro-java.md): rare in real schemas, and rare here.
 */
const RARE = {
  /** A reference from inside a namespace to a type in the null namespace. */
  nullNamespaceReference: 0.003,
  /** A field default that is not one of its enum's symbols, or a fixed default of the wrong size. */
  wrongBytesOrSymbolDefault: 0.002,
  /** After removing an enum symbol or resizing a fixed, a field default left as it was. */
  staleDefault: 0.02,
  /** Of the edits that add an alias naming another writer field. */
  aliasNamingAnotherField: 0.006,
  /** Of the edits that change a decimal's precision or scale. */
  decimalChange: 0.015,
};

/**
 * Seeded random pairs of Avro schemas for differential testing against other Avro implementations:
 * records (nested, recursive), defaults of every type (union defaults of any branch, record defaults
 * that leave fields out), promotions and demotions, enums (symbols, enum defaults), fixed, arrays,
 * maps, unions, aliases and namespaces (short names shared across namespaces, references from other
 * namespaces), and decimal and other logical types; then one to three edits of the kinds schema
 * authors make. Mostly valid schemas, with some invalid defaults on purpose. Same seed, same pairs.
 */
export function sampleAvroPairs(seed: number, count: number): AvroPair[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => new PairSampler(random).pair());
}

class PairSampler {
  /** Full names defined so far in the schema being built, in order of definition. */
  private readonly defined: { full: string; namespace: string; kind: string; node: Json }[] = [];
  /** Records whose fields are being built: a reference to one of them is recursion, made only on purpose. */
  private readonly open = new Set<Json>();

  constructor(private readonly random: () => number) {}

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private int(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low + 1));
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  pair(): AvroPair {
    const namespace = this.pick(NAMESPACES);
    const old = this.record(0, namespace, "Root");
    const next = structuredClone(old);
    // Edits make values (defaults) of the new schema's types: its own definitions from now on.
    this.defined.splice(0, this.defined.length, ...definitions(next));
    const edits: string[] = [];
    const wanted = this.int(1, 3);
    for (let attempt = 0; edits.length < wanted && attempt < 12; attempt++) {
      const edit = this.edit(next);
      if (edit !== undefined) edits.push(edit);
    }
    // Now and then the edited schema is the old one: BACKWARD checks go both ways in real use.
    return this.chance(0.2) ? { old: next, new: old, edits: edits.map((e) => `reverse ${e}`) } : { old, new: next, edits };
  }

  // --- schemas --------------------------------------------------------------------------------

  private name(namespace: string, short?: string): { name: string; namespace?: string; full: string } {
    for (;;) {
      const base = short ?? this.pick(SHORT_NAMES);
      const own = this.chance(0.25) ? this.pick(NAMESPACES) : namespace;
      const suffix = this.chance(0.5) ? "" : String(this.int(1, 3));
      const full = own ? `${own}.${base}${suffix}` : `${base}${suffix}`;
      if (this.defined.some((d) => d.full === full)) {
        short = undefined;
        continue;
      }
      // The namespace is written as an attribute, or inside a dotted name, or inherited.
      if (own === namespace) return { name: `${base}${suffix}`, full };
      if (own === "") return { name: `${base}${suffix}`, namespace: "", full };
      return this.chance(0.5) ? { name: full, full } : { name: `${base}${suffix}`, namespace: own, full };
    }
  }

  private define(kind: string, namespace: string, short?: string): { node: Json; inner: string } {
    const { name, namespace: written, full } = this.name(namespace, short);
    const node: Json = { type: kind, name, ...(written === undefined ? {} : { namespace: written }) };
    const inner = full.includes(".") ? full.slice(0, full.lastIndexOf(".")) : "";
    this.defined.push({ full, namespace: inner, kind, node });
    if (this.chance(0.1)) node.aliases = [this.chance(0.5) ? `Old${full.slice(full.lastIndexOf(".") + 1)}` : `legacy.Old${this.int(1, 9)}`];
    return { node, inner };
  }

  private record(depth: number, namespace: string, short?: string): Json {
    const { node, inner } = this.define("record", namespace, short);
    const fields: Json[] = [];
    node.fields = fields;
    const count = this.int(1, depth === 0 ? 6 : 4);
    this.open.add(node);
    for (let i = 0; i < count; i++) fields.push(this.field(`f${i}`, depth, inner, node));
    this.open.delete(node);
    return node;
  }

  private field(name: string, depth: number, namespace: string, owner: Json): Json {
    const type = this.type(depth + 1, namespace, owner);
    const field: Json = { name, type };
    if (this.chance(0.05)) field.aliases = [`old_${name}`];
    if (this.chance(0.45)) field.default = this.value(type, namespace, 0, true);
    return field;
  }

  /** A schema in `namespace`, inside the record `owner` (which recursive references may name). */
  private type(depth: number, namespace: string, owner: Json): unknown {
    const roll = this.random();
    if (roll < 0.4 || depth > 3) return this.primitive();
    if (roll < 0.46) return this.logical();
    if (roll < 0.53) return this.enumType(namespace);
    if (roll < 0.57) return this.fixed(namespace);
    if (roll < 0.64) return { type: "array", items: this.type(depth + 1, namespace, owner) };
    if (roll < 0.69) return { type: "map", values: this.type(depth + 1, namespace, owner) };
    if (roll < 0.83) return this.union(depth, namespace, owner);
    if (roll < 0.9) return this.record(depth, namespace);
    const closed = this.defined.filter((d) => !this.open.has(d.node));
    if (roll < 0.97 && closed.length > 0) return this.reference(closed, namespace);
    // Recursion: the enclosing record, through a nullable branch or a collection.
    const self = this.referenceTo(owner, namespace);
    return this.chance(0.6) ? ["null", self] : { type: this.pick(["array", "map"]), [this.chance(0.5) ? "items" : "values"]: self };
  }

  private primitive(): unknown {
    const type = this.pick(PRIMITIVES);
    return this.chance(0.1) ? { type } : type;
  }

  private logical(): unknown {
    const roll = this.random();
    if (roll < 0.4) {
      const precision = this.int(1, 12);
      return { type: "bytes", logicalType: "decimal", precision, scale: this.int(0, precision) };
    }
    if (roll < 0.55) {
      const size = this.int(2, 8);
      const { node } = this.define("fixed", "", "Dec");
      Object.assign(node, { size, logicalType: "decimal", precision: this.int(1, 2 * size), scale: this.int(0, 2) });
      return node;
    }
    return this.pick([
      { type: "int", logicalType: "date" },
      { type: "long", logicalType: "timestamp-millis" },
      { type: "long", logicalType: "timestamp-micros" },
      { type: "string", logicalType: "uuid" },
    ]);
  }

  private enumType(namespace: string): Json {
    const { node } = this.define("enum", namespace);
    node.symbols = SYMBOLS.slice(0, this.int(1, 4));
    if (this.chance(0.3)) node.default = this.pick(node.symbols as string[]);
    return node;
  }

  private fixed(namespace: string): Json {
    const { node } = this.define("fixed", namespace, this.chance(0.5) ? "Md5" : undefined);
    node.size = this.pick([2, 4, 12, 16]);
    return node;
  }

  private union(depth: number, namespace: string, owner: Json): unknown[] {
    if (this.chance(0.6)) return ["null", this.nonUnion(depth, namespace, owner)];
    const branches: unknown[] = [];
    const seen = new Set<string>();
    for (let i = 0, n = this.int(2, 4); i < n; i++) {
      const branch = this.chance(0.3) ? "null" : this.nonUnion(depth, namespace, owner);
      const key = branchKey(branch, namespace);
      if (seen.has(key)) continue;
      seen.add(key);
      branches.push(branch);
    }
    return branches;
  }

  private nonUnion(depth: number, namespace: string, owner: Json): unknown {
    for (;;) {
      const type = this.type(depth + 1, namespace, owner);
      if (!Array.isArray(type)) return type;
    }
  }

  /**
   * A name that refers to a type defined earlier: short in its own namespace, full elsewhere. A type
   * in the null namespace has no name that reaches it from another namespace (Avro Java looks there
   * anyway), so those references are rare.
   */
  private reference(candidates: typeof this.defined, namespace: string): string {
    const reachable = candidates.filter((d) => d.namespace !== "" || namespace === "");
    const target = this.pick(reachable.length > 0 && !this.chance(RARE.nullNamespaceReference) ? reachable : candidates);
    const short = target.full.slice(target.full.lastIndexOf(".") + 1);
    return target.namespace === namespace ? short : target.full;
  }

  private referenceTo(node: Json, namespace: string): string {
    const target = this.defined.find((d) => d.node === node);
    if (target === undefined) return "null";
    return target.namespace === namespace ? target.full.slice(target.full.lastIndexOf(".") + 1) : target.full;
  }

  // --- values (defaults) ----------------------------------------------------------------------

  /** A value of `type` as a default; `top` is a field's own default, where a few are wrong on purpose. */
  private value(type: unknown, namespace: string, depth: number, top: boolean): unknown {
    if (depth > 8) return null;
    const node = this.resolve(type, namespace);
    if (top && this.chance(0.015)) return wrongValue(node);
    if (Array.isArray(node)) {
      // Any branch: the specification says the first that matches; older ones said the first branch.
      const branch = this.chance(0.7) || depth > 2 ? node[0] : this.pick(node);
      return this.value(branch, namespace, depth + 1, false);
    }
    if (typeof node === "string") return this.primitiveValue(node);
    if (typeof node !== "object" || node === null) return null;
    const s = node as Json;
    const inner =
      typeof s.namespace === "string"
        ? s.namespace
        : typeof s.name === "string" && s.name.includes(".")
          ? s.name.slice(0, s.name.lastIndexOf("."))
          : namespace;
    switch (s.type) {
      case "record": {
        const out: Json = {};
        for (const f of (s.fields as Json[] | undefined) ?? []) {
          // A field with a default of its own may be left out of the record's default.
          if ("default" in f && this.chance(0.3)) continue;
          out[String(f.name)] = depth > 2 ? this.shallow(f.type, inner, depth + 1) : this.value(f.type, inner, depth + 1, false);
        }
        return out;
      }
      case "enum":
        // Now and then a name that is not a symbol: Avro Java takes any string.
        return top && this.chance(RARE.wrongBytesOrSymbolDefault) ? "NOT_A_SYMBOL" : this.pick(s.symbols as string[]);
      case "fixed":
        return top && this.chance(RARE.wrongBytesOrSymbolDefault) ? "short" : latin1(Number(s.size), this.random);
      case "array":
        return depth > 2 ? [] : Array.from({ length: this.int(0, 2) }, () => this.value(s.items, namespace, depth + 1, false));
      case "map":
        return depth > 2
          ? {}
          : Object.fromEntries(
              Array.from({ length: this.int(0, 2) }, (_, i) => [`k${i}`, this.value(s.values, namespace, depth + 1, false)]),
            );
      default:
        return this.primitiveValue(String(s.type));
    }
  }

  /** A default that ends recursion: null where a union allows it, else the smallest value. */
  private shallow(type: unknown, namespace: string, depth: number): unknown {
    const node = this.resolve(type, namespace);
    if (Array.isArray(node) && node.includes("null")) return null;
    return this.value(Array.isArray(node) ? node[0] : node, namespace, depth, false);
  }

  private primitiveValue(type: string): unknown {
    switch (type) {
      case "null":
        return null;
      case "boolean":
        return this.chance(0.5);
      case "int":
        return this.pick([0, 1, -7, 99, 2147483647]);
      case "long":
        return this.pick([0, 5, -1, 4294967296]);
      case "float":
      case "double":
        return this.pick([0, 1.5, -2.25, 10]);
      case "bytes":
        return latin1(this.int(0, 3), this.random);
      case "string":
        return this.pick(["", "x", "Grüße"]);
      default:
        return null;
    }
  }

  /** The definition a name refers to (the sampler's own names), or the schema itself. */
  private resolve(type: unknown, namespace: string): unknown {
    if (typeof type !== "string" || PRIMITIVES.includes(type as never) || type === "null") return type;
    const full = type.includes(".") ? type : namespace ? `${namespace}.${type}` : type;
    return (this.defined.find((d) => d.full === full) ?? this.defined.find((d) => d.full === type))?.node ?? "null";
  }

  // --- edits ----------------------------------------------------------------------------------

  /** New defaults for the fields whose values may hold a `target` that an edit changed. */
  private refreshDefaults(root: Json, target: Json): void {
    for (const record of collect(root, (n) => n.type === "record" || n.type === "error")) {
      const namespace = namespaceOf(root, record);
      for (const f of record.fields as Json[])
        if ("default" in f && this.holds(f.type, target, namespace, new Set())) f.default = this.value(f.type, namespace, 0, false);
    }
  }

  private holds(type: unknown, target: Json, namespace: string, seen: Set<unknown>): boolean {
    const node = this.resolve(type, namespace);
    if (node === target) return true;
    if (seen.has(node) || typeof node !== "object" || node === null) return false;
    seen.add(node);
    if (Array.isArray(node)) return node.some((b) => this.holds(b, target, namespace, seen));
    const s = node as Json;
    const inner = namespaceOf(s, s) || namespace;
    if (Array.isArray(s.fields)) return (s.fields as Json[]).some((f) => this.holds(f.type, target, inner, seen));
    return ["items", "values"].some((k) => k in s && this.holds(s[k], target, namespace, seen));
  }

  /** One edit of the schema in place; undefined when the chosen edit does not apply to it. */
  private edit(root: Json): string | undefined {
    const records = collect(root, (n) => n.type === "record" || n.type === "error");
    const record = this.pick(records);
    const fields = record.fields as Json[];
    const field = fields.length > 0 ? this.pick(fields) : undefined;
    const namespace = namespaceOf(root, record);
    switch (this.int(0, 15)) {
      case 0: {
        const added: Json = { name: `n${this.int(0, 99)}`, type: this.type(2, namespace, record) };
        if (fields.some((f) => f.name === added.name)) return undefined;
        if (this.chance(0.65)) added.default = this.value(added.type, namespace, 0, true);
        fields.push(added);
        return "field added";
      }
      case 1: {
        if (field === undefined || definesNames(field.type)) return undefined;
        fields.splice(fields.indexOf(field), 1);
        return "field removed";
      }
      case 2: {
        if (field === undefined) return undefined;
        const renamed = `${String(field.name)}_v2`;
        if (this.chance(0.7)) field.aliases = [String(field.name)];
        field.name = renamed;
        return field.aliases ? "field renamed with alias" : "field renamed";
      }
      case 3:
      case 4: {
        if (field === undefined || typeof field.type !== "string") return undefined;
        const to = PROMOTE[field.type];
        if (to === undefined) return undefined;
        const from = field.type;
        field.type = this.pick(to);
        if ("default" in field) field.default = this.value(field.type, namespace, 0, true);
        return `field type ${from} -> ${String(field.type)}`;
      }
      case 5: {
        if (field === undefined || Array.isArray(field.type)) return undefined;
        field.type = ["null", field.type];
        field.default = null;
        return "field made nullable";
      }
      case 6: {
        const union = this.pick(collectUnions(root));
        if (union === undefined || union.length < 2) return undefined;
        const index = this.int(0, union.length - 1);
        // A branch that defines a type stays: later references need the definition.
        if (definesNames(union[index])) return undefined;
        union.splice(index, 1);
        return "union branch removed";
      }
      case 7: {
        const union = this.pick(collectUnions(root));
        if (union === undefined) return undefined;
        const branch = this.chance(0.5) ? this.pick([...PRIMITIVES, "null"]) : this.nonUnion(2, namespace, record);
        if (union.some((b) => branchKey(b, namespace) === branchKey(branch, namespace))) return undefined;
        union.splice(this.int(0, union.length), 0, branch);
        return "union branch added";
      }
      case 8: {
        const enums = collect(root, (n) => n.type === "enum");
        if (enums.length === 0) return undefined;
        const e = this.pick(enums);
        const symbols = e.symbols as string[];
        if (this.chance(0.5)) {
          const symbol = SYMBOLS.find((s) => !symbols.includes(s));
          if (symbol === undefined) return undefined;
          symbols.push(symbol);
          return "enum symbol added";
        }
        if (symbols.length < 2) return undefined;
        const removed = symbols.splice(this.int(0, symbols.length - 1), 1)[0];
        if (e.default === removed) delete e.default;
        if (!this.chance(RARE.staleDefault)) this.refreshDefaults(root, e);
        if (this.chance(0.3)) e.default = symbols[0];
        return e.default === undefined ? "enum symbol removed" : "enum symbol removed, enum default";
      }
      case 9:
      case 10: {
        const named = collect(root, (n) => ["record", "enum", "fixed"].includes(String(n.type)) && n !== root);
        if (named.length === 0) return undefined;
        const target = this.pick(named);
        if (isReferenced(root, target)) return undefined;
        const old = String(target.name);
        const short = old.slice(old.lastIndexOf(".") + 1);
        // A record that names other types by short names keeps its namespace: they would mean other types.
        const roll = target.type === "record" && hasShortReferences(target) ? this.random() * 0.35 : this.random();
        if (roll < 0.35) {
          target.name = `${short}X`;
          target.aliases = [short];
          return "named type renamed, alias relative";
        }
        if (roll < 0.6) {
          const own = namespaceOf(root, target);
          target.name = `b.${short}X`;
          target.aliases = [this.chance(0.5) ? short : own ? `${own}.${short}` : short];
          return "named type moved to namespace b, alias";
        }
        if (roll < 0.8) {
          target.name = `${short}X`;
          return "named type renamed";
        }
        target.namespace = this.pick(["a", "b", ""]);
        return "named type namespace changed";
      }
      case 11: {
        const fixed = collect(root, (n) => n.type === "fixed");
        if (fixed.length === 0) return undefined;
        const f = this.pick(fixed);
        const before = Number(f.size);
        f.size = Math.max(1, before + this.pick([-1, 1, 4]));
        if (!this.chance(RARE.staleDefault)) this.refreshDefaults(root, f);
        return "fixed size changed";
      }
      case 12: {
        const decimals = collect(root, (n) => n.logicalType === "decimal");
        if (decimals.length === 0 || !this.chance(RARE.decimalChange)) return undefined;
        const d = this.pick(decimals);
        d.precision = Number(d.precision) + this.int(1, 5);
        if (this.chance(0.5)) d.scale = Number(d.scale) + this.int(1, 3);
        return "decimal precision or scale changed";
      }
      case 13: {
        if (field === undefined) return undefined;
        if ("default" in field && this.chance(0.5)) {
          delete field.default;
          return "field default removed";
        }
        field.default = this.value(field.type, namespace, 0, true);
        return "field default set";
      }
      case 14: {
        // A reader field whose alias names another writer field: rare in practice, and Avro Java refuses it.
        if (fields.length < 2 || field === undefined || !this.chance(RARE.aliasNamingAnotherField)) return undefined;
        const other = fields.find((f) => f !== field) as Json;
        field.aliases = [String(other.name)];
        return "field alias naming another field";
      }
      default: {
        const arrays = collect(root, (n) => (n.type === "array" || n.type === "map") && typeof (n.items ?? n.values) === "string");
        if (arrays.length === 0) return undefined;
        const a = this.pick(arrays);
        const key = a.type === "array" ? "items" : "values";
        const to = PROMOTE[String(a[key])];
        if (to === undefined) return undefined;
        a[key] = this.pick(to);
        return `${String(a.type)} ${key} changed`;
      }
    }
  }
}

/** A default that no Avro implementation takes for the type (not a string for string-like ones, which Java does not look into). */
function wrongValue(type: unknown): unknown {
  if (Array.isArray(type)) return [{ __: true }];
  const kind = typeof type === "string" ? type : String((type as Json).type);
  if (["int", "long", "float", "double"].includes(kind)) return "x";
  return kind === "boolean" ? 1.5 : true;
}

/** `size` characters of code points 0-255: how Avro writes bytes and fixed defaults. */
function latin1(size: number, random: () => number): string {
  return Array.from({ length: size }, () => String.fromCharCode(Math.floor(random() * 256))).join("");
}

/** What makes two union branches the same in Avro's eyes: the type, or the full name of a named type. */
function branchKey(branch: unknown, namespace: string): string {
  if (typeof branch === "string")
    return branch.includes(".") || PRIMITIVES.includes(branch as never) || branch === "null" ? branch : `${namespace}.${branch}`;
  const s = branch as Json;
  if (typeof s.name === "string") {
    const ns = typeof s.namespace === "string" ? s.namespace : namespace;
    return s.name.includes(".") || !ns ? s.name : `${ns}.${s.name}`;
  }
  return String(s.type);
}

/** Every object under `node` (the schema's definitions and inline types) that passes `test`. */
function collect(node: unknown, test: (n: Json) => boolean, out: Json[] = []): Json[] {
  if (Array.isArray(node)) for (const n of node) collect(n, test, out);
  else if (typeof node === "object" && node !== null) {
    const s = node as Json;
    if (typeof s.type === "string" && test(s)) out.push(s);
    for (const [key, value] of Object.entries(s)) if (key !== "default") collect(value, test, out);
  }
  return out;
}

function collectUnions(node: unknown, out: unknown[][] = []): unknown[][] {
  if (Array.isArray(node)) {
    out.push(node);
    for (const n of node) collectUnions(n, out);
  } else if (typeof node === "object" && node !== null) {
    for (const [key, value] of Object.entries(node as Json)) {
      if (key === "default" || key === "symbols" || key === "aliases") continue;
      if (key === "fields") for (const f of value as Json[]) collectUnions(f.type, out);
      else collectUnions(value, out);
    }
  }
  return out;
}

/** The named types a schema defines, with their full names and the namespaces inside them. */
function definitions(root: Json): { full: string; namespace: string; kind: string; node: Json }[] {
  const out: { full: string; namespace: string; kind: string; node: Json }[] = [];
  const walk = (node: unknown, namespace: string): void => {
    if (Array.isArray(node)) for (const n of node) walk(n, namespace);
    if (typeof node !== "object" || node === null || Array.isArray(node)) return;
    const s = node as Json;
    let ns = namespace;
    if (typeof s.name === "string" && ["record", "enum", "fixed", "error"].includes(String(s.type))) {
      const dot = s.name.lastIndexOf(".");
      ns = dot >= 0 ? s.name.slice(0, dot) : typeof s.namespace === "string" ? s.namespace : namespace;
      const short = s.name.slice(dot + 1);
      out.push({ full: ns ? `${ns}.${short}` : short, namespace: ns, kind: String(s.type), node: s });
    }
    for (const key of ["type", "items", "values"]) if (key in s) walk(s[key], ns);
    if (Array.isArray(s.fields)) for (const f of s.fields as Json[]) walk(f.type, ns);
  };
  walk(root, "");
  return out;
}

/** Whether a record's fields refer to a named type by a name without a dot. */
function hasShortReferences(record: Json): boolean {
  const names = (node: unknown): boolean => {
    if (typeof node === "string") return !node.includes(".") && node !== "null" && !PRIMITIVES.includes(node as never);
    if (Array.isArray(node)) return node.some(names);
    if (typeof node !== "object" || node === null) return false;
    const s = node as Json;
    if (Array.isArray(s.fields)) return (s.fields as Json[]).some((f) => names(f.type));
    return ["items", "values"].some((k) => k in s && names(s[k]));
  };
  return names(record);
}

function definesNames(type: unknown): boolean {
  return collect(type, (n) => ["record", "enum", "fixed", "error"].includes(String(n.type))).length > 0;
}

/** Whether any name reference (a string type other than a primitive) could mean `target`. */
function isReferenced(root: Json, target: Json): boolean {
  const short = String(target.name).slice(String(target.name).lastIndexOf(".") + 1);
  let found = false;
  const walk = (node: unknown, typePosition: boolean): void => {
    if (typeof node === "string") {
      if (typePosition && (node === short || node.endsWith(`.${short}`))) found = true;
      return;
    }
    if (Array.isArray(node)) for (const n of node) walk(n, typePosition);
    else if (typeof node === "object" && node !== null) {
      const s = node as Json;
      for (const key of ["type", "items", "values"]) if (key in s) walk(s[key], true);
      if (Array.isArray(s.fields)) for (const f of s.fields as Json[]) walk(f.type, true);
    }
  };
  walk(root, true);
  return found;
}

/** The namespace a definition inside `root` sits in (its own, or inherited from its enclosing ones). */
function namespaceOf(root: Json, target: Json): string {
  let result = "";
  const walk = (node: unknown, namespace: string): boolean => {
    if (Array.isArray(node)) return node.some((n) => walk(n, namespace));
    if (typeof node !== "object" || node === null) return false;
    const s = node as Json;
    let ns = namespace;
    if (typeof s.name === "string" && ["record", "enum", "fixed", "error"].includes(String(s.type))) {
      ns = s.name.includes(".") ? s.name.slice(0, s.name.lastIndexOf(".")) : typeof s.namespace === "string" ? s.namespace : namespace;
    }
    if (s === target) {
      result = ns;
      return true;
    }
    for (const key of ["type", "items", "values"]) if (key in s && walk(s[key], ns)) return true;
    return Array.isArray(s.fields) && (s.fields as Json[]).some((f) => walk(f.type, ns));
  };
  walk(root, "");
  return result;
}
