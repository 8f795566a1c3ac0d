import { formatExpression } from "../../load/ajv.js";
import {
  type Constraints,
  type EventDefinition,
  type Model,
  namedType,
  type RecordType,
  reachableTypes,
  type TypeNode,
} from "../../load/model.js";

/** JSON Schema counts lengths in code points; the same counter the ajv validators are given. */
export const CODE_POINTS = "((text) => { let n = 0; for (const _ of text) n++; return n; })";

/** The verdict-only validators of one domain, as JavaScript, and the runtime helper they call. */
export interface AcceptsCode {
  readonly code: string;
  /** The function's name for each event, by the event's type name. */
  readonly names: ReadonlyMap<string, string>;
  /** Whether the code calls the runtime's `dateTimeFormat` (imported by the caller). */
  readonly usesDateTime: boolean;
}

/**
 * One function per record that says only whether a value is valid, built from the model. Each check
 * is the one ajv compiles for the record's JSON Schema (same type tests, same `undefined` for an
 * absent property, same `for...in` over keys, same format and pattern expressions), so the verdict
 * is ajv's; what it leaves out is what `validate` never reads: error objects, instance paths, the
 * options object ajv passes across every `$ref`, and the calls for aliases and enums, which are inlined.
 */
export function acceptsCode(model: Model, events: readonly EventDefinition[]): AcceptsCode {
  const records = new Map<string, RecordType>();
  for (const event of events) {
    records.set(event.record.name, event.record);
    for (const type of reachableTypes(model, event)) if (type.kind === "record") records.set(type.name, type);
  }
  const writer = new AcceptsWriter(model);
  const functions = [...records.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((record) => writer.record(record));
  return {
    code: [...writer.declarations, ...functions].join("\n"),
    names: new Map(events.map((e) => [e.record.name, recordFunction(e.record.name)])),
    usesDateTime: writer.usesDateTime,
  };
}

/** Type names are identifiers (they name TypeScript types too); the prefix keeps them apart from ajv's names. */
const recordFunction = (name: string) => `accepts_${name}`;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

class AcceptsWriter {
  /** Constants and loop helpers, in the order first needed, before the record functions. */
  readonly declarations: string[] = [];
  usesDateTime = false;
  private readonly constants = new Map<string, string>();

  constructor(private readonly model: Model) {}

  record(record: RecordType): string {
    const lines = [
      `function ${recordFunction(record.name)}(d) {`,
      '  if (!(d && typeof d == "object" && !Array.isArray(d))) return false;',
    ];
    if (record.fields.length > 0) lines.push("  let v;");
    for (const field of record.fields) {
      const access = IDENTIFIER.test(field.name) ? `d.${field.name}` : `d[${JSON.stringify(field.name)}]`;
      lines.push(`  v = ${access};`);
      const valid = this.check(field.type, "v");
      lines.push(
        field.required ? `  if (v === undefined || !(${valid})) return false;` : `  if (v !== undefined && !(${valid})) return false;`,
      );
    }
    if (record.fields.length === 0) lines.push("  for (const _ in d) return false;");
    else {
      const cases = record.fields.map((f) => `case ${JSON.stringify(f.name)}:`).join(" ");
      lines.push(`  for (const k in d) switch (k) { ${cases} break; default: return false; }`);
    }
    lines.push("  return true;", "}");
    return lines.join("\n");
  }

  /** A boolean expression over the variable `v` (an identifier, so it may be read more than once). */
  private check(type: TypeNode, v: string): string {
    switch (type.kind) {
      case "string":
        return all([`typeof ${v} == "string"`, ...this.stringChecks(type.constraints, v)]);
      case "integer":
        return all([`typeof ${v} == "number"`, `!(${v} % 1)`, `!isNaN(${v})`, ...numberChecks(type.constraints, v)]);
      case "number":
        // ajv's strictNumbers is off (strict: false), so NaN and Infinity are numbers to it.
        return all([`typeof ${v} == "number"`, ...numberChecks(type.constraints, v)]);
      case "boolean":
        return `typeof ${v} == "boolean"`;
      case "nullable":
        return `(${v} === null || (${this.check(type.inner, v)}))`;
      case "array": {
        const c = type.constraints;
        const sizes = [
          ...(c.minItems === undefined ? [] : [`x.length < ${c.minItems}`]),
          ...(c.maxItems === undefined ? [] : [`x.length > ${c.maxItems}`]),
        ];
        return `${this.helper("items", [
          "  if (!Array.isArray(x)) return false;",
          ...sizes.map((s) => `  if (${s}) return false;`),
          "  for (let i = 0; i < x.length; i++) {",
          "    const v = x[i];",
          `    if (!(${this.check(type.items, "v")})) return false;`,
          "  }",
        ])}(${v})`;
      }
      case "map":
        return `${this.helper("values", [
          '  if (!(x && typeof x == "object" && !Array.isArray(x))) return false;',
          "  for (const k in x) {",
          "    const v = x[k];",
          `    if (!(${this.check(type.values, "v")})) return false;`,
          "  }",
        ])}(${v})`;
      case "ref": {
        const named = namedType(this.model, type.name);
        if (named.kind === "alias") return this.check(named.target, v);
        if (named.kind === "record") return `${recordFunction(named.name)}(${v})`;
        const symbols = named.symbols.map((s) => JSON.stringify(s));
        if (symbols.length <= 8) return `(${symbols.map((s) => `${v} === ${s}`).join(" || ")})`;
        return `${this.constant(`symbols_${named.name}`, `new Set([${symbols.join(", ")}])`)}.has(${v})`;
      }
    }
  }

  private stringChecks(c: Constraints, v: string): string[] {
    const checks: string[] = [];
    // A string of n UTF-16 units has between n/2 and n code points: the count is needed only in between.
    if (c.minLength !== undefined) checks.push(`(${v}.length >= ${2 * c.minLength} || ${this.codePoints()}(${v}) >= ${c.minLength})`);
    if (c.maxLength !== undefined) checks.push(`(${v}.length <= ${c.maxLength} || ${this.codePoints()}(${v}) <= ${c.maxLength})`);
    if (c.pattern !== undefined)
      checks.push(`${this.constant(`pattern:${c.pattern}`, `new RegExp(${JSON.stringify(c.pattern)}, "u")`)}.test(${v})`);
    if (c.format !== undefined) {
      const expression = formatExpression(c.format);
      if (expression === undefined) throw new Error(`format "${c.format}" has no regular expression to check it with`);
      // date-time goes through the runtime, as in the ajv validators: the read path also accepts the offset-less form.
      if (c.format === "date-time") this.usesDateTime = true;
      const value = c.format === "date-time" ? `dateTimeFormat(${String(expression)})` : String(expression);
      checks.push(`${this.constant(`format:${c.format}`, value)}.test(${v})`);
    }
    return checks;
  }

  private codePoints(): string {
    return this.constant("codePoints", CODE_POINTS);
  }

  /** A module-level constant, declared once per distinct key. */
  private constant(key: string, value: string): string {
    let name = this.constants.get(key);
    if (name === undefined) {
      name = `accepts$${this.constants.size}`;
      this.constants.set(key, name);
      this.declarations.push(`const ${name} = ${value};`);
    }
    return name;
  }

  /** A loop over an array's items or a map's values, as a function of `x`: one per use, declared before the records. */
  private helper(kind: string, body: readonly string[]): string {
    const name = `accepts$${kind}${this.declarations.length}`;
    this.declarations.push([`function ${name}(x) {`, ...body, "  return true;", "}"].join("\n"));
    return name;
  }
}

function numberChecks(c: Constraints, v: string): string[] {
  return [
    ...(c.minimum === undefined ? [] : [`${v} >= ${c.minimum}`]),
    ...(c.maximum === undefined ? [] : [`${v} <= ${c.maximum}`]),
    ...(c.exclusiveMinimum === undefined ? [] : [`${v} > ${c.exclusiveMinimum}`]),
    ...(c.exclusiveMaximum === undefined ? [] : [`${v} < ${c.exclusiveMaximum}`]),
  ];
}

function all(checks: readonly string[]): string {
  return checks.length === 1 ? (checks[0] as string) : `(${checks.join(" && ")})`;
}
