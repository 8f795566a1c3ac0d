import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalog, loadConfig, readHistory, withDefaults } from "@eventcanon/toolkit";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  createMetadata,
  type ExamAttemptSubmittedV1,
  events,
  examAttemptSubmittedV1,
  fromKafkaHeaders,
  fromRedisFields,
  toKafkaHeaders,
  toRedisFields,
} from "../src/index.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const catalog = loadCatalog(loadConfig(REPO), REPO);
const SUBMITTED = catalog.model.events.find((e) => e.eventType === "org.openedx.learning.exam.attempt.submitted.v1");
if (SUBMITTED === undefined) throw new Error("catalog has no exam attempt submitted event");
const example = SUBMITTED.examples[0] as ExamAttemptSubmittedV1;

describe("event codecs", () => {
  it("has a codec for every event in the catalog", () => {
    expect(Object.keys(events).sort()).toEqual(catalog.model.events.map((e) => e.eventType));
  });

  it.each(catalog.model.events.flatMap((e) => e.examples.map((x, i) => [e.eventType, i, x] as const)))(
    "%s example %i validates and round-trips through Avro",
    (eventType, _index, data) => {
      const codec = events[eventType as keyof typeof events];
      const event = catalog.model.events.find((e) => e.eventType === eventType);
      if (event === undefined) throw new Error(eventType);
      expect(codec.validate(data)).toBe(true);
      expect(codec.check(data)).toEqual([]);
      const canonical = withDefaults(catalog.model, event.record, data as Record<string, unknown>);
      expect(JSON.parse(JSON.stringify(codec.decode(codec.encode(data as never))))).toEqual(canonical);
    },
  );

  it("check names every JSON Schema violation, formats and patterns included", () => {
    const bad = { exam_attempt: { ...example.exam_attempt, course_key: 7, extra: true } };
    expect(examAttemptSubmittedV1.validate(bad)).toBe(false);
    expect(examAttemptSubmittedV1.check(bad)).toEqual([
      { path: "/exam_attempt", message: "must NOT have additional properties" },
      { path: "/exam_attempt/course_key", message: "must be string" },
    ]);
  });

  it("frames with magic byte 0 and a big-endian schema id, and refuses a wrong magic byte", () => {
    const framed = examAttemptSubmittedV1.encodeFramed(example, 0x01020304);
    expect([...framed.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4]);
    expect(framed.subarray(5)).toEqual(examAttemptSubmittedV1.encode(example));
    const wrong = Buffer.from(framed);
    wrong[0] = 0x7b;
    expect(() => examAttemptSubmittedV1.decodeFramed(wrong)).toThrow(
      "not Confluent wire format: magic byte is 0x7b, expected 0x00 (was the message framed by a schema-registry serializer?)",
    );
    expect(() => examAttemptSubmittedV1.decodeFramed(Buffer.from([0, 1]))).toThrow(
      "not Confluent wire format: 2 bytes is shorter than the 5-byte header",
    );
    expect(() => examAttemptSubmittedV1.encodeFramed(example, -1)).toThrow("schema id must be an integer from 0 to 4294967295, got -1");
  });

  it("frames with the released id offline and reads only ids the release history gives this event", async () => {
    const released = readHistory(loadConfig(REPO)).entries.find((e) => e.event === SUBMITTED.eventType);
    expect(examAttemptSubmittedV1.schemaId).toBe(released?.value.id);
    expect(examAttemptSubmittedV1.keySchemaId).toBe(released?.key?.id);
    const framed = await examAttemptSubmittedV1.serialize(example);
    expect(framed.readUInt32BE(1)).toBe(released?.value.id);
    expect(examAttemptSubmittedV1.decodeFramed(framed)).toEqual({
      schemaId: released?.value.id,
      data: examAttemptSubmittedV1.decode(framed.subarray(5)),
    });
    // An id no registry gave out is refused; it used to decode "fine" with the package's own schema.
    const unknown = examAttemptSubmittedV1.encodeFramed(example, 999);
    expect(() => examAttemptSubmittedV1.decodeFramed(unknown)).toThrow(
      "org.openedx.learning.exam.attempt.submitted.v1: writer schema id 999 is not in this package's release history, and no schema registry was given: pass one to deserialize to read versions released after this package",
    );
    await expect(examAttemptSubmittedV1.deserialize(unknown)).rejects.toMatchObject({ code: "unknown-schema-id", schemaId: 999 });
    // Another event's id, and a key id, are not this event's values.
    const other = readHistory(loadConfig(REPO)).entries.find((e) => e.event === "org.openedx.learning.exam.attempt.verified.v1");
    expect(() => examAttemptSubmittedV1.decodeFramed(examAttemptSubmittedV1.encodeFramed(example, other?.value.id ?? 0))).toThrow(
      `org.openedx.learning.exam.attempt.submitted.v1: writer schema id ${other?.value.id} is the value schema of org.openedx.learning.exam.attempt.verified.v1 version 1, not a value schema of org.openedx.learning.exam.attempt.submitted.v1`,
    );
    expect(() => examAttemptSubmittedV1.decodeFramed(examAttemptSubmittedV1.encodeFramed(example, released?.key?.id ?? 0))).toThrow(
      `writer schema id ${released?.key?.id} is a key schema, not a value schema of org.openedx.learning.exam.attempt.submitted.v1`,
    );
    const key = await examAttemptSubmittedV1.serializeKey(example);
    expect(key.readUInt32BE(1)).toBe(released?.key?.id);
    expect(await examAttemptSubmittedV1.deserializeKey(key)).toEqual({ schemaId: released?.key?.id, key: example.exam_attempt.course_key });
  });

  it("names subjects as the Open edX bus does: value by record, key by key schema name", () => {
    expect(examAttemptSubmittedV1.subject()).toBe(
      "learning-exam-attempt-lifecycle-org.openedx.learning.exam.attempt.submitted.v1.CloudEvent",
    );
    expect(examAttemptSubmittedV1.keySubject()).toBe("learning-exam-attempt-lifecycle-string");
    expect(examAttemptSubmittedV1.keySubject({ topic: "dev-learning-exam-attempt-lifecycle" })).toBe(
      "dev-learning-exam-attempt-lifecycle-string",
    );
    expect(examAttemptSubmittedV1.subject({ subjectNameStrategy: "topic" })).toBe("learning-exam-attempt-lifecycle-value");
    expect(examAttemptSubmittedV1.keySubject({ subjectNameStrategy: "record" })).toBe("string");
  });

  it("encodes the message key as the Avro value at the event key field", () => {
    const key = examAttemptSubmittedV1.encodeKey(example);
    const course = Buffer.from(example.exam_attempt.course_key, "utf8");
    // Avro string: zig-zag varint length, then UTF-8 bytes.
    expect(key).toEqual(Buffer.concat([Buffer.from([course.length * 2]), course]));
  });

  it("refuses, with the field path, a long that a JavaScript number cannot hold exactly", () => {
    const withId = (id: number) => ({
      exam_attempt: { ...example.exam_attempt, student_user: { ...example.exam_attempt.student_user, id } },
    });
    expect(() => examAttemptSubmittedV1.encode(withId(2 ** 53))).toThrow(
      "org.openedx.learning.exam.attempt.submitted.v1: cannot encode: /exam_attempt/student_user/id: 9007199254740992 is outside ±(2^53 - 1), the integers a JavaScript number holds exactly",
    );
    for (const id of [2 ** 53 - 1, -(2 ** 53 - 1)])
      expect(examAttemptSubmittedV1.decode(examAttemptSubmittedV1.encode(withId(id))).exam_attempt.student_user.id).toBe(id);
    const safe = { exam_attempt: { ...example.exam_attempt, student_user: { ...example.exam_attempt.student_user, id: 2 ** 52 } } };
    expect(examAttemptSubmittedV1.decode(examAttemptSubmittedV1.encode(safe)).exam_attempt.student_user.id).toBe(2 ** 52);
    // The id is the record's first field. Swap its 8-byte varint (2^52) for the 9-byte zig-zag
    // varint of 2^60, as a writer in another language may send it.
    const body = examAttemptSubmittedV1.encode(safe);
    expect([...body.subarray(0, 8)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
    const huge = Buffer.concat([Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]), body.subarray(8)]);
    expect(() => examAttemptSubmittedV1.decode(huge)).toThrow(
      "cannot decode: /exam_attempt/student_user/id: the long 1152921504606846976, which is outside ±(2^53 - 1)",
    );
  });

  it("is typed end to end", () => {
    expectTypeOf(examAttemptSubmittedV1.decode).returns.toEqualTypeOf<ExamAttemptSubmittedV1>();
    expectTypeOf(examAttemptSubmittedV1.encode).parameter(0).toEqualTypeOf<ExamAttemptSubmittedV1>();
    expectTypeOf(events["org.openedx.learning.exam.attempt.submitted.v1"]).toEqualTypeOf(examAttemptSubmittedV1);
  });
});

