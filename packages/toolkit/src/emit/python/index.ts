import { InputData, type JSONSchema, JSONSchemaInput, JSONSchemaStore, quicktype } from "quicktype-core";
import type { CanonConfig } from "../../load/config.js";
import {
  directDependencies,
  type EnumType,
  type Field,
  type Model,
  type NamedType,
  namedType,
  type RecordType,
  SHARED_MODULE,
  type TypeNode,
} from "../../load/model.js";
import { pythonFieldName } from "../../load/naming.js";
import { type ReleasedSchemas, releasedIdOf } from "../../load/released-schemas.js";
import { avroKeySchemaOf, avroSchemaOf } from "../avro/index.js";
import { type Emitter, generatedNotice, groupBy, type OutputFiles, runtimeTemplates } from "../emitter.js";
import type { RenderCache } from "../render-cache.js";
import { recordSchema, type SchemaView, schemaOfType } from "../schema-view.js";

/**
 * String formats that Python carries as typed values rather than `str`: the class, and the runtime's
 * converters from and to the wire string (which stays what openedx-events writes).
 */
const TYPED_FORMATS = {
  "date-time": { name: "datetime", module: "datetime", read: "read_datetime", from: "datetime_from_wire", to: "datetime_to_wire" },
  date: { name: "date", module: "datetime", read: "read_date", from: "date_from_wire", to: "date_to_wire" },
  uuid: { name: "UUID", module: "uuid", read: "read_uuid", from: "uuid_from_wire", to: "uuid_to_wire" },
} as const;
type TypedFormat = (typeof TYPED_FORMATS)[keyof typeof TYPED_FORMATS];

function typedFormat(type: TypeNode): TypedFormat | undefined {
  if (type.kind !== "string") return undefined;
  const format = type.constraints.format;
  return format !== undefined && Object.hasOwn(TYPED_FORMATS, format) ? TYPED_FORMATS[format as keyof typeof TYPED_FORMATS] : undefined;
}

/** What quicktype's python renderer gave for each class, under placeholder names. */
interface QuicktypeClasses {
  /** Placeholder field name -> Python annotation, per placeholder class name. */
  readonly annotations: Map<string, Map<string, string>>;
  /** Enum value -> member name, per placeholder class name. */
  readonly members: Map<string, Map<string, string>>;
}

/**
 * quicktype renders the dataclass fields' annotations and the enum members. Its output is wrong for
 * us in four ways, each fixed here: it sorts fields (we need schema order: Avro encodes in that
 * order), renames fields and classes (`class` -> `user_data_class`; `$defs` keys ignored), emits
 * `assert`-based converters that need `dateutil`, and is not `mypy --strict` clean. So it is given
 * placeholder names whose sorted order is the schema order, and everything but its annotations and
 * enum member names is rendered from the model.
 */
/**
 * quicktype's default store fetches any address a schema names. Every reference we give it is local
 * (`#/$defs/...`), and schemas are never fetched (the loader refuses remote refs): this store makes
 * that hold here too, by construction.
 */
class NoFetchStore extends JSONSchemaStore {
  // "Not found". quicktype asks for an address once per reference it resolves, and swallows what
  // fetch throws, so an Error here only cost a stack trace each time (seconds on a large catalog).
  async fetch(_address: string): Promise<JSONSchema | undefined> {
    return undefined;
  }
}

/**
 * quicktype over one module's classes. A reference to a class of another module only needs its name
 * in the annotation, so that class is given as a stub: a change to one module then runs quicktype
 * over that module alone, and each class is given to quicktype once in all.
 */
