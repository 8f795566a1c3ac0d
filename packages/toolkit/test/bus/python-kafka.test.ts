import { freePort, kafkaUnavailable, type Server, startKafka } from "@eventcanon/test-servers";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  coursePersistentGradeSummaryChangedV1,
  DEAD_LETTER,
  type Delivery,
  examAttemptSubmittedV1,
  fromKafkaHeaders,
  Handlers,
  KafkaEventConsumer,
  KafkaEventProducer,
} from "../../../openedx-events/src/index.js";
import { asJson } from "../runtime/peer.js";
import { EDX_HEADER_ORDER, ISOFORMAT, quiet, rawKafkaMessages, until } from "./broker-reads.js";
import { callIds, linesOf, type PyCall, pyBus, pyBusDone, pyCli } from "./python-bus.js";
import { GRADE, gradeOf, SUBMITTED, submitted, VERIFIED, withUser } from "./samples.js";
import { tsCli } from "./ts-cli.js";

/**
 * The Python package's Kafka producer and consumer (over confluent-kafka) on a real broker, held to
 * what kafka.test.ts holds the TypeScript ones to, checked on the raw broker with KafkaJS; and the two
 * languages on one topic, each reading what the other sent.
 */

const missing = kafkaUnavailable();
if (missing) console.warn(`SKIPPED the Python Kafka bus tests: ${missing}`);

