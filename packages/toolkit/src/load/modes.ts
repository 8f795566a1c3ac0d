/**
 * The compatibility modes, as Confluent's schema registry names them: the config's default, an event's
 * `x-compatibility`, `canon compat --mode` and the registry server's levels all take one of these.
 * meta-schema/config.schema.json and eventcanon.schema.json list them too (a test holds them equal).
 */
export const MODES = ["BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE", "NONE"] as const;
export type Mode = (typeof MODES)[number];

export function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}

/** How JSON Schema changes are judged: Confluent's STRICT rules, or LENIENT, which accepts a few kinds more. */
export const POLICIES = ["strict", "lenient"] as const;
export type Policy = (typeof POLICIES)[number];

export function isPolicy(value: string): value is Policy {
  return (POLICIES as readonly string[]).includes(value);
}
