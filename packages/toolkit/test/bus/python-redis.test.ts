import { renameSync } from "node:fs";
import path from "node:path";
import { redisUnavailable, type Server, startRedis } from "@eventcanon/test-servers";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  coursePersistentGradeSummaryChangedV1,
  DEAD_LETTER,
  type Delivery,
  examAttemptSubmittedV1,
  frame,
  fromRedisFields,
  Handlers,
  RedisEventConsumer,
  RedisEventProducer,
} from "../../../openedx-events/src/index.js";
import { canon, FIXTURES, tempDir } from "../helpers.js";
import { asJson } from "../runtime/peer.js";
import { ISOFORMAT, quiet, until } from "./broker-reads.js";
import { callIds, linesOf, type PyCall, pyBus, pyBusDone, pyCli } from "./python-bus.js";
import { exampleOf, GRADE, gradeOf, SUBMITTED, submitted, VERIFIED, withUser } from "./samples.js";
import { tsCli } from "./ts-cli.js";

/**
 * The Python package's Redis Streams producer and consumer (over redis-py) on a real redis-server:
 * edx-event-bus-redis's fields, consumer groups, own pending entries first, XAUTOCLAIM of a dead
 * consumer's entries, XACK only after the handler or the dead letter, checked with raw commands; and
 * the two languages on one stream, each reading what the other appended.
 */

const missing = redisUnavailable();
if (missing) console.warn(`SKIPPED the Python Redis bus tests: ${missing}`);

const EDX_FIELDS = ["type", "id", "source", "time", "minorversion", "sourcehost", "sourcelib", "event_data"];
const TRIMMED = "trimmed from the stream before it was handled; acknowledged, as nothing of it is left";
type Log = { level: string; message: string };

/** An entry as XRANGE gives it: its id and its fields in order. */
interface RawEntry {
  readonly id: string;
  readonly fields: [string, Buffer][];
}

