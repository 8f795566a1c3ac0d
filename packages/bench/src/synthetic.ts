import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadCatalog, loadConfig } from "@eventcanon/toolkit";
import { sampleRecord, seededRandom } from "@eventcanon/toolkit/testing";

const DIALECT = "https://json-schema.org/draft/2020-12/schema";
const BASE = "https://bench.example/schemas/";

export interface SyntheticOptions {
  readonly events: number;
  readonly sharedTypes: number;
  readonly seed: number;
}

type Json = Record<string, unknown>;

/**
 * Writes a seeded, deterministic catalog with realistic shapes: shared records nested up to five
 * levels, enums and aliases; events of 5 to 40 fields mixing scalars with formats, nullable and
 * defaulted fields, enums, arrays, maps and shared records. Returns the folder holding schemas/.
 */
export function writeSyntheticCatalog(root: string, options: SyntheticOptions): string {
  const random = seededRandom(options.seed);
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  const schemas = path.join(root, "schemas");
  mkdirSync(path.join(schemas, "events"), { recursive: true });
  mkdirSync(path.join(schemas, "types"), { recursive: true });
  writeFileSync(
    path.join(root, "eventcanon.config.json"),
    JSON.stringify(
      {
        schemas: "schemas",
        eventTypePrefix: "org.bench",
        outputs: { typescript: "out/typescript", avro: "out/avro", python: "out/python", jsonschema: "out/jsonschema" },
      },
      null,
      2,
    ),
  );

  // Shared types: a record may use earlier records only, so nesting stays acyclic; depth is capped at 5.
  const records: { name: string; depth: number }[] = [];
  const enums: string[] = [];
  const aliases: string[] = [];
  for (let i = 0; i < options.sharedTypes; i++) {
    const roll = random();
    if (roll < 0.15) {
      const name = `Kind${i}`;
      enums.push(name);
      write(schemas, `types/${name}.json`, {
        title: name,
        description: `Enum ${i}.`,
        type: "string",
        enum: Array.from({ length: int(2, 8) }, (_, s) => `k${i}_${s}`),
      });
    } else if (roll < 0.25) {
      const name = `Key${i}`;
      aliases.push(name);
      write(schemas, `types/${name}.json`, { title: name, description: `Opaque key ${i}.`, type: "string", minLength: 1 });
    } else {
      const name = `Data${i}`;
      const usable = records.filter((r) => r.depth < 4);
      const nested = usable.length > 0 && random() < 0.6 ? pick(usable) : undefined;
      write(schemas, `types/${name}.json`, { title: name, description: `Shared record ${i}.`, ...recordBody(int(3, 12), nested?.name) });
      records.push({ name, depth: (nested?.depth ?? 0) + 1 });
    }
  }

  function field(i: number, ref: (name: string) => Json): [string, Json, boolean] {
    const kinds = [
      "string",
      "date-time",
      "uuid",
      "integer",
      "number",
      "boolean",
      "enum",
      "alias",
      "array",
      "map",
      "record",
      "nullable",
      "defaulted",
    ];
    const kind = pick(kinds);
    const name = `f${i}_${kind.replace("-", "_")}`;
    const doc = { description: `Field ${i}.` };
    switch (kind) {
      case "string":
        return [name, { type: "string", ...doc }, true];
      case "date-time":
      case "uuid":
        return [name, { type: "string", format: kind, ...doc }, true];
      case "integer":
      case "number":
      case "boolean":
        return [name, { type: kind, ...doc }, true];
      case "enum":
        return enums.length > 0 ? [name, { ...ref(pick(enums)), ...doc }, true] : [name, { type: "string", ...doc }, true];
      case "alias":
        return aliases.length > 0 ? [name, { ...ref(pick(aliases)), ...doc }, true] : [name, { type: "string", ...doc }, true];
      case "array":
        return [
          name,
          { type: "array", items: random() < 0.5 || records.length === 0 ? { type: "integer" } : ref(pick(records).name), ...doc },
          true,
        ];
      case "map":
        return [name, { type: "object", additionalProperties: { type: "string" }, ...doc }, true];
      case "record":
        return records.length > 0 ? [name, { ...ref(pick(records).name), ...doc }, true] : [name, { type: "boolean", ...doc }, true];
      case "nullable":
        return [
          name,
          {
            anyOf: [records.length > 0 && random() < 0.5 ? ref(pick(records).name) : { type: "string" }, { type: "null" }],
            default: null,
            ...doc,
          },
          false,
        ];
      default:
        return [name, { type: "integer", default: 0, ...doc }, false];
    }
  }

  function recordBody(fieldCount: number, nested: string | undefined): Json {
    const fields: [string, Json, boolean][] = [];
    if (nested !== undefined) fields.push(["inner", { $ref: `${nested}.json`, description: "Nested record." }, true]);
    const localRef = (name: string) => ({ $ref: `${name}.json` });
    for (let i = fields.length; i < fieldCount; i++) fields.push(field(i, localRef));
    return {
      type: "object",
      properties: Object.fromEntries(fields.map(([n, s]) => [n, s])),
      required: fields.filter(([, , r]) => r).map(([n]) => n),
      additionalProperties: false,
    };
  }

  for (let i = 0; i < options.events; i++) {
    const eventType = `org.bench.d${i % 10}.subject${i}.changed.v1`;
    const eventRef = (name: string) => ({ $ref: `../types/${name}.json` });
    const fields = Array.from({ length: int(5, 40) }, (_, f) => field(f, eventRef));
    write(schemas, `events/${eventType}.json`, {
      title: `Subject${i}ChangedV1`,
      description: `Synthetic event ${i}.`,
      "x-event-type": eventType,
      type: "object",
      properties: Object.fromEntries(fields.map(([n, s]) => [n, s])),
      required: fields.filter(([, , r]) => r).map(([n]) => n),
      additionalProperties: false,
      examples: [{}],
    });
  }

  // Examples come last: sampled from the model of the catalog just written, so they validate.
  const config = loadConfig(root);
  const catalog = loadCatalog(config, root);
  for (const event of catalog.model.events) {
    const file = path.join(schemas, event.origin.file);
    const value = { ...(JSON.parse(readFileSync(file, "utf8")) as Json), examples: [sampleRecord(catalog.model, event.record, random)] };
    writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  }
  return root;
}

function write(schemas: string, rel: string, body: Json): void {
  writeFileSync(path.join(schemas, rel), `${JSON.stringify({ $schema: DIALECT, $id: BASE + rel, ...body }, null, 2)}\n`);
}
