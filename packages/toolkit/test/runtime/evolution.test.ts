import { cpSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { kafkaUnavailable, redisUnavailable, startKafka, startRedis } from "@eventcanon/test-servers";
import { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsingCanonicalForm } from "../../src/load/canonical.js";
import { loadConfig } from "../../src/load/config.js";
import { readHistory, readReleased } from "../../src/load/history.js";
import { type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { quiet } from "../bus/broker-reads.js";
import { linesOf, type PyCall, pyBusDone } from "../bus/python-bus.js";
import { canon, edit, FIXTURES, tempDir, tempDirInRepo } from "../helpers.js";
import { asJson, type PeerOp, type PeerOutcome, runPeer } from "./peer.js";

/**
 * A consumer on any released version reads every compatible version's bytes, in both languages.
 * A catalog makes each kind of compatible change in turn; after each step it is released and both
 * packages are generated, so that the package of every step reads the messages of every other
 * (new reader / old writer and old reader / new writer), offline from its bundled history where the
 * writer's schema is in it, else from `canon registry serve`. fastavro with both schemas is the
 * reference for every value, and the two packages must agree on values and on errors, word for word.
 */

/** The five xblock events, whose version 1 is upstream's older wire schema, and the grade event of every change kind. */
const XBLOCKS = ["created", "deleted", "duplicated", "published", "updated"].map((e) => `org.openedx.content_authoring.xblock.${e}.v1`);
const GRADE = "org.openedx.learning.course.grade.changed.v1";
const EVENTS = [...XBLOCKS, GRADE];
const UPSTREAM = path.join(FIXTURES, "upstream-xblock");

type Json = Record<string, unknown>;
interface Step {
  readonly change: string;
  readonly apply: (repo: string) => void;
  /** A value of each event as this step's package sends it. */
  readonly samples: Readonly<Record<string, Json>>;
}

const V1_GRADE = { user_id: 7, grade: 0.85, status: "passing", comment: "well done", source: "grader" };
const xblock = (event: string, extra: Json = {}) => ({
  xblock_info: {
    usage_key: `block-v1:edX+DemoX+Demo_Course+type@problem+block@${event.split(".")[3]}`,
    block_type: "problem",
    ...(event.includes(".duplicated.") ? { source_usage_key: "block-v1:edX+DemoX+Demo_Course+type@problem+block@p0" } : {}),
    ...extra,
  },
});
const GRADE_FILE = `schemas/events/${GRADE}.json`;
const STEPS: readonly Step[] = [
  {
    change: "first release",
    apply: () => {},
    samples: { [GRADE]: V1_GRADE, ...Object.fromEntries(XBLOCKS.map((e) => [e, xblock(e)])) },
  },
  {
    change: "field added with a default (grade.attempt; xblock_info.version, as upstream added it)",
    apply: (repo) => {
      edit(repo, GRADE_FILE, (s) => {
        s.properties.attempt = { type: "integer", description: "Which attempt.", default: 1 };
        s.examples = [{ ...V1_GRADE, attempt: 2 }];
      });
      for (const type of ["XBlockData", "DuplicatedXBlockData"])
        edit(repo, `schemas/types/${type}.json`, (s) => {
          s.properties.version = {
            type: ["string", "null"],
            description: "The block's version key; null when not tracked.",
            default: null,
          };
        });
    },
    samples: { [GRADE]: { ...V1_GRADE, attempt: 2 }, ...Object.fromEntries(XBLOCKS.map((e) => [e, xblock(e, { version: "v-42" })])) },
  },
  {
    change: "field removed (grade.comment, which has a default)",
    apply: (repo) =>
      edit(repo, GRADE_FILE, (s) => {
        delete s.properties.comment;
        s.examples = [{ user_id: 7, grade: 0.85, status: "passing", source: "grader", attempt: 2 }];
      }),
    samples: { [GRADE]: { user_id: 7, grade: 0.5, status: "failing", source: "grader", attempt: 3 } },
  },
  {
    change: "enum symbol added, the enum having a default (GradeStatus.incomplete)",
    apply: (repo) => edit(repo, "schemas/types/GradeStatus.json", (s) => s.enum.push("incomplete")),
    samples: { [GRADE]: { user_id: 8, grade: 0, status: "incomplete", source: "grader", attempt: 1 } },
  },
  {
    change: "union widened (grade.source: string -> string or null)",
    apply: (repo) => edit(repo, GRADE_FILE, (s) => (s.properties.source.type = ["string", "null"])),
    samples: { [GRADE]: { user_id: 9, grade: 1, status: "passing", source: null, attempt: 1 } },
  },
];

interface Package {
  readonly step: number;
  readonly python: string;
  // biome-ignore lint/suspicious/noExplicitAny: a generated module, imported at run time.
  readonly ts: any;
}

/** An outcome without the exception class, which differs between the languages. */
function withoutType(outcome: PeerOutcome): PeerOutcome {
  if (outcome.ok) return outcome;
  const { type: _type, ...rest } = outcome;
  return rest as PeerOutcome;
}

/** The sample each step's package sends of an event: its own, else the latest before it. */
function sampleAt(step: number, event: string): Json {
  for (let s = step; s >= 0; s--) {
    const sample = STEPS[s]?.samples[event];
    if (sample !== undefined) return sample;
  }
  throw new Error(`no sample of ${event}`);
}

describe("a consumer on any released version reads every compatible version", () => {
  let repo: string;
  let out: string;
  let server: RunningRegistry;
  const packages: Package[] = [];

  beforeAll(async () => {
    repo = tempDir("evolution");
    cpSync(path.join(FIXTURES, "evolution"), repo, { recursive: true });
    out = tempDirInRepo("evolution");
    mkdirSync(path.join(out, "py"));
    for (const [index, step] of STEPS.entries()) {
      step.apply(repo);
      const release = canon(["release"], repo);
      expect(release.stderr, step.change).toBe("");
      expect(release.code, release.stdout).toBe(0);
      const generate = canon(["generate", "--out", path.join(out, `p${index}`)], repo);
      expect(generate.code, generate.stderr).toBe(0);
      renameSync(path.join(out, `p${index}`, "python"), path.join(out, "py", `evolution_p${index}`));
      const ts = await import(pathToFileURL(path.join(out, `p${index}`, "typescript", "index.ts")).href);
      packages.push({ step: index, python: `evolution_p${index}`, ts });
    }
    server = await serveRegistry({ config: loadConfig(repo), port: 0, host: "127.0.0.1" });
  }, 300_000);
  afterAll(() => server?.close());

  it("released each change as a new version, and the xblock's version 1 is upstream's older wire schema", () => {
    const history = readHistory(loadConfig(repo));
    expect(history.entries.map((e) => `${e.event} v${e.version}`).sort()).toEqual(
      [...EVENTS.flatMap((e) => [`${e} v1`, `${e} v2`]), `${GRADE} v3`, `${GRADE} v4`, `${GRADE} v5`].sort(),
    );
    for (const event of XBLOCKS) {
      const v1 = history.entries.find((e) => e.event === event && e.version === 1);
      const upstream = JSON.parse(readFileSync(path.join(UPSTREAM, `${event.replaceAll(".", "+")}_schema.avsc`), "utf8"));
      expect(parsingCanonicalForm(readReleased(history, v1?.value.file ?? "")), event).toBe(parsingCanonicalForm(upstream));
    }
  });

  it("both packages of every step frame the same bytes with the released ids, offline", async () => {
    const ops: PeerOp[] = [];
    const expected: string[] = [];
    for (const p of packages)
      for (const event of EVENTS) {
        const codec = p.ts.events[event];
        const data = sampleAt(p.step, event);
        expected.push((await codec.serialize(data)).toString("hex"), (await codec.serializeKey(data)).toString("hex"));
        ops.push({ op: "serialize", package: p.python, event, data }, { op: "serialize-key", package: p.python, event, data });
      }
    const outcomes = await runPeer([path.join(out, "py")], ops);
    expect(outcomes.map((o) => (o.ok ? o.hex : o.error))).toEqual(expected);
  });

  it("every step's package reads every step's messages as fastavro resolves them, in both languages", async () => {
    const config = loadConfig(repo);
    const history = readHistory(config);
    const schemaOf = (id: number) => {
      const entry = history.entries.find((e) => e.value.id === id);
      if (entry === undefined) throw new Error(`no released schema ${id}`);
      return readReleased(history, entry.value.file);
    };
    interface Case {
      readonly reader: Package;
      readonly writer: Package;
      readonly event: string;
      readonly frame: Buffer;
    }
    const cases: Case[] = [];
    for (const writer of packages)
      for (const event of EVENTS)
        for (const reader of packages)
          cases.push({ reader, writer, event, frame: await writer.ts.events[event].serialize(sampleAt(writer.step, event)) });

    const ops: PeerOp[] = cases.flatMap(({ reader, event, frame }) => [
      {
        op: "raw-resolve",
        writer: schemaOf(frame.readUInt32BE(1)),
        reader: reader.ts.events[event].avroSchema,
        hex: frame.subarray(5).toString("hex"),
      },
      { op: "deserialize", package: reader.python, event, hex: frame.toString("hex"), registry: server.url },
      { op: "decode-framed", package: reader.python, event, hex: frame.toString("hex") },
    ]);
    const outcomes = await runPeer([path.join(out, "py")], ops);

    let readable = 0;
    let refused = 0;
    for (const [index, { reader, writer, event, frame }] of cases.entries()) {
      const [reference, python, pythonOffline] = outcomes.slice(index * 3, index * 3 + 3).map(withoutType) as [
        PeerOutcome,
        PeerOutcome,
        PeerOutcome,
      ];
      const label = `${event}: package ${reader.step} reads package ${writer.step}'s message`;
      const codec = reader.ts.events[event];
      const registry = new reader.ts.SchemaRegistryClient({ url: server.url });
      const ts = await codec.deserialize(frame, { registry }).then(
        (r: { schemaId: number; data: unknown }) => ({ ok: true, id: r.schemaId, value: asJson(r.data) }),
        (e: { code: string; message: string }) => ({ ok: false, code: e.code, error: e.message }),
      );
      if (reference.ok) {
        readable++;
        expect(ts, label).toEqual({ ok: true, id: frame.readUInt32BE(1), value: reference.value });
        expect(python, label).toEqual({ ok: true, id: frame.readUInt32BE(1), value: reference.value });
      } else {
        // Only the union widening refuses, and only the value the old reader has no branch for.
        refused++;
        expect(ts, label).toMatchObject({ ok: false, code: "value-not-readable" });
        expect(ts.error, label).toBe(
          `${GRADE}: cannot read a value written with writer schema id ${frame.readUInt32BE(1)}: /source: the writer wrote null, which the reader's string cannot hold`,
        );
        expect(python, label).toEqual(ts);
      }
      // Offline: the bundled history holds the writer's schema only when the writer is not newer.
      const known = codec.schemaId === frame.readUInt32BE(1) || frame.readUInt32BE(1) in reader.ts.releaseHistory.values;
      let offline: unknown;
      try {
        const read = codec.decodeFramed(frame);
        offline = { ok: true, id: read.schemaId, value: asJson(read.data) };
      } catch (error) {
        offline = { ok: false, code: (error as { code: string }).code, error: (error as Error).message };
      }
      if (known) expect(offline, label).toEqual(ts);
      else
        expect(offline, label).toEqual({
          ok: false,
          code: "unknown-schema-id",
          error: `${event}: writer schema id ${frame.readUInt32BE(1)} is not in this package's release history, and no schema registry was given: pass one to deserialize to read versions released after this package`,
        });
      expect(known, label).toBe(writer.step <= reader.step || codec.schemaId === frame.readUInt32BE(1));
      expect(pythonOffline, label).toEqual(offline);
    }
    // 5 x 5 readers and writers of six events; the one refusal per old reader of step 4's null source.
    expect(readable + refused).toBe(150);
    expect(refused).toBe(4);
  });

  it.skipIf(kafkaUnavailable() !== undefined || redisUnavailable() !== undefined)(
    "over a real broker and a real Redis: the newest package's producer and the oldest one's consumer, and the reverse",
    async () => {
      const [kafkaServer, redisServer] = await Promise.all([startKafka(), startRedis()]);
      const kafka = new Kafka({ clientId: "versions", brokers: [kafkaServer.address], logLevel: logLevel.NOTHING, retry: { retries: 8 } });
      const redis = new Redis(redisServer.address);
      const oldest = packages[0] as Package;
      const newest = packages.at(-1) as Package;
      try {
        for (const [writer, reader] of [
          [newest, oldest],
          [oldest, newest],
        ] as const) {
          const topic = `versions-${writer.step}-to-${reader.step}`;
          const samples = [1, 2, 3].map((n) => ({ ...sampleAt(writer.step === 0 ? 0 : 3, GRADE), user_id: n }));
          const producer = new writer.ts.KafkaEventProducer({ kafka });
          const redisProducer = new writer.ts.RedisEventProducer({ redis });
          for (const data of samples) {
            await producer.send(writer.ts.events[GRADE], data, { topic });
            await redisProducer.send(writer.ts.events[GRADE], data, { topic });
          }
          await producer.disconnect();
          const registry = new reader.ts.SchemaRegistryClient({ url: server.url });
          const seen: { bus: string; data: unknown }[] = [];
          const handlersFor = (bus: string) =>
            new reader.ts.Handlers().on(reader.ts.events[GRADE], (data: unknown) => {
              seen.push({ bus, data: asJson(data) });
            });
          const consumers = [
            new reader.ts.KafkaEventConsumer({
              kafka,
              groupId: topic,
              topics: [topic],
              handlers: handlersFor("kafka"),
              start: "earliest",
              registry,
              logger: quiet,
            }),
            new reader.ts.RedisEventConsumer({
              redis,
              group: topic,
              streams: [topic],
              handlers: handlersFor("redis"),
              start: "earliest",
              registry,
              logger: quiet,
            }),
          ];
          const running = consumers.map((c) => c.run());
          const deadline = Date.now() + 60_000;
          while (seen.length < 6 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
          for (const c of consumers) await c.stop();
          await Promise.all(running);
          // What the reader's package makes of each message, as it resolves it offline or through the registry.
          const expected = await Promise.all(
            samples.map(async (data) =>
              asJson((await reader.ts.events[GRADE].deserialize(await writer.ts.events[GRADE].serialize(data), { registry })).data),
            ),
          );
          for (const bus of ["kafka", "redis"])
            expect(
              seen.filter((s) => s.bus === bus).map((s) => s.data),
              `${topic} ${bus}`,
            ).toEqual(expected);

          // The same in Python: the writer step's package sends, the reader step's package reads.
          const pyTopic = `py-${topic}`;
          const python = { path: [path.join(out, "py")] };
          for (const bus of ["kafka", "redis"]) {
            const address = bus === "kafka" ? kafkaServer.address : redisServer.address;
            const messages = samples.map((data) => ({ event: GRADE, data, topic: pyTopic }));
            const sent = await pyBusDone({ ...python, package: writer.python, op: "produce", bus, address, messages });
            expect(linesOf(sent, "error"), `${pyTopic} ${bus}`).toEqual([]);
            const read = await pyBusDone({
              ...python,
              package: reader.python,
              op: "consume",
              bus,
              address,
              group: pyTopic,
              topics: [pyTopic],
              start: "earliest",
              registry: server.url,
              until: samples.length,
            });
            expect(
              linesOf<PyCall>(read, "call").map((c) => c.data),
              `${pyTopic} ${bus}`,
            ).toEqual(expected);
          }
        }
      } finally {
        redis.disconnect();
        await kafkaServer.stop("SIGKILL");
        await redisServer.stop("SIGKILL");
      }
    },
    180_000,
  );

  it("an old reader takes the enum's default for a symbol it does not know, and defaults for fields the writer dropped", async () => {
    const [first, , , fourth, last] = packages as [Package, Package, Package, Package, Package];
    const frame = await fourth.ts.events[GRADE].serialize(sampleAt(3, GRADE));
    const registry = new first.ts.SchemaRegistryClient({ url: server.url });
    const read = await first.ts.events[GRADE].deserialize(frame, { registry });
    expect(asJson(read.data)).toEqual({ user_id: 8, grade: 0, status: "failing", comment: "", source: "grader" });
    expect(last.ts.events[GRADE].keySubject()).toBe("learning-course-grade-lifecycle-long");
  });
});
