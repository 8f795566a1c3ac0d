import { joinPointer } from "../load/json-source.js";

/**
 * An Avro schema read by the specification (1.12), for compatibility checks: names resolved where
 * they are written, so a named type is one object wherever it is referenced (recursion included),
 * and every default checked against its type. Faster than building avsc types, which compile code.
 */
export type AvroType = PrimitiveType | RecordType | EnumType | FixedType | ArrayType | MapType | UnionType;
export type NamedType = RecordType | EnumType | FixedType;
export type Primitive = "null" | "boolean" | "int" | "long" | "float" | "double" | "bytes" | "string";

/** A valid `decimal` logical type; invalid ones are ignored, as the specification says. */
export interface Decimal {
  readonly precision: number;
  readonly scale: number;
}

export interface PrimitiveType {
  readonly kind: "primitive";
  readonly type: Primitive;
  readonly decimal?: Decimal;
}

interface Named {
  readonly fullName: string;
  readonly name: string;
  readonly namespace: string;
  /** Full names: an alias without a dot is in the type's namespace. */
  readonly aliases: readonly string[];
  /** Where the definition is written. */
  readonly pointer: string;
}

export interface RecordType extends Named {
  readonly kind: "record";
  readonly fields: readonly Field[];
}

export interface Field {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly type: AvroType;
  readonly hasDefault: boolean;
  readonly pointer: string;
}

export interface EnumType extends Named {
  readonly kind: "enum";
  readonly symbols: readonly string[];
  readonly default?: string;
}

export interface FixedType extends Named {
  readonly kind: "fixed";
  readonly size: number;
  readonly decimal?: Decimal;
}

export interface ArrayType {
  readonly kind: "array";
  readonly items: AvroType;
}

export interface MapType {
  readonly kind: "map";
  readonly values: AvroType;
}

export interface UnionType {
  readonly kind: "union";
  readonly branches: readonly AvroType[];
}

/**
 * Why a schema is refused, where the specification and Apache Avro Java (what Confluent's registry
 * runs) part ways: Java accepts these. Reports and the differential test name them.
 */
export type JavaAccepts =
  | "enum-default-not-a-symbol"
  | "fixed-default-size"
  | "bytes-default-code-point"
  | "name-in-null-namespace"
  | "name-used-before-definition";

export class AvroSchemaError extends Error {
  constructor(
    message: string,
    readonly pointer: string,
    readonly javaAccepts?: JavaAccepts,
  ) {
    super(message);
  }
}

export interface AvroWarning {
  readonly pointer: string;
  readonly message: string;
}

export interface ParsedAvro {
  readonly type: AvroType;
  readonly warnings: readonly AvroWarning[];
}

type Json = Record<string, unknown>;
const PRIMITIVES = new Set<string>(["null", "boolean", "int", "long", "float", "double", "bytes", "string"]);
// Avro Java's name rule (its default validator): a letter or _, then letters, digits or _.
const NAME = /^[\p{L}_][\p{L}\p{Nd}_]*$/u;
const ORDERS = new Set(["ascending", "descending", "ignore"]);
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses and checks an Avro schema (a JSON value); throws AvroSchemaError at the first problem. */
export function parseAvroSchema(value: unknown): ParsedAvro {
  const parser = new Parser(value);
  return { type: parser.parse(value, "", ""), warnings: parser.warnings };
}

class Parser {
  readonly names = new Map<string, NamedType>();
  readonly warnings: AvroWarning[] = [];
  /** Namespaces already warned about. */
  private readonly warned = new Set<string>();
  /** Records whose fields are being read: a default cannot be checked against them yet. */
  private readonly incomplete = new Set<RecordType>();

  constructor(private readonly document: unknown) {}

