import { spawnSync } from "node:child_process";
import { closeSync, cpSync, openSync, readFileSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalog } from "../src/lint/catalog.js";
import { loadConfig } from "../src/load/config.js";
import { formatReport } from "../src/load/diagnostics.js";
import { MAX_JSON_DEPTH } from "../src/load/json-source.js";
import { MAX_FILE_BYTES } from "../src/load/schema-files.js";
import { canonAsync, canonMeasured, FIXTURES, tempDir } from "./helpers.js";

/**
 * Inputs that must be refused (or handled) without crashing, hanging, exhausting memory or reaching
 * outside the catalog. They are made at test time: a 50 MB file and links out of the tree do not
 * belong in git.
 */

const EVENT = "schemas/events/org.example.shop.order.placed.v1.json";
const MiB = 1024;

/** A copy of the valid lint base catalog, to break. */
function baseCatalog(name: string): string {
  const dir = tempDir(name);
  cpSync(path.join(FIXTURES, "lint", "base"), dir, { recursive: true });
  return dir;
}

interface EventJson {
  properties: Record<string, unknown>;
  required: string[];
  examples: Record<string, unknown>[];
}

function editEvent(dir: string, edit: (event: EventJson, example: Record<string, unknown>) => void): void {
  const file = path.join(dir, EVENT);
  const event = JSON.parse(readFileSync(file, "utf8")) as EventJson;
  const example = event.examples[0];
  if (example === undefined) throw new Error(`${file} has no example`);
  edit(event, example);
  writeFileSync(file, JSON.stringify(event, null, 2));
}

function report(dir: string): string {
  return formatReport(loadCatalog(loadConfig(dir), dir).diagnostics);
}

describe("symbolic links out of the schemas folder", () => {
  it("are refused (file-outside-schemas) for a file and for a folder, and the targets are never read", () => {
    const dir = baseCatalog("symlink");
    const outside = tempDir("outside");
    // Not even JSON: were it read, a json-syntax error would show.
    writeFileSync(path.join(outside, "Secret.json"), "not json at all");
    symlinkSync(path.join(outside, "Secret.json"), path.join(dir, "schemas/types/Secret.json"));
    symlinkSync(outside, path.join(dir, "schemas/types/linked"));
    const text = report(dir).replaceAll(outside, "<outside>");
    expect(text).toBe(
      [
        "schemas/types/Secret.json:1:1 (document) error[file-outside-schemas]: symbolic link points outside the schemas folder (to <outside>/Secret.json)",
        "    hint: copy the file into the schemas folder instead of linking to it",
        "schemas/types/linked:1:1 (document) error[file-outside-schemas]: symbolic link to a folder points outside the schemas folder (to <outside>)",
        "    hint: copy the files into the schemas folder instead of linking to them",
        "2 errors in 2 files",
      ].join("\n"),
    );
  });
});

describe("files that cannot be read", () => {
  it("a dangling link and a looping link are reported (file-unreadable), a link out to a FIFO is refused unread; nothing stops the run", () => {
    const dir = baseCatalog("unreadable");
    const types = path.join(dir, "schemas/types");
    symlinkSync(path.join(types, "Missing.json"), path.join(types, "Dangling.json"));
    symlinkSync(path.join(types, "Loop.json"), path.join(types, "Loop.json"));
    const fifo = spawnSync("mkfifo", [path.join(dir, "pipe")]);
    expect(fifo.status).toBe(0);
    symlinkSync(path.join(dir, "pipe"), path.join(types, "Pipe.json"));
    expect(report(dir)).toBe(
      [
        "schemas/types/Dangling.json:1:1 (document) error[file-unreadable]: symbolic link points to nothing (ENOENT)",
        "    hint: remove the link, or point it at a schema file inside the schemas folder",
        "schemas/types/Loop.json:1:1 (document) error[file-unreadable]: symbolic link loops back on itself",
        "    hint: remove the link, or point it at a schema file inside the schemas folder",
        "schemas/types/Pipe.json:1:1 (document) error[file-outside-schemas]: symbolic link points outside the schemas folder (to " +
          `${path.join(dir, "pipe")})`,
        "    hint: copy the file into the schemas folder instead of linking to it",
        "3 errors in 3 files",
      ].join("\n"),
    );
  });

  it("a FIFO inside the schemas folder is reported, not read", () => {
    const dir = baseCatalog("fifo");
    const types = path.join(dir, "schemas/types");
    expect(spawnSync("mkfifo", [path.join(types, "pipe.fifo")]).status).toBe(0);
    symlinkSync(path.join(types, "pipe.fifo"), path.join(types, "Pipe.json"));
    expect(report(dir)).toBe(
      [
        "schemas/types/Pipe.json:1:1 (document) error[file-unreadable]: not a regular file (a folder, FIFO, socket or device named *.json)",
        "    hint: replace it with a schema file",
        "1 error in 1 file",
      ].join("\n"),
    );
  });
});