describe.skipIf(missing !== undefined)("the Python Redis Streams producer and consumer on a real redis-server", () => {
  let server: Server;
  let redis: Redis;
  let kitchen: string;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.address, { maxRetriesPerRequest: 3 });
    // An unreleased catalog with events that have no x-topic: the kitchen-sink fixture's package.
    kitchen = tempDir("kitchen-py");
    const generated = canon(["generate", "--out", kitchen, "--target", "python"], path.join(FIXTURES, "kitchen-sink"));
    if (generated.code !== 0) throw new Error(generated.stderr);
    renameSync(path.join(kitchen, "python"), path.join(kitchen, "kitchen_events"));
  }, 60_000);
  afterAll(async () => {
    await redis?.quit();
    await server?.stop("SIGKILL");
  });

  const py = (job: Record<string, unknown>) => pyBusDone({ bus: "redis", address: server.address, ...job });
  const start = (job: Record<string, unknown>) => pyBus({ bus: "redis", address: server.address, ...job });
  const xrange = async (stream: string): Promise<RawEntry[]> => {
    const reply = (await redis.callBuffer("XRANGE", stream, "-", "+")) as [Buffer, Buffer[]][];
    return reply.map(([id, pairs]) => ({
      id: id.toString(),
      fields: Array.from({ length: pairs.length / 2 }, (_, i) => [String(pairs[2 * i]), pairs[2 * i + 1] as Buffer]),
    }));
  };
  const metadataOf = (entry: RawEntry | undefined) => fromRedisFields(Object.fromEntries(entry?.fields ?? [])).metadata;
  const pending = async (stream: string, group: string) => Number(((await redis.call("XPENDING", stream, group)) as [number])[0]);
  const canonical = async () => asJson(examAttemptSubmittedV1.decodeFramed(await examAttemptSubmittedV1.serialize(submitted)).data);

  it("appends what TypeScript appends (edx-event-bus-redis's fields, unframed Avro, then schema_id), trims with MAXLEN ~, and the consumer hands each event to its handler and acknowledges it", async () => {
    const stream = "r1-learning-exam-attempt-lifecycle";
    const sent = await py({
      op: "produce",
      topic_prefix: "r1",
      messages: [
        { event: SUBMITTED, data: submitted, metadata: { source: "openedx/edx-exams/web", id: "m1" } },
        { event: VERIFIED, data: submitted, metadata: { id: "m2" } },
      ],
    });
    const entries = await xrange(stream);
    expect(linesOf(sent, "sent")).toEqual(entries.map((e) => ({ stream, id: e.id })));
    const [first] = entries;
    expect(first?.fields.map(([name]) => name)).toEqual([...EDX_FIELDS, "schema_id"]);
    const fields = Object.fromEntries(first?.fields ?? []);
    expect(fields.event_data).toEqual(examAttemptSubmittedV1.encode(submitted));
    expect(String(fields.schema_id)).toBe(String(examAttemptSubmittedV1.schemaId));
    expect(metadataOf(first)).toMatchObject({
      event_type: SUBMITTED,
      id: "m1",
      source: "openedx/edx-exams/web",
      minorversion: 0,
      sourcelib: "11.2.0",
    });
    expect(String(fields.time)).toMatch(ISOFORMAT);
    // TypeScript's producer writes the same fields in the same order.
    await new RedisEventProducer({ redis }).send(examAttemptSubmittedV1, submitted, { topic: "r1-ts" });
    const [fromTs] = await xrange("r1-ts");
    expect(fromTs?.fields.map(([name]) => name)).toEqual(first?.fields.map(([name]) => name));
    expect(Object.fromEntries(fromTs?.fields ?? []).event_data).toEqual(fields.event_data);

    const consumed = await py({ op: "consume", group: "g1", topics: [stream], start: "earliest", until: 2 });
    const calls = linesOf<PyCall>(consumed, "call");
    expect(calls.map((c) => c.event_type)).toEqual([SUBMITTED, VERIFIED]);
    expect(calls[0]).toEqual({
      event_type: SUBMITTED,
      data: await canonical(),
      key: null,
      schema_id: examAttemptSubmittedV1.schemaId,
      topic: stream,
      position: first?.id,
      attempt: 1,
      metadata: metadataOf(first),
    });
    expect(linesOf(consumed, "stats")).toEqual([{ handled: 2, retried: 0, dead_lettered: 0, ignored: 0 }]);
    expect(await pending(stream, "g1")).toBe(0);

    await py({
      op: "produce",
      max_len: 10,
      messages: Array.from({ length: 250 }, () => ({ event: SUBMITTED, data: submitted, topic: "r1-trimmed" })),
    });
    // Approximate trimming drops whole radix-tree nodes (100 entries each by default): about 10 are kept, never all 250.
    const length = Number(await redis.call("XLEN", "r1-trimmed"));
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThan(150);
  });

  it("retries a failing handler with backoff, dead-letters it with the entry's own fields and the reason, and goes on", async () => {
    const stream = "r2-learning-exam-attempt-lifecycle";
    await py({
      op: "produce",
      messages: [1, 2, 3].map((id) => ({ event: SUBMITTED, data: withUser(id), topic: stream, metadata: { id: `u${id}` } })),
    });
    const lines = await py({
      op: "consume",
      group: "g2",
      topics: [stream],
      start: "earliest",
      retry: { retries: 2, backoff: 0.01 },
      fail: { u1: 1, u2: -1 },
      until: 3,
    });
    const [, original] = await xrange(stream);
    expect(callIds(lines)).toEqual(["u1#1", "u1#2", "u2#1", "u2#2", "u2#3", "u3#1"]);
    expect(linesOf(lines, "stats")).toEqual([{ handled: 2, retried: 3, dead_lettered: 1, ignored: 0 }]);
    expect(linesOf(lines, "log")).toEqual([
      {
        level: "warning",
        message: `${stream} ${original?.id}: dead-lettered to ${stream}-dead-letter (handler-error: RuntimeError: grading service is down for u2)`,
      },
    ]);
    const [dead] = await xrange(`${stream}-dead-letter`);
    expect(dead?.fields.slice(0, 9)).toEqual(original?.fields);
    expect(dead?.fields.slice(9).map(([name]) => name)).toEqual(Object.values(DEAD_LETTER));
    expect(Object.fromEntries((dead?.fields.slice(9) ?? []).map(([name, value]) => [name, String(value)]))).toEqual({
      [DEAD_LETTER.code]: "handler-error",
      [DEAD_LETTER.reason]: "RuntimeError: grading service is down for u2",
      [DEAD_LETTER.attempts]: "3",
      [DEAD_LETTER.source]: stream,
      [DEAD_LETTER.position]: original?.id,
      [DEAD_LETTER.group]: "g2",
      [DEAD_LETTER.time]: expect.stringMatching(ISOFORMAT),
    });
    expect(await pending(stream, "g2")).toBe(0);
  });

  it("dead-letters at once what cannot be read, reads an entry without schema_id (as edx writes them) with its own schema, and acknowledges the events it has no handler for", async () => {
    const stream = "r3-learning-exam-attempt-lifecycle";
    const body = examAttemptSubmittedV1.encode(submitted);
    const own = String(examAttemptSubmittedV1.schemaId);
    const entries: (string | Buffer)[][] = [
      ["type", SUBMITTED, "event_data", body],
      ["type", SUBMITTED, "id", "a"],
      ["type", SUBMITTED, "id", "b", "event_data", body, "schema_id", "999"],
      ["type", SUBMITTED, "id", "c", "event_data", Buffer.from([1, 2]), "schema_id", own],
      ["type", SUBMITTED, "id", "d", "event_data", body, "schema_id", "abc"],
      ["type", VERIFIED, "id", "e", "event_data", body, "schema_id", own],
      ["type", SUBMITTED, "id", "f", "event_data", body],
    ];
    for (const fields of entries) await redis.callBuffer("XADD", stream, "*", ...fields);
    const lines = await py({ op: "consume", group: "g3", topics: [stream], start: "earliest", events: [SUBMITTED], until: 7 });
    const calls = linesOf<PyCall>(lines, "call");
    expect(calls.map((c) => `${c.metadata.id}#${c.attempt}`)).toEqual(["f#1"]);
    expect([calls[0]?.schema_id, calls[0]?.data]).toEqual([null, await canonical()]);
    expect(linesOf(lines, "stats")).toEqual([{ handled: 1, retried: 0, dead_lettered: 5, ignored: 1 }]);
    const written = await xrange(stream);
    expect(linesOf<Log>(lines, "log").filter((l) => l.level === "info")).toEqual([
      { level: "info", message: `${stream} ${written[5]?.id}: no handler for ${VERIFIED}; acknowledged` },
    ]);
    const unknown = await examAttemptSubmittedV1.deserialize(frame(999, body)).then(
      () => "read",
      (error: Error) => error.message,
    );
    const dead = (await xrange(`${stream}-dead-letter`)).map((d) => Object.fromEntries(d.fields.map(([k, v]) => [k, String(v)])));
    expect(dead.map((d) => [d[DEAD_LETTER.code], d[DEAD_LETTER.reason]])).toEqual([
      ["bad-envelope", 'missing Redis field "id": every event needs its id'],
      ["bad-envelope", 'Redis message has no "event_data" field'],
      ["unknown-schema-id", unknown],
      ["undecodable", `${SUBMITTED}: cannot decode 2 bytes: truncated buffer`],
      ["undecodable", `Redis field "schema_id" is not a schema id: 'abc'`],
    ]);
    expect(await pending(stream, "g3")).toBe(0);
  });

  it("a new group with start latest skips what is there, start earliest reads it; SIGTERM stops the consumer", async () => {
    const stream = "r4-learning-exam-attempt-lifecycle";
    const producer = new RedisEventProducer({ redis });
    await producer.send(examAttemptSubmittedV1, submitted, { topic: stream, metadata: { id: "old" } });
    const latest = start({ op: "consume", group: "g4", topics: [stream], start: "latest" });
    // The group is made at the stream's last id when run() starts: then what comes is new.
    await waitForGroup(redis, stream, "g4");
    await producer.send(examAttemptSubmittedV1, submitted, { topic: stream, metadata: { id: "new" } });
    await latest.waitFor((l) => "stats" in l || "call" in l, "the new entry");
    latest.child.kill("SIGTERM");
    const { code, lines } = await latest.done;
    expect(code).toBe(0);
    expect(callIds(lines)).toEqual(["new#1"]);
    expect(linesOf(lines, "stats")).toEqual([{ handled: 1, retried: 0, dead_lettered: 0, ignored: 0 }]);
    const earliest = await py({ op: "consume", group: "g4-earliest", topics: [stream], start: "earliest", until: 2 });
    expect(callIds(earliest)).toEqual(["old#1", "new#1"]);
  });

  it("after a kill -9 it reads its own pending entries first; a pending entry trimmed meanwhile is logged and acknowledged", async () => {
    const stream = "r5-learning-exam-attempt-lifecycle";
    const producer = new RedisEventProducer({ redis });
    const appended = [];
    for (const id of ["e1", "e2", "e3"])
      appended.push(await producer.send(examAttemptSubmittedV1, submitted, { topic: stream, metadata: { id } }));
    const job = { op: "consume", group: "g5", consumer: "a", topics: [stream], start: "earliest" };
    const crashed = start({ ...job, slow: { e1: 60 } });
    await crashed.waitFor((l) => "call" in l, "e1 in its handler");
    crashed.child.kill("SIGKILL");
    await crashed.done;
    expect(await pending(stream, "g5")).toBe(3);
    await redis.call("XDEL", stream, appended[1]?.id as string);
    const restarted = await py({ ...job, until: 2 });
    expect(callIds(restarted)).toEqual(["e1#1", "e3#1"]);
    expect(linesOf(restarted, "log")).toEqual([{ level: "error", message: `${stream} ${appended[1]?.id}: ${TRIMMED}` }]);
    expect(await pending(stream, "g5")).toBe(0);
  });

  it("claims (XAUTOCLAIM) what a dead consumer left pending longer than claim_idle; a claimable entry trimmed meanwhile is logged", async () => {
    const stream = "r6-learning-exam-attempt-lifecycle";
    const producer = new RedisEventProducer({ redis });
    const appended = [];
    for (const id of ["f1", "f2"])
      appended.push(await producer.send(examAttemptSubmittedV1, submitted, { topic: stream, metadata: { id } }));
    const dead = start({ op: "consume", group: "g6", consumer: "a", topics: [stream], start: "earliest", slow: { f1: 60 } });
    await dead.waitFor((l) => "call" in l, "f1 in its handler");
    dead.child.kill("SIGKILL");
    await dead.done;
    await redis.call("XDEL", stream, appended[1]?.id as string);
    const other = await py({ op: "consume", group: "g6", consumer: "b", topics: [stream], start: "earliest", claim_idle: 0.2, until: 1 });
    expect(callIds(other)).toEqual(["f1#1"]);
    expect(linesOf(other, "log")).toEqual([{ level: "error", message: `${stream} ${appended[1]?.id}: ${TRIMMED}` }]);
    expect(await pending(stream, "g6")).toBe(0);
  });

  it("does not acknowledge an entry it cannot dead-letter: run() raises, and the entry comes again", async () => {
    const stream = "r7-learning-exam-attempt-lifecycle";
    await redis.set("r7-not-a-stream", "a string");
    const [sent] = linesOf<{ id: string }>(
      await py({ op: "produce", messages: [{ event: SUBMITTED, data: submitted, topic: stream, metadata: { id: "x" } }] }),
      "sent",
    );
    const job = { op: "consume", group: "g7", consumer: "a", topics: [stream], start: "earliest" };
    const failed = await py({ ...job, fail: { x: -1 }, retry: { retries: 0 }, dead_letter: "r7-not-a-stream" });
    expect(linesOf(failed, "error")).toEqual([
      {
        type: "BusError",
        message: `${stream} ${sent?.id}: cannot write to the dead-letter stream r7-not-a-stream: WRONGTYPE Operation against a key holding the wrong kind of value`,
      },
    ]);
    expect(await pending(stream, "g7")).toBe(1);
    const again = await py({ ...job, until: 1 });
    expect(callIds(again)).toEqual(["x#1"]);
    expect(await pending(stream, "g7")).toBe(0);
  });

  it("appends an unreleased event without schema_id, as edx does, and reads it with its own schema; an event without x-topic needs one", async () => {
    const placed = "com.example.shop.order.placed.v1";
    const issued = "com.example.billing.invoice.issued.v1";
    const events = path.join(FIXTURES, "kitchen-sink/schemas/events");
    const order = exampleOf(placed, events);
    const invoice = exampleOf(issued, events);
    const job = { path: [kitchen], package: "kitchen_events" };
    const sent = await py({
      ...job,
      op: "produce",
      messages: [
        { event: placed, data: order, metadata: { id: "o1" } },
        { event: issued, data: invoice },
        { event: issued, data: invoice, topic: "billing", metadata: { id: "i1" } },
      ],
    });
    expect(sent.filter((l) => !("seconds" in l)).map((l) => ("sent" in l ? (l.sent as { stream: string }).stream : l))).toEqual([
      "shop-orders",
      { error: { type: "ValueError", message: `${issued} has no x-topic: pass the topic to send` } },
      "billing",
    ]);
    const [entry] = await xrange("shop-orders");
    expect(entry?.fields.map(([name]) => name)).toEqual(EDX_FIELDS);
    const consumed = await py({ ...job, op: "consume", group: "g8", topics: ["shop-orders", "billing"], start: "earliest", until: 2 });
    const calls = linesOf<PyCall>(consumed, "call");
    expect(calls.map((c) => [c.metadata.id, c.schema_id])).toEqual([
      ["o1", null],
      ["i1", null],
    ]);
    expect(calls[0]?.data).toMatchObject({ order_id: (order as { order_id: string }).order_id });
  });

  it("TypeScript and Python read each other's entries: equal data, schema id and metadata", async () => {
    const streams = ["x9-learning-exam-attempt-lifecycle", "x9-learning-course-persistent-grade-summary-lifecycle"];
    const tsProducer = new RedisEventProducer({ redis, topicPrefix: "x9" });
    await tsProducer.send(examAttemptSubmittedV1, submitted, { metadata: { id: "ts-1", source: "openedx/ts/web" } });
    await tsProducer.send(coursePersistentGradeSummaryChangedV1, gradeOf(1) as never, { metadata: { id: "ts-2" } });
    await py({
      op: "produce",
      topic_prefix: "x9",
      messages: [
        { event: SUBMITTED, data: submitted, metadata: { id: "py-1", source: "openedx/py/web" } },
        { event: GRADE, data: gradeOf(1), metadata: { id: "py-2" } },
      ],
    });
    const entries = [...(await xrange(streams[0] as string)), ...(await xrange(streams[1] as string))];
    const sentMetadata = new Map(entries.map((e) => [metadataOf(e).id, metadataOf(e)]));
    const expected = {
      [SUBMITTED]: await canonical(),
      [GRADE]: asJson(
        coursePersistentGradeSummaryChangedV1.decodeFramed(await coursePersistentGradeSummaryChangedV1.serialize(gradeOf(1) as never)).data,
      ),
    };

    const byPython = linesOf<PyCall>(await py({ op: "consume", group: "g9", topics: streams, start: "earliest", until: 4 }), "call");
    const byTs: { data: unknown; delivery: Delivery<unknown> }[] = [];
    const handlers = new Handlers()
      .on(examAttemptSubmittedV1, (data, delivery) => {
        byTs.push({ data, delivery });
      })
      .on(coursePersistentGradeSummaryChangedV1, (data, delivery) => {
        byTs.push({ data, delivery });
      });
    const tsConsumer = new RedisEventConsumer({
      redis,
      group: "g9-ts",
      streams,
      handlers,
      start: "earliest",
      logger: quiet,
      stopOnSignals: false,
      blockMs: 100,
    });
    const running = tsConsumer.run();
    await until(() => byTs.length === 4, "four entries in TypeScript");
    await tsConsumer.stop();
    await running;

    expect(byPython.map((c) => c.metadata.id).sort()).toEqual(["py-1", "py-2", "ts-1", "ts-2"]);
    for (const call of byPython) {
      expect(call.data).toEqual(expected[call.event_type as keyof typeof expected]);
      expect(call.metadata).toEqual(sentMetadata.get(String(call.metadata.id)));
    }
    expect(byTs.map((c) => c.delivery.metadata.id).sort()).toEqual(["py-1", "py-2", "ts-1", "ts-2"]);
    for (const { data, delivery } of byTs) {
      expect(asJson(data)).toEqual(expected[delivery.metadata.event_type as keyof typeof expected]);
      expect(delivery.metadata).toEqual(sentMetadata.get(delivery.metadata.id));
      const python = byPython.find((c) => c.metadata.id === delivery.metadata.id);
      expect([delivery.schemaId, delivery.position, delivery.key]).toEqual([python?.schema_id, python?.position, python?.key]);
    }
  });
  it("the console tools append and print as TypeScript's do: the same JSON line for the same entry; --idle-ms ends the reading", async () => {
    const stream = "c10";
    const boot = ["--bus", "redis", "--bootstrap", server.address];
    const exams = `${JSON.stringify(submitted)}\n${JSON.stringify(withUser(7))}\n`;
    const grades = `${JSON.stringify(gradeOf(1))}\n`;
    const py = await pyCli(["produce", ...boot, "--event-type", SUBMITTED, "--topic", stream], exams).done;
    const ts = await tsCli(["produce", ...boot, "--event-type", SUBMITTED, "--topic", stream], exams);
    expect((await pyCli(["produce", ...boot, "--event-type", GRADE, "--topic", stream], grades).done).code).toBe(0);
    expect((await tsCli(["produce", ...boot, "--event-type", GRADE, "--topic", stream], grades)).code).toBe(0);
    const written = (await xrange(stream)).map((e) => JSON.stringify({ stream, id: e.id }));
    expect([py.code, py.stdout.split("\n").filter((l) => l !== ""), py.stderr]).toEqual([0, written.slice(0, 2), ""]);
    expect([ts.code, ts.stdout]).toEqual([0, written.slice(2, 4)]);

    const consume = ["consume", ...boot, "--topic", stream, "--from-beginning", "--idle-ms", "1500"];
    const [byPython, byTs] = await Promise.all([pyCli(consume).done, tsCli(consume)]);
    expect([byPython.code, byTs.code]).toEqual([0, 0]);
    expect(byPython.stdout.split("\n").filter((l) => l !== "")).toEqual(byTs.stdout);
    expect(byTs.stdout.map((l) => (JSON.parse(l) as { position: string }).position)).toEqual((await xrange(stream)).map((e) => e.id));
    expect(byTs.stdout.map((l) => JSON.parse(l) as { key: unknown; schema_id: unknown }).map((l) => [l.key, l.schema_id])).toEqual([
      [null, examAttemptSubmittedV1.schemaId],
      [null, examAttemptSubmittedV1.schemaId],
      [null, examAttemptSubmittedV1.schemaId],
      [null, examAttemptSubmittedV1.schemaId],
      [null, coursePersistentGradeSummaryChangedV1.schemaId],
      [null, coursePersistentGradeSummaryChangedV1.schemaId],
    ]);
  });
});

/** Waits until the consumer group exists on the stream (XINFO GROUPS). */
async function waitForGroup(redis: Redis, stream: string, group: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const groups = (await redis.call("XINFO", "GROUPS", stream).catch(() => [])) as unknown[][];
    if (groups.some((g) => g[1] === group)) return;
    if (Date.now() > deadline) throw new Error(`no group ${group} on ${stream}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