async function runQuicktype(
  model: Model,
  placeholder: Map<string, string>,
  classes: readonly (RecordType | EnumType)[],
  cache: RenderCache,
): Promise<QuicktypeClasses> {
  const view: SchemaView = {
    ref: (named) => (named.kind === "alias" ? schemaOfType(model, named.target, view) : { $ref: `#/$defs/${placeholder.get(named.name)}` }),
    fieldName: (_f, i) => fieldPlaceholder(i),
  };
  const defs: Record<string, unknown> = {};
  const roots: Record<string, unknown> = {};
  const inModule = new Set(classes.map((t) => t.name));
  // Aliases are inlined by the view, so what they refer to needs a stub too.
  const stubsOf = (type: NamedType) => {
    for (const dep of directDependencies(type)) {
      const other = namedType(model, dep);
      if (other.kind === "alias") stubsOf(other);
      else if (!inModule.has(other.name)) define(other, true);
    }
  };
  const define = (type: RecordType | EnumType, stub: boolean) => {
    const id = placeholder.get(type.name) as string;
    if (id in defs) return;
    if (type.kind === "enum")
      // quicktype merges enums with the same symbols into one type with a made-up name: a symbol of
      // its own keeps each apart (its member is never looked up).
      defs[id] = { title: id, type: "string", enum: [...(stub ? [] : type.symbols), `ec_own_${id}`] };
    else if (stub)
      defs[id] = { title: id, type: "object", properties: { [`ec_own_${id}`]: { type: "boolean" } }, required: [`ec_own_${id}`] };
    else {
      defs[id] = {
        title: id,
        ...recordSchema(model, type, view),
        // All required: the annotation must say only whether null is allowed; defaults come from the model.
        required: type.fields.map((_f, i) => fieldPlaceholder(i)),
      };
      stubsOf(type);
    }
    roots[`ec_root_${id.toLowerCase()}`] = { $ref: `#/$defs/${id}` };
  };
  for (const type of classes) define(type, false);
  const schema = {
    title: "EcRoot",
    type: "object",
    properties: roots,
    required: Object.keys(roots),
    additionalProperties: false,
    $defs: defs,
  };
  const text = JSON.stringify(schema);
  const lines = await cache.get("py-quicktype", text, async () => {
    const input = new JSONSchemaInput(new NoFetchStore());
    await input.addSource({ name: "EcRoot", schema: text });
    const inputData = new InputData();
    inputData.addInput(input);
    const result = await quicktype({
      inputData,
      lang: "python",
      combineClasses: false,
      inferEnums: false,
      inferMaps: false,
      rendererOptions: { "python-version": "3.7", "just-types": "true" },
    });
    return result.lines.join("\n");
  });
  return parseQuicktypeOutput(lines.split("\n"));
}

function fieldPlaceholder(index: number): string {
  return `ec_f${String(index).padStart(4, "0")}`;
}

function parseQuicktypeOutput(lines: readonly string[]): QuicktypeClasses {
  const annotations = new Map<string, Map<string, string>>();
  const members = new Map<string, Map<string, string>>();
  let current: { name: string; enum: boolean } | undefined;
  for (const line of lines) {
    const header = /^class (\w+)(\(Enum\))?:$/.exec(line);
    if (header?.[1] !== undefined) {
      current = { name: header[1], enum: header[2] !== undefined };
      (current.enum ? members : annotations).set(current.name, new Map());
      continue;
    }
    if (current === undefined || !line.startsWith("    ")) continue;
    if (current.enum) {
      const member = /^ {4}(\w+) = (".*")$/.exec(line);
      if (member?.[1] !== undefined && member[2] !== undefined) members.get(current.name)?.set(JSON.parse(member[2]) as string, member[1]);
    } else {
      const field = /^ {4}(ec_f\d+): (.+?)(?: = .*)?$/.exec(line);
      if (field?.[1] !== undefined && field[2] !== undefined) annotations.get(current.name)?.set(field[1], field[2]);
    }
  }
  return { annotations, members };
}

/**
 * Emits one module per domain plus `shared`, `_registry.py`, `py.typed`, and the fixed modules from
 * templates/python (`__init__`, `_runtime`, `_avro`, `_envelope`); the Avro and bundled JSON schemas
 * join them as package data (`includes` in target.ts).
 */
