import { schemaIdentity } from "./canonical.js";
import { type History, readReleased } from "./history.js";

/** A released value schema: whose it is, which version, and the schema as released. */
export interface ReleasedValue {
  readonly event: string;
  readonly version: number;
  readonly schema: unknown;
}

/**
 * The release history as the generated packages ship it: every released schema by its global id,
 * so that a consumer finds the writer's schema of any released version without a registry.
 */
export interface ReleasedSchemas {
  readonly values: ReadonlyMap<number, ReleasedValue>;
  /** Key schemas are shared: one id for every event whose key has that schema. */
  readonly keys: ReadonlyMap<number, unknown>;
  /** schemaIdentity -> id, for the ids of the schemas the catalog has now. */
  readonly ids: ReadonlyMap<string, number>;
}

export const NO_RELEASES: ReleasedSchemas = { values: new Map(), keys: new Map(), ids: new Map() };

/** Reads every schema `registry/` lists (value and key files), by id, in id order. */
export function releasedSchemas(history: History): ReleasedSchemas {
  const values = new Map<number, ReleasedValue>();
  const keys = new Map<number, unknown>();
  const ids = new Map<string, number>();
  const add = <T>(map: Map<number, T>, id: number, entry: T, schema: unknown) => {
    if (map.has(id)) return;
    map.set(id, entry);
    ids.set(schemaIdentity("AVRO", schema), id);
  };
  for (const entry of history.entries) {
    const value = readReleased(history, entry.value.file);
    add(values, entry.value.id, { event: entry.event, version: entry.version, schema: value }, value);
    if (entry.key !== undefined) {
      const key = readReleased(history, entry.key.file);
      add(keys, entry.key.id, key, key);
    }
  }
  const byId = <T>(map: Map<number, T>) => new Map([...map].sort(([a], [b]) => a - b));
  return { values: byId(values), keys: byId(keys), ids };
}

/**
 * The released id of a schema the catalog has now (value or key), found by identity: an event whose
 * schema is released frames with that id offline; one not (yet) released has none.
 */
export function releasedIdOf(released: ReleasedSchemas, schema: unknown): number | undefined {
  // Nothing released, nothing to find: an identity is the whole schema as text.
  if (released.ids.size === 0) return undefined;
  if (typeof schema !== "object" || schema === null) return released.ids.get(schemaIdentity("AVRO", schema));
  // The emitters ask for each event's schema (the same object) more than once.
  let identity = identities.get(schema);
  if (identity === undefined) {
    identity = schemaIdentity("AVRO", schema);
    identities.set(schema, identity);
  }
  return released.ids.get(identity);
}

/** schemaIdentity by schema object: a schema the model wrote is not changed after. */
const identities = new WeakMap<object, string>();

/**
 * The released id of an event's current value schema. `schema` makes it, and is called only when some
 * version of the event was released: a value schema's namespace is its event type, so no other
 * event's release can match, and making each event's Avro schema costs about as much as its .avsc.
 */
export function releasedValueIdOf(released: ReleasedSchemas, eventType: string, schema: () => unknown): number | undefined {
  let types = releasedEventTypes.get(released);
  if (types === undefined) {
    types = new Set([...released.values.values()].map((v) => v.event));
    releasedEventTypes.set(released, types);
  }
  return types.has(eventType) ? releasedIdOf(released, schema()) : undefined;
}

/** The event types with a released value schema, per release history. */
const releasedEventTypes = new WeakMap<ReleasedSchemas, ReadonlySet<string>>();
