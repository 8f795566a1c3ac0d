import type avro from "avsc";

/** Every schema released in registry/, by global id, as a package ships it (generated as releases.ts). */
export interface ReleaseHistory {
  /**
   * Value schemas: event type, version, and the schema as released. The schema is left out where it
   * is an event's current one: that event's codec holds it.
   */
  readonly values: Readonly<Record<number, readonly [eventType: string, version: number, schema?: avro.Schema]>>;
  /** Key schemas, shared by every event whose key has that schema. */
  readonly keys: Readonly<Record<number, avro.Schema>>;
}
