import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/load/config.js";
import { readHistory } from "../../src/load/history.js";
import { serveRegistry } from "../../src/registry/server.js";
import { LOG_FILE } from "../../src/registry/store.js";
import { REPO, tempDir } from "../helpers.js";
import { call, emptyRegistryConfig, failedStart, record, startServer } from "./serve-helpers.js";

const config = emptyRegistryConfig();
const A = record("A", [{ name: "a", type: "string" }]);
const B = record("B", [{ name: "b", type: "string" }]);
const C = record("C", [{ name: "c", type: "string" }]);
const D = record("D", [{ name: "d", type: "string" }]);

/** Starts the server on `data`, runs `body`, stops it; returns the lines it printed at start. */
async function withServer(data: string, body: (url: string) => Promise<void>): Promise<string[]> {
  const notices: string[] = [];
  const server = await serveRegistry({ config, port: 0, host: "127.0.0.1", data, notice: (line) => notices.push(line) });
  try {
    await body(server.url);
  } finally {
    await server.close();
  }
  return notices;
}

/** A data folder whose log holds A, B and C (ids 1, 2, 3), and the log's bytes. */
async function logOfThree(): Promise<{ data: string; log: Buffer }> {
  const data = tempDir("registry-log");
  await withServer(data, async (url) => {
    for (const [subject, schema] of [
      ["a-value", A],
      ["b-value", B],
      ["c-value", C],
    ] as const)
      expect((await call(url, "POST", `/subjects/${subject}/versions`, { schema })).status).toBe(200);
  });
  return { data, log: readFileSync(path.join(data, LOG_FILE)) };
}

const setAsideNotice = (file: string, offset: number, bytes: number, aside: string) =>
  `canon registry: ${file} ended in a record cut short (a crash while it was written, so never acknowledged): ` +
  `set ${bytes} bytes from byte offset ${offset} aside into ${aside}; every complete record before it is kept`;

