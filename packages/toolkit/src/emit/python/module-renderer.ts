import { type EnumType, type Field, type Model, type RecordType, SHARED_MODULE } from "../../load/model.js";
import { pythonFieldName } from "../../load/naming.js";
import { generatedNotice } from "../emitter.js";
import { definitionOrder } from "./definition-order.js";
import { PythonImports } from "./imports.js";
import { docstring } from "./python-text.js";
import type { QuicktypeAnnotation } from "./quicktype-annotations.js";
import { TYPED_FORMATS } from "./typed-formats.js";
import { ValueCode } from "./value-code.js";

/** What the module renderer takes from quicktype and the model, for every module. */
export interface ModuleSources {
  readonly model: Model;
  /** Event type of each event's data class, which gets it as `EVENT_TYPE`. */
  readonly eventTypes: ReadonlyMap<string, string>;
  readonly annotationOf: (type: RecordType, field: Field) => QuicktypeAnnotation;
  readonly memberOf: (type: EnumType, symbol: string) => string;
}

/**
 * One domain's module (or `shared`): its enums and dataclasses, with the imports they use; and each
 * class as the module holds it, up to the blank lines before the next (the last keeps the file's final
 * newline), for the catalog.
 */
export function renderModule(
  sources: ModuleSources,
  module: string,
  types: (RecordType | EnumType)[],
): { text: string; classes: Map<string, string> } {
  const imports = new PythonImports();
  const classNames = new Set(Object.values(TYPED_FORMATS).map((f) => f.name as string));
  const qualified = types.some((t) => t.kind === "record" && t.fields.some((f) => classNames.has(pythonFieldName(f.name))));
  const code = new ValueCode(sources.model, module, imports, qualified, sources.memberOf);
  const ordered = definitionOrder(sources.model, types);
  const blocks = ordered.map((t) => (t.kind === "enum" ? enumClass(t, imports, sources) : dataclass(t, imports, code, sources)));
  const classes = new Map(
    ordered.map((t, i) => [t.name, i < blocks.length - 1 ? (blocks[i] as string).slice(0, -1) : (blocks[i] as string)]),
  );
  const body = blocks.join("\n\n");
  const title =
    module === SHARED_MODULE ? "Data types shared by several events." : `Events of the ${module} domain and the data types only they use.`;
  const text = [generatedNotice("#"), `"""${title}"""`, "", "from __future__ import annotations", "", ...imports.lines(), "", body].join(
    "\n",
  );
  return { text, classes };
}

function enumClass(type: EnumType, imports: PythonImports, sources: ModuleSources): string {
  const lines = [`class ${type.name}(${imports.from("enum", "Enum")}):`, ...docstring(type.description ?? type.name, "    "), ""];
  for (const symbol of type.symbols) lines.push(`    ${sources.memberOf(type, symbol)} = ${JSON.stringify(symbol)}`);
  return `${lines.join("\n")}\n`;
}

function dataclass(type: RecordType, imports: PythonImports, code: ValueCode, sources: ModuleSources): string {
  const typing = (name: string) => imports.from("typing", name);
  const lines = [
    `@${imports.from("dataclasses", "dataclass")}(frozen=True)`,
    `class ${type.name}:`,
    ...docstring(type.description ?? type.name, "    "),
  ];
  const eventType = sources.eventTypes.get(type.name);
  if (eventType !== undefined)
    lines.push(
      "",
      `    EVENT_TYPE: ${typing("ClassVar")}[str] = ${JSON.stringify(eventType)}`,
      ...docstring("The event type string this class is the data of.", "    "),
    );
  // Python dataclasses need every field after a defaulted one to have a default too (keyword-only
  // fields would lift that, but need Python 3.10). A default followed by a required field is
  // therefore applied by from_dict only, and the constructor asks for the value.
  const lastRequired = type.fields.map((f) => f.default === undefined).lastIndexOf(true);
  type.fields.forEach((field, index) => {
    lines.push("");
    const annotation = code.annotation(field.type) ?? quicktypeAnnotation(imports, sources.annotationOf(type, field));
    const fallback =
      field.default === undefined || index < lastRequired ? "" : ` = ${code.defaultDeclaration(field.type, field.default.value)}`;
    lines.push(`    ${pythonFieldName(field.name)}: ${annotation}${fallback}`);
    // An attribute docstring (a string right after the field): what editors show on hover.
    if (field.description !== undefined) lines.push(...docstring(field.description, "    "));
  });
  const fieldsSpec = type.fields
    .map((f) => `${JSON.stringify(f.name)}: ${f.required || f.default === undefined ? "True" : "False"}`)
    .join(", ");
  const [any, dict] = [typing("Any"), typing("Dict")];
  // The wire names are a class constant, not a dict literal that every from_dict call would build.
  lines.push(
    "",
    `    _WIRE_FIELDS: ${typing("ClassVar")}[${dict}[str, bool]] = {${fieldsSpec}}`,
    "",
    "    @staticmethod",
    `    def from_dict(data: ${any}, path: str = ${JSON.stringify(type.name)}, key: str = "") -> ${type.name}:`,
    '        """Builds the value from its JSON form at path + key; raises ValueError naming the first wrong field."""',
    "        path += key",
    `        record = ${imports.fromRuntime("read_record")}(data, path, ${type.name}._WIRE_FIELDS)`,
    `        return ${type.name}(`,
  );
  for (const field of type.fields) {
    const read = `${code.reader(field.type)}(record[${JSON.stringify(field.name)}], path, ${JSON.stringify(`.${field.name}`)})`;
    const value =
      field.default === undefined
        ? read
        : `${read} if ${JSON.stringify(field.name)} in record else ${code.literal(field.type, field.default.value)}`;
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
    `    def from_avro(record: ${dict}[str, ${any}]) -> ${type.name}:`,
    // Only conversions, no from_dict checks: the schema fastavro read with guarantees every field and its type.
    '        """The value of a record fastavro read with this class\'s own schema, as decode() builds it."""',
    `        value: ${type.name} = object.__new__(${type.name})`,
    '        object.__setattr__(value, "__dict__", {',
    ...type.fields.map(
      (f) =>
        `            ${JSON.stringify(pythonFieldName(f.name))}: ${code.builder(f.type, `record[${JSON.stringify(f.name)}]`, `${type.name}.${f.name}`)},`,
    ),
    "        })",
    "        return value",
    "",
    `    def to_dict(self) -> ${dict}[str, ${any}]:`,
    '        """The JSON form: every field, defaults included, under its schema name (ValueError if one cannot be)."""',
    "        return {",
    ...type.fields.map(
      (f) => `            ${JSON.stringify(f.name)}: ${code.dumper(f.type, `self.${pythonFieldName(f.name)}`, `${type.name}.${f.name}`)},`,
    ),
    "        }",
  );
  return `${lines.join("\n")}\n`;
}

/**
 * quicktype's annotation, with the imports its renderer recorded for it (typing's). The classes it
 * names need no import here: the field's reader, written beside it, names each of them too.
 */
function quicktypeAnnotation(imports: PythonImports, annotation: QuicktypeAnnotation): string {
  for (const [module, name] of annotation.imports) imports.from(module, name);
  return annotation.text;
}
