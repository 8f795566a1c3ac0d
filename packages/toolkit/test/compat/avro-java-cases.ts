/**
 * Avro cases where the specification, Apache Avro Java (what Confluent's registry runs) or avsc had
 * been read differently: WRITER (old) read by READER (new), with canon's exact report and Avro
 * Java's verdict. Where they differ, docs/compatibility-avro-java.md says why.
 */
export interface AvroJavaCase {
  readonly name: string;
  readonly writer: unknown;
  readonly reader: unknown;
  /** `KIND path` of every change canon reports, in report order; for an invalid schema, the error. */
  readonly report: readonly string[];
  readonly canon: "compatible" | "incompatible" | "invalid";
  /** Avro Java 1.12's verdict (the differential test checks it when Java is there). */
  readonly java: "compatible" | "incompatible" | "invalid" | "error";
}

const rec = (name: string, fields: unknown[], extra: Record<string, unknown> = {}) => ({ type: "record", name, fields, ...extra });
const f = (name: string, type: unknown, extra: Record<string, unknown> = {}) => ({ name, type, ...extra });
const decimal = (precision: number, scale: number) => ({ type: "bytes", logicalType: "decimal", precision, scale });

// The example: Inner, defined in a, names Leaf; b.Other refers to a.Inner, so that Leaf is a.Leaf.
const outer = (withLeafB: boolean) =>
  rec("a.Outer", [
    f("f0", { type: "enum", name: "Leaf", symbols: ["A"] }),
    f("f1", rec("Inner", [f("leaf", "Leaf")])),
    f("f2", rec("b.Other", [...(withLeafB ? [f("leafb", { type: "enum", name: "Leaf", symbols: ["Z"] })] : []), f("g", "a.Inner")])),
  ]);