describe("canon registry serve recovers a torn log at start", () => {
  it("cut at every byte of the last record: keeps the others, sets the cut bytes aside, and the next record starts its own line", async () => {
    const { data, log } = await logOfThree();
    const file = path.join(data, LOG_FILE);
    const lastStart = log.lastIndexOf(0x0a, log.length - 2) + 1;
    const complete = log.subarray(0, lastStart);
    // From one byte of C's record to all of it but its newline (the "missing newline" case).
    for (let cut = lastStart + 1; cut < log.length; cut++) {
      writeFileSync(file, log.subarray(0, cut));
      const aside = `${file}.torn-${lastStart}`;
      const notices = await withServer(data, async (url) => {
        expect((await call(url, "GET", "/subjects/a-value/versions/1")).body.id).toBe(1);
        expect((await call(url, "GET", "/subjects/b-value/versions/1")).body.id).toBe(2);
        expect((await call(url, "GET", "/subjects/c-value/versions")).body.error_code).toBe(40401);
        expect(readFileSync(aside).equals(log.subarray(lastStart, cut))).toBe(true);
        expect(readFileSync(file).equals(complete)).toBe(true);
        expect((await call(url, "POST", "/subjects/d-value/versions", { schema: D })).body).toEqual({ id: 3, version: 1 });
      });
      expect(notices, `cut at byte ${cut}`).toEqual([setAsideNotice(file, lastStart, cut - lastStart, aside)]);
      // D's record is a line of its own: the next start reads it back and sets nothing aside.
      const again = await withServer(data, async (url) => {
        expect((await call(url, "GET", "/subjects/d-value/versions/1")).body).toMatchObject({ id: 3, version: 1 });
      });
      expect(again).toEqual([]);
      const lines = readFileSync(file, "utf8").split("\n");
      expect(lines.map((l) => (l === "" ? "" : JSON.parse(l).subject))).toEqual(["a-value", "b-value", "d-value", ""]);
      rmSync(aside);
    }
  });

  it("NUL padding after the last record (a crash that extended the file before writing it) is set aside", async () => {
    const { data, log } = await logOfThree();
    const file = path.join(data, LOG_FILE);
    writeFileSync(file, Buffer.concat([log, Buffer.alloc(4096)]));
    const notices = await withServer(data, async (url) => {
      expect((await call(url, "GET", "/subjects/c-value/versions/1")).body.id).toBe(3);
      expect((await call(url, "POST", "/subjects/d-value/versions", { schema: D })).body).toEqual({ id: 4, version: 1 });
    });
    expect(notices).toEqual([setAsideNotice(file, log.length, 4096, `${file}.torn-${log.length}`)]);
    expect(readFileSync(`${file}.torn-${log.length}`).equals(Buffer.alloc(4096))).toBe(true);
    expect(await withServer(data, async (url) => expect((await call(url, "GET", "/subjects/d-value/versions/1")).body.id).toBe(4))).toEqual(
      [],
    );
  });

  it("a last record turned to NULs up to its newline (written out of order) is set aside like a cut one", async () => {
    const { data, log } = await logOfThree();
    const file = path.join(data, LOG_FILE);
    const lastStart = log.lastIndexOf(0x0a, log.length - 2) + 1;
    writeFileSync(file, Buffer.concat([log.subarray(0, lastStart), Buffer.alloc(log.length - lastStart - 1), Buffer.from("\n")]));
    const notices = await withServer(data, async (url) => {
      expect((await call(url, "GET", "/subjects/b-value/versions/1")).body.id).toBe(2);
      expect((await call(url, "GET", "/subjects/c-value/versions")).body.error_code).toBe(40401);
    });
    expect(notices).toEqual([setAsideNotice(file, lastStart, log.length - lastStart, `${file}.torn-${lastStart}`)]);
  });

  it("a log missing only its final newline: the next registration is not appended onto that line and survives the restart", async () => {
    const { data, log } = await logOfThree();
    const file = path.join(data, LOG_FILE);
    writeFileSync(file, log.subarray(0, log.length - 1));
    await withServer(data, async (url) => {
      expect((await call(url, "POST", "/subjects/d-value/versions", { schema: D })).body).toEqual({ id: 3, version: 1 });
    });
    const notices = await withServer(data, async (url) => {
      expect((await call(url, "GET", "/subjects/d-value/versions/1")).body).toMatchObject({ id: 3, schema: D });
      // C's record never had its newline written, so it was never acknowledged: registering it again is new.
      expect((await call(url, "POST", "/subjects/c-value/versions", { schema: C })).body).toEqual({ id: 4, version: 1 });
    });
    expect(notices).toEqual([]);
  });

  it("a second torn tail at the same offset with other bytes gets a file of its own", async () => {
    const { data, log } = await logOfThree();
    const file = path.join(data, LOG_FILE);
    writeFileSync(file, Buffer.concat([log, Buffer.from('{"op":"reg')]));
    await withServer(data, async () => {});
    writeFileSync(file, Buffer.concat([log, Buffer.from('{"op":"del')]));
    const notices = await withServer(data, async () => {});
    expect(notices).toEqual([setAsideNotice(file, log.length, 10, `${file}.torn-${log.length}-2`)]);
    expect(readdirSync(data).sort()).toEqual([LOG_FILE, `${LOG_FILE}.torn-${log.length}`, `${LOG_FILE}.torn-${log.length}-2`]);
  });

  it("the built CLI says in one line what it set aside, then serves", async () => {
    // The CLI serves the repository's registry/ too, so the log is written with its ids.
    const data = tempDir("registry-log-cli");
    const file = path.join(data, LOG_FILE);
    const notices: string[] = [];
    const first = await serveRegistry({ config: loadConfig(REPO), port: 0, host: "127.0.0.1", data, notice: (l) => notices.push(l) });
    const ids: number[] = [];
    try {
      for (const [subject, schema] of [
        ["a-value", A],
        ["b-value", B],
        ["c-value", C],
      ] as const)
        ids.push((await call(first.url, "POST", `/subjects/${subject}/versions`, { schema })).body.id);
    } finally {
      await first.close();
    }
    const log = readFileSync(file);
    writeFileSync(file, log.subarray(0, log.length - 20));
    const lastStart = log.lastIndexOf(0x0a, log.length - 2) + 1;
    const server = await startServer(data);
    try {
      expect(server.stderr()).toBe(`${setAsideNotice(file, lastStart, log.length - 20 - lastStart, `${file}.torn-${lastStart}`)}\n`);
      expect((await call(server.url, "GET", "/subjects/b-value/versions/1")).body.id).toBe(ids[1]);
      expect((await call(server.url, "GET", "/subjects/c-value/versions")).body.error_code).toBe(40401);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });
});

describe("canon registry serve refuses a log damaged before its last record, naming file and line", () => {
  // The CLI serves the repository's registry/: the log's ids come after the released ones.
  const firstId = Math.max(...readHistory(loadConfig(REPO)).entries.flatMap((e) => [e.value.id, e.key?.id ?? 0])) + 1;
  const hint =
    "only canon registry serve writes the log, a whole line at a time: restore it from a backup, or keep the lines before this one " +
    "and move the rest aside (later records can depend on this one, so it is not skipped)";
  const register = (subject: string, id: number, schema: string, version = 1) =>
    JSON.stringify({ op: "register", subject, version, id, schemaType: "AVRO", schema });
  const notJson = (() => {
    try {
      JSON.parse("garbage");
    } catch (error) {
      return (error as Error).message;
    }
  })();
  let deep: unknown = "string";
  for (let i = 0; i < 70; i++) deep = { type: "array", items: deep };
  const cases: [string, string, string][] = [
    ["a line that is not JSON", "garbage", `not a JSON record: ${notJson}`],
    ["an unknown op", '{"op":"rename","subject":"x"}', 'unknown op "rename": a record is register, delete or config'],
    [
      "a register without its schema",
      '{"op":"register","subject":"x","version":1,"id":9}',
      "a register record needs subject, version, id, schemaType and schema",
    ],
    [
      "an id given to two schemas",
      register("c-value", firstId, C),
      `schema id ${firstId} names two different schemas: the data folder was written against another registry/; move it away`,
    ],
    [
      "a schema this version cannot read back (nested deeper than the limit)",
      register("deep-value", firstId + 7, JSON.stringify(deep)),
      `schema id ${firstId + 7} under 'deep-value' cannot be read back: the schema nests deeper than 64 levels (objects and arrays) at ${"/items".repeat(64)}; the registry holds schemas to the nesting limit canon lint applies to schema files`,
    ],
  ];
  for (const [what, line, message] of cases) {
    it(`${what}: exit 1 and the line's number`, async () => {
      const data = tempDir("registry-log-bad");
      const file = path.join(data, LOG_FILE);
      const text = `${register("a-value", firstId, A)}\n${line}\n${register("b-value", firstId + 1, B)}\n`;
      writeFileSync(file, text);
      const { code, stderr } = await failedStart(data);
      expect(code).toBe(1);
      // The CLI runs in the repository, and names the log relative to it.
      expect(stderr).toBe(
        `${path.relative(REPO, file)}:2:1 (document) error[registry-log-invalid]: ${message}\n    hint: ${hint}\n1 error in 1 file\n`,
      );
      // Refused, nothing is set aside or cut: the operator decides.
      expect(readFileSync(file, "utf8")).toBe(text);
      expect(readdirSync(data)).toEqual([LOG_FILE]);
    });
  }
});
