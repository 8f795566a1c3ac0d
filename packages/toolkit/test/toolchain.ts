import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type avro from "avsc";
import { type AvroSchema, avscCompatible } from "../src/emit/avro/index.js";
import type { EventDefinition, Model } from "../src/load/model.js";
import { inWireForm } from "../src/load/values.js";
import { REPO, type Run, run, TOOLKIT, venvPython } from "./helpers.js";

/**
 * The real tools the generated code is checked with, shared by the targets tests and the
 * property-based tests: tsc, mypy --strict, and a Python process that round-trips values through the
 * generated dataclasses and fastavro against the bytes avsc wrote.
 */

/** One tsc run (strict, exact optional properties, checked index access) over every .ts file under `folder`. */
export function typecheckTypeScript(folder: string): Run {
  writeFileSync(
    path.join(folder, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noEmit: true,
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        types: ["node"],
      },
      include: ["**/*.ts"],
    }),
  );
  return run(process.execPath, [path.join(REPO, "node_modules/typescript/bin/tsc"), "-p", folder], folder);
}

/** One mypy --strict run over the Python packages `packages`, folders of `parent`. */
export function mypyStrict(parent: string, packages: readonly string[]): Run {
  return run(venvPython(), ["-m", "mypy", "--strict", "--no-incremental", ...packages], parent);
}

/** One pyright run in strict mode (what pylance users see) over the Python packages `packages`, folders of `parent`. */
export function pyrightStrict(parent: string, packages: readonly string[]): Run {
  writeFileSync(
    path.join(parent, "pyrightconfig.json"),
    JSON.stringify({ include: packages, typeCheckingMode: "strict", pythonVersion: "3.9" }),
  );
  return run(
    process.execPath,
    [path.join(REPO, "node_modules/pyright/index.js"), "--project", parent, "--pythonpath", venvPython()],
    parent,
  );
}

/** The generated Avro schema of an event, with namespaces avsc accepts (see avscCompatible). */
export function readAvsc(avroFolder: string, eventType: string): avro.Schema {
  return avscCompatible(JSON.parse(readFileSync(path.join(avroFolder, `${eventType}.avsc`), "utf8")) as AvroSchema) as avro.Schema;
}

export interface VerifyCase {
  /** The value as a producer may send it (optional fields left out). */
  readonly example: unknown;
  /** The value with every default filled in: what every target gives back. */
  readonly canonical: unknown;
  /** The bytes avsc writes for the canonical value. */
  readonly avroHex: string;
}

export interface VerifyEvent {
  /** The generated package holding the event's data class. */
  readonly package: string;
  readonly eventType: string;
  /** Path of the event's .avsc file. */
  readonly avsc: string;
  readonly cases: readonly VerifyCase[];
}

/** A value of an event (in the wire form, see inWireForm) as a case for verifyPython, after checking that avsc writes and reads it back to its canonical form. */
export function avroCase(model: Model, event: EventDefinition, type: avro.Type, value: Record<string, unknown>): VerifyCase {
  const canonical = inWireForm(model, event.record, value);
  if (!type.isValid(canonical)) throw new Error(`${event.eventType}: avsc refuses ${JSON.stringify(canonical)}`);
  const bytes = type.toBuffer(canonical);
  const decoded: unknown = JSON.parse(JSON.stringify(type.fromBuffer(bytes)));
  if (JSON.stringify(decoded) !== JSON.stringify(canonical)) {
    throw new Error(`${event.eventType}: avsc read back ${JSON.stringify(decoded)} for ${JSON.stringify(canonical)}`);
  }
  return { example: value, canonical, avroHex: bytes.toString("hex") };
}

/**
 * One Python process over every case (test/python/verify_generated.py, with the packages' parent on
 * the path): from_dict/to_dict give the canonical form back, fastavro writes avsc's bytes, and reads
 * them to the canonical form.
 */
export function verifyPython(parent: string, events: readonly VerifyEvent[]): { run: Run; checked: number; failures: string[] } {
  const jobFile = path.join(parent, "job.json");
  writeFileSync(jobFile, JSON.stringify({ events }));
  const result = run(venvPython(), [path.join(TOOLKIT, "test/python/verify_generated.py"), parent, jobFile], parent);
  const summary = (result.stdout === "" ? { checked: 0, failures: [result.stderr] } : JSON.parse(result.stdout)) as {
    checked: number;
    failures: string[];
  };
  return { run: result, ...summary };
}