describe("event bus envelope", () => {
  const metadata = createMetadata("org.openedx.learning.exam.attempt.submitted.v1", {
    id: "b1c2d3e4-0000-4000-8000-000000000001",
    time: "2026-03-14T09:26:53.000Z",
    source: "openedx/edx-exams/web",
    sourcehost: "exams-1",
    sourcelib: "11.2.0",
  });

  it("creates metadata with the bus's defaults: a fresh UUID, now in UTC as isoformat writes it, minor version 0", () => {
    const fresh = createMetadata("t");
    expect(fresh.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(fresh.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}000)?\+00:00$/);
    expect(Date.parse(fresh.time)).toBeGreaterThan(Date.parse("2026-01-01"));
    expect(fresh.minorversion).toBe(0);
    // sourcelib: the openedx-events version the catalog follows, which the bus's consumers parse as integers.
    expect(fresh.sourcelib).toBe("11.2.0");
    expect(fresh.source).toBe(`openedx/${process.env.EVENTS_SERVICE_NAME || "SERVICE_NAME_UNSET"}/web`);
    expect(() => createMetadata("t", { sourcelib: "" })).toThrow(
      'sourcelib must be a version of integers joined by dots (the bus\'s consumers parse it so), got ""',
    );
    expect(() => createMetadata("t", { sourcelib: "11.2.0-rc1" })).toThrow('got "11.2.0-rc1"');
  });

  it("writes Kafka headers as the Open edX event bus does and reads them back", () => {
    const headers = toKafkaHeaders(metadata);
    // In edx-event-bus-kafka's order.
    expect(Object.keys(headers)).toEqual([
      "ce_specversion",
      "content-type",
      "ce_datacontenttype",
      "ce_type",
      "ce_id",
      "ce_source",
      "ce_time",
      "ce_minorversion",
      "sourcehost",
      "sourcelib",
    ]);
    expect(headers).toEqual({
      ce_type: "org.openedx.learning.exam.attempt.submitted.v1",
      ce_id: "b1c2d3e4-0000-4000-8000-000000000001",
      ce_source: "openedx/edx-exams/web",
      ce_specversion: "1.0",
      ce_time: "2026-03-14T09:26:53.000Z",
      ce_minorversion: "0",
      ce_datacontenttype: "application/avro",
      "content-type": "application/avro",
      sourcehost: "exams-1",
      sourcelib: "11.2.0",
    });
    expect(fromKafkaHeaders(headers)).toEqual(metadata);
    const asBytes = Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)] as const);
    expect(fromKafkaHeaders(asBytes)).toEqual(metadata);
  });

  it("needs ce_id, refuses repeated headers, and defaults the rest", () => {
    expect(() => fromKafkaHeaders({ ce_type: "x" })).toThrow('missing Kafka header "ce_id": every event needs its id');
    expect(() =>
      fromKafkaHeaders([
        ["ce_id", "a"],
        ["ce_id", "b"],
      ]),
    ).toThrow('duplicated Kafka header "ce_id"');
    expect(() => fromKafkaHeaders({ ce_id: "a", ce_type: ["x", "y"] })).toThrow('duplicated Kafka header "ce_type"');
    expect(fromKafkaHeaders({ ce_id: "a" }, "fallback.v1")).toEqual({
      event_type: "fallback.v1",
      id: "a",
      minorversion: 0,
      source: "",
      sourcehost: "",
      time: "",
      sourcelib: "11.2.0",
    });
    expect(() => fromKafkaHeaders({ ce_id: "a", sourcelib: "" })).toThrow(
      'Kafka header "sourcelib" is not a version of integers joined by dots: ""',
    );
    expect(() => fromKafkaHeaders({ ce_id: "a", ce_minorversion: "one" })).toThrow(
      'Kafka header "ce_minorversion" is not a whole number: one',
    );
  });

  it("writes Redis stream fields beside event_data and reads them back", () => {
    const body = examAttemptSubmittedV1.encode(example);
    const fields = toRedisFields(metadata, body);
    expect(Object.keys(fields)).toEqual(["type", "id", "source", "time", "minorversion", "sourcehost", "sourcelib", "event_data"]);
    const back = fromRedisFields(fields);
    expect(back.metadata).toEqual(metadata);
    expect(examAttemptSubmittedV1.decode(back.eventData)).toEqual(examAttemptSubmittedV1.decode(body));
    expect(() => fromRedisFields({ id: "a" })).toThrow('Redis message has no "event_data" field');
  });
});