  parse(node: unknown, pointer: string, namespace: string): AvroType {
    if (typeof node === "string") return this.reference(node, pointer, namespace);
    if (Array.isArray(node)) return this.union(node, pointer, namespace);
    if (!isObject(node)) throw new AvroSchemaError(`a schema is a name, an object or a union, not ${JSON.stringify(node)}`, pointer);
    const type = node.type;
    if (typeof type !== "string") throw new AvroSchemaError('"type" must be a type name', joinPointer(pointer, "type"));
    if (PRIMITIVES.has(type)) {
      const decimal = type === "bytes" ? decimalOf(node, undefined) : undefined;
      return { kind: "primitive", type: type as Primitive, ...(decimal ? { decimal } : {}) };
    }
    switch (type) {
      case "record":
      case "error":
        return this.record(node, pointer, namespace);
      case "enum":
        return this.enumType(node, pointer, namespace);
      case "fixed":
        return this.fixed(node, pointer, namespace);
      case "array":
        if (!("items" in node)) throw new AvroSchemaError('an array needs "items"', pointer);
        return { kind: "array", items: this.parse(node.items, joinPointer(pointer, "items"), namespace) };
      case "map":
        if (!("values" in node)) throw new AvroSchemaError('a map needs "values"', pointer);
        return { kind: "map", values: this.parse(node.values, joinPointer(pointer, "values"), namespace) };
      default:
        throw new AvroSchemaError(
          `"type" must be a primitive type or record, error, enum, fixed, array or map, not ${JSON.stringify(type)}`,
          joinPointer(pointer, "type"),
        );
    }
  }

  /** A name: a full name when it has a dot, else in the enclosing namespace (the specification's rule). */
  private reference(name: string, pointer: string, namespace: string): AvroType {
    if (PRIMITIVES.has(name)) return { kind: "primitive", type: name as Primitive };
    const full = name.includes(".") || namespace === "" ? name : `${namespace}.${name}`;
    const found = this.names.get(full);
    if (found !== undefined) return found;
    // Java also looks the name up in the null namespace, and finds names defined further on.
    if (this.names.has(name))
      throw new AvroSchemaError(
        `unknown type name "${name}": there is no ${full} (only ${name}, in the null namespace)`,
        pointer,
        "name-in-null-namespace",
      );
    if (definedLater(this.document, full))
      throw new AvroSchemaError(`type name "${name}" is used before its definition`, pointer, "name-used-before-definition");
    throw new AvroSchemaError(`unknown type name "${name}"`, pointer);
  }

  private union(branches: unknown[], pointer: string, namespace: string): UnionType {
    const parsed: AvroType[] = [];
    const seen = new Set<string>();
    branches.forEach((branch, i) => {
      const at = joinPointer(pointer, i);
      const type = this.parse(branch, at, namespace);
      if (type.kind === "union") throw new AvroSchemaError("a union may not contain a union", at);
      const key = type.kind === "primitive" ? type.type : "fullName" in type ? type.fullName : type.kind;
      if (seen.has(key)) throw new AvroSchemaError(`a union may hold ${key} only once`, at);
      seen.add(key);
      parsed.push(type);
    });
    return { kind: "union", branches: parsed };
  }

  /** The name part of a named type, registered before its body so that the body may refer to it. */
  private named(node: Json, pointer: string, namespace: string): Named {
    if (typeof node.name !== "string") throw new AvroSchemaError('a named type needs a "name"', pointer);
    const dot = node.name.lastIndexOf(".");
    const name = node.name.slice(dot + 1);
    const space = dot >= 0 ? node.name.slice(0, dot) : typeof node.namespace === "string" ? node.namespace : namespace;
    if (node.namespace !== undefined && typeof node.namespace !== "string")
      throw new AvroSchemaError('"namespace" must be a string', joinPointer(pointer, "namespace"));
    if (!NAME.test(name)) throw new AvroSchemaError(`"${name}" is not a valid Avro name`, joinPointer(pointer, "name"));
    const fullName = space ? `${space}.${name}` : name;
    if (PRIMITIVES.has(fullName))
      throw new AvroSchemaError(`a type may not be named after the primitive ${fullName}`, joinPointer(pointer, "name"));
    if (this.names.has(fullName)) throw new AvroSchemaError(`${fullName} is defined twice`, joinPointer(pointer, "name"));
    // Accepted, as avsc's users and fastavro do (one Open edX event's namespace has a hyphen), but said.
    const odd = space === "" ? undefined : space.split(".").find((part) => !NAME.test(part));
    if (odd !== undefined && !this.warned.has(space)) {
      this.warned.add(space);
      this.warnings.push({
        pointer: joinPointer(pointer, dot >= 0 ? "name" : "namespace"),
        message: `namespace part "${odd}" of ${space} is not an Avro name: Avro Java, and so Confluent's registry, refuses the schema`,
      });
    }
    return { fullName, name, namespace: space, aliases: aliasesOf(node, pointer, space), pointer };
  }

