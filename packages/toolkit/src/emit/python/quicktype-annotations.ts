import {
  type ClassType,
  funPrefixNamer,
  getOptionValues,
  InputData,
  type JSONSchema,
  JSONSchemaInput,
  JSONSchemaStore,
  type Namer,
  PythonTargetLanguage,
  pythonOptions,
  type EnumType as QuicktypeEnum,
  quicktype,
  type RenderContext,
  type Sourcelike,
} from "quicktype-core";
// quicktype-core's index does not export the Python renderer itself, only its language; the
// package's `./dist/*` export is the way to subclass it.
import { PythonRenderer } from "quicktype-core/dist/esm/language/Python/PythonRenderer.js";
import {
  directDependencies,
  type EnumType,
  type Model,
  type NamedType,
  namedType,
  type RecordType,
  referencedNames,
  type TypeNode,
} from "../../load/model.js";
import type { RenderCache } from "../render-cache.js";
import { recordSchema, type SchemaView, schemaOfType } from "../schema-view.js";

/** A field's annotation as quicktype prints it, with the `(module, name)` pairs it imports. */
export interface QuicktypeAnnotation {
  readonly text: string;
  readonly imports: readonly (readonly [module: string, name: string])[];
}

/** What quicktype's Python renderer gives for one module's classes, under the model's names. */
export interface QuicktypeClasses {
  /** Field schema name -> annotation, per record name. */
  readonly annotations: Map<string, Map<string, QuicktypeAnnotation>>;
  /** Enum value -> member name, per enum name. */
  readonly members: Map<string, Map<string, string>>;
}

/**
 * quicktype renders the dataclass fields' annotations and the enum members; everything else is
 * rendered from the model, because quicktype's dataclasses are wrong for us: it emits `assert`-based
 * converters that need `dateutil`, is not `mypy --strict` clean, and puts fields with a None default
 * last (we need schema order: Avro encodes in that order). So its Python renderer is subclassed to
 * record, instead of printing, what it would print for each field (keyed by the field's schema name,
 * whatever Python name quicktype gives it) and enum case. Nothing quicktype prints is read back.
 */
class AnnotationRenderer extends PythonRenderer {
  /**
   * The imports `withImport` gives while one annotation is being built; undefined in between, when
   * it is called for what is printed and dropped (`declareType`'s `(Enum)` of the enum stand-in, say).
   */
  private recorded: [string, string][] | undefined;

  constructor(
    targetLanguage: AnnotationLanguage,
    renderContext: RenderContext,
    options: ConstructorParameters<typeof PythonRenderer>[2],
    private readonly found: QuicktypeClasses,
  ) {
    super(targetLanguage, renderContext, options);
  }

  // The classes keep the model's names, unstyled and unreserved: the model's type names are already
  // valid Python class names, and a renamed class would be a wrong reference in every annotation.
  protected override makeNamedTypeNamer(): Namer {
    return funPrefixNamer("type", (name) => name);
  }

  protected override forbiddenNamesForGlobalNamespace(): readonly string[] {
    return [];
  }

  protected override withImport(module: string, name: string): Sourcelike {
    this.recorded?.push([module, name]);
    return super.withImport(module, name);
  }

  // declareType is kept (its printed lines are dropped): it is what marks a class declared, and
  // quicktype quotes a reference to a class not declared yet (`Optional['Link']`).
  protected override emitClass(t: ClassType): void {
    if (t === this.topLevels.get(ROOT)) return;
    const fields = new Map<string, QuicktypeAnnotation>();
    this.declareType(t, () => {
      this.forEachClassProperty(t, "none", (_name, jsonName, property) => {
        const imports: [string, string][] = [];
        this.recorded = imports;
        const text = this.sourcelikeToString(this.pythonType(property.type));
        this.recorded = undefined;
        fields.set(jsonName, { text, imports });
      });
    });
    this.found.annotations.set(this.sourcelikeToString(this.nameForNamedType(t)), fields);
  }

  protected override emitEnum(t: QuicktypeEnum): void {
    const members = new Map<string, string>();
    this.declareType(t, () => {
      this.forEachEnumCase(t, "none", (name, value) => members.set(value, this.sourcelikeToString(name)));
    });
    this.found.members.set(this.sourcelikeToString(this.nameForNamedType(t)), members);
  }
}

class AnnotationLanguage extends PythonTargetLanguage {
  constructor(private readonly found: QuicktypeClasses) {
    super();
  }

  protected override makeRenderer(renderContext: RenderContext, optionValues: Record<string, unknown>): PythonRenderer {
    return new AnnotationRenderer(this, renderContext, getOptionValues(pythonOptions, optionValues), this.found);
  }
}

/**
 * The name of the root class that holds one property per class, so that quicktype renders each;
 * a space keeps it from meeting a model type's name in quicktype's namespace.
 */
const ROOT = "ec root";

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
 * What stands in, in a quicktype run, for every record (or enum) outside it: the annotation of a field
 * only needs the referenced class's name, which the model gives (see outsideClass). One stand-in per
 * run instead of a stub per class it reaches keeps each run to its own classes: with a stub each, runs
 * over a 2,000-event catalog held four classes for every one of their own. A space in the name keeps
 * it from meeting a model type's name.
 */
