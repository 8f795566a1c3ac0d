import asyncapi from "./asyncapi/target.js";
import avro from "./avro/target.js";
import jsonschema from "./jsonschema/target.js";
import python from "./python/target.js";
import type { TargetDescription } from "./target.js";
import typescript from "./typescript/target.js";

/** Every target, one line each; this order is generate's, the help's and the catalog's tabs'. */
export const TARGET_LIST = [typescript, avro, python, jsonschema, asyncapi] as const;

export type Target = (typeof TARGET_LIST)[number]["name"];

export const TARGETS: readonly Target[] = TARGET_LIST.map((t) => t.name);

/** The target's description; `name` comes from TARGETS or a checked `--target` value. */
export function targetNamed(name: Target): TargetDescription<Target> {
  return TARGET_LIST.find((t) => t.name === name) as TargetDescription<Target>;
}
