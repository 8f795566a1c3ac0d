/**
 * Compatibility modes and policies are read by the loader (x-compatibility), the config and the release
 * history before compat/ judges anything, so they live here at the bottom of the pipeline.
 */
export const MODES = ["BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE", "NONE"] as const;
export type Mode = (typeof MODES)[number];

export type Policy = "strict" | "lenient";

export function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}