  private record(node: Json, pointer: string, namespace: string): RecordType {
    const named = this.named(node, pointer, namespace);
    if (!Array.isArray(node.fields)) throw new AvroSchemaError('a record needs "fields", an array', pointer);
    const fields: Field[] = [];
    const record: RecordType = { kind: "record", ...named, fields };
    this.names.set(named.fullName, record);
    this.incomplete.add(record);
    const seen = new Set<string>();
    node.fields.forEach((raw, i) => {
      const at = joinPointer(pointer, "fields", i);
      if (!isObject(raw) || typeof raw.name !== "string") throw new AvroSchemaError('a field needs a "name"', at);
      if (!NAME.test(raw.name)) throw new AvroSchemaError(`"${raw.name}" is not a valid field name`, joinPointer(at, "name"));
      if (seen.has(raw.name)) throw new AvroSchemaError(`field ${raw.name} is defined twice`, joinPointer(at, "name"));
      seen.add(raw.name);
      if (!("type" in raw)) throw new AvroSchemaError(`field ${raw.name} needs a "type"`, at);
      const type = this.parse(raw.type, joinPointer(at, "type"), named.namespace);
      if (raw.order !== undefined && !ORDERS.has(String(raw.order)))
        throw new AvroSchemaError('"order" must be ascending, descending or ignore', joinPointer(at, "order"));
      const aliases = raw.aliases === undefined ? [] : stringsOf(raw.aliases, joinPointer(at, "aliases"));
      const field: Field = { name: raw.name, aliases, type, hasDefault: "default" in raw, pointer: at };
      if (field.hasDefault) this.fieldDefault(field, raw.default, joinPointer(at, "default"));
      fields.push(field);
    });
    this.incomplete.delete(record);
    return record;
  }

  private enumType(node: Json, pointer: string, namespace: string): EnumType {
    const named = this.named(node, pointer, namespace);
    if (!Array.isArray(node.symbols)) throw new AvroSchemaError('an enum needs "symbols", an array', pointer);
    const symbols = stringsOf(node.symbols, joinPointer(pointer, "symbols"));
    symbols.forEach((symbol, i) => {
      const at = joinPointer(pointer, "symbols", i);
      if (!NAME.test(symbol)) throw new AvroSchemaError(`"${symbol}" is not a valid enum symbol`, at);
      if (symbols.indexOf(symbol) !== i) throw new AvroSchemaError(`symbol ${symbol} is listed twice`, at);
    });
    if (node.default !== undefined && (typeof node.default !== "string" || !symbols.includes(node.default)))
      throw new AvroSchemaError(
        `the enum default ${JSON.stringify(node.default)} is not one of its symbols`,
        joinPointer(pointer, "default"),
      );
    const type: EnumType = { kind: "enum", ...named, symbols, ...(node.default === undefined ? {} : { default: node.default }) };
    this.names.set(named.fullName, type);
    return type;
  }

  private fixed(node: Json, pointer: string, namespace: string): FixedType {
    const named = this.named(node, pointer, namespace);
    const size = node.size;
    if (typeof size !== "number" || !Number.isInteger(size) || size < 0 || size > 2 ** 31 - 1)
      throw new AvroSchemaError('a fixed needs "size", a whole number of bytes', joinPointer(pointer, "size"));
    const decimal = decimalOf(node, size);
    const type: FixedType = { kind: "fixed", ...named, size, ...(decimal ? { decimal } : {}) };
    this.names.set(named.fullName, type);
    return type;
  }

