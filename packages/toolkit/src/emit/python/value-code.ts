import { type EnumType, type Model, namedType, type RecordType, type TypeNode } from "../../load/model.js";
import type { PythonImports } from "./imports.js";
import { keywordArguments } from "./python-text.js";
import { type TypedFormat, typedFormat } from "./typed-formats.js";

/**
 * The Python expressions for values of model types in one module: annotations, readers, converters
 * and literals. Each name the expressions use from elsewhere is recorded in the module's imports as
 * it is written.
 */
export class ValueCode {
  constructor(
    private readonly model: Model,
    private readonly module: string,
    private readonly imports: PythonImports,
    /**
     * Whether a field of the module is called like one of the typed-format classes: a field `date`
     * would hide the class `date` from the annotations after it (they are resolved in the class body),
     * so the module then names them through their modules, imported under private names.
     */
    private readonly qualified: boolean,
    private readonly memberOf: (type: EnumType, symbol: string) => string,
  ) {}

  /** A class of the package, imported when it is another module's. */
  className(type: RecordType | EnumType): string {
    return type.module === this.module ? type.name : this.imports.sibling(type.module, type.name);
  }

  /** A helper of the runtime module. */
  private runtime(name: string): string {
    return this.imports.fromRuntime(name);
  }

  private typing(name: string): string {
    return this.imports.from("typing", name);
  }

  /** The class a typed format is carried as, recorded for the imports. */
  private typedName(format: TypedFormat): string {
    return this.qualified ? this.imports.qualified(format.module, format.name) : this.imports.from(format.module, format.name);
  }

  /**
   * The annotation of a type that holds a typed format (quicktype's would say `str`), from the model;
   * undefined for every other type, whose annotation is quicktype's.
   */
  annotation(type: TypeNode): string | undefined {
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
          return `${this.typing("List")}[${render(node.items)}]`;
        case "map":
          return `${this.typing("Dict")}[str, ${render(node.values)}]`;
        case "nullable":
          return `${this.typing("Optional")}[${render(node.inner)}]`;
        case "ref": {
          const named = namedType(this.model, node.name);
          return named.kind === "alias" ? render(named.target) : named.name;
        }
      }
    };
    return typed(type) ? render(type) : undefined;
  }

  /** A reader: a callable (value, path, key) -> typed value, built from the runtime's combinators. */
  reader(type: TypeNode): string {
    switch (type.kind) {
      case "string": {
        const format = typedFormat(type);
        if (format !== undefined) return this.runtime(format.read);
        const { minLength, maxLength, pattern, format: shape } = type.constraints;
        const checks = keywordArguments({ min_length: minLength, max_length: maxLength, pattern, format: shape });
        return checks === "" ? this.runtime("read_str") : `${this.runtime("read_text")}(${checks})`;
      }
      case "integer":
      case "number": {
        const base = this.runtime(type.kind === "integer" ? "read_int" : "read_float");
        const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = type.constraints;
        const bounds = keywordArguments({
          minimum,
          maximum,
          exclusive_minimum: exclusiveMinimum,
          exclusive_maximum: exclusiveMaximum,
        });
        return bounds === "" ? base : `${this.runtime("read_range")}(${base}, ${bounds})`;
      }
      case "boolean":
        return this.runtime("read_bool");
      case "array": {
        const list = `${this.runtime("read_list")}(${this.reader(type.items)})`;
        const sizes = keywordArguments({ min_items: type.constraints.minItems, max_items: type.constraints.maxItems });
        return sizes === "" ? list : `${this.runtime("read_sized")}(${list}, ${sizes})`;
      }
      case "map":
        return `${this.runtime("read_map")}(${this.reader(type.values)})`;
      case "nullable":
        return `${this.runtime("read_nullable")}(${this.reader(type.inner)})`;
      case "ref": {
        const named = namedType(this.model, type.name);
        if (named.kind === "alias") return this.reader(named.target);
        const name = this.className(named);
        return named.kind === "enum" ? `${this.runtime("read_enum")}(${name})` : `${name}.from_dict`;
      }
    }
  }

  /**
   * The typed form of `value`, as fastavro read it: records, enums and typed formats need building.
   * Lists and maps are fastavro's own fresh ones, kept rather than copied.
   */
  builder(type: TypeNode, value: string, path: string): string {
    return this.conversion(
      type,
      value,
      0,
      false,
      (named, v) => {
        const name = this.className(named);
        return named.kind === "enum" ? `${name}(${v})` : `${name}.from_avro(${v})`;
      },
      (format, v) => `${this.runtime(format.from)}(${v}, ${JSON.stringify(path)})`,
    );
  }

  /**
   * The JSON form of `value`, a typed expression. Lists and maps are copied, so that changing the
   * result never changes the frozen value.
   */
  dumper(type: TypeNode, value: string, path: string): string {
    return this.conversion(
      type,
      value,
      0,
      true,
      (named, v) => (named.kind === "enum" ? `${v}.value` : `${v}.to_dict()`),
      (format, v) => `${this.runtime(format.to)}(${v}, ${JSON.stringify(path)})`,
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
  defaultDeclaration(type: TypeNode, value: unknown): string {
    const literal = this.literal(type, value);
    if (value === null || typeof value !== "object") return literal;
    return `${this.imports.from("dataclasses", "field")}(default_factory=lambda: ${literal})`;
  }

  /** The Python expression for a JSON value of the given type. */
  literal(type: TypeNode, value: unknown): string {
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
        return format === undefined ? JSON.stringify(value) : `${this.runtime(format.from)}(${JSON.stringify(value)}, "default")`;
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
        const name = this.className(named);
        if (named.kind === "enum") return `${name}.${this.memberOf(named, String(value))}`;
        return `${name}.from_dict(${JSON.stringify(value)})`;
      }
      default:
        return JSON.stringify(value);
    }
  }
}