export const AVRO_JAVA_CASES: AvroJavaCase[] = [
  {
    name: "1. union field default matching a later branch",
    writer: rec("R", [f("a", "int")]),
    reader: rec("R", [f("a", "int"), f("b", ["null", "int"], { default: 99 })]),
    report: ["AVRO_FIELD_ADDED_WITH_DEFAULT /fields/b"],
    canon: "compatible",
    java: "compatible",
  },
  {
    name: "1. union field default matching a later branch, string after enum",
    writer: rec("R", [f("a", "int")]),
    reader: rec("R", [f("a", "int"), f("e", [{ type: "enum", name: "E", symbols: ["A"] }, "string"], { default: "free text" })]),
    report: ["AVRO_FIELD_ADDED_WITH_DEFAULT /fields/e"],
    canon: "compatible",
    java: "compatible",
  },
  {
    name: "2. a relative alias is in the type's own namespace",
    writer: { type: "fixed", name: "F", size: 4 },
    reader: { type: "fixed", name: "b.X", size: 4, aliases: ["F"] },
    report: ["AVRO_NAME_MISMATCH "],
    canon: "incompatible",
    java: "incompatible",
  },
  {
    name: "2. a full alias names the writer's type",
    writer: { type: "fixed", name: "a.F", size: 4 },
    reader: { type: "fixed", name: "b.X", size: 4, aliases: ["a.F"] },
    report: [],
    canon: "compatible",
    java: "compatible",
  },
  {
    name: "3. a referenced name keeps the namespace of the type that wrote it",
    writer: outer(true),
    reader: outer(false),
    report: ["AVRO_FIELD_REMOVED /fields/f2/fields/leafb"],
    canon: "compatible",
    java: "compatible",
  },
  {
    name: "4. a writer fixed matches the reader union branch of its size",
    writer: { type: "fixed", name: "Md5", size: 4 },
    reader: [
      { type: "fixed", name: "Md5", size: 12 },
      { type: "fixed", name: "com.acme.Md5", size: 4 },
    ],
    report: ["AVRO_READER_UNION_EXTENDED "],
    canon: "compatible",
    java: "compatible",
  },
  {
    name: "5. a record default leaves out bytes, fixed and union fields that have defaults",
    writer: rec("R", [f("a", "int")]),
    reader: rec("R", [
      f("a", "int"),
      f(
        "r",
        rec("S", [
          f("x", "bytes", { default: "\u00ff" }),
          f("y", { type: "fixed", name: "F", size: 2 }, { default: "ab" }),
          f("z", ["string", { type: "enum", name: "E", symbols: ["A"] }], { default: "s" }),
          f("w", "int"),
        ]),
        { default: { w: 1 } },
      ),
    ]),
    report: ["AVRO_FIELD_ADDED_WITH_DEFAULT /fields/r"],
    canon: "compatible",
    java: "compatible",
  },
  {
    name: "5. a record default leaves out a field without a default",
    writer: rec("R", [f("a", "int")]),
    reader: rec("R", [f("a", "int"), f("r", rec("S", [f("x", "bytes", { default: "" }), f("w", "int")]), { default: { x: "" } })]),
    report: ["invalid /fields/1/default: the default of field r is not valid: field w of S is missing and has no default"],
    canon: "invalid",
    java: "invalid",
  },
  {
    name: "6. decimal scale and precision changed: the specification says they must match (Java does not check)",
    writer: rec("R", [f("d", decimal(4, 2))]),
    reader: rec("R", [f("d", decimal(9, 5))]),
    report: ["AVRO_DECIMAL_MISMATCH /fields/d"],
    canon: "incompatible",
    java: "compatible",
  },
  {
    name: "6. decimal precision widened at the same scale: still a mismatch by the specification",
    writer: rec("R", [f("d", decimal(4, 2))]),
    reader: rec("R", [f("d", decimal(6, 2))]),
    report: ["AVRO_DECIMAL_MISMATCH /fields/d"],
    canon: "incompatible",
    java: "compatible",
  },
  {
    name: "6. decimal read through a union of another scale",
    writer: rec("R", [f("d", decimal(4, 2))]),
    reader: rec("R", [f("d", ["null", decimal(9, 5)], { default: null })]),
    report: ["AVRO_READER_UNION_EXTENDED /fields/d", "AVRO_DECIMAL_MISMATCH /fields/d"],
    canon: "incompatible",
    java: "compatible",
  },
  {
    name: "6. an invalid decimal (scale above precision) is plain bytes",
    writer: rec("R", [f("d", decimal(2, 3))]),
    reader: rec("R", [f("d", "bytes")]),
    report: [],
    canon: "compatible",
    java: "compatible",
  },
  {
    name: "spec, not Java: a reader field whose name and alias match two writer fields",
    writer: rec("R", [f("a", "int"), f("b", "long")]),
    reader: rec("R", [f("b", "long", { aliases: ["a"] })]),
    report: ["AVRO_FIELD_MATCH_AMBIGUOUS /fields/b", "AVRO_FIELD_REMOVED /fields/a"],
    canon: "compatible",
    java: "error",
  },
  {
    name: "spec, not Java: a short name means the enclosing namespace, not the null one",
    writer: rec("a.R", [f("e", { type: "enum", name: "E", namespace: "", symbols: ["A"] }), f("g", "E")]),
    reader: rec("a.R", [f("e", { type: "enum", name: "E", namespace: "", symbols: ["A"] })]),
    report: ['invalid /fields/1/type: unknown type name "E": there is no a.E (only E, in the null namespace)'],
    canon: "invalid",
    java: "compatible",
  },
  {
    name: "spec, not Java: the first reader union branch of the writer's name reads it",
    writer: rec("a.X", [f("v", "int")]),
    reader: [rec("b.X", [f("v", "int"), f("w", "int")]), rec("a.X", [f("v", "int")])],
    report: ["AVRO_READER_UNION_BRANCHES_SHARE_NAME ", "AVRO_READER_UNION_EXTENDED ", "AVRO_FIELD_ADDED_WITHOUT_DEFAULT /fields/w"],
    canon: "incompatible",
    java: "compatible",
  },
  {
    name: "spec, not Java: an enum field's default must be one of its symbols",
    writer: rec("R", [f("a", "int")]),
    reader: rec("R", [f("a", "int"), f("e", { type: "enum", name: "E", symbols: ["A"] }, { default: "Z" })]),
    report: ['invalid /fields/1/default: the default of field e is not valid: "Z" is not a symbol of E'],
    canon: "invalid",
    java: "compatible",
  },
  {
    name: "spec, not Java: a fixed field's default has its size",
    writer: rec("R", [f("a", "int")]),
    reader: rec("R", [f("a", "int"), f("x", { type: "fixed", name: "F", size: 4 }, { default: "ab" })]),
    report: ['invalid /fields/1/default: the default of field x is not valid: "ab" is 2 bytes, not 4'],
    canon: "invalid",
    java: "compatible",
  },
  {
    name: "spec, not Java: a name is defined before it is used",
    writer: rec("R", [f("a", ["null", "E"], { default: null }), f("b", { type: "enum", name: "E", symbols: ["A"] })]),
    reader: rec("R", [f("b", { type: "enum", name: "E", symbols: ["A"] })]),
    report: ['invalid /fields/0/type/1: type name "E" is used before its definition'],
    canon: "invalid",
    java: "compatible",
  },
  {
    // The Open edX bus puts event types in Avro namespaces; one has a hyphen (README, The catalog).
    name: "Java, not canon: a namespace part that is not a name is accepted, with a warning",
    writer: rec("CloudEvent", [f("a", "int")], { namespace: "org.openedx.enterprise.subsidy.redemption-reversed.v1" }),
    reader: rec("CloudEvent", [f("a", "int")], { namespace: "org.openedx.enterprise.subsidy.redemption-reversed.v1" }),
    report: [],
    canon: "compatible",
    java: "invalid",
  },
  {
    name: "Java and the specification: an enum default stands in for unknown symbols",
    writer: { type: "enum", name: "E", symbols: ["A", "B"] },
    reader: { type: "enum", name: "E", symbols: ["A"], default: "A" },
    report: ["AVRO_ENUM_SYMBOL_DEFAULTED /symbols"],
    canon: "compatible",
    java: "compatible",
  },
];
