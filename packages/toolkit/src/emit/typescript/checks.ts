import { escapePointerSegment } from "../../load/json-source.js";
import { type EventDefinition, type Model, namedType, type RecordType, type TypeNode } from "../../load/model.js";
import { arrayTests, type ConstraintTest, type ModuleConstants, numberTests, propertyOf, recordsOf } from "./validator-parts.js";

/** The error-reporting validators of one domain, as JavaScript. */
export interface ChecksCode {
  /** The record functions; the constants and helpers they use are in the module's `ModuleConstants`. */
  readonly code: string;
  /** The function's name for each event, by the event's type name: `(data, instancePath, errors) => void`. */
  readonly names: ReadonlyMap<string, string>;
}

/**
 * One function per record that pushes onto `e` exactly the errors ajv (allErrors, as `createAjv` sets it
 * up) gives for the record's JSON Schema as schema-view.ts writes it, in ajv's order: a record's type,
 * then its missing required properties, then its extra properties (in `for...in` order), then each
 * present field in schema order; a value's type error before or after its constraints as ajv places it;
 * a nullable's inner errors, then `null`'s and anyOf's, only when neither branch holds. Built from the
 * model, so generate needs no ajv; sample.test.ts holds the errors equal to ajv's.
 */
export function checksCode(model: Model, events: readonly EventDefinition[], constants: ModuleConstants): ChecksCode {
  const writer = new ChecksWriter(model, constants);
  return {
    code: recordsOf(model, events)
      .map((record) => writer.record(record))
      .join("\n"),
    names: new Map(events.map((e) => [e.record.name, checkFunction(e.record.name)])),
  };
}

const checkFunction = (name: string) => `check_${name}`;

/**
 * The module's functions that push an error as ajv writes it, less its schemaPath (which names ajv's
 * compiled schema, not the event's): one per frequent kind, so each use is a short call.
 */
const ERRORS = {
  $error: ["e, instancePath, keyword, params, message", "e.push({ instancePath, keyword, params, message });"],
  $type: ["e, instancePath, type", 'e.push({ instancePath, keyword: "type", params: { type }, message: "must be " + type });'],
  $required: [
    "e, instancePath, missingProperty",
    `e.push({ instancePath, keyword: "required", params: { missingProperty }, message: "must have required property '" + missingProperty + "'" });`,
  ],
  $additional: [
    "e, instancePath, additionalProperty",
    'e.push({ instancePath, keyword: "additionalProperties", params: { additionalProperty }, message: "must NOT have additional properties" });',
  ],
  // A nullable's schema is anyOf [inner, null]: when the inner one fails, so do null and the anyOf.
  $notNull: [
    "e, instancePath",
    'e.push({ instancePath, keyword: "type", params: { type: "null" }, message: "must be null" }, { instancePath, keyword: "anyOf", params: {}, message: "must match a schema in anyOf" });',
  ],
  $enum: [
    "e, instancePath, allowedValues",
    'e.push({ instancePath, keyword: "enum", params: { allowedValues }, message: "must be equal to one of the allowed values" });',
  ],
} as const;

/** ajv's messages, by keyword. */
function message(test: ConstraintTest): string {
  switch (test.keyword) {
    case "maxLength":
      return `must NOT have more than ${test.value} characters`;
    case "minLength":
      return `must NOT have fewer than ${test.value} characters`;
    case "maxItems":
      return `must NOT have more than ${test.value} items`;
    case "minItems":
      return `must NOT have fewer than ${test.value} items`;
    case "pattern":
      return `must match pattern "${test.value}"`;
    case "format":
      return `must match format "${test.value}"`;
    default:
      return `must be ${test.comparison} ${test.value}`;
  }
}

function params(test: ConstraintTest): string {
  switch (test.keyword) {
    case "pattern":
      return `{ pattern: ${JSON.stringify(test.value)} }`;
    case "format":
      return `{ format: ${JSON.stringify(test.value)} }`;
    case "maxLength":
    case "minLength":
    case "maxItems":
    case "minItems":
      return `{ limit: ${test.value} }`;
    default:
      return `{ comparison: ${JSON.stringify(test.comparison)}, limit: ${test.value} }`;
  }
}

class ChecksWriter {
  /** Numbers the variables of nested loops and nullables, so an inner one never hides an outer one. */
  private counter = 0;

  constructor(
    private readonly model: Model,
    private readonly constants: ModuleConstants,
  ) {}

