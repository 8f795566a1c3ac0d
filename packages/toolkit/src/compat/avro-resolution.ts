import { joinPointer } from "../json-source.js";
import type { Change, Place } from "./change.js";

type Json = Record<string, unknown>;
const PRIMITIVES = new Set(["null", "boolean", "int", "long", "float", "double", "bytes", "string"]);
/** Writer type -> reader types it may be read as (Avro specification, schema resolution). */
const PROMOTIONS: Record<string, string[]> = {
  int: ["long", "float", "double"],
  long: ["float", "double"],
  float: ["double"],
  string: ["bytes"],
  bytes: ["string"],
};

const KINDS: Record<string, { compatible: boolean; what: string; hint?: string }> = {
  AVRO_TYPE_PROMOTED: { compatible: true, what: "the writer's type is promoted to the reader's" },
  AVRO_TYPE_MISMATCH: { compatible: false, what: "the reader cannot read the writer's type", hint: "keep the type, or create v<N+1>" },
  AVRO_NAME_MISMATCH: {
    compatible: false,
    what: "named types differ in name",
    hint: "keep the name, or add the old name to the reader's aliases",
  },
  AVRO_FIELD_ADDED_WITH_DEFAULT: { compatible: true, what: "the reader has a new field with a default" },
  AVRO_FIELD_ADDED_WITHOUT_DEFAULT: {
    compatible: false,
    what: "the reader has a new field without a default",
    hint: "add a default (null for an optional field)",
  },
  AVRO_FIELD_REMOVED: { compatible: true, what: "the writer's field is skipped by the reader" },
  AVRO_FIELD_MATCHED_BY_ALIAS: { compatible: true, what: "the reader's field matches the writer's through an alias" },
  AVRO_ENUM_SYMBOL_MISSING: {
    compatible: false,
    what: "the writer's enum symbol is unknown to the reader",
    hint: "keep the symbol, or give the reader's enum a default",
  },
  AVRO_ENUM_SYMBOL_DEFAULTED: { compatible: true, what: "the writer's enum symbol is unknown to the reader, which uses its enum default" },
  AVRO_ENUM_SYMBOLS_ADDED: { compatible: true, what: "the reader's enum has more symbols" },
  AVRO_FIXED_SIZE_MISMATCH: { compatible: false, what: "fixed sizes differ" },
  AVRO_UNION_BRANCH_UNMATCHED: {
    compatible: false,
    what: "a writer union branch has no matching reader branch",
    hint: "keep that branch in the reader's union",
  },
  AVRO_READER_UNION_EXTENDED: { compatible: true, what: "the reader reads the writer's type through a union" },
};

export function avroKindIsCompatible(kind: string): boolean {
  const entry = KINDS[kind];
  if (entry === undefined) throw new Error(`unknown Avro change kind ${kind}`);
  return entry.compatible;
}

export function knownAvroKinds(): string[] {
  return Object.keys(KINDS).sort();
}

interface Named {
  readonly schema: Json;
  readonly pointer: string;
}