describe("huge inputs", () => {
  it("a 50 MB file is refused with file-too-large from its size, never read: the process stays near its baseline memory", () => {
    const dir = baseCatalog("huge-file");
    const fd = openSync(path.join(dir, "schemas/types/Big.json"), "w");
    const chunk = Buffer.alloc(1024 * 1024, "[");
    for (let i = 0; i < 50; i++) writeSync(fd, chunk);
    closeSync(fd);
    const baseline = canonMeasured(["lint"], baseCatalog("baseline"));
    expect(baseline.code).toBe(0);
    const result = canonMeasured(["lint"], dir);
    expect(result.stderr).toBe(
      `schemas/types/Big.json:1:1 (document) error[file-too-large]: file is ${50 * 1024 * 1024} bytes; the limit is ${MAX_FILE_BYTES}\n` +
        "    hint: split the schema into shared types under types/\n1 error in 1 file\n",
    );
    expect(result.code).toBe(1);
    // Reading the file would cost at least 50 MiB for the bytes and as much again for the text.
    expect(result.peakRssKiB).toBeLessThan(baseline.peakRssKiB + 40 * MiB);
  });

  it("an event with 10,000 fields lints clean in bounded memory", () => {
    const dir = baseCatalog("many-fields");
    editEvent(dir, (event, example) => {
      for (let i = 0; i < 10_000; i++) {
        event.properties[`field_${i}`] = { type: "integer", description: `Field ${i}.` };
        event.required.push(`field_${i}`);
        example[`field_${i}`] = i;
      }
    });
    const result = canonMeasured(["lint"], dir);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("canon lint: no problems (1 events, 1 other named types)\n");
    expect(result.code).toBe(0);
    expect(result.peakRssKiB).toBeLessThan(1024 * MiB);
  });

  it(`a schema nested 200 levels deep is refused with json-too-deep at the level past ${MAX_JSON_DEPTH}`, () => {
    const dir = baseCatalog("deep-schema");
    editEvent(dir, (event, example) => {
      let schema: object = { type: "string", description: "The innermost field." };
      let instance: unknown = "x";
      for (let level = 200; level > 0; level--) {
        schema = {
          type: "object",
          description: `Level ${level}.`,
          properties: { inner: schema },
          required: ["inner"],
          additionalProperties: false,
        };
        instance = { inner: instance };
      }
      event.properties.nested = schema;
      event.required.push("nested");
      example.nested = instance;
    });
    const result = canonMeasured(["lint", "--format", "json"], dir);
    expect(result.code).toBe(1);
    const errors = (JSON.parse(result.stdout) as { errors: { code: string; file: string; pointer: string; line: number }[] }).errors;
    // Level 1 is the document, 2 its properties, 3 the field "nested"; each nested record adds two.
    const pointer = `/properties/nested${"/properties/inner".repeat((MAX_JSON_DEPTH + 1 - 3) / 2)}`;
    expect(errors.map(({ code, file, pointer }) => ({ code, file, pointer }))).toEqual([{ code: "json-too-deep", file: EVENT, pointer }]);
    expect(errors[0]?.line).toBeGreaterThan(1);
    expect(result.peakRssKiB).toBeLessThan(512 * MiB);
  });

  it("100,000 nested brackets are refused with json-too-deep, not a stack overflow", () => {
    const dir = baseCatalog("brackets");
    writeFileSync(path.join(dir, "schemas/types/Deep.json"), `${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    const result = canonMeasured(["lint"], dir);
    expect(result.stderr).toBe(
      `schemas/types/Deep.json:1:${MAX_JSON_DEPTH + 1} ${"/0".repeat(MAX_JSON_DEPTH)} error[json-too-deep]: JSON nests deeper than ${MAX_JSON_DEPTH} levels\n` +
        "    hint: move nested records into shared types under types/ and $ref them: each file counts its own depth\n1 error in 1 file\n",
    );
    expect(result.code).toBe(1);
  });
});

describe("remote $ref", () => {
  let server: Server;
  let port: number;
  let connections = 0;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      requests++;
      response.end('{"type": "string"}');
    });
    server.on("connection", () => {
      connections++;
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("server has no port");
    port = address.port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Connects once itself: connections are accepted in order, so any earlier one has been counted by now. */
  async function connectionsSoFar(): Promise<number> {
    const before = connections;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => socket.end());
      socket.on("error", reject);
      const seen = () => {
        if (connections > before) resolve();
        else setImmediate(seen);
      };
      seen();
    });
    return connections - 1;
  }

  it("is never fetched: the local server sees no connection, and every remote ref is reported as ref-remote", async () => {
    const dir = baseCatalog("remote-ref");
    const local = `http://127.0.0.1:${port}/x.json`;
    editEvent(dir, (event) => {
      event.properties.address = { $ref: local, description: "On a server in this test." };
      event.properties.other = { $ref: "https://example.com/x.json", description: "On the internet." };
      event.properties.tags = { type: "array", items: { $ref: `${local}#/$defs/Tag` }, default: [], description: "Nested." };
      event.required.push("address", "other");
    });
    const expected = [
      ["/properties/address/$ref", local],
      ["/properties/other/$ref", "https://example.com/x.json"],
      ["/properties/tags/items/$ref", `${local}#/$defs/Tag`],
    ];
    const inProcess = loadCatalog(loadConfig(dir), dir).diagnostics;
    expect(inProcess.map((d) => [d.code, d.pointer, d.message])).toEqual(
      expected.map(([pointer, ref]) => ["ref-remote", pointer, `$ref "${ref}" points to a URL; references are never fetched`]),
    );
    const lint = await canonAsync(["lint", "--format", "json"], dir);
    expect(lint.code).toBe(1);
    expect((JSON.parse(lint.stdout) as { errors: { code: string; pointer: string }[] }).errors.map((e) => [e.code, e.pointer])).toEqual(
      expected.map(([pointer]) => ["ref-remote", pointer]),
    );
    const generate = await canonAsync(["generate", "--out", tempDir("remote-out")], dir);
    expect(generate.code).toBe(1);
    expect(generate.stderr).toContain(`error[ref-remote]: $ref "${local}"`);
    expect(await connectionsSoFar()).toBe(0);
    expect(requests).toBe(0);
  });

  it("the server does answer when asked, so zero connections means nothing asked", async () => {
    const body = await fetch(`http://127.0.0.1:${port}/x.json`).then((r) => r.text());
    expect(body).toBe('{"type": "string"}');
    expect(requests).toBe(1);
  });
});
