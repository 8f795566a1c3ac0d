import { readFileSync } from "node:fs";
import path from "node:path";
import { events } from "@eventcanon/openedx-events";
import { listFiles } from "@eventcanon/toolkit";
import { afterAll, describe, expect, it } from "vitest";
import { buildVectors, loadRepoCatalog, VECTORS, type Vector } from "../src/vectors.js";

const files = listFiles(VECTORS);
const suites = files.map((file) => JSON.parse(readFileSync(path.join(VECTORS, file), "utf8")) as { eventType: string; vectors: Vector[] });
let compared = 0;

describe("conformance vectors (TypeScript side)", () => {
  it("are up to date with the schemas (regenerate with npm run vectors)", () => {
    const fresh = buildVectors(loadRepoCatalog());
    expect([...fresh.keys()].sort()).toEqual(files);
    for (const file of files) expect(readFileSync(path.join(VECTORS, file), "utf8"), file).toBe(fresh.get(file));
  });

  it.each(suites.map((s) => [s.eventType, s] as const))("%s: avsc writes the shared bytes and reads them back", (_type, suite) => {
    const codec = events[suite.eventType as keyof typeof events];
    for (const vector of suite.vectors) {
      expect(codec.validate(vector.data), `${vector.name} validates`).toBe(true);
      expect(codec.encode(vector.data as never).toString("hex"), vector.name).toBe(vector.avro);
      expect(JSON.parse(JSON.stringify(codec.decode(Buffer.from(vector.avro, "hex")))), vector.name).toEqual(vector.data);
      compared++;
    }
  });

  afterAll(() => {
    process.stdout.write(`conformance (TypeScript): ${suites.length} events x ${compared} instances compared byte for byte\n`);
  });
});