  record(record: RecordType): string {
    const lines = [
      `function ${checkFunction(record.name)}(d, p, e) {`,
      `  if (!(d && typeof d == "object" && !Array.isArray(d))) return ${this.typeError("p", "object")};`,
    ];
    for (const field of record.fields)
      if (field.required)
        lines.push(`  if (${propertyOf("d", field.name)} === undefined) ${this.call("$required", "p", JSON.stringify(field.name))};`);
    const extra = this.call("$additional", "p", "k");
    if (record.fields.length === 0) lines.push(`  for (const k in d) ${extra};`);
    else {
      const cases = record.fields.map((f) => `case ${JSON.stringify(f.name)}:`).join(" ");
      lines.push(`  for (const k in d) switch (k) { ${cases} break; default: ${extra}; }`);
    }
    if (record.fields.length > 0) lines.push("  let v;");
    for (const field of record.fields) {
      lines.push(`  v = ${propertyOf("d", field.name)};`);
      const path = `p + ${JSON.stringify(`/${escapePointerSegment(field.name)}`)}`;
      lines.push("  if (v !== undefined) {", ...indent(this.check(field.type, "v", path), 2), "  }");
    }
    lines.push("}");
    return lines.join("\n");
  }

  /** Statements that push the errors of the value in variable `v`, whose instancePath is the expression `path`. */
  private check(type: TypeNode, v: string, path: string): string[] {
    switch (type.kind) {
      case "string":
        return this.typed(`typeof ${v} == "string"`, "string", this.constants.stringTests(type.constraints, v), path);
      case "number":
        return this.typed(`typeof ${v} == "number"`, "number", numberTests(type.constraints, v), path);
      case "integer": {
        // "integer" has no keyword group of its own in ajv: the type is checked first, the bounds on any number.
        const tests = numberTests(type.constraints, v);
        return [
          `if (!(typeof ${v} == "number" && !(${v} % 1) && !isNaN(${v}))) ${this.typeError(path, "integer")};`,
          ...(tests.length === 0 ? [] : [`if (typeof ${v} == "number") {`, ...indent(this.tests(tests, path)), "}"]),
        ];
      }
      case "boolean":
        return [`if (typeof ${v} != "boolean") ${this.typeError(path, "boolean")};`];
      case "nullable": {
        const before = `n${this.counter++}`;
        return [
          `if (${v} !== null) {`,
          `  const ${before} = e.length;`,
          ...indent(this.check(type.inner, v, path)),
          `  if (e.length > ${before}) ${this.call("$notNull", path)};`,
          "}",
        ];
      }
      case "array": {
        const n = this.counter++;
        return [
          `if (Array.isArray(${v})) {`,
          ...indent(this.tests(arrayTests(type.constraints, v), path)),
          `  for (let i${n} = 0; i${n} < ${v}.length; i${n}++) {`,
          `    const v${n} = ${v}[i${n}];`,
          ...indent(this.check(type.items, `v${n}`, `${path} + "/" + i${n}`), 2),
          "  }",
          `} else ${this.typeError(path, "array")};`,
        ];
      }
      case "map": {
        const n = this.counter++;
        const pointer = this.constants.function("$pointer", ['  return x.replace(/~/g, "~0").replace(/\\//g, "~1");']);
        return [
          `if (${v} && typeof ${v} == "object" && !Array.isArray(${v})) {`,
          `  for (const k${n} in ${v}) {`,
          `    const v${n} = ${v}[k${n}];`,
          ...indent(this.check(type.values, `v${n}`, `${path} + "/" + ${pointer}(k${n})`), 2),
          "  }",
          `} else ${this.typeError(path, "object")};`,
        ];
      }
      case "ref": {
        const named = namedType(this.model, type.name);
        if (named.kind === "alias") return this.check(named.target, v, path);
        if (named.kind === "record") return [`${checkFunction(named.name)}(${v}, ${path}, e);`];
        // An enum's schema has no string keywords, so ajv checks its type first and its symbols whatever the type.
        const symbols = this.constants.constant(`allowedValues:${named.name}`, JSON.stringify(named.symbols));
        return [
          `if (typeof ${v} != "string") ${this.typeError(path, "string")};`,
          `if (!(${this.constants.enumTest(named, v)})) ${this.call("$enum", path, symbols)};`,
        ];
      }
    }
  }

  /** A type with keywords of its own: ajv tests them inside the type's test, and reports the type in its else. */
  private typed(test: string, type: string, tests: readonly ConstraintTest[], path: string): string[] {
    if (tests.length === 0) return [`if (!(${test})) ${this.typeError(path, type)};`];
    return [`if (${test}) {`, ...indent(this.tests(tests, path)), `} else ${this.typeError(path, type)};`];
  }

  private tests(tests: readonly ConstraintTest[], path: string): string[] {
    return tests.map(
      (t) => `if (!(${t.passes})) ${this.call("$error", path, JSON.stringify(t.keyword), params(t), JSON.stringify(message(t)))};`,
    );
  }

  private typeError(path: string, type: string): string {
    return this.call("$type", path, JSON.stringify(type));
  }

  /** A call of one of the module's error functions, declared on first use. */
  private call(name: keyof typeof ERRORS, path: string, ...rest: string[]): string {
    const [parameters, body] = ERRORS[name];
    this.constants.function(name, [`  ${body}`], parameters);
    return `${name}(e, ${[path, ...rest].join(", ")})`;
  }
}

function indent(lines: readonly string[], depth = 1): string[] {
  return lines.map((line) => `${"  ".repeat(depth)}${line}`);
}