export const pythonEmitter: Emitter = {
  target: "python",
  async emit(model, config, cache, released) {
    const classes = [...model.types.values()].filter((t): t is RecordType | EnumType => t.kind !== "alias");
    const placeholder = new Map(classes.map((t, i) => [t.name, `EcT${String(i).padStart(4, "0")}`]));
    const realName = new Map([...placeholder].map(([name, id]) => [id, name]));
    const byModule = groupBy(classes, (t) => t.module);
    // Stubs of other modules' classes come back too: each class's output is taken from its own module's run.
    const quicktypeOut: QuicktypeClasses = { annotations: new Map(), members: new Map() };
    for (const [module, types] of byModule) {
      const part = await runQuicktype(model, placeholder, types, cache);
      const own = (id: string) => model.types.get(realName.get(id) ?? "")?.module === module;
      for (const [id, annotations] of part.annotations) if (own(id)) quicktypeOut.annotations.set(id, annotations);
      for (const [id, members] of part.members) if (own(id)) quicktypeOut.members.set(id, members);
    }
    const rename = (annotation: string) => annotation.replace(/\bEcT\d{4}\b/g, (id) => realName.get(id) ?? id);

    const renderer = new ModuleRenderer(
      model,
      new Map(model.events.map((e) => [e.record.name, e.eventType])),
      (type, field, index) => {
        const id = placeholder.get(type.name) ?? "";
        const annotation = quicktypeOut.annotations.get(id)?.get(fieldPlaceholder(index));
        if (annotation === undefined) throw new Error(`quicktype gave no annotation for ${type.name}.${field.name}`);
        return rename(annotation);
      },
      (type, symbol) => quicktypeOut.members.get(placeholder.get(type.name) ?? "")?.get(symbol) ?? symbol.toUpperCase(),
    );

    const files: OutputFiles = new Map();
    for (const [module, types] of byModule) files.set(`${module}.py`, renderer.module(module, types));
    for (const [template, text] of runtimeTemplates("python", ".py", "#", config)) files.set(template, text);
    files.set("_registry.py", registryModule(model, config, released));
    files.set("_history.py", historyModule(model, config, released));
    files.set("py.typed", "");
    return { files, snippets: new Map(model.events.map((e) => [e.eventType, renderer.classes.get(e.record.name) as string])) };
  },
};

class ModuleRenderer {
  /** Each class as its module holds it, up to the blank lines before the next (the last one keeps the file's final newline). */
  readonly classes = new Map<string, string>();
  private readonly used = new Set<string>();
  /** The standard-library classes the module's annotations name (datetime, date, UUID). */
  private readonly stdlib = new Set<TypedFormat>();
  /**
   * Whether a field of the module is called like one of those classes: a field `date` would hide the
   * class `date` from the annotations after it (they are resolved in the class body), so the module
   * then names them through their modules, imported under private names.
   */
  private qualified = false;

  constructor(
    private readonly model: Model,
    /** Event type of each event's data class, which gets it as `EVENT_TYPE`. */
    private readonly eventTypes: ReadonlyMap<string, string>,
    private readonly annotationOf: (type: RecordType, field: Field, index: number) => string,
    private readonly memberOf: (type: EnumType, symbol: string) => string,
  ) {}

  module(module: string, types: (RecordType | EnumType)[]): string {
    this.used.clear();
    this.stdlib.clear();
    const classNames = new Set(Object.values(TYPED_FORMATS).map((f) => f.name as string));
    this.qualified = types.some((t) => t.kind === "record" && t.fields.some((f) => classNames.has(pythonFieldName(f.name))));
    const ordered = definitionOrder(this.model, types);
    const blocks = ordered.map((t) => (t.kind === "enum" ? this.enumClass(t) : this.dataclass(t)));
    for (const [i, t] of ordered.entries()) {
      const block = blocks[i] as string;
      this.classes.set(t.name, i < blocks.length - 1 ? block.slice(0, -1) : block);
    }
    const body = blocks.join("\n\n");
    const title =
      module === SHARED_MODULE
        ? "Data types shared by several events."
        : `Events of the ${module} domain and the data types only they use.`;
    return [
      generatedNotice("#"),
      `"""${title}"""`,
      "",
      "from __future__ import annotations",
      "",
      ...this.imports(module, body),
      "",
      body,
    ].join("\n");
  }

