import { type EventDefinition, type Model, namedType, type RecordType, type TypeNode } from "../../load/model.js";
import { arrayTests, type ConstraintTest, ModuleConstants, numberTests, propertyOf, recordsOf } from "./validator-parts.js";

/** The verdict-only validators of one domain, as JavaScript. */
export interface AcceptsCode {
  /** The record functions; the constants and loops they use are in the module's `ModuleConstants`. */
  readonly code: string;
  /** The function's name for each event, by the event's type name. */
  readonly names: ReadonlyMap<string, string>;
}

/**
 * One function per record that says only whether a value is valid, built from the model. Each check
 * is the one ajv compiles for the record's JSON Schema (same type tests, same `undefined` for an
 * absent property, same `for...in` over keys, same format and pattern expressions), so the verdict
 * is ajv's; what it leaves out is what `validate` never reads: error objects, instance paths, the
 * options object ajv passes across every `$ref`, and the calls for aliases and enums, which are inlined.
 */
export function acceptsCode(model: Model, events: readonly EventDefinition[], constants = new ModuleConstants()): AcceptsCode {
  const writer = new AcceptsWriter(model, constants);
  return {
    code: recordsOf(model, events)
      .map((record) => writer.record(record))
      .join("\n"),
    names: new Map(events.map((e) => [e.record.name, acceptsFunction(e.record.name)])),
  };
}

/** Type names are identifiers (they name TypeScript types too); the prefix keeps them apart from the module's other names. */
const acceptsFunction = (name: string) => `accepts_${name}`;

class AcceptsWriter {
  constructor(
    private readonly model: Model,
    private readonly constants: ModuleConstants,
  ) {}

  record(record: RecordType): string {
    const lines = [
      `function ${acceptsFunction(record.name)}(d) {`,
      '  if (!(d && typeof d == "object" && !Array.isArray(d))) return false;',
    ];
    if (record.fields.length > 0) lines.push("  let v;");
    for (const field of record.fields) {
      lines.push(`  v = ${propertyOf("d", field.name)};`);
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
        return all([`typeof ${v} == "string"`, ...passes(this.constants.stringTests(type.constraints, v))]);
      case "integer":
        return all([`typeof ${v} == "number"`, `!(${v} % 1)`, `!isNaN(${v})`, ...passes(numberTests(type.constraints, v))]);
      case "number":
        // ajv's strictNumbers is off (strict: false), so NaN and Infinity are numbers to it.
        return all([`typeof ${v} == "number"`, ...passes(numberTests(type.constraints, v))]);
      case "boolean":
        return `typeof ${v} == "boolean"`;
      case "nullable":
        return `(${v} === null || (${this.check(type.inner, v)}))`;
      case "array":
        return `${this.loop("items", [
          "  if (!Array.isArray(x)) return false;",
          ...passes(arrayTests(type.constraints, "x")).map((test) => `  if (!(${test})) return false;`),
          "  for (let i = 0; i < x.length; i++) {",
          "    const v = x[i];",
          `    if (!(${this.check(type.items, "v")})) return false;`,
          "  }",
        ])}(${v})`;
      case "map":
        return `${this.loop("values", [
          '  if (!(x && typeof x == "object" && !Array.isArray(x))) return false;',
          "  for (const k in x) {",
          "    const v = x[k];",
          `    if (!(${this.check(type.values, "v")})) return false;`,
          "  }",
        ])}(${v})`;
      case "ref": {
        const named = namedType(this.model, type.name);
        if (named.kind === "alias") return this.check(named.target, v);
        if (named.kind === "record") return `${acceptsFunction(named.name)}(${v})`;
        return this.constants.enumTest(named, v);
      }
    }
  }

  /** A loop over an array's items or a map's values, as a function of `x`: one per use. */
  private loop(kind: string, body: readonly string[]): string {
    return this.constants.uniqueFunction(`accepts$${kind}`, [...body, "  return true;"]);
  }
}

const passes = (tests: readonly ConstraintTest[]) => tests.map((t) => t.passes);

function all(checks: readonly string[]): string {
  return checks.length === 1 ? (checks[0] as string) : `(${checks.join(" && ")})`;
}
