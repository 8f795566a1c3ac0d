import path from "node:path";
import { fileURLToPath } from "node:url";
import { events } from "@eventcanon/openedx-events";
import { type Catalog, inWireForm, loadCatalog, loadConfig } from "@eventcanon/toolkit";
import { sampleRecord, seededRandom } from "@eventcanon/toolkit/testing";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const VECTORS = path.join(REPO, "packages/conformance/vectors");
/** Seeded random instances per event, besides its examples. */
export const RANDOM_PER_EVENT = 10;
const SEED = 20261124;

export interface Vector {
  readonly name: string;
  /**
   * The instance in canonical form (every default filled in, date-times and UUIDs as openedx-events
   * writes them): what any decoder gives back, and one input both languages write the same bytes for.
   */
  readonly data: Record<string, unknown>;
  /** Avro binary, hex. */
  readonly avro: string;
}

export function loadRepoCatalog(): Catalog {
  return loadCatalog(loadConfig(REPO), REPO);
}

/** One file per event: its examples and seeded random instances, with the bytes avsc writes. */
export function buildVectors(catalog: Catalog): Map<string, string> {
  const files = new Map<string, string>();
  for (const event of catalog.model.events) {
    const codec = events[event.eventType as keyof typeof events];
    if (codec === undefined) throw new Error(`the TypeScript package has no codec for ${event.eventType}: regenerate and rebuild`);
    const random = seededRandom(SEED);
    const instances = [
      ...event.examples.map((data, i) => ({ name: `example ${i}`, data })),
      ...Array.from({ length: RANDOM_PER_EVENT }, (_, i) => ({
        name: `random ${i}`,
        data: sampleRecord(catalog.model, event.record, random),
      })),
    ];
    const vectors: Vector[] = instances.map(({ name, data }) => {
      const canonical = inWireForm(catalog.model, event.record, data as Record<string, unknown>);
      return { name, data: canonical, avro: codec.encode(canonical as never).toString("hex") };
    });
    files.set(`${event.eventType}.json`, `${JSON.stringify({ eventType: event.eventType, vectors }, null, 2)}\n`);
  }
  return files;
}
