import type { Mode } from "./modes.js";
/**
 * The one in-memory model every emitter reads. The loader builds it from the JSON Schema files;
 * no emitter looks at JSON Schema again.
 */

/** Validation-only keywords kept verbatim: they constrain values but do not change the shape. */
export interface Constraints {
  readonly format?: string;
  /** `base64`: binary content carried as text (Avro still sees a string). */
  readonly contentEncoding?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
}

export type TypeNode =
  | { readonly kind: "string"; readonly constraints: Constraints }
  | { readonly kind: "integer"; readonly constraints: Constraints }
  | { readonly kind: "number"; readonly constraints: Constraints }
  | { readonly kind: "boolean" }
  | { readonly kind: "array"; readonly items: TypeNode; readonly constraints: Constraints }
  | { readonly kind: "map"; readonly values: TypeNode }
  | { readonly kind: "nullable"; readonly inner: TypeNode }
  /** A reference to a named type, by its model name (unique across the catalog). */
  | { readonly kind: "ref"; readonly name: string };

/** Where a definition came from, for messages and for the catalog. */
export interface Origin {
  /** Path relative to the schemas folder, forward slashes, e.g. `types/UserData.json`. */
  readonly file: string;
  readonly pointer: string;
}

export interface Field {
  /** The name on the wire and in JSON, exactly as in the schema. */
  readonly name: string;
  readonly type: TypeNode;
  /** Listed in `required`: a producer must always send it. */
  readonly required: boolean;
  /** Present when the schema gives a `default` (which may be `null`). */
  readonly default?: { readonly value: unknown };
  readonly description?: string;
  readonly origin: Origin;
}

interface NamedBase {
  /** The type name every generator uses (the schema's `title`), unique in the catalog. */
  readonly name: string;
  /** The Avro name on the wire (`x-avro-name`), when it differs from `name`. */
  readonly avroName?: string;
  readonly description?: string;
  /** Shared types live in `schemas/types/`; the rest belong to the event that defines them. */
  readonly module: string;
  readonly origin: Origin;
}

export interface RecordType extends NamedBase {
  readonly kind: "record";
  readonly fields: readonly Field[];
}

export interface EnumType extends NamedBase {
  readonly kind: "enum";
  readonly symbols: readonly string[];
  /**
   * The symbol a reader takes for a symbol it does not know (`x-enum-default`, Avro's enum default):
   * with one, adding a symbol keeps older consumers reading.
   */
  readonly fallback?: string;
}

/** A named scalar such as `CourseKey`: a string with a meaning of its own. */
export interface AliasType extends NamedBase {
  readonly kind: "alias";
  readonly target: TypeNode;
}

export type NamedType = RecordType | EnumType | AliasType;

export interface EventDefinition {
  /** The event type string, e.g. `org.openedx.learning.exam.attempt.submitted.v1`. */
  readonly eventType: string;
  /** The schema's `$id`. */
  readonly id: string;
  /** The record that holds the event's data fields; its name is the event's type name. */
  readonly record: RecordType;
  readonly domain: string;
  readonly topic?: string;
  readonly keyField?: string;
  /** The event's own `x-compatibility`; without it the config's mode applies. */
  readonly compatibility?: Mode;
  /**
   * Service ids that send it (`x-producers`); absent when no source says who does, which is not the
   * same as nobody: `canon stats` counts those events.
   */
  readonly producers?: readonly string[];
  /** Service ids that receive it (`x-consumers`); empty when none is recorded. */
  readonly consumers: readonly string[];
  readonly examples: readonly unknown[];
  /** The source document as written, for validation of examples and for bundling. */
  readonly origin: Origin;
}

/** A service that sends or receives events: one file in the services folder. */
export interface Service {
  readonly id: string;
  readonly name: string;
  /** What it is, and the sources (repository + path) its producer and consumer claims rest on. */
  readonly description: string;
  /** The team or people who own it; null where no source names one. */
  readonly owner: string | null;
  readonly repository: string;
  /** Its folder inside the repository, for an app that is one part of a larger repository. */
  readonly path?: string;
  /** Path relative to the services folder's parent, e.g. `services/edx-exams.json`. */
  readonly file: string;
}

export interface Model {
  /** Every named type (including each event's record), sorted by name. */
  readonly types: ReadonlyMap<string, NamedType>;
  /** Sorted by event type. */
  readonly events: readonly EventDefinition[];
  /** Every service of the services folder, sorted by id; empty without one. */
  readonly services: ReadonlyMap<string, Service>;
}

/** The module that holds shared types (those under `schemas/types/`). */
export const SHARED_MODULE = "shared";

/**
 * Defined in `schemas/types/`, as opposed to inside an event file. Not `module === SHARED_MODULE`: an event
 * file without an event type puts its types in that module too.
 */
export function isSharedType(type: NamedType): boolean {
  return type.origin.file.startsWith("types/");
}

export function namedType(model: Model, name: string): NamedType {
  const type = model.types.get(name);
  if (type === undefined) throw new Error(`model has no type named ${name}`);
  return type;
}

/** reachableTypes per event, for the model it was found in: lint and three emitters ask for each. */
const reachable = new WeakMap<EventDefinition, { readonly model: Model; readonly types: readonly NamedType[] }>();

/** Every named type an event uses, directly or through other types, in first-use order. */
export function reachableTypes(model: Model, event: EventDefinition): readonly NamedType[] {
  const known = reachable.get(event);
  if (known?.model === model) return known.types;
  const types = typesReachedFrom(model, event.record);
  reachable.set(event, { model, types });
  return types;
}

/** Every named type `root` uses, directly or through other types, in first-use order; `root` itself only never. */
export function typesReachedFrom(model: Model, root: NamedType): NamedType[] {
  const seen = new Set<string>([root.name]);
  const out: NamedType[] = [];
  const visit = (type: NamedType) => {
    for (const name of directDependencies(type)) {
      if (seen.has(name)) continue;
      seen.add(name);
      const used = namedType(model, name);
      out.push(used);
      visit(used);
    }
  };
  visit(root);
  return out;
}

/** Whether an event's record contains itself, directly or through other types. */
export function isRecursiveEvent(model: Model, event: EventDefinition): boolean {
  return [event.record, ...reachableTypes(model, event)].some((type) => directDependencies(type).includes(event.record.name));
}

/** Named types referenced from `type`, in first-use order. */
export function referencedNames(type: TypeNode, out: string[] = []): string[] {
  switch (type.kind) {
    case "ref":
      if (!out.includes(type.name)) out.push(type.name);
      break;
    case "array":
      referencedNames(type.items, out);
      break;
    case "map":
      referencedNames(type.values, out);
      break;
    case "nullable":
      referencedNames(type.inner, out);
      break;
    default:
      break;
  }
  return out;
}

/** Named types that `type` refers to directly (not transitively). */
export function directDependencies(type: NamedType): string[] {
  const out: string[] = [];
  if (type.kind === "record") for (const f of type.fields) referencedNames(f.type, out);
  if (type.kind === "alias") referencedNames(type.target, out);
  return out;
}

/** Events a service sends and receives, in event order. */
export function eventsOf(model: Model, serviceId: string): { produces: EventDefinition[]; consumes: EventDefinition[] } {
  return {
    produces: model.events.filter((e) => e.producers?.includes(serviceId) === true),
    consumes: model.events.filter((e) => e.consumers.includes(serviceId)),
  };
}
