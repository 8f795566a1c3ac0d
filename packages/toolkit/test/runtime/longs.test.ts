import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import avro from "avsc";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonLine } from "../../../openedx-events/src/generated/runtime/cli.js";
import { avroOptions } from "../../../openedx-events/src/generated/runtime/longs.js";
import { resolution } from "../../../openedx-events/src/generated/runtime/resolution.js";
import { examAttemptSubmittedV1, SchemaResolutionError } from "../../../openedx-events/src/index.js";
import { canon, REPO, tempDirInRepo } from "../helpers.js";
import { typecheckTypeScript } from "../toolchain.js";
import { exactInts, runPeer } from "./peer.js";

/**
 * Avro longs in TypeScript, against the bytes fastavro writes (Python ints: every 64-bit value).
 * The shipped package holds longs as numbers: every long round-trips exactly or is refused naming
 * its path, both ways. A package generated with `"typescript": { "longs": "bigint" }` carries them all.
 */

const codec = examAttemptSubmittedV1;
const EVENT = codec.eventType;
type Data = Parameters<typeof codec.encode>[0];
const example = (JSON.parse(readFileSync(path.join(REPO, "schemas/events", `${EVENT}.json`), "utf8")) as { examples: Data[] })
  .examples[0] as Data;
/** The example with a long at `student_user.id`, or at `requesting_user.id` (inside a nullable union). */
const withId = (id: unknown, field: "student_user" | "requesting_user" = "student_user") => ({
  ...example,
  exam_attempt: { ...example.exam_attempt, [field]: { ...example.exam_attempt.student_user, id } },
});

const SAFE = 2n ** 53n - 1n;
const MAX = 2n ** 63n - 1n;
const MIN = -(2n ** 63n);
const BOUNDARIES = [2n ** 52n, 2n ** 52n + 1n, SAFE, 2n ** 53n, MAX].flatMap((v) => [v, -v]).concat([MIN]);
const safe = (v: bigint) => v <= SAFE && v >= -SAFE;

/** fastavro's bytes of the event with each long at `field`'s id, by value. */
async function fastavro(
  values: readonly bigint[],
  field: "student_user" | "requesting_user" = "student_user",
): Promise<Map<bigint, Buffer>> {
  const ops = values.map((v) => ({ op: "raw-write" as const, schema: codec.avroSchema, data: exactInts(withId(v, field)) }));
  const outcomes = await runPeer([], ops);
  return new Map(
    outcomes.map((o, i) => {
      if (!o.ok || o.hex === undefined) throw new Error(`fastavro could not write ${values[i]}: ${JSON.stringify(o)}`);
      return [values[i] as bigint, Buffer.from(o.hex, "hex")];
    }),
  );
}

const beyond = "which is outside ±(2^53 - 1), the integers a JavaScript number holds exactly";

/** What the number-mode codec must do with a long: read and write it exactly, or refuse it at its path. */
function checkNumberMode(v: bigint, bytes: Buffer, field: "student_user" | "requesting_user" = "student_user"): void {
  const at = `/exam_attempt/${field}/id`;
  if (safe(v)) {
    const read = codec.decode(bytes).exam_attempt[field]?.id;
    expect(read, `decode ${v}`).toBe(Number(v));
    expect(codec.decode(bytes, codec.avroSchema).exam_attempt[field]?.id, `resolved decode ${v}`).toBe(Number(v));
    expect(codec.encode(withId(Number(v), field)).toString("hex"), `encode ${v}`).toBe(bytes.toString("hex"));
    return;
  }
  expect(() => codec.decode(bytes), `decode ${v}`).toThrow(`${EVENT}: cannot decode: ${at}: the long ${v}, ${beyond}`);
  let resolved: unknown;
  try {
    codec.decode(bytes, codec.avroSchema);
  } catch (error) {
    resolved = error;
  }
  expect(resolved, `resolved decode ${v}`).toBeInstanceOf(SchemaResolutionError);
  expect(resolved).toMatchObject({ code: "value-not-readable", path: at });
  expect((resolved as Error).message).toContain(`${at}: the writer wrote the long ${v}, ${beyond}`);
  // The nearest number is another integer: it must not go out as if it were this one.
  expect(() => codec.encode(withId(Number(v), field)), `encode ${v}`).toThrow(
    `${EVENT}: cannot encode: ${at}: ${Number(v)} is outside ±(2^53 - 1)`,
  );
}

let written: Map<bigint, Buffer>;
let nested: Map<bigint, Buffer>;
beforeAll(async () => {
  written = await fastavro(BOUNDARIES);
  nested = await fastavro(BOUNDARIES, "requesting_user");
});