  private fieldDefault(field: Field, value: unknown, pointer: string): void {
    const type = field.type;
    // Java turns a string default of a float or double field into a number (NaN and Infinity are written so).
    if (type.kind === "primitive" && (type.type === "float" || type.type === "double") && typeof value === "string") {
      if (!/^\s*[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?\s*$/.test(value))
        throw new AvroSchemaError(`the default ${JSON.stringify(value)} of field ${field.name} is not a number`, pointer);
      return;
    }
    const problem = defaultProblem(type, value, this.incomplete, field.name, pointer);
    if (problem !== undefined)
      throw new AvroSchemaError(`the default of field ${field.name} is not valid: ${problem.message}`, pointer, problem.javaAccepts);
    const first = type.kind === "union" ? type.branches[0] : undefined;
    if (type.kind === "union" && first !== undefined && defaultProblem(first, value, this.incomplete, field.name, pointer) !== undefined) {
      const index = type.branches.findIndex((b) => defaultProblem(b, value, this.incomplete, field.name, pointer) === undefined);
      this.warnings.push({
        pointer,
        message:
          `the default of field ${field.name} matches union branch ${index} (${label(type.branches[index] as AvroType)}), not the first ` +
          `(${label(type.branches[0] as AvroType)}): allowed since the Avro 1.12 specification, but avsc and Avro libraries before 1.12 refuse the schema`,
      });
    }
  }
}

type Problem = { message: string; javaAccepts?: JavaAccepts };

/**
 * What is wrong with a default value for a type, or undefined: Avro Java's rules, and the
 * specification's where Java checks less. Branches and fields are tried in Java's order, since a
 * record still being defined (`incomplete`) stops the check, as in Java, where the specification is silent.
 */
function defaultProblem(
  type: AvroType,
  value: unknown,
  incomplete: ReadonlySet<RecordType>,
  field: string,
  pointer: string,
): Problem | undefined {
  const wrong = (what: string) => ({ message: `${JSON.stringify(value)} is not ${what}` });
  const inner = (t: AvroType, v: unknown) => defaultProblem(t, v, incomplete, field, pointer);
  switch (type.kind) {
    case "primitive":
      switch (type.type) {
        case "null":
          return value === null ? undefined : wrong("null");
        case "boolean":
          return typeof value === "boolean" ? undefined : wrong("a boolean");
        case "int":
          return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31 ? undefined : wrong("an int");
        case "long":
          // JSON numbers reach here as doubles: 2^63 - 1 arrives as 2^63.
          return Number.isInteger(value) && (value as number) <= 2 ** 63 && (value as number) >= -(2 ** 63) ? undefined : wrong("a long");
        case "float":
        case "double":
          return typeof value === "number" ? undefined : wrong("a number");
        case "string":
          return typeof value === "string" ? undefined : wrong("a string");
        case "bytes":
          return bytesProblem(value, undefined);
      }
      break;
    case "enum":
      if (typeof value !== "string") return wrong("a string");
      return type.symbols.includes(value)
        ? undefined
        : { message: `"${value}" is not a symbol of ${type.fullName}`, javaAccepts: "enum-default-not-a-symbol" };
    case "fixed":
      return bytesProblem(value, type.size);
    case "array":
      if (!Array.isArray(value)) return wrong("an array");
      for (const item of value) {
        const problem = inner(type.items, item);
        if (problem) return problem;
      }
      return undefined;
    case "map":
      if (!isObject(value)) return wrong("an object (a map)");
      for (const item of Object.values(value)) {
        const problem = inner(type.values, item);
        if (problem) return problem;
      }
      return undefined;
    case "union": {
      // Any branch: the specification's "the first schema in the union that matches it".
      const problems: Problem[] = [];
      for (const branch of type.branches) {
        const problem = inner(branch, value);
        if (problem === undefined) return undefined;
        problems.push(problem);
      }
      // Java accepts the value if it accepts it for one branch.
      const javaAccepts = problems.find((p) => p.javaAccepts !== undefined)?.javaAccepts;
      return { message: `${JSON.stringify(value)} matches no branch of ${label(type)}`, ...(javaAccepts ? { javaAccepts } : {}) };
    }
    case "record": {
      if (!isObject(value)) return wrong(`an object (a ${type.fullName})`);
      if (incomplete.has(type))
        throw new AvroSchemaError(
          `the default of field ${field} is a value of ${type.fullName}, which is still being defined: it cannot be checked (and Avro Java refuses it)`,
          pointer,
        );
      for (const f of type.fields) {
        // A field left out takes its own default, as in Java.
        if (!(f.name in value)) {
          if (!f.hasDefault) return { message: `field ${f.name} of ${type.fullName} is missing and has no default` };
          continue;
        }
        const problem = inner(f.type, value[f.name]);
        if (problem) return { ...problem, message: `field ${f.name}: ${problem.message}` };
      }
      return undefined;
    }
  }
  return undefined;
}

/** Bytes and fixed defaults are strings whose code points 0-255 are the bytes; a fixed one has its size. */
function bytesProblem(value: unknown, size: number | undefined): { message: string; javaAccepts?: JavaAccepts } | undefined {
  if (typeof value !== "string") return { message: `${JSON.stringify(value)} is not a string of bytes` };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the point
  if (/[^\u0000-\u00ff]/.test(value))
    return {
      message: `${JSON.stringify(value)} has characters beyond \\u00ff, which are not bytes`,
      javaAccepts: "bytes-default-code-point",
    };
  if (size !== undefined && value.length !== size)
    return { message: `${JSON.stringify(value)} is ${value.length} bytes, not ${size}`, javaAccepts: "fixed-default-size" };
  return undefined;
}

function aliasesOf(node: Json, pointer: string, namespace: string): string[] {
  if (node.aliases === undefined) return [];
  return stringsOf(node.aliases, joinPointer(pointer, "aliases")).map((a) => (a.includes(".") || !namespace ? a : `${namespace}.${a}`));
}

function stringsOf(value: unknown, pointer: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw new AvroSchemaError("must be an array of strings", pointer);
  return value as string[];
}

/** A valid decimal logical type on bytes or fixed; undefined when absent or invalid (then ignored). */
function decimalOf(node: Json, fixedSize: number | undefined): Decimal | undefined {
  if (node.logicalType !== "decimal") return undefined;
  const { precision, scale = 0 } = node;
  if (!Number.isInteger(precision) || (precision as number) <= 0) return undefined;
  if (!Number.isInteger(scale) || (scale as number) < 0 || (scale as number) > (precision as number)) return undefined;
  // A fixed of n bytes holds a signed number of at most floor(log10(2^(8n-1) - 1)) digits.
  if (fixedSize !== undefined && (precision as number) > Math.floor(Math.log10(2 ** (8 * fixedSize - 1) - 1))) return undefined;
  return { precision: precision as number, scale: scale as number };
}

/** Whether a named type with this full name is defined anywhere in the document (used to explain an unknown name). */
function definedLater(document: unknown, full: string): boolean {
  let found = false;
  const walk = (node: unknown, namespace: string): void => {
    if (found) return;
    if (Array.isArray(node)) for (const n of node) walk(n, namespace);
    else if (isObject(node)) {
      let ns = namespace;
      if (typeof node.name === "string" && ["record", "error", "enum", "fixed"].includes(String(node.type))) {
        const dot = node.name.lastIndexOf(".");
        ns = dot >= 0 ? node.name.slice(0, dot) : typeof node.namespace === "string" ? node.namespace : namespace;
        if ((ns ? `${ns}.${node.name.slice(dot + 1)}` : node.name.slice(dot + 1)) === full) found = true;
      }
      if (Array.isArray(node.fields)) for (const f of node.fields) if (isObject(f)) walk(f.type, ns);
      for (const key of ["type", "items", "values"]) if (typeof node[key] === "object") walk(node[key], ns);
    }
  };
  walk(document, "");
  return found;
}

/** A short description of a type, for messages. */
export function label(type: AvroType): string {
  switch (type.kind) {
    case "primitive":
      return type.decimal ? `${type.type} decimal(${type.decimal.precision}, ${type.decimal.scale})` : type.type;
    case "union":
      return `[${type.branches.map(label).join(", ")}]`;
    case "array":
      return `array<${label(type.items)}>`;
    case "map":
      return `map<${label(type.values)}>`;
    default:
      return `${type.kind} ${type.fullName}`;
  }
}