const STAND_IN = { record: "ec record", enum: "ec enum" } as const;

/**
 * quicktype over some classes of one module (a chunk: quicktype-chunks.ts). A reference to a class
 * outside them is a reference to a stand-in (STAND_IN), whose name in the annotation is then replaced
 * by the class's: a change to one chunk runs quicktype over that chunk alone, each class is given to
 * quicktype once in all, and chunks that differ only in the classes outside they name share a cache
 * entry. Only the given classes are returned.
 */
export async function quicktypeAnnotations(
  model: Model,
  classes: readonly (RecordType | EnumType)[],
  cache: RenderCache,
): Promise<QuicktypeClasses> {
  const inModule = new Set(classes.map((t) => t.name));
  const view: SchemaView = {
    ref: (named) => {
      if (named.kind === "alias") return schemaOfType(model, named.target, view);
      return { $ref: `#/$defs/${inModule.has(named.name) ? named.name : STAND_IN[named.kind]}` };
    },
  };
  const defs: Record<string, unknown> = {};
  // `ec_own_` members keep types apart that quicktype would otherwise merge: enums with the same
  // symbols (into one type with a made-up name), and the stand-ins, which have no fields of their own.
  const standIn = (kind: "record" | "enum") => {
    const name = STAND_IN[kind];
    if (name in defs) return;
    const own = `ec_own_${name}`;
    defs[name] =
      kind === "enum"
        ? { title: name, type: "string", enum: [own] }
        : { title: name, type: "object", properties: { [own]: { type: "boolean" } }, required: [own] };
  };
  // Aliases are inlined by the view, so what they refer to may need a stand-in too.
  const standInsOf = (type: NamedType) => {
    for (const dep of directDependencies(type)) {
      const other = namedType(model, dep);
      if (other.kind === "alias") standInsOf(other);
      else if (!inModule.has(other.name)) standIn(other.kind);
    }
  };
  for (const type of classes) {
    if (type.kind === "enum") defs[type.name] = { title: type.name, type: "string", enum: [...type.symbols, `ec_own_${type.name}`] };
    else {
      defs[type.name] = {
        title: type.name,
        ...recordSchema(model, type, view),
        // All required: the annotation must say only whether null is allowed; defaults come from the model.
        required: type.fields.map((f) => f.name),
      };
      standInsOf(type);
    }
  }
  const names = Object.keys(defs);
  const schema = {
    title: ROOT,
    type: "object",
    properties: Object.fromEntries(names.map((name) => [name, { $ref: `#/$defs/${name}` }])),
    required: names,
    additionalProperties: false,
    $defs: defs,
  };
  const text = JSON.stringify(schema);
  const rendered = await cache.get("py-quicktype", text, async () => {
    const found: QuicktypeClasses = { annotations: new Map(), members: new Map() };
    const input = new JSONSchemaInput(new NoFetchStore());
    await input.addSource({ name: ROOT, schema: text });
    const inputData = new InputData();
    inputData.addInput(input);
    await quicktype({
      inputData,
      lang: new AnnotationLanguage(found),
      combineClasses: false,
      inferEnums: false,
      inferMaps: false,
      // 3.7: typing's generics (`List[...]`, `Optional[...]`), as the rest of each module writes them.
      rendererOptions: { "python-version": "3.7" },
    });
    const own = <T>(map: Map<string, T>) => [...map].filter(([name]) => inModule.has(name));
    return JSON.stringify({
      annotations: own(found.annotations).map(([n, f]) => [n, [...f]]),
      members: own(found.members).map(([n, m]) => [n, [...m]]),
    });
  });
  const parsed = JSON.parse(rendered) as {
    annotations: [string, [string, QuicktypeAnnotation][]][];
    members: [string, [string, string][]][];
  };
  const records = new Map(classes.map((t) => [t.name, t]));
  const named = (type: string, fields: [string, QuicktypeAnnotation][]) => {
    const record = records.get(type);
    if (record?.kind !== "record") return new Map(fields);
    const fieldTypes = new Map(record.fields.map((f) => [f.name, f.type]));
    return new Map(
      fields.map(([field, annotation]) => {
        const outside = outsideClass(model, fieldTypes.get(field), inModule);
        return [
          field,
          outside === undefined ? annotation : { ...annotation, text: annotation.text.split(STAND_IN[outside.kind]).join(outside.name) },
        ];
      }),
    );
  };
  return {
    annotations: new Map(parsed.annotations.map(([name, fields]) => [name, named(name, fields)])),
    members: new Map(parsed.members.map(([name, members]) => [name, new Map(members)])),
  };
}

/** The record or enum outside `inModule` that a field of type `type` refers to (looking through aliases), if any: the subset's fields refer to one class at most. */
function outsideClass(model: Model, type: TypeNode | undefined, inModule: ReadonlySet<string>): RecordType | EnumType | undefined {
  const [name] = type === undefined ? [] : referencedNames(type);
  if (name === undefined) return undefined;
  const named = namedType(model, name);
  if (named.kind === "alias") return outsideClass(model, named.target, inModule);
  return inModule.has(named.name) ? undefined : named;
}