describe("longs as numbers (the shipped package)", () => {
  it.each(BOUNDARIES.map((v) => [String(v), v] as const))("%s: exact both ways against fastavro, or refused with its path", (_, v) => {
    checkNumberMode(v, written.get(v) as Buffer);
  });

  it.each(BOUNDARIES.map((v) => [String(v), v] as const))("%s inside a nullable record: the same, path included", (_, v) => {
    checkNumberMode(v, nested.get(v) as Buffer, "requesting_user");
  });

  it("refuses a bigint and a non-integer with the path", () => {
    expect(() => codec.encode(withId(5n) as never)).toThrow(
      `${EVENT}: cannot encode: /exam_attempt/student_user/id: 5n is a bigint; this package holds longs as numbers`,
    );
    expect(() => codec.encode(withId(1.5) as never)).toThrow(
      `${EVENT}: cannot encode: /exam_attempt/student_user/id: 1.5 does not fit the schema`,
    );
  });
});

describe("longs as bigints (a package generated with typescript.longs: bigint)", () => {
  type Codec = {
    eventType: string;
    encode(data: unknown): Buffer;
    decode(
      bytes: Uint8Array,
      writer?: unknown,
    ): { exam_attempt: { student_user: { id: bigint }; requesting_user?: { id: bigint } | null } };
    validate(data: unknown): boolean;
    check(data: unknown): { path: string; message: string }[];
    encodeKey(data: unknown): Buffer;
  };
  let big: Codec;
  let out: string;
  beforeAll(async () => {
    out = tempDirInRepo("longs");
    const config = JSON.parse(readFileSync(path.join(REPO, "eventcanon.config.json"), "utf8")) as Record<string, unknown>;
    const file = path.join(out, "eventcanon.config.json");
    const outputs = Object.fromEntries(["typescript", "avro", "python", "jsonschema"].map((t) => [t, path.join(out, t)]));
    const { $schema: _, ...rest } = config;
    const settings = {
      ...rest,
      schemas: path.join(REPO, "schemas"),
      services: path.join(REPO, "services"),
      registry: path.join(REPO, "registry"),
      outputs,
    };
    writeFileSync(file, JSON.stringify({ ...settings, typescript: { longs: "bigint" } }));
    const generate = canon(["generate", "--config", file, "--target", "typescript"], REPO);
    expect(generate.code, generate.stderr).toBe(0);
    big = (await import(pathToFileURL(path.join(out, "typescript", "index.ts")).href)).examAttemptSubmittedV1 as Codec;
  }, 300_000);

  it("types every integer field as bigint (tsc, strict)", () => {
    writeFileSync(
      path.join(out, "consumer.ts"),
      [
        'import type { ExamAttemptSubmittedV1, EventKeyByType } from "./typescript/index.js";',
        "declare const event: ExamAttemptSubmittedV1;",
        "export const id: bigint = event.exam_attempt.student_user.id;",
        "// @ts-expect-error a long is a bigint here, never a number",
        "export const wrong: number = event.exam_attempt.student_user.id;",
        'export const key: EventKeyByType["org.openedx.learning.exam.attempt.submitted.v1"] = "course-v1:a+b+c";',
        "",
      ].join("\n"),
    );
    const tsc = typecheckTypeScript(out);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.code).toBe(0);
  });

  it.each(BOUNDARIES.map((v) => [String(v), v] as const))("%s: read and written exactly, the bytes fastavro writes", (_, v) => {
    const bytes = written.get(v) as Buffer;
    expect(big.decode(bytes).exam_attempt.student_user.id).toBe(v);
    expect(big.decode(bytes, codec.avroSchema).exam_attempt.student_user.id).toBe(v);
    expect(big.encode(withId(v)).toString("hex")).toBe(bytes.toString("hex"));
    expect(big.validate(withId(v))).toBe(true);
  });

  it("refuses what is not a 64-bit bigint, with the path, in encode and check", () => {
    const at = "/exam_attempt/student_user/id";
    expect(() => big.encode(withId(MAX + 1n))).toThrow(`cannot encode: ${at}: ${MAX + 1n}n is outside the 64-bit range of an Avro long`);
    expect(() => big.encode(withId(MIN - 1n))).toThrow(`cannot encode: ${at}: ${MIN - 1n}n is outside the 64-bit range of an Avro long`);
    expect(() => big.encode(withId(42))).toThrow(
      `cannot encode: ${at}: 42 is a number; this package holds longs as bigints (write 42n or BigInt(42))`,
    );
    expect(big.check(withId(42))).toEqual([
      { path: at, message: "42 is a number; this package holds longs as bigints (write 42n or BigInt(42))" },
    ]);
    const nested = {
      ...withId(7n),
      exam_attempt: { ...withId(7n).exam_attempt, requesting_user: { ...example.exam_attempt.student_user, id: 42 } },
    };
    expect(big.check(nested)).toEqual([
      {
        path: "/exam_attempt/requesting_user/id",
        message: "42 is a number; this package holds longs as bigints (write 42n or BigInt(42))",
      },
    ]);
    // The JSON Schema rules still apply to the rest.
    expect(big.check({ ...withId(7n), exam_attempt: { ...withId(7n).exam_attempt, course_key: 7 } })).toEqual([
      { path: "/exam_attempt/course_key", message: "must be string" },
    ]);
  });

  it("the console consumer prints a bigint as its exact digits, as Python's json prints an int", () => {
    const decoded = big.decode(big.encode(withId(MIN)));
    const line = jsonLine({ data: decoded, note: "bigint:1" });
    expect(line).toContain(`"id":${MIN},`);
    expect(line).toContain('"note":"bigint:1"');
    expect(JSON.parse(line).data.exam_attempt.course_key).toBe(example.exam_attempt.course_key);
    expect(jsonLine({ n: 1 })).toBe('{"n":1}');
  });

  it("a seeded property: random int64 values through both modes match fastavro exactly (seed 15)", async () => {
    // Uniform over int64 is almost never near ±2^53, so a third of the values are drawn around each edge.
    const edge = (at: bigint) => fc.bigInt({ min: at - 2n ** 20n, max: at + 2n ** 20n });
    const int64 = fc.oneof(
      fc.bigInt({ min: MIN, max: MAX }),
      edge(2n ** 53n).map((v) => (v > MAX ? MAX : v)),
      edge(-(2n ** 53n)),
      edge(2n ** 52n),
      edge(-(2n ** 52n)),
      fc.bigInt({ min: -(2n ** 31n), max: 2n ** 31n }),
    );
    const values = [...new Set(fc.sample(int64, { seed: 15, numRuns: 600 }))];
    const written = await fastavro(values);
    let refused = 0;
    for (const v of values) {
      const bytes = written.get(v) as Buffer;
      expect(big.decode(bytes).exam_attempt.student_user.id, String(v)).toBe(v);
      expect(big.encode(withId(v)).toString("hex"), String(v)).toBe(bytes.toString("hex"));
      checkNumberMode(v, bytes);
      if (!safe(v)) refused += 1;
    }
    // Both sides of the number range were exercised.
    expect(refused).toBeGreaterThan(50);
    expect(values.length - refused).toBeGreaterThan(50);
  });
});

