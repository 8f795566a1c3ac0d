import { AvroSchemaError, parseAvroSchema } from "../../src/compat/avro-schema.js";
import type { Change } from "../../src/compat/change.js";
import { avroComparison } from "../../src/compat/comparisons.js";

/** canon compat's Avro answer on a pair: an invalid schema, or both directions' changes. */
export type CanonAvro =
  | { readonly invalid: AvroSchemaError; readonly file: "old" | "new" }
  | { readonly invalid?: undefined; readonly backward: Change[]; readonly forward: Change[] };

/** What `canon compat old.avsc new.avsc` decides, without the files: the schemas are checked, then compared both ways. */
export function canonAvro(oldSchema: unknown, newSchema: unknown): CanonAvro {
  for (const [file, schema] of [
    ["old", oldSchema],
    ["new", newSchema],
  ] as const) {
    try {
      parseAvroSchema(schema);
    } catch (error) {
      if (error instanceof AvroSchemaError) return { invalid: error, file };
      throw error;
    }
  }
  const comparison = avroComparison("old", { file: "old.avsc", schema: oldSchema }, { file: "new.avsc", schema: newSchema });
  return { backward: comparison.backward(), forward: comparison.forward() };
}

export type Verdict = "compatible" | "incompatible" | "invalid";

export function canonVerdicts(answer: CanonAvro): { backward: Verdict; forward: Verdict } {
  if (answer.invalid) return { backward: "invalid", forward: "invalid" };
  const of = (changes: Change[]): Verdict => (changes.every((c) => c.compatible) ? "compatible" : "incompatible");
  return { backward: of(answer.backward), forward: of(answer.forward) };
}

/** FULL from the two directions, as judge() and Confluent decide it: invalid and error win over a verdict. */
export function full<V extends string>(backward: V, forward: V): V | "compatible" | "incompatible" {
  for (const v of ["invalid", "error"]) if (backward === v || forward === v) return v as V;
  return backward === "compatible" && forward === "compatible" ? "compatible" : "incompatible";
}
