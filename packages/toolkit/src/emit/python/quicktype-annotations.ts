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
import { directDependencies, type EnumType, type Model, type NamedType, namedType, type RecordType } from "../../load/model.js";
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
   * it is called for what is printed and dropped (`declareType`'s `(Enum)` of a stub enum, say).
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
 * quicktype over some classes of one module (a chunk: quicktype-chunks.ts). A reference to a class
 * outside them only needs its name in the annotation, so that class is given as a stub: a change to
 * one chunk then runs quicktype over that chunk alone, and each class is given to quicktype once in
 * all. Only the given classes are returned.
 */
export async function quicktypeAnnotations(
  model: Model,
  classes: readonly (RecordType | EnumType)[],
  cache: RenderCache,
): Promise<QuicktypeClasses> {
  const view: SchemaView = {
    ref: (named) => (named.kind === "alias" ? schemaOfType(model, named.target, view) : { $ref: `#/$defs/${named.name}` }),
  };
  const defs: Record<string, unknown> = {};
  const inModule = new Set(classes.map((t) => t.name));
  // Aliases are inlined by the view, so what they refer to needs a stub too.
  const stubsOf = (type: NamedType) => {
    for (const dep of directDependencies(type)) {
      const other = namedType(model, dep);
      if (other.kind === "alias") stubsOf(other);
      else if (!inModule.has(other.name)) define(other, true);
    }
  };
  // `ec_own_` members keep types apart that quicktype would otherwise merge: enums with the same
  // symbols (into one type with a made-up name), and stubs, which have no fields of their own.
  const define = (type: RecordType | EnumType, stub: boolean) => {
    const name = type.name;
    if (name in defs) return;
    if (type.kind === "enum") defs[name] = { title: name, type: "string", enum: [...(stub ? [] : type.symbols), `ec_own_${name}`] };
    else if (stub)
      defs[name] = { title: name, type: "object", properties: { [`ec_own_${name}`]: { type: "boolean" } }, required: [`ec_own_${name}`] };
    else {
      defs[name] = {
        title: name,
        ...recordSchema(model, type, view),
        // All required: the annotation must say only whether null is allowed; defaults come from the model.
        required: type.fields.map((f) => f.name),
      };
      stubsOf(type);
    }
  };
  for (const type of classes) define(type, false);
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
  return {
    annotations: new Map(parsed.annotations.map(([name, fields]) => [name, new Map(fields)])),
    members: new Map(parsed.members.map(([name, members]) => [name, new Map(members)])),
  };
}
