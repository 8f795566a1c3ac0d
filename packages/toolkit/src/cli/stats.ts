import { ExitCode } from "../load/diagnostics.js";
import { eventFamily } from "../load/event-version.js";
import { isSharedType, type Model } from "../load/model.js";
import type { OptionValues } from "./command.js";
import { lintedCatalog } from "./lint.js";

export interface CatalogStats {
  /** Event types counted once across their major versions (`...submitted` for `.v1`, `.v2`). */
  readonly eventTypes: number;
  /** Event files: one per event type and major version. */
  readonly versions: number;
  readonly domains: number;
  /** Named types defined under schemas/types/ (records, enums, aliases). */
  readonly sharedTypes: number;
  readonly byDomain: Readonly<Record<string, number>>;
  readonly services: number;
  /** Event versions whose producer no source names (no `x-producers`). */
  readonly unknownProducers: number;
}

export function catalogStats(model: Model): CatalogStats {
  const unversioned = new Set(model.events.map((e) => eventFamily(e.eventType)));
  const byDomain: Record<string, number> = {};
  for (const event of model.events) byDomain[event.domain] = (byDomain[event.domain] ?? 0) + 1;
  return {
    eventTypes: unversioned.size,
    versions: model.events.length,
    domains: Object.keys(byDomain).length,
    sharedTypes: [...model.types.values()].filter(isSharedType).length,
    byDomain: Object.fromEntries(Object.entries(byDomain).sort(([a], [b]) => (a < b ? -1 : 1))),
    services: model.services.size,
    unknownProducers: model.events.filter((e) => e.producers === undefined).length,
  };
}

/** The sentence the README's catalog section quotes. */
export function formatStats(stats: CatalogStats): string {
  const domains = Object.entries(stats.byDomain)
    .map(([domain, n]) => `${domain} ${n}`)
    .join(", ");
  return `${stats.eventTypes} event types in ${stats.versions} versions over ${stats.domains} domains (${domains}), ${stats.sharedTypes} shared types, ${stats.services} services; ${stats.unknownProducers} of ${stats.versions} versions have no known producer`;
}

/** `canon stats`. */
export function runStats(values: OptionValues, cwd: string): number {
  const linted = lintedCatalog(values, cwd);
  if (typeof linted === "number") return linted;
  const stats = catalogStats(linted.catalog.model);
  process.stdout.write(linted.format === "json" ? `${JSON.stringify(stats, null, 2)}\n` : `${formatStats(stats)}\n`);
  return ExitCode.ok;
}