  private imports(module: string, body: string): string[] {
    const uses = (token: string) => new RegExp(`\\b${token}\\b`).test(body);
    const lines: string[] = [];
    if (this.qualified) {
      for (const name of [...new Set([...this.stdlib].map((f) => f.module))].sort()) lines.push(`import ${name} as _${name}`);
    }
    const dataclasses = ["dataclass", "field"].filter(
      (n) => new RegExp(`\\b${n}\\(`).test(body) || (n === "dataclass" && body.includes("@dataclass")),
    );
    if (dataclasses.length > 0) lines.push(`from dataclasses import ${dataclasses.join(", ")}`);
    if (!this.qualified) {
      const fromDatetime = [...this.stdlib].filter((f) => f.module === "datetime").map((f) => f.name as string);
      if (fromDatetime.length > 0) lines.push(`from datetime import ${fromDatetime.sort().join(", ")}`);
    }
    if (uses("Enum")) lines.push("from enum import Enum");
    const typing = ["Any", "ClassVar", "Dict", "List", "Optional"].filter(uses);
    if (typing.length > 0) lines.push(`from typing import ${typing.join(", ")}`);
    if (!this.qualified && this.stdlib.has(TYPED_FORMATS.uuid)) lines.push("from uuid import UUID");
    const runtime = [
      "read_bool",
      "read_enum",
      "read_float",
      "read_int",
      "read_list",
      "read_map",
      "read_nullable",
      "read_range",
      "read_record",
      "read_sized",
      "read_str",
      "read_text",
      ...Object.values(TYPED_FORMATS).flatMap((f) => [f.read, f.from, f.to]),
    ]
      .filter(uses)
      .sort();
    // A module of enums only uses nothing from the runtime.
    const local = runtime.length > 0 ? [`from ._runtime import ${runtime.join(", ")}`] : [];
    const foreign = new Map<string, Set<string>>();
    for (const name of this.used) {
      const type = namedType(this.model, name);
      if (type.module !== module) foreign.set(type.module, (foreign.get(type.module) ?? new Set()).add(name));
    }
    for (const [from, names] of [...foreign].sort(([a], [b]) => (a < b ? -1 : 1)))
      local.push(`from .${from} import ${[...names].sort().join(", ")}`);
    return [...lines, "", ...local, ""];
  }

  private enumClass(type: EnumType): string {
    const lines = [`class ${type.name}(Enum):`, ...docstring(type.description ?? type.name, "    "), ""];
    for (const symbol of type.symbols) lines.push(`    ${this.memberOf(type, symbol)} = ${JSON.stringify(symbol)}`);
    return `${lines.join("\n")}\n`;
  }

