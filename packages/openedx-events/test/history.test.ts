import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig, readHistory, readReleased } from "@eventcanon/toolkit";
import { describe, expect, it } from "vitest";
import { events, releaseHistory } from "../src/index.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const history = readHistory(loadConfig(REPO));

describe("the release history the package ships", () => {
  it("is registry/'s, id for id: every released value and key schema", () => {
    const values = new Map(history.entries.map((e) => [e.value.id, [e.event, e.version, readReleased(history, e.value.file)]] as const));
    const keys = new Map(history.entries.flatMap((e) => (e.key ? [[e.key.id, readReleased(history, e.key.file)] as const] : [])));
    expect(
      Object.keys(releaseHistory.values)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([...values.keys()].sort((a, b) => a - b));
    expect(releaseHistory.keys).toEqual(Object.fromEntries(keys));
    for (const [id, [event, version, schema]] of values) {
      const [shippedEvent, shippedVersion, shipped] = releaseHistory.values[id] ?? [];
      expect([shippedEvent, shippedVersion]).toEqual([event, version]);
      const codec = events[event as keyof typeof events];
      // Left out only where it is the event's current schema, which its codec holds.
      expect(shipped === undefined).toBe(codec.schemaId === id);
      expect(shipped ?? codec.avroSchema).toEqual(schema);
    }
  });

  it("gives every codec the ids of its current schemas", () => {
    const latest = new Map(history.entries.map((e) => [e.event, e]));
    for (const codec of Object.values(events)) {
      expect(codec.schemaId).toBe(latest.get(codec.eventType)?.value.id);
      expect(codec.keySchemaId).toBe(latest.get(codec.eventType)?.key?.id);
      const avsc = JSON.parse(readFileSync(path.join(REPO, "packages/openedx-events/avro", `${codec.eventType}.avsc`), "utf8"));
      expect(codec.avroSchema).toEqual(avsc);
    }
  });
});
