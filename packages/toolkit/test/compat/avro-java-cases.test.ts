import { describe, expect, it } from "vitest";
import { parseAvroSchema } from "../../src/compat/avro-schema.js";
import { AVRO_JAVA_CASES } from "./avro-java-cases.js";
import { canonAvro, canonVerdicts } from "./avro-verdicts.js";

describe("Avro cases where the specification, Avro Java and avsc part ways: canon's exact report", () => {
  it.each(AVRO_JAVA_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const answer = canonAvro(c.writer, c.reader);
    const report = answer.invalid
      ? [`invalid ${answer.invalid.pointer}: ${answer.invalid.message}`]
      : answer.backward.map((change) => `${change.kind} ${change.path}`);
    expect(report).toEqual(c.report);
    expect(canonVerdicts(answer).backward).toBe(c.canon);
  });

  it("warns where a union default matches a later branch: avsc, the TypeScript runtime's library, refuses such a schema", () => {
    const reader = AVRO_JAVA_CASES[0]?.reader;
    expect(parseAvroSchema(reader).warnings).toEqual([
      {
        pointer: "/fields/1/default",
        message:
          "the default of field b matches union branch 1 (int), not the first (null): allowed since the Avro 1.12 specification, " +
          "but avsc and Avro libraries before 1.12 refuse the schema",
      },
    ]);
  });

  it("warns where a namespace part is not a name, which Avro Java refuses", () => {
    const hyphen = AVRO_JAVA_CASES.find((c) => c.name.startsWith("Java, not canon: a namespace part"))?.reader;
    expect(parseAvroSchema(hyphen).warnings).toEqual([
      {
        pointer: "/namespace",
        message:
          'namespace part "redemption-reversed" of org.openedx.enterprise.subsidy.redemption-reversed.v1 is not an Avro name: ' +
          "Avro Java, and so Confluent's registry, refuses the schema",
      },
    ]);
  });

  it("says which of its refusals Avro Java lets through, so a report can say the registry would take it", () => {
    const refusals = AVRO_JAVA_CASES.flatMap((c) => {
      const answer = canonAvro(c.writer, c.reader);
      return answer.invalid ? [`${answer.invalid.javaAccepts ?? "-"}: ${c.name}`] : [];
    });
    expect(refusals).toEqual([
      "-: 5. a record default leaves out a field without a default",
      "name-in-null-namespace: spec, not Java: a short name means the enclosing namespace, not the null one",
      "enum-default-not-a-symbol: spec, not Java: an enum field's default must be one of its symbols",
      "fixed-default-size: spec, not Java: a fixed field's default has its size",
      "name-used-before-definition: spec, not Java: a name is defined before it is used",
    ]);
  });
});
