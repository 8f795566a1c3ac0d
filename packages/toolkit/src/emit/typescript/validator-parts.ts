import { formatExpression } from "../../load/ajv.js";
import { type Constraints, type EnumType, type EventDefinition, type Model, type RecordType, reachableTypes } from "../../load/model.js";

/**
 * What the two validators of a domain module (accepts.ts: the verdict; checks.ts: ajv's errors) share:
 * the module's constants, and each constraint's test written once, so both give the same verdict.
 */

/** JSON Schema counts lengths in code points, as ajv's `ucs2length` does. */
export const CODE_POINTS = "((text) => { let n = 0; for (const _ of text) n++; return n; })";

/** One constraint on a value: what ajv names it (its error's keyword) and the expression that holds when it is met. */
export interface ConstraintTest {
  readonly keyword: string;
  readonly passes: string;
  /** The constraint's value (a bound, a pattern, a format name), as ajv puts it in the error's params and message. */
  readonly value: number | string;
  /** A bound's operator, ajv's `comparison` param. */
  readonly comparison?: string;
}

/** The records of a domain's events: each event's own and every record they reach, by name. */
export function recordsOf(model: Model, events: readonly EventDefinition[]): RecordType[] {
  const records = new Map<string, RecordType>();
  for (const event of events) {
    records.set(event.record.name, event.record);
    for (const type of reachableTypes(model, event)) if (type.kind === "record") records.set(type.name, type);
  }
  return [...records.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `d.name`, or `d["odd-name"]`: how ajv reads a property (absent is `undefined`, inherited included). */
export function propertyOf(object: string, name: string): string {
  return IDENTIFIER.test(name) ? `${object}.${name}` : `${object}[${JSON.stringify(name)}]`;
}

/** The constants and helper functions of one module, each declared once, before the functions that use them. */
export class ModuleConstants {
  readonly declarations: string[] = [];
  /** Whether a constant calls the runtime's `dateTimeFormat` (imported by the module). */
  usesDateTime = false;
  private readonly names = new Map<string, string>();
  private count = 0;

  /** A module-level `const`, declared once per distinct key. */
  constant(key: string, value: string): string {
    let name = this.names.get(key);
    if (name === undefined) {
      name = `$${this.count++}`;
      this.names.set(key, name);
      this.declarations.push(`const ${name} = ${value};`);
    }
    return name;
  }

  /** A module-level function named `name`, declared the first time it is asked for. */
  function(name: string, body: readonly string[], parameters = "x"): string {
    if (!this.names.has(name)) {
      this.names.set(name, name);
      this.declarations.push([`function ${name}(${parameters}) {`, ...body, "}"].join("\n"));
    }
    return name;
  }

  /** A function of the module whose name is new: one per call. */
  uniqueFunction(prefix: string, body: readonly string[]): string {
    return this.function(`${prefix}${this.declarations.length}`, body);
  }

  /** ajv's order for a string: maxLength, minLength, pattern, format. */
  stringTests(c: Constraints, v: string): ConstraintTest[] {
    const tests: ConstraintTest[] = [];
    // A string of n UTF-16 units has between n/2 and n code points: the count is needed only in between.
    if (c.maxLength !== undefined)
      tests.push({
        keyword: "maxLength",
        value: c.maxLength,
        passes: `(${v}.length <= ${c.maxLength} || ${this.codePoints()}(${v}) <= ${c.maxLength})`,
      });
    if (c.minLength !== undefined)
      tests.push({
        keyword: "minLength",
        value: c.minLength,
        passes: `(${v}.length >= ${2 * c.minLength} || ${this.codePoints()}(${v}) >= ${c.minLength})`,
      });
    if (c.pattern !== undefined) {
      const pattern = this.constant(`pattern:${c.pattern}`, `new RegExp(${JSON.stringify(c.pattern)}, "u")`);
      tests.push({ keyword: "pattern", value: c.pattern, passes: `${pattern}.test(${v})` });
    }
    if (c.format !== undefined) tests.push({ keyword: "format", value: c.format, passes: `${this.format(c.format)}.test(${v})` });
    return tests;
  }

  /** The symbols' test, inlined for a few and a set for more. */
  enumTest(type: EnumType, v: string): string {
    const symbols = type.symbols.map((s) => JSON.stringify(s));
    if (symbols.length <= 8) return `(${symbols.map((s) => `${v} === ${s}`).join(" || ")})`;
    return `${this.constant(`symbols:${type.name}`, `new Set([${symbols.join(", ")}])`)}.has(${v})`;
  }

  private codePoints(): string {
    return this.constant("codePoints", CODE_POINTS);
  }

  private format(format: string): string {
    const expression = formatExpression(format);
    if (expression === undefined) throw new Error(`format "${format}" has no regular expression to check it with`);
    // date-time goes through the runtime, which also accepts the offset-less form on the read path.
    if (format === "date-time") this.usesDateTime = true;
    const value = format === "date-time" ? `dateTimeFormat(${String(expression)})` : String(expression);
    return this.constant(`format:${format}`, value);
  }
}

/** ajv's order for a number: maximum, minimum, exclusiveMaximum, exclusiveMinimum (each fails on NaN, as ajv's do). */
export function numberTests(c: Constraints, v: string): ConstraintTest[] {
  const bound = (keyword: string, limit: number | undefined, operator: string): ConstraintTest[] =>
    limit === undefined ? [] : [{ keyword, value: limit, comparison: operator, passes: `${v} ${operator} ${limit}` }];
  return [
    ...bound("maximum", c.maximum, "<="),
    ...bound("minimum", c.minimum, ">="),
    ...bound("exclusiveMaximum", c.exclusiveMaximum, "<"),
    ...bound("exclusiveMinimum", c.exclusiveMinimum, ">"),
  ];
}

/** ajv's order for an array's size: maxItems, minItems. */
export function arrayTests(c: Constraints, v: string): ConstraintTest[] {
  return [
    ...(c.maxItems === undefined ? [] : [{ keyword: "maxItems", value: c.maxItems, passes: `${v}.length <= ${c.maxItems}` }]),
    ...(c.minItems === undefined ? [] : [{ keyword: "minItems", value: c.minItems, passes: `${v}.length >= ${c.minItems}` }]),
  ];
}
