import { joinPointer } from "../load/json-source.js";
import {
  type AvroType,
  type Decimal,
  type EnumType,
  type FixedType,
  label,
  type NamedType,
  parseAvroSchema,
  type RecordType,
} from "./avro-schema.js";
import type { Change, Place } from "./change.js";

/** Writer type -> reader types it may be read as (Avro specification, schema resolution). */
const PROMOTIONS: Record<string, readonly string[]> = {
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
    hint: "keep the name, or add the old full name to the reader's aliases",
  },
  AVRO_FIELD_ADDED_WITH_DEFAULT: { compatible: true, what: "the reader has a new field with a default" },
  AVRO_FIELD_ADDED_WITHOUT_DEFAULT: {
    compatible: false,
    what: "the reader has a new field without a default",
    hint: "add a default (null for an optional field)",
  },
  AVRO_FIELD_REMOVED: { compatible: true, what: "the writer's field is skipped by the reader" },
  AVRO_FIELD_MATCHED_BY_ALIAS: { compatible: true, what: "the reader's field matches the writer's through an alias" },
  AVRO_FIELD_MATCH_AMBIGUOUS: {
    compatible: true,
    what: "the reader field's name and aliases match more than one writer field; the first by name, then alias order, is read (Avro Java refuses such a pair)",
  },
  AVRO_ENUM_SYMBOL_MISSING: {
    compatible: false,
    what: "the writer's enum symbol is unknown to the reader",
    hint: "keep the symbol, or give the reader's enum a default",
  },
  AVRO_ENUM_SYMBOL_DEFAULTED: { compatible: true, what: "the writer's enum symbol is unknown to the reader, which uses its enum default" },
  AVRO_ENUM_SYMBOLS_ADDED: { compatible: true, what: "the reader's enum has more symbols" },
  AVRO_FIXED_SIZE_MISMATCH: { compatible: false, what: "fixed sizes differ" },
  AVRO_DECIMAL_MISMATCH: {
    compatible: false,
    what: "decimal precision or scale differ, so every value would be read at the reader's scale",
    hint: "keep the precision and scale, or create v<N+1> (Confluent's registry accepts this change: Avro Java does not check logical types)",
  },
  AVRO_UNION_BRANCH_UNMATCHED: {
    compatible: false,
    what: "a writer union branch has no matching reader branch",
    hint: "keep that branch in the reader's union",
  },
  AVRO_READER_UNION_EXTENDED: { compatible: true, what: "the reader reads the writer's type through a union" },
  AVRO_READER_UNION_BRANCHES_SHARE_NAME: {
    compatible: true,
    what: "more than one branch of the reader's union has the writer type's name; the first is read, as the specification says (Avro Java reads any that resolves)",
  },
};

/**
 * Explains, field by field, whether a reader schema can read data written with a writer schema
 * (Avro schema resolution, as the specification says). Both schemas come parsed (parseAvroSchema),
 * so every name means the type it was resolved to where it is written.
 */
export class AvroResolution {
  /** Pairs of named types already resolved: a named type's differences are reported where it is first met. */
  private readonly resolved = new Set<string>();

  constructor(
    private readonly writer: AvroType,
    private readonly reader: AvroType,
    private readonly writerFile: string,
    private readonly readerFile: string,
  ) {}

  /** From schemas as JSON values; throws AvroSchemaError when one is not a valid Avro schema. */
  static of(writer: unknown, reader: unknown, writerFile: string, readerFile: string): AvroResolution {
    return new AvroResolution(parseAvroSchema(writer).type, parseAvroSchema(reader).type, writerFile, readerFile);
  }

