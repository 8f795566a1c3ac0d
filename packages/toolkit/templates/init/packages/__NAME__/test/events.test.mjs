// Every example of every event validates and survives an Avro round trip through the built package.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import test from "node:test";
import { events } from "../dist/esm/index.js";

const folder = new URL("../schemas/", import.meta.url);
const schemas = readdirSync(folder)
  .filter((file) => file.endsWith(".json"))
  .map((file) => JSON.parse(readFileSync(new URL(file, folder), "utf8")));

test("every event schema has a codec, and every codec a schema", () => {
  assert.deepEqual(Object.keys(events).sort(), schemas.map((schema) => schema["x-event-type"]).sort());
});

for (const schema of schemas) {
  test(`${schema["x-event-type"]}: every example validates and round-trips`, () => {
    const codec = events[schema["x-event-type"]];
    for (const example of schema.examples) {
      assert.ok(codec.validate(example), JSON.stringify(codec.check(example)));
      const decoded = codec.decode(codec.encode(example));
      assert.deepEqual(codec.decode(codec.encode(decoded)), decoded);
    }
  });
}