  private dataclass(type: RecordType): string {
    const lines = ["@dataclass(frozen=True)", `class ${type.name}:`, ...docstring(type.description ?? type.name, "    ")];
    const eventType = this.eventTypes.get(type.name);
    if (eventType !== undefined)
      lines.push(
        "",
        `    EVENT_TYPE: ClassVar[str] = ${JSON.stringify(eventType)}`,
        ...docstring("The event type string this class is the data of.", "    "),
      );
    // Python dataclasses need every field after a defaulted one to have a default too (keyword-only
    // fields would lift that, but need Python 3.10). A default followed by a required field is
    // therefore applied by from_dict only, and the constructor asks for the value.
    const lastRequired = type.fields.map((f) => f.default === undefined).lastIndexOf(true);
    type.fields.forEach((field, index) => {
      lines.push("");
      const annotation = this.annotation(field.type) ?? this.annotationOf(type, field, index);
      const fallback =
        field.default === undefined || index < lastRequired ? "" : ` = ${this.defaultDeclaration(field.type, field.default.value)}`;
      lines.push(`    ${pythonFieldName(field.name)}: ${annotation}${fallback}`);
      // An attribute docstring (a string right after the field): what editors show on hover.
      if (field.description !== undefined) lines.push(...docstring(field.description, "    "));
    });
    const fieldsSpec = type.fields
      .map((f) => `${JSON.stringify(f.name)}: ${f.required || f.default === undefined ? "True" : "False"}`)
      .join(", ");
    // The wire names are a class constant, not a dict literal that every from_dict call would build.
    lines.push(
      "",
      `    _WIRE_FIELDS: ClassVar[Dict[str, bool]] = {${fieldsSpec}}`,
      "",
      "    @staticmethod",
      `    def from_dict(data: Any, path: str = ${JSON.stringify(type.name)}, key: str = "") -> ${type.name}:`,
      '        """Builds the value from its JSON form at path + key; raises ValueError naming the first wrong field."""',
      "        path += key",
      `        record = read_record(data, path, ${type.name}._WIRE_FIELDS)`,
      `        return ${type.name}(`,
    );
    for (const field of type.fields) {
      const read = `${this.reader(field.type)}(record[${JSON.stringify(field.name)}], path, ${JSON.stringify(`.${field.name}`)})`;
      const value =
        field.default === undefined
          ? read
          : `${read} if ${JSON.stringify(field.name)} in record else ${this.literal(field.type, field.default.value)}`;
      lines.push(`            ${pythonFieldName(field.name)}=${value},`);
    }
    // from_avro sets the instance's attributes in one step, as the constructor would one by one: a
    // frozen dataclass's __init__ calls object.__setattr__ per field, most of the cost of building a
    // small value. The classes have no __post_init__ and from_avro gives every field, so the value is
    // the same; only its __dict__ no longer shares its keys with the class (about 80 bytes more).
    lines.push(
      "        )",
      "",
      "    @staticmethod",
      `    def from_avro(record: Dict[str, Any]) -> ${type.name}:`,
      // Only conversions, no from_dict checks: the schema fastavro read with guarantees every field and its type.
      '        """The value of a record fastavro read with this class\'s own schema, as decode() builds it."""',
      `        value: ${type.name} = object.__new__(${type.name})`,
      '        object.__setattr__(value, "__dict__", {',
      ...type.fields.map(
        (f) =>
          `            ${JSON.stringify(pythonFieldName(f.name))}: ${this.builder(f.type, `record[${JSON.stringify(f.name)}]`, `${type.name}.${f.name}`)},`,
      ),
      "        })",
      "        return value",
      "",
      "    def to_dict(self) -> Dict[str, Any]:",
      '        """The JSON form: every field, defaults included, under its schema name (ValueError if one cannot be)."""',
      "        return {",
      ...type.fields.map(
        (f) =>
          `            ${JSON.stringify(f.name)}: ${this.dumper(f.type, `self.${pythonFieldName(f.name)}`, `${type.name}.${f.name}`)},`,
      ),
      "        }",
    );
    return `${lines.join("\n")}\n`;
  }

  /** The class a typed format is carried as, recorded for the imports. */
  private typedName(format: TypedFormat): string {
    this.stdlib.add(format);
    return this.qualified ? `_${format.module}.${format.name}` : format.name;
  }

  /**
   * The annotation of a type that holds a typed format (quicktype's would say `str`), from the model;
   * undefined for every other type, whose annotation is quicktype's.
   */
  private annotation(type: TypeNode): string | undefined {
    const typed = (node: TypeNode): boolean => {
      switch (node.kind) {
        case "string":
          return typedFormat(node) !== undefined;
        case "array":
          return typed(node.items);
        case "map":
          return typed(node.values);
        case "nullable":
          return typed(node.inner);
        case "ref": {
          const named = namedType(this.model, node.name);
          return named.kind === "alias" && typed(named.target);
        }
        default:
          return false;
      }
    };
    const render = (node: TypeNode): string => {
      switch (node.kind) {
        case "string": {
          const format = typedFormat(node);
          return format === undefined ? "str" : this.typedName(format);
        }
        case "integer":
          return "int";
        case "number":
          return "float";
        case "boolean":
          return "bool";
        case "array":
          return `List[${render(node.items)}]`;
        case "map":
          return `Dict[str, ${render(node.values)}]`;
        case "nullable":
          return `Optional[${render(node.inner)}]`;
        case "ref": {
          const named = namedType(this.model, node.name);
          return named.kind === "alias" ? render(named.target) : named.name;
        }
      }
    };
    return typed(type) ? render(type) : undefined;
  }

