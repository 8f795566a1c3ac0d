import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { CanonConfig } from "../config.js";

/** A released version of an event, as kept in the append-only registry/ folder. */
export interface ReleasedVersion {
  readonly version: number;
  /** Path shown in reports. */
  readonly file: string;
  readonly avro: unknown;
}

/**
 * Every released version of an event type, oldest first: `registry/<event type>/v<N>.avsc`.
 * Returns [] while nothing is released (the registry is written by `canon release`, a later verb).
 */
export function releasedVersions(config: CanonConfig, eventType: string): ReleasedVersion[] {
  const folder = path.join(config.registry, eventType);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .map((name) => /^v([0-9]+)\.avsc$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      version: Number(m[1]),
      file: path.join(folder, m[0]),
      avro: JSON.parse(readFileSync(path.join(folder, m[0]), "utf8")) as unknown,
    }))
    .sort((a, b) => a.version - b.version);
}