describe("longs under schema resolution", () => {
  // A writer's long read as the reader's double, and a writer's int read as the reader's long.
  const writer = {
    type: "record",
    name: "R",
    fields: [
      { name: "a", type: "long" },
      { name: "b", type: ["null", "int"] },
      { name: "c", type: { type: "array", items: "long" } },
    ],
  };
  const reader = {
    type: "record",
    name: "R",
    fields: [
      { name: "a", type: "double" },
      { name: "b", type: ["null", "long"] },
      { name: "c", type: { type: "array", items: "long" } },
    ],
  };
  const A = -(2n ** 52n) - 1n;

  it("promotes a long to a double without flipping its sign, as fastavro does", async () => {
    const [write] = await runPeer([], [{ op: "raw-write", schema: writer, data: exactInts({ a: A, b: 5, c: [2n ** 53n - 1n, -3n] }) }]);
    if (!write?.ok || write.hex === undefined) throw new Error(JSON.stringify(write));
    const [reference] = await runPeer([], [{ op: "raw-resolve", writer, reader, hex: write.hex }]);
    const bytes = Buffer.from(write.hex, "hex");
    const numbers = resolution(avro.Type.forSchema(reader as avro.Schema, avroOptions("number")), writer as avro.Schema, "number");
    expect({ ...(numbers.read(bytes) as object) }).toEqual((reference as { value: unknown }).value);
    expect((reference as { value: { a: number } }).value.a).toBe(Number(A));
    const bigints = resolution(avro.Type.forSchema(reader as avro.Schema, avroOptions("bigint")), writer as avro.Schema, "bigint");
    expect({ ...(bigints.read(bytes) as object) }).toEqual({ a: Number(A), b: 5n, c: [2n ** 53n - 1n, -3n] });
  });

  it("refuses, at its path, a long that the number-mode reader cannot hold on that path too", async () => {
    const [write] = await runPeer([], [{ op: "raw-write", schema: writer, data: exactInts({ a: 1n, b: null, c: [1n, -(2n ** 53n)] }) }]);
    const bytes = Buffer.from((write as { hex: string }).hex, "hex");
    const numbers = resolution(avro.Type.forSchema(reader as avro.Schema, avroOptions("number")), writer as avro.Schema, "number");
    expect(() => numbers.read(bytes)).toThrow(`/c/1: the writer wrote the long ${-(2n ** 53n)}, which is outside ±(2^53 - 1)`);
  });
});