  /** A reader: a callable (value, path, key) -> typed value, built from the runtime's combinators. */
  private reader(type: TypeNode): string {
    switch (type.kind) {
      case "string": {
        const format = typedFormat(type);
        if (format !== undefined) return format.read;
        const { minLength, maxLength, pattern, format: shape } = type.constraints;
        const checks = keywordArguments({ min_length: minLength, max_length: maxLength, pattern, format: shape });
        return checks === "" ? "read_str" : `read_text(${checks})`;
      }
      case "integer":
      case "number": {
        const base = type.kind === "integer" ? "read_int" : "read_float";
        const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = type.constraints;
        const bounds = keywordArguments({
          minimum,
          maximum,
          exclusive_minimum: exclusiveMinimum,
          exclusive_maximum: exclusiveMaximum,
        });
        return bounds === "" ? base : `read_range(${base}, ${bounds})`;
      }
      case "boolean":
        return "read_bool";
      case "array": {
        const list = `read_list(${this.reader(type.items)})`;
        const sizes = keywordArguments({ min_items: type.constraints.minItems, max_items: type.constraints.maxItems });
        return sizes === "" ? list : `read_sized(${list}, ${sizes})`;
      }
      case "map":
        return `read_map(${this.reader(type.values)})`;
      case "nullable":
        return `read_nullable(${this.reader(type.inner)})`;
      case "ref": {
        const named = namedType(this.model, type.name);
        if (named.kind === "alias") return this.reader(named.target);
        this.used.add(named.name);
        return named.kind === "enum" ? `read_enum(${named.name})` : `${named.name}.from_dict`;
      }
    }
  }

  /**
   * The typed form of `value`, as fastavro read it: records, enums and typed formats need building.
   * Lists and maps are fastavro's own fresh ones, kept rather than copied.
   */
  private builder(type: TypeNode, value: string, path: string): string {
    return this.conversion(
      type,
      value,
      0,
      false,
      (named, v) => {
        this.used.add(named.name);
        return named.kind === "enum" ? `${named.name}(${v})` : `${named.name}.from_avro(${v})`;
      },
      (format, v) => `${format.from}(${v}, ${JSON.stringify(path)})`,
    );
  }

  /**
   * The JSON form of `value`, a typed expression. Lists and maps are copied, so that changing the
   * result never changes the frozen value.
   */
  private dumper(type: TypeNode, value: string, path: string): string {
    return this.conversion(
      type,
      value,
      0,
      true,
      (named, v) => (named.kind === "enum" ? `${v}.value` : `${v}.to_dict()`),
      (format, v) => `${format.to}(${v}, ${JSON.stringify(path)})`,
    );
  }

  /**
   * A conversion of `value` chosen here from the model type, so that no call pays for finding out at
   * run time what each field holds: `named` converts a record or enum, `typed` a typed format; lists,
   * maps and nulls are walked.
   */
  private conversion(
    type: TypeNode,
    value: string,
    depth: number,
    copy: boolean,
    named: (type: RecordType | EnumType, value: string) => string,
    typed: (format: TypedFormat, value: string) => string,
  ): string {
    const item = `v${depth}`;
    switch (type.kind) {
      case "string": {
        const format = typedFormat(type);
        return format === undefined ? value : typed(format, value);
      }
      case "array": {
        const inner = this.conversion(type.items, item, depth + 1, copy, named, typed);
        if (inner === item) return copy ? `list(${value})` : value;
        return `[${inner} for ${item} in ${value}]`;
      }
      case "map": {
        // The copy has its keys sorted, as openedx-events writes maps (its json.dumps(sort_keys=True)),
        // so that both write the same Avro bytes.
        const inner = this.conversion(type.values, item, depth + 1, copy, named, typed);
        if (inner === item) return copy ? `dict(sorted(${value}.items()))` : value;
        return `{k${depth}: ${inner} for k${depth}, ${item} in ${copy ? `sorted(${value}.items())` : `${value}.items()`}}`;
      }
      case "nullable": {
        const inner = this.conversion(type.inner, value, depth, copy, named, typed);
        return inner === value ? value : `None if ${value} is None else ${inner}`;
      }
      case "ref": {
        const target = namedType(this.model, type.name);
        return target.kind === "alias" ? this.conversion(target.target, value, depth, copy, named, typed) : named(target, value);
      }
      default:
        return value;
    }
  }