describe.skipIf(missing !== undefined)("the Python Kafka producer and consumer on a real broker", () => {
  let broker: Server;
  let kafka: Kafka;
  beforeAll(async () => {
    broker = await startKafka();
    kafka = new Kafka({ clientId: "eventcanon-py-test", brokers: [broker.address], logLevel: logLevel.NOTHING, retry: { retries: 8 } });
  }, 90_000);
  afterAll(() => broker?.stop("SIGKILL"));

  const py = (job: Record<string, unknown>) => pyBusDone({ bus: "kafka", address: broker.address, ...job });
  const canonical = async () => asJson(examAttemptSubmittedV1.decodeFramed(await examAttemptSubmittedV1.serialize(submitted)).data);

  it("sends what TypeScript sends (topic, key, framing, headers in the bus's order), waits for the broker, raises what it refuses, and the consumer hands each event to its handler and commits", async () => {
    const sent = await py({
      op: "produce",
      topic_prefix: "p1",
      messages: [
        { event: SUBMITTED, data: submitted, metadata: { source: "openedx/edx-exams/web", id: "m1" } },
        { event: VERIFIED, data: submitted, metadata: { id: "m2" } },
        { event: SUBMITTED, data: submitted, topic: "bad topic!" },
        { event: SUBMITTED, data: submitted, replace: { path: "exam_attempt.student_user.id", value: "42" } },
        { event: SUBMITTED, data: submitted, key: "course-v1:given+key+run", metadata: { id: "m3" } },
      ],
    });
    const topic = "p1-learning-exam-attempt-lifecycle";
    expect(sent.filter((l) => !("seconds" in l))).toEqual([
      { sent: { topic, partition: 0, offset: 0 } },
      { sent: { topic, partition: 0, offset: 1 } },
      {
        error: {
          type: "BusError",
          message: `${SUBMITTED}: not sent to bad topic!: not a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, ".", "_" and "-", and not "." or "..")`,
        },
      },
      {
        error: {
          type: "ValueError",
          message: `${SUBMITTED}: not sent, the data does not fit the schema: ExamAttemptSubmittedV1.exam_attempt.student_user.id: expected an integer, got a string`,
        },
      },
      { sent: { topic, partition: 0, offset: 2 } },
    ]);

    const [raw, , given] = await rawKafkaMessages(kafka, topic, 3);
    expect(given?.key).toEqual(await examAttemptSubmittedV1.serializeKeyValue("course-v1:given+key+run"));
    expect(raw?.value).toEqual(await examAttemptSubmittedV1.serialize(submitted));
    expect(raw?.key).toEqual(await examAttemptSubmittedV1.serializeKey(submitted));
    expect(raw?.headers.map(([k]) => k)).toEqual(EDX_HEADER_ORDER);
    const headers = Object.fromEntries(raw?.headers ?? []);
    expect(headers).toMatchObject({ ce_specversion: "1.0", "content-type": "application/avro", ce_datacontenttype: "application/avro" });
    expect(fromKafkaHeaders(raw?.headers ?? [])).toMatchObject({
      event_type: SUBMITTED,
      id: "m1",
      source: "openedx/edx-exams/web",
      sourcelib: "11.2.0",
    });
    expect(headers.ce_time).toMatch(ISOFORMAT);

    const consumed = await py({ op: "consume", group: "g1", topics: [topic], start: "earliest", until: 3 });
    const calls = linesOf<PyCall>(consumed, "call");
    expect(calls.map((c) => [c.event_type, c.key])).toEqual([
      [SUBMITTED, submitted.exam_attempt.course_key],
      [VERIFIED, submitted.exam_attempt.course_key],
      [SUBMITTED, "course-v1:given+key+run"],
    ]);
    expect(calls[0]).toEqual({
      event_type: SUBMITTED,
      data: await canonical(),
      key: submitted.exam_attempt.course_key,
      schema_id: examAttemptSubmittedV1.schemaId,
      topic,
      position: "0:0",
      attempt: 1,
      metadata: fromKafkaHeaders(raw?.headers ?? []),
    });
    expect(linesOf(consumed, "stats")).toEqual([{ handled: 3, retried: 0, dead_lettered: 0, ignored: 0 }]);

    // Committed: the group's next run starts after them.
    await py({ op: "produce", topic_prefix: "p1", messages: [{ event: SUBMITTED, data: submitted, metadata: { id: "m4" } }] });
    const again = await py({ op: "consume", group: "g1", topics: [topic], start: "earliest", until: 1 });
    expect(callIds(again)).toEqual(["m4#1"]);
  });

  it("retries a failing handler with backoff, dead-letters it with the error and the message's own key, value and headers, and goes on", async () => {
    const topic = "p2-learning-exam-attempt-lifecycle";
    await py({
      op: "produce",
      messages: [1, 2, 3].map((id) => ({ event: SUBMITTED, data: withUser(id), topic, metadata: { id: `u${id}` } })),
    });
    const lines = await py({
      op: "consume",
      group: "g2",
      topics: [topic],
      start: "earliest",
      retry: { retries: 2, backoff: 0.01 },
      // u1 fails once and then works; u2 always fails; u3 works.
      fail: { u1: 1, u2: -1 },
      until: 3,
    });
    expect(callIds(lines)).toEqual(["u1#1", "u1#2", "u2#1", "u2#2", "u2#3", "u3#1"]);
    expect(linesOf(lines, "stats")).toEqual([{ handled: 2, retried: 3, dead_lettered: 1, ignored: 0 }]);
    expect(linesOf(lines, "log")).toEqual([
      {
        level: "warning",
        message: `${topic} 0:1: dead-lettered to ${topic}-dead-letter (handler-error: RuntimeError: grading service is down for u2)`,
      },
    ]);
    const [original] = (await rawKafkaMessages(kafka, topic, 3)).slice(1);
    const [dead] = await rawKafkaMessages(kafka, `${topic}-dead-letter`, 1);
    expect(dead?.key).toEqual(original?.key);
    expect(dead?.value).toEqual(original?.value);
    expect(dead?.headers.slice(0, 10)).toEqual(original?.headers);
    expect(Object.fromEntries(dead?.headers.slice(10) ?? [])).toEqual({
      [DEAD_LETTER.code]: "handler-error",
      [DEAD_LETTER.reason]: "RuntimeError: grading service is down for u2",
      [DEAD_LETTER.attempts]: "3",
      [DEAD_LETTER.source]: topic,
      [DEAD_LETTER.position]: "0:1",
      [DEAD_LETTER.group]: "g2",
      [DEAD_LETTER.time]: expect.stringMatching(ISOFORMAT),
    });
    expect(dead?.headers.slice(10).map(([k]) => k)).toEqual(Object.values(DEAD_LETTER));
  });

  it("dead-letters at once what cannot be read, with the same reasons as TypeScript, and acknowledges the events it has no handler for", async () => {
    const topic = "p3-learning-exam-attempt-lifecycle";
    const raw = kafka.producer();
    await raw.connect();
    const good = await examAttemptSubmittedV1.serialize(submitted);
    const unknownId = examAttemptSubmittedV1.encodeFramed(submitted, 999);
    const garbage = Buffer.from([0, 0, 0, 0, examAttemptSubmittedV1.schemaId ?? 0, 1, 2]);
    const headers = (id: string, type = SUBMITTED) => ({ ce_id: id, ce_type: type });
    await raw.send({
      topic,
      messages: [
        { value: good, headers: { ce_type: SUBMITTED } },
        { value: unknownId, headers: headers("a") },
        { value: garbage, headers: headers("b") },
        { value: null, headers: headers("c") },
        { value: good, headers: headers("d", VERIFIED) },
        { value: good, headers: headers("e") },
      ],
    });
    await raw.disconnect();
    const lines = await py({ op: "consume", group: "g3", topics: [topic], start: "earliest", events: [SUBMITTED], until: 6 });
    expect(callIds(lines)).toEqual(["e#1"]);
    expect(linesOf(lines, "stats")).toEqual([{ handled: 1, retried: 0, dead_lettered: 4, ignored: 1 }]);
    expect(linesOf<{ level: string; message: string }>(lines, "log").find((l) => l.level === "info")).toEqual({
      level: "info",
      message: `${topic} 0:4: no handler for ${VERIFIED}; acknowledged`,
    });
    const dead = (await rawKafkaMessages(kafka, `${topic}-dead-letter`, 4)).map((d) => Object.fromEntries(d.headers));
    const tsReason = (bytes: Buffer) =>
      examAttemptSubmittedV1.deserialize(bytes).then(
        () => "read",
        (error: Error) => error.message,
      );
    expect(dead.map((d) => [d[DEAD_LETTER.code], d[DEAD_LETTER.reason]])).toEqual([
      ["bad-envelope", 'missing Kafka header "ce_id": every event needs its id'],
      ["unknown-schema-id", await tsReason(unknownId)],
      ["undecodable", `${SUBMITTED}: cannot decode 2 bytes: truncated buffer`],
      ["undecodable", `${SUBMITTED}: the message at ${topic} 0:3 has no value`],
    ]);
  });

  it("retries an unreachable registry with backoff, then dead-letters the message as registry-error", async () => {
    const topic = "p4-learning-exam-attempt-lifecycle";
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({
      topic,
      messages: [{ value: examAttemptSubmittedV1.encodeFramed(submitted, 999), headers: { ce_id: "r", ce_type: SUBMITTED } }],
    });
    await raw.disconnect();
    const registry = `http://127.0.0.1:${await freePort()}`;
    const lines = await py({
      op: "consume",
      group: "g4",
      topics: [topic],
      start: "earliest",
      registry,
      registry_retries: 0,
      retry: { retries: 2, backoff: 0.01 },
      until: 1,
    });
    expect(linesOf(lines, "stats")).toEqual([{ handled: 0, retried: 2, dead_lettered: 1, ignored: 0 }]);
    const [dead] = (await rawKafkaMessages(kafka, `${topic}-dead-letter`, 1)).map((d) => Object.fromEntries(d.headers));
    expect(dead?.[DEAD_LETTER.code]).toBe("registry-error");
    expect(dead?.[DEAD_LETTER.attempts]).toBe("3");
    expect(dead?.[DEAD_LETTER.reason]).toMatch(new RegExp(`^${SUBMITTED.replaceAll(".", "\\.")}: cannot fetch writer schema id 999: `));
  });

  it("does not commit a message it cannot dead-letter: run() raises, and the message comes again", async () => {
    const topic = "p5-learning-exam-attempt-lifecycle";
    await py({ op: "produce", messages: [{ event: SUBMITTED, data: submitted, topic, metadata: { id: "x" } }] });
    const failed = await py({
      op: "consume",
      group: "g5",
      topics: [topic],
      start: "earliest",
      fail: { x: -1 },
      retry: { retries: 0 },
      dead_letter: "bad topic!",
    });
    expect(linesOf(failed, "error")).toEqual([
      {
        type: "BusError",
        message: `${topic} 0:0: cannot write to the dead-letter topic bad topic!: not a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, ".", "_" and "-", and not "." or "..")`,
      },
    ]);
    const again = await py({ op: "consume", group: "g5", topics: [topic], start: "earliest", until: 1 });
    expect(callIds(again)).toEqual(["x#1"]);
  });

  it("a new group with start latest skips what is there; SIGTERM finishes the message in hand, commits it, and exits", async () => {
    const topic = "p6-learning-exam-attempt-lifecycle";
    const sent: string[] = [];
    const send = (id: string) => {
      sent.push(id);
      return py({ op: "produce", messages: [{ event: SUBMITTED, data: submitted, topic, metadata: { id } }] });
    };
    await send("old");
    const slow = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`new${i}`, 1.5]));
    const consumer = pyBus({ bus: "kafka", address: broker.address, op: "consume", group: "g6", topics: [topic], start: "latest", slow });
    // Only after it has joined does the group have a latest offset: send until a message reaches it.
    for (let i = 0; !consumer.lines.some((l) => "call" in l); i++) {
      if (i === 20) throw new Error("no message reached the consumer");
      await send(`new${i}`);
      await consumer.waitFor((l) => "call" in l, "a handler call", 1_500).catch(() => undefined);
    }
    // In the handler's 1.5 s.
    consumer.child.kill("SIGTERM");
    const { code, lines } = await consumer.done;
    expect(code).toBe(0);
    const calls = linesOf<PyCall>(lines, "call");
    expect(calls).toHaveLength(1);
    const handled = String(calls[0]?.metadata.id);
    expect(handled).toMatch(/^new\d+$/);
    expect(linesOf(lines, "stats")).toEqual([{ handled: 1, retried: 0, dead_lettered: 0, ignored: 0 }]);
    // Committed: the group goes on with what was sent after it (one more may have been on its way).
    await send("after");
    const rest = sent.slice(sent.indexOf(handled) + 1);
    const again = await py({ op: "consume", group: "g6", topics: [topic], start: "earliest", until: rest.length });
    expect(callIds(again)).toEqual(rest.map((id) => `${id}#1`));
  });

  it("logs what the client reports that is not a message, such as a topic that is not there, and keeps running", async () => {
    const consumer = pyBus({
      bus: "kafka",
      address: broker.address,
      op: "consume",
      group: "g8",
      topics: ["p8-missing"],
      start: "earliest",
      config: { "allow.auto.create.topics": false },
    });
    const warning = await consumer.waitFor((l) => "log" in l, "a warning");
    consumer.child.kill("SIGTERM");
    const { code, lines } = await consumer.done;
    expect(warning).toEqual({
      log: {
        level: "warning",
        message: "kafka consumer g8: Subscribed topic not available: p8-missing: Broker: Unknown topic or partition",
      },
    });
    expect([code, linesOf(lines, "stats")]).toEqual([0, [{ handled: 0, retried: 0, dead_lettered: 0, ignored: 0 }]]);
  });

  it("TypeScript and Python read each other's messages: equal data, key, schema id and metadata", async () => {
    const tsProducer = new KafkaEventProducer({ kafka, topicPrefix: "x7" });
    await tsProducer.send(examAttemptSubmittedV1, submitted, { metadata: { id: "ts-1", source: "openedx/ts/web" } });
    await tsProducer.send(coursePersistentGradeSummaryChangedV1, gradeOf(1) as never, { metadata: { id: "ts-2" } });
    await tsProducer.disconnect();
    const topics = ["x7-learning-exam-attempt-lifecycle", "x7-learning-course-persistent-grade-summary-lifecycle"];
    await py({
      op: "produce",
      topic_prefix: "x7",
      messages: [
        { event: SUBMITTED, data: submitted, metadata: { id: "py-1", source: "openedx/py/web" } },
        { event: GRADE, data: gradeOf(1), metadata: { id: "py-2" } },
      ],
    });
    const onBroker = await rawKafkaMessages(kafka, topics, 4);
    const sentMetadata = new Map(onBroker.map((m) => [fromKafkaHeaders(m.headers).id, fromKafkaHeaders(m.headers)]));
    const expected = {
      [SUBMITTED]: await canonical(),
      [GRADE]: asJson(
        coursePersistentGradeSummaryChangedV1.decodeFramed(await coursePersistentGradeSummaryChangedV1.serialize(gradeOf(1) as never)).data,
      ),
    };
    const keys = {
      [SUBMITTED]: submitted.exam_attempt.course_key,
      [GRADE]: (gradeOf(1).grade as { course: { course_key: string } }).course.course_key,
    };

    const byPython = linesOf<PyCall>(await py({ op: "consume", group: "g7", topics, start: "earliest", until: 4 }), "call");
    const byTs: { data: unknown; delivery: Delivery<unknown> }[] = [];
    const handlers = new Handlers()
      .on(examAttemptSubmittedV1, (data, delivery) => {
        byTs.push({ data, delivery });
      })
      .on(coursePersistentGradeSummaryChangedV1, (data, delivery) => {
        byTs.push({ data, delivery });
      });
    const tsConsumer = new KafkaEventConsumer({
      kafka,
      groupId: "g7-ts",
      topics,
      handlers,
      start: "earliest",
      logger: quiet,
      stopOnSignals: false,
    });
    const running = tsConsumer.run();
    await until(() => byTs.length === 4, "four events in TypeScript");
    await tsConsumer.stop();
    await running;

    expect(byPython.map((c) => c.metadata.id).sort()).toEqual(["py-1", "py-2", "ts-1", "ts-2"]);
    for (const call of byPython) {
      expect(call.data).toEqual(expected[call.event_type as keyof typeof expected]);
      expect(call.key).toBe(keys[call.event_type as keyof typeof keys]);
      expect(call.metadata).toEqual(sentMetadata.get(String(call.metadata.id)));
    }
    expect(byTs.map((c) => c.delivery.metadata.id).sort()).toEqual(["py-1", "py-2", "ts-1", "ts-2"]);
    for (const { data, delivery } of byTs) {
      expect(asJson(data)).toEqual(expected[delivery.metadata.event_type as keyof typeof expected]);
      expect(delivery.key).toBe(keys[delivery.metadata.event_type as keyof typeof keys]);
      expect(delivery.metadata).toEqual(sentMetadata.get(delivery.metadata.id));
      const python = byPython.find((c) => c.metadata.id === delivery.metadata.id);
      expect([delivery.schemaId, delivery.position]).toEqual([python?.schema_id, python?.position]);
    }
  });
  it("the console tools send and print as TypeScript's do: the same JSON line for the same message, offsets as strings, unsent lines on stderr", async () => {
    const topic = "c8";
    const boot = ["--bus", "kafka", "--bootstrap", broker.address];
    const exams = `${[JSON.stringify(submitted), "", "{oops", JSON.stringify({ exam_attempt: {} }), JSON.stringify(withUser(7))].join("\n")}\n`;
    const grades = `${[gradeOf(1), gradeOf(0.000001), gradeOf(1e21)].map((g) => JSON.stringify(g)).join("\n")}\n`;
    const sent = (offsets: number[]) => offsets.map((offset) => JSON.stringify({ topic, partition: 0, offset: String(offset) }));
    const py = await pyCli(["produce", ...boot, "--event-type", SUBMITTED, "--topic", topic], exams).done;
    expect([py.code, py.stdout.split("\n").filter((l) => l !== "")]).toEqual([1, sent([0, 1])]);
    expect(py.stderr).toBe(
      "line 3: not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)\n" +
        "line 4: not sent: ExamAttemptSubmittedV1.exam_attempt.student_user: required field is missing\n",
    );
    const ts = await tsCli(["produce", ...boot, "--event-type", SUBMITTED, "--topic", topic], exams);
    // The same lines refused; the words are each validator's own.
    expect([ts.code, ts.stdout, ts.stderr.map((l) => l.split(":")[0])]).toEqual([1, sent([2, 3]), ["line 3", "line 4"]]);
    expect((await pyCli(["produce", ...boot, "--event-type", GRADE, "--topic", topic], grades).done).code).toBe(0);
    expect((await tsCli(["produce", ...boot, "--event-type", GRADE, "--topic", topic], grades)).code).toBe(0);

    const consume = ["consume", ...boot, "--topic", topic, "--from-beginning"];
    const [byPython, byTs] = await Promise.all([pyCli([...consume, "--max", "10"]).done, tsCli([...consume, "--max", "10"])]);
    expect(byPython.code).toBe(0);
    expect(byTs.code).toBe(0);
    expect(byPython.stdout.split("\n").filter((l) => l !== "")).toEqual(byTs.stdout);
    expect(byTs.stdout).toHaveLength(10);
    expect(byTs.stdout.map((l) => (JSON.parse(l) as { position: string }).position)).toEqual(
      Array.from({ length: 10 }, (_, i) => `0:${i}`),
    );
    // Numbers as JavaScript prints them, whichever language wrote them.
    expect(byTs.stdout.map((l) => /"percent_grade":([^,]+),/.exec(l)?.[1]).filter((p) => p !== undefined)).toEqual([
      "1",
      "0.000001",
      "1e+21",
      "1",
      "0.000001",
      "1e+21",
    ]);
    const [first] = byTs.stdout;
    expect(Object.keys(JSON.parse(first ?? "{}"))).toEqual(["event_type", "schema_id", "key", "metadata", "data", "topic", "position"]);
    expect(Object.keys(JSON.parse(first ?? "{}").metadata)).toEqual([
      "event_type",
      "id",
      "minorversion",
      "source",
      "sourcehost",
      "time",
      "sourcelib",
    ]);
  });
});