  check(): Change[] {
    const out: Change[] = [];
    this.resolve(this.writer, this.reader, "", "", "", out);
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

  /** `wAt` and `rAt` point where each schema is written (a name's reference, or an inline definition). */
  private resolve(w: AvroType, r: AvroType, wAt: string, rAt: string, path: string, out: Change[]): void {
    const readerAt: Place = { file: this.readerFile, pointer: rAt };
    if (w.kind === "union") {
      // Every branch the writer may have used must resolve against the reader.
      w.branches.forEach((branch, i) => {
        const scratch: Change[] = [];
        this.resolve(branch, r, joinPointer(wAt, i), rAt, path, scratch);
        // A branch read through the reader's union is not news when the writer was a union already.
        const relevant = scratch.filter((c) => c.kind !== "AVRO_READER_UNION_EXTENDED");
        if (relevant.every((c) => c.compatible)) out.push(...relevant);
        else {
          this.change(out, "AVRO_UNION_BRANCH_UNMATCHED", path, readerAt, `writer branch ${label(branch)}`);
          out.push(...relevant.filter((c) => !c.compatible && c.kind !== "AVRO_TYPE_MISMATCH"));
        }
      });
      if (r.kind === "union" && r.branches.length > w.branches.length)
        this.change(out, "AVRO_READER_UNION_EXTENDED", path, readerAt, `${label(w)} -> ${label(r)}`);
      return;
    }
    if (r.kind === "union") {
      // The first reader branch that matches the writer's type reads it; a decimal that differs in
      // precision or scale matches nothing, and is then reported against the branch it would have matched.
      let index = r.branches.findIndex((branch) => matches(w, branch, true));
      if (index < 0) index = r.branches.findIndex((branch) => matches(w, branch, false));
      if (index < 0)
        return void this.change(out, "AVRO_TYPE_MISMATCH", path, readerAt, `${label(w)} is not in the reader's union ${label(r)}`);
      const chosen = r.branches[index] as AvroType;
      const rivals = r.branches.filter((b, i) => i > index && "fullName" in b && matches(w, b, true));
      if (rivals.length > 0)
        this.change(
          out,
          "AVRO_READER_UNION_BRANCHES_SHARE_NAME",
          path,
          readerAt,
          `${label(w)} is read as ${label(chosen)}, not ${rivals.map(label).join(", ")}`,
        );
      this.change(out, "AVRO_READER_UNION_EXTENDED", path, readerAt, `${label(w)} -> ${label(r)}`);
      this.resolve(w, chosen, wAt, joinPointer(rAt, index), path, out);
      return;
    }
    if (w.kind === "primitive" && r.kind === "primitive") {
      if (w.type === r.type) return void this.decimals(w.decimal, r.decimal, path, readerAt, out);
      if (PROMOTIONS[w.type]?.includes(r.type))
        return void this.change(out, "AVRO_TYPE_PROMOTED", path, readerAt, `${w.type} -> ${r.type}`);
      return void this.change(out, "AVRO_TYPE_MISMATCH", path, readerAt, `${w.type} -> ${r.type}`);
    }
    if (w.kind !== r.kind) return void this.change(out, "AVRO_TYPE_MISMATCH", path, readerAt, `${label(w)} -> ${label(r)}`);
    if (w.kind === "array" && r.kind === "array")
      return void this.resolve(w.items, r.items, joinPointer(wAt, "items"), joinPointer(rAt, "items"), joinPointer(path, "items"), out);
    if (w.kind === "map" && r.kind === "map")
      return void this.resolve(
        w.values,
        r.values,
        joinPointer(wAt, "values"),
        joinPointer(rAt, "values"),
        joinPointer(path, "values"),
        out,
      );
    const wn = w as NamedType;
    const rn = r as NamedType;
    if (!namesMatch(wn, rn)) return void this.change(out, "AVRO_NAME_MISMATCH", path, readerAt, `${wn.fullName} -> ${rn.fullName}`);
    const key = `${wn.fullName}|${rn.fullName}`;
    if (this.resolved.has(key)) return;
    this.resolved.add(key);
    if (wn.kind === "enum") this.enums(wn, rn as EnumType, path, readerAt, out);
    else if (wn.kind === "fixed") {
      const rf = rn as FixedType;
      if (wn.size !== rf.size) this.change(out, "AVRO_FIXED_SIZE_MISMATCH", path, readerAt, `${wn.size} -> ${rf.size}`);
      else this.decimals(wn.decimal, rf.decimal, path, readerAt, out);
    } else this.records(wn, rn as RecordType, path, out);
  }

  private decimals(w: Decimal | undefined, r: Decimal | undefined, path: string, at: Place, out: Change[]): void {
    if (w === undefined || r === undefined || (w.precision === r.precision && w.scale === r.scale)) return;
    this.change(out, "AVRO_DECIMAL_MISMATCH", path, at, `decimal(${w.precision}, ${w.scale}) -> decimal(${r.precision}, ${r.scale})`);
  }

  private enums(ws: EnumType, rs: EnumType, path: string, at: Place, out: Change[]): void {
    for (const symbol of ws.symbols.filter((s) => !rs.symbols.includes(s))) {
      this.change(
        out,
        rs.default === undefined ? "AVRO_ENUM_SYMBOL_MISSING" : "AVRO_ENUM_SYMBOL_DEFAULTED",
        joinPointer(path, "symbols"),
        at,
        symbol,
      );
    }
    const added = rs.symbols.filter((s) => !ws.symbols.includes(s));
    if (added.length > 0) this.change(out, "AVRO_ENUM_SYMBOLS_ADDED", joinPointer(path, "symbols"), at, added.join(", "));
  }

  private records(ws: RecordType, rs: RecordType, path: string, out: Change[]): void {
    const matched = new Set<number>();
    // Each writer field's first position by name: a search per reader field was quadratic, 10 of the 12 s a
    // 20,000-field record took to check (the registry server answers nothing meanwhile).
    const writerIndex = new Map<string, number>();
    ws.fields.forEach((wf, wi) => {
      if (!writerIndex.has(wf.name)) writerIndex.set(wf.name, wi);
    });
    for (const field of rs.fields) {
      const fieldPath = joinPointer(path, "fields", field.name);
      const at = { file: this.readerFile, pointer: field.pointer };
      // By name, then by the reader's aliases in their order.
      const byName = writerIndex.get(field.name) ?? -1;
      const byAlias = field.aliases.map((a) => writerIndex.get(a) ?? -1).filter((i) => i >= 0 && i !== byName);
      const candidates = [...new Set(byName >= 0 ? [byName, ...byAlias] : byAlias)];
      const index = candidates[0];
      if (index === undefined) {
        this.change(
          out,
          field.hasDefault ? "AVRO_FIELD_ADDED_WITH_DEFAULT" : "AVRO_FIELD_ADDED_WITHOUT_DEFAULT",
          fieldPath,
          at,
          field.name,
        );
        continue;
      }
      const writerField = ws.fields[index] as (typeof ws.fields)[number];
      matched.add(index);
      if (candidates.length > 1)
        this.change(
          out,
          "AVRO_FIELD_MATCH_AMBIGUOUS",
          fieldPath,
          at,
          `${candidates.map((i) => ws.fields[i]?.name).join(", ")} -> ${field.name}`,
        );
      if (writerField.name !== field.name)
        this.change(out, "AVRO_FIELD_MATCHED_BY_ALIAS", fieldPath, at, `${writerField.name} -> ${field.name}`);
      this.resolve(
        writerField.type,
        field.type,
        joinPointer(writerField.pointer, "type"),
        joinPointer(field.pointer, "type"),
        fieldPath,
        out,
      );
    }
    ws.fields.forEach((field, wi) => {
      if (matched.has(wi)) return;
      this.change(
        out,
        "AVRO_FIELD_REMOVED",
        joinPointer(path, "fields", field.name),
        { file: this.writerFile, pointer: field.pointer },
        field.name,
      );
    });
  }
}

/** Named types match by unqualified name, or by a reader alias equal to the writer's full name. */
function namesMatch(w: NamedType, r: NamedType): boolean {
  return w.name === r.name || r.aliases.includes(w.fullName);
}

/**
 * The specification's "match", which picks the reader union branch that reads a writer type: the
 * same primitive or a promotion; arrays and maps whose items or values match; enums and records by
 * name; fixed by name and size; and decimals (when `decimals`) of the same precision and scale.
 */
function matches(w: AvroType, r: AvroType, decimals: boolean): boolean {
  if (w.kind === "union" || r.kind === "union") return true;
  if (w.kind === "primitive" && r.kind === "primitive") {
    if (w.type !== r.type) return PROMOTIONS[w.type]?.includes(r.type) ?? false;
    return !decimals || sameDecimal(w.decimal, r.decimal);
  }
  if (w.kind !== r.kind) return false;
  if (w.kind === "array" && r.kind === "array") return matches(w.items, r.items, decimals);
  if (w.kind === "map" && r.kind === "map") return matches(w.values, r.values, decimals);
  if (!namesMatch(w as NamedType, r as NamedType)) return false;
  if (w.kind === "fixed" && r.kind === "fixed") return w.size === r.size && (!decimals || sameDecimal(w.decimal, r.decimal));
  return true;
}

function sameDecimal(w: Decimal | undefined, r: Decimal | undefined): boolean {
  return w === undefined || r === undefined || (w.precision === r.precision && w.scale === r.scale);
}