  /**
   * A field default: mutable values need a factory, or every instance would share one. A lambda even
   * for an empty list: `list` alone would type the default as a list of unknown items.
   */
  private defaultDeclaration(type: TypeNode, value: unknown): string {
    const literal = this.literal(type, value);
    if (value === null || typeof value !== "object") return literal;
    return `field(default_factory=lambda: ${literal})`;
  }

  /** The Python expression for a JSON value of the given type. */
  private literal(type: TypeNode, value: unknown): string {
    if (value === null) return "None";
    switch (type.kind) {
      case "nullable":
        return this.literal(type.inner, value);
      case "boolean":
        return value ? "True" : "False";
      case "number":
        return Number.isInteger(value) ? `${String(value)}.0` : String(value);
      case "string": {
        const format = typedFormat(type);
        return format === undefined ? JSON.stringify(value) : `${format.from}(${JSON.stringify(value)}, "default")`;
      }
      case "array":
        return `[${(value as unknown[]).map((v) => this.literal(type.items, v)).join(", ")}]`;
      case "map":
        return `{${Object.entries(value as Record<string, unknown>)
          .map(([k, v]) => `${JSON.stringify(k)}: ${this.literal(type.values, v)}`)
          .join(", ")}}`;
      case "ref": {
        const named = namedType(this.model, type.name);
        if (named.kind === "alias") return this.literal(named.target, value);
        this.used.add(named.name);
        if (named.kind === "enum") return `${named.name}.${this.memberOf(named, String(value))}`;
        return `${named.name}.from_dict(${JSON.stringify(value)})`;
      }
      default:
        return JSON.stringify(value);
    }
  }
}

/** `name=value` for each keyword given, in order, as Python spells the values. */
function keywordArguments(values: Record<string, string | number | undefined>): string {
  return (
    Object.entries(values)
      .filter(([, v]) => v !== undefined)
      // JSON's string escapes are all Python's too.
      .map(([k, v]) => `${k}=${typeof v === "string" ? JSON.stringify(v) : String(v)}`)
      .join(", ")
  );
}

/** Enums first, then records after the records they use, so class-level defaults can name them. */
function definitionOrder(model: Model, types: (RecordType | EnumType)[]): (RecordType | EnumType)[] {
  const inModule = new Set(types.map((t) => t.name));
  const done = new Set<string>();
  const out: (RecordType | EnumType)[] = types.filter((t) => t.kind === "enum");
  for (const t of out) done.add(t.name);
  const visit = (type: RecordType | EnumType) => {
    if (done.has(type.name)) return;
    done.add(type.name);
    for (const dep of directDependencies(type)) {
      const other = namedType(model, dep);
      if (inModule.has(dep) && other.kind !== "alias") visit(other);
    }
    out.push(type);
  };
  for (const type of types) visit(type);
  return out;
}