/** Full names of a schema's named types, as defined on first use, with the pointer of each definition. */
function namedTypes(schema: unknown): Map<string, Named> {
  const out = new Map<string, Named>();
  const walk = (node: unknown, pointer: string, namespace: string) => {
    if (Array.isArray(node)) {
      for (const [i, branch] of node.entries()) walk(branch, joinPointer(pointer, i), namespace);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const s = node as Json;
    let ns = namespace;
    if (typeof s.name === "string" && ["record", "enum", "fixed", "error"].includes(String(s.type))) {
      const full = fullName(s, namespace);
      ns = full.includes(".") ? full.slice(0, full.lastIndexOf(".")) : "";
      out.set(full, { schema: s, pointer });
    }
    if (Array.isArray(s.fields))
      for (const [i, f] of s.fields.entries()) walk((f as Json).type, joinPointer(pointer, "fields", i, "type"), ns);
    if (s.items !== undefined) walk(s.items, joinPointer(pointer, "items"), ns);
    if (s.values !== undefined) walk(s.values, joinPointer(pointer, "values"), ns);
    if (typeof s.type === "object") walk(s.type, joinPointer(pointer, "type"), ns);
  };
  walk(schema, "", "");
  return out;
}

function fullName(s: Json, namespace: string): string {
  const name = String(s.name);
  if (name.includes(".")) return name;
  const ns = typeof s.namespace === "string" ? s.namespace : namespace;
  return ns ? `${ns}.${name}` : name;
}

const shortName = (full: string) => full.slice(full.lastIndexOf(".") + 1);

/**
 * Explains, field by field, whether a reader schema can read data written with a writer schema
 * (Avro schema resolution). avsc's resolver only says yes or no; this says where and why.
 */
export class AvroResolution {
  private readonly writerNames: Map<string, Named>;
  private readonly readerNames: Map<string, Named>;
  /** Pairs of named types already resolved: a named type's differences are reported where it is defined. */
  private readonly resolved = new Set<string>();

  constructor(
    private readonly writer: unknown,
    private readonly reader: unknown,
    private readonly writerFile: string,
    private readonly readerFile: string,
  ) {
    this.writerNames = namedTypes(writer);
    this.readerNames = namedTypes(reader);
  }

  check(): Change[] {
    const out: Change[] = [];
    this.resolve(this.writer, this.reader, "", "", "", "", "", out);
    return out;
  }

  private change(out: Change[], kind: string, path: string, at: Place, detail?: string): void {
    const entry = KINDS[kind];
    if (entry === undefined) throw new Error(`unknown Avro change kind ${kind}`);
    out.push({
      kind,
      path,
      compatible: entry.compatible,
      message: `${entry.what}${detail ? `: ${detail}` : ""}`,
      rule: "Avro schema resolution",
      at,
      ...(entry.hint && !entry.compatible ? { hint: entry.hint } : {}),
    });
  }

  /** A schema with named references replaced by their definitions; the namespace it sits in. */
  private deref(schema: unknown, names: Map<string, Named>, namespace: string): { schema: unknown; namespace: string } {
    if (typeof schema === "string" && !PRIMITIVES.has(schema)) {
      const full = schema.includes(".") ? schema : namespace ? `${namespace}.${schema}` : schema;
      const found = names.get(full) ?? names.get(schema) ?? [...names.entries()].find(([k]) => shortName(k) === schema)?.[1];
      if (found === undefined) throw new Error(`unknown Avro named type ${schema}`);
      return { schema: found.schema, namespace };
    }
    if (typeof schema === "object" && schema !== null && !Array.isArray(schema) && PRIMITIVES.has(String((schema as Json).type))) {
      return { schema: (schema as Json).type, namespace };
    }
    return { schema, namespace };
  }

  private resolve(
    writerRaw: unknown,
    readerRaw: unknown,
    wPath: string,
    rPath: string,
    wNs: string,
    rNs: string,
    path: string,
    out: Change[],
  ): void {
    const w = this.deref(writerRaw, this.writerNames, wNs).schema;
    const r = this.deref(readerRaw, this.readerNames, rNs).schema;
    const readerAt: Place = { file: this.readerFile, pointer: rPath };
    if (Array.isArray(w)) {
      // Every branch the writer may have used must resolve against the reader.
      w.forEach((branch, i) => {
        const scratch: Change[] = [];
        this.resolve(branch, r, joinPointer(wPath, i), rPath, wNs, rNs, path, scratch);
        // A branch read through the reader's union is not news when the writer was a union already.
        const relevant = scratch.filter((c) => c.kind !== "AVRO_READER_UNION_EXTENDED");
        if (relevant.every((c) => c.compatible)) out.push(...relevant);
        else {
          this.change(out, "AVRO_UNION_BRANCH_UNMATCHED", path, readerAt, `writer branch ${typeLabel(branch)}`);
          out.push(...relevant.filter((c) => !c.compatible && c.kind !== "AVRO_TYPE_MISMATCH"));
        }
      });
      if (Array.isArray(r) && r.length > w.length)
        this.change(out, "AVRO_READER_UNION_EXTENDED", path, readerAt, `${typeLabel(w)} -> ${typeLabel(r)}`);
      return;
    }
    if (Array.isArray(r)) {
      // The first reader branch that matches the writer's type reads it.
      const index = r.findIndex((branch) => this.matches(w, this.deref(branch, this.readerNames, rNs).schema));
      if (index < 0)
        return void this.change(out, "AVRO_TYPE_MISMATCH", path, readerAt, `${typeLabel(w)} is not in the reader's union ${typeLabel(r)}`);
      this.change(out, "AVRO_READER_UNION_EXTENDED", path, readerAt, `${typeLabel(w)} -> ${typeLabel(r)}`);
      this.resolve(w, r[index], wPath, joinPointer(rPath, index), wNs, rNs, path, out);
      return;
    }
    if (typeof w === "string" || typeof r === "string") {
      if (w === r) return;
      if (typeof w === "string" && typeof r === "string" && PROMOTIONS[w]?.includes(r))
        return void this.change(out, "AVRO_TYPE_PROMOTED", path, readerAt, `${w} -> ${r}`);
      return void this.change(out, "AVRO_TYPE_MISMATCH", path, readerAt, `${typeLabel(w)} -> ${typeLabel(r)}`);
    }
    const ws = w as Json;
    const rs = r as Json;
    if (ws.type !== rs.type) return void this.change(out, "AVRO_TYPE_MISMATCH", path, readerAt, `${typeLabel(w)} -> ${typeLabel(r)}`);
    if (ws.type === "array" || ws.type === "map") {
      const inner = ws.type === "array" ? "items" : "values";
      this.resolve(ws[inner], rs[inner], joinPointer(wPath, inner), joinPointer(rPath, inner), wNs, rNs, joinPointer(path, inner), out);
      return;
    }
    const wFull = fullName(ws, wNs);
    const rFull = fullName(rs, rNs);
    const aliases = Array.isArray(rs.aliases) ? (rs.aliases as string[]) : [];
    if (shortName(wFull) !== shortName(rFull) && !aliases.some((a) => a === wFull || shortName(a) === shortName(wFull))) {
      return void this.change(out, "AVRO_NAME_MISMATCH", path, readerAt, `${wFull} -> ${rFull}`);
    }
    const key = `${wFull}|${rFull}`;
    if (this.resolved.has(key)) return;
    this.resolved.add(key);
    const namespaceOf = (full: string) => (full.includes(".") ? full.slice(0, full.lastIndexOf(".")) : "");
    if (ws.type === "enum") this.enums(ws, rs, path, readerAt, out);
    else if (ws.type === "fixed") {
      if (ws.size !== rs.size) this.change(out, "AVRO_FIXED_SIZE_MISMATCH", path, readerAt, `${String(ws.size)} -> ${String(rs.size)}`);
    } else this.records(ws, rs, wPath, rPath, namespaceOf(wFull), namespaceOf(rFull), path, out);
  }

  private enums(ws: Json, rs: Json, path: string, at: Place, out: Change[]): void {
    const writerSymbols = (ws.symbols as string[]) ?? [];
    const readerSymbols = (rs.symbols as string[]) ?? [];
    for (const symbol of writerSymbols.filter((s) => !readerSymbols.includes(s))) {
      this.change(
        out,
        rs.default === undefined ? "AVRO_ENUM_SYMBOL_MISSING" : "AVRO_ENUM_SYMBOL_DEFAULTED",
        joinPointer(path, "symbols"),
        at,
        symbol,
      );
    }
    const added = readerSymbols.filter((s) => !writerSymbols.includes(s));
    if (added.length > 0) this.change(out, "AVRO_ENUM_SYMBOLS_ADDED", joinPointer(path, "symbols"), at, added.join(", "));
  }

  private records(ws: Json, rs: Json, wPath: string, rPath: string, wNs: string, rNs: string, path: string, out: Change[]): void {
    const writerFields = (ws.fields as Json[]) ?? [];
    const readerFields = (rs.fields as Json[]) ?? [];
    const matched = new Set<number>();
    // Each writer field's first position by name: searching the list per reader field was quadratic,
    // 10 of the 12 s a 20,000-field record took to check (the registry server answers nothing meanwhile).
    const writerIndex = new Map<unknown, number>();
    writerFields.forEach((wf, wi) => {
      if (!writerIndex.has(wf.name)) writerIndex.set(wf.name, wi);
    });
    readerFields.forEach((field, ri) => {
      const aliases: unknown[] = Array.isArray(field.aliases) ? field.aliases : [];
      const byName = writerIndex.get(field.name);
      // Else the first writer field (in writer order) that one of the reader field's aliases names.
      const aliased = aliases.map((a) => writerIndex.get(a)).filter((i) => i !== undefined);
      const byAlias = byName === undefined && aliased.length > 0 ? Math.min(...aliased) : undefined;
      const index = byName ?? byAlias ?? -1;
      const fieldPath = joinPointer(path, "fields", String(field.name));
      const at = { file: this.readerFile, pointer: joinPointer(rPath, "fields", ri) };
      if (index < 0) {
        this.change(
          out,
          "default" in field ? "AVRO_FIELD_ADDED_WITH_DEFAULT" : "AVRO_FIELD_ADDED_WITHOUT_DEFAULT",
          fieldPath,
          at,
          String(field.name),
        );
        return;
      }
      matched.add(index);
      if (byAlias !== undefined)
        this.change(out, "AVRO_FIELD_MATCHED_BY_ALIAS", fieldPath, at, `${String(writerFields[index]?.name)} -> ${String(field.name)}`);
      this.resolve(
        writerFields[index]?.type,
        field.type,
        joinPointer(wPath, "fields", index, "type"),
        joinPointer(rPath, "fields", ri, "type"),
        wNs,
        rNs,
        fieldPath,
        out,
      );
    });
    writerFields.forEach((field, wi) => {
      if (matched.has(wi)) return;
      this.change(
        out,
        "AVRO_FIELD_REMOVED",
        joinPointer(path, "fields", String(field.name)),
        { file: this.writerFile, pointer: joinPointer(wPath, "fields", wi) },
        String(field.name),
      );
    });
  }

  /** Whether a reader union branch is the one that reads a writer type (same kind and name, or a promotion). */
  private matches(w: unknown, r: unknown): boolean {
    if (typeof w === "string" || typeof r === "string")
      return w === r || (typeof w === "string" && typeof r === "string" && (PROMOTIONS[w]?.includes(r) ?? false));
    if (Array.isArray(w) || Array.isArray(r)) return false;
    const ws = w as Json;
    const rs = r as Json;
    if (ws.type !== rs.type) return false;
    if (ws.type === "array" || ws.type === "map") return true;
    return (
      shortName(String(ws.name)) === shortName(String(rs.name)) ||
      (Array.isArray(rs.aliases) && rs.aliases.some((a) => shortName(String(a)) === shortName(String(ws.name))))
    );
  }
}

function typeLabel(schema: unknown): string {
  if (typeof schema === "string") return schema;
  if (Array.isArray(schema)) return `[${schema.map(typeLabel).join(", ")}]`;
  const s = schema as Json;
  return typeof s.name === "string" ? `${String(s.type)} ${s.name}` : String(s.type);
}