function docstring(text: string, indent: string): string[] {
  // A quote at the very end would run into the closing quotes.
  const escaped = text.replace(/\\/g, "\\\\").replace(/"""/g, '\\"\\"\\"').replace(/"$/, '\\"');
  const lines = wrap(escaped, 96 - indent.length);
  if (lines.length === 1) return [`${indent}"""${lines[0]}"""`];
  return [`${indent}"""${lines[0]}`, ...lines.slice(1).map((l) => `${indent}${l}`), `${indent}"""`];
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter((w) => w !== "")) {
      if (line !== "" && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line === "" ? word : `${line} ${word}`;
      }
    }
    lines.push(line);
  }
  return lines;
}

function registryModule(model: Model, config: CanonConfig, released: ReleasedSchemas): string {
  const lines = [
    generatedNotice("#"),
    '"""Every event type with its data class, routing facts and schemas."""',
    "",
    "from __future__ import annotations",
    "",
    "import json",
    "from dataclasses import dataclass",
    "from importlib import resources",
    "from typing import Any, Dict, Optional, Type",
    "",
  ];
  for (const [module, events] of groupBy(model.events, (e) => e.record.module))
    lines.push(
      `from .${module} import ${events
        .map((e) => e.record.name)
        .sort()
        .join(", ")}`,
    );
  lines.push(
    "",
    "",
    "@dataclass(frozen=True)",
    "class EventSpec:",
    '    """One event type: its data class, where it is sent, its key, and its schemas."""',
    "",
    "    event_type: str",
    "    data_class: Type[Any]",
    "    topic: Optional[str]",
    "    key_field: Optional[str]",
    '    """Dotted path of the field whose value is the message key."""',
    "    key_schema: Any",
    '    """Avro schema of the key field\'s value."""',
    "    schema_id: Optional[int] = None",
    '    """Global id of the package\'s value schema in the release history; None while not released."""',
    "    key_schema_id: Optional[int] = None",
    '    """Global id of its key schema in the release history; None while not released."""',
    "",
    "    def avro_schema(self) -> Dict[str, Any]:",
    '        """The Avro schema (the Open edX event bus wire form), as shipped in the package."""',
    '        return _load("avro", f"{self.event_type}.avsc")',
    "",
    "    def json_schema(self) -> Dict[str, Any]:",
    '        """The self-contained JSON Schema (draft 2020-12)."""',
    '        return _load("json", f"{self.event_type}.json")',
    "",
    "",
    "def _load(kind: str, name: str) -> Dict[str, Any]:",
    '    text = resources.files(__name__.rpartition(".")[0]).joinpath("schemas").joinpath(kind).joinpath(name).read_text(encoding="utf-8")',
    "    value: Dict[str, Any] = json.loads(text)",
    "    return value",
    "",
    "",
    "#: Every event type of the catalog.",
    "EVENTS: Dict[str, EventSpec] = {",
  );
  for (const event of model.events) {
    const key = avroKeySchemaOf(model, event);
    const schemaId = releasedIdOf(released, avroSchemaOf(model, event, config));
    const keySchemaId = key === undefined ? undefined : releasedIdOf(released, key);
    lines.push(
      `    ${JSON.stringify(event.eventType)}: EventSpec(`,
      `        event_type=${JSON.stringify(event.eventType)},`,
      `        data_class=${event.record.name},`,
      `        topic=${event.topic === undefined ? "None" : JSON.stringify(event.topic)},`,
      `        key_field=${event.keyField === undefined ? "None" : JSON.stringify(event.keyField)},`,
      `        key_schema=${key === undefined ? "None" : pythonJson(key)},`,
      `        schema_id=${schemaId ?? "None"},`,
      `        key_schema_id=${keySchemaId ?? "None"},`,
      "    ),",
    );
  }
  lines.push("}", "");
  return lines.join("\n");
}

/**
 * Every released schema by id, for consumers to read any released version offline. A value schema
 * that is an event's current one is left out (None): that event's Avro schema file holds it.
 */
function historyModule(model: Model, config: CanonConfig, released: ReleasedSchemas): string {
  const current = new Set(model.events.map((e) => releasedIdOf(released, avroSchemaOf(model, e, config))));
  return [
    generatedNotice("#"),
    '"""Every schema released in registry/, by global id: the writer schemas a consumer reads offline."""',
    "",
    "from __future__ import annotations",
    "",
    "from typing import Any, Dict, Optional, Tuple",
    "",
    "#: Value schemas: event type, version, and the schema as released (None where it is the event's current one).",
    "VALUES: Dict[int, Tuple[str, int, Optional[Any]]] = {",
    ...[...released.values].map(
      ([id, { event, version, schema }]) =>
        `    ${id}: (${JSON.stringify(event)}, ${version}, ${current.has(id) ? "None" : pythonJson(schema)}),`,
    ),
    "}",
    "",
    "#: Key schemas, shared by every event whose key has that schema.",
    "KEYS: Dict[int, Any] = {",
    ...[...released.keys].map(([id, schema]) => `    ${id}: ${pythonJson(schema)},`),
    "}",
    "",
  ].join("\n");
}

/** A JSON value as a Python literal (null/true/false spelt the Python way). */
function pythonJson(value: unknown): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  if (typeof value === "object")
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
      .join(", ")}}`;
  return JSON.stringify(value);
}
