import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events, SchemaRegistryClient } from "../../../openedx-events/src/index.js";
import { loadConfig } from "../../src/load/config.js";
import { type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { REPO, tempDir } from "../helpers.js";
import { runPeer } from "./peer.js";
import { PYTHON_PACKAGE, type UpstreamCase, upstreamCases } from "./upstream.js";

/** Confluent wire format, built by hand so that the test does not lean on the code it tests. */
function framed(id: number, body: Buffer): Buffer {
  const out = Buffer.alloc(5 + body.length);
  out.writeUInt32BE(id, 1);
  body.copy(out, 5);
  return out;
}

/**
 * Messages older Open edX producers send (openedx-events' xblock schemas from before
 * `XBlockData.version`) read by today's packages: the writer's schema comes from a registry that
 * holds it as an earlier version of the subject, with ids of its own.
 */
describe("today's packages read the xblock events older producers write", () => {
  let cases: UpstreamCase[];
  let server: RunningRegistry;
  /** eventType -> the registry's ids of the old schema and of today's. */
  const ids = new Map<string, { old: number; now: number }>();

  beforeAll(async () => {
    cases = await upstreamCases();
    // A registry of its own: nothing released, a data folder for what the producers register.
    const config = { ...loadConfig(REPO), registry: tempDir("no-releases") };
    server = await serveRegistry({ config, port: 0, host: "127.0.0.1", data: tempDir("upstream-registry") });
    const register = async (subject: string, schema: unknown) => {
      const response = await fetch(`${server.url}/subjects/${encodeURIComponent(subject)}/versions`, {
        method: "POST",
        headers: { "content-type": "application/vnd.schemaregistry.v1+json" },
        body: JSON.stringify({ schema: JSON.stringify(schema) }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      return ((await response.json()) as { id: number }).id;
    };
    for (const c of cases) {
      const codec = events[c.eventType as keyof typeof events];
      ids.set(c.eventType, { old: await register(codec.subject(), c.schema), now: await register(codec.subject(), codec.avroSchema) });
    }
  });
  afterAll(() => server?.close());

  it("the bytes avsc and fastavro write decode in both packages with version null", async () => {
    const registry = new SchemaRegistryClient({ url: server.url, assignsOwnIds: true });
    const frames = cases.map((c) => framed(ids.get(c.eventType)?.old ?? 0, c.body));
    const python = await runPeer(
      [PYTHON_PACKAGE.path],
      cases.map((c, i) => ({
        op: "deserialize" as const,
        package: PYTHON_PACKAGE.name,
        event: c.eventType,
        hex: frames[i]?.toString("hex") ?? "",
        registry: server.url,
        assigns_own_ids: true,
      })),
    );
    for (const [i, c] of cases.entries()) {
      const codec = events[c.eventType as keyof typeof events];
      const expected = { xblock_info: { ...c.value.xblock_info, version: null } };
      const frame = frames[i] as Buffer;
      expect(await codec.deserialize(frame, { registry })).toEqual({ schemaId: ids.get(c.eventType)?.old, data: expected });
      expect(python[i]).toEqual({ ok: true, id: ids.get(c.eventType)?.old, value: expected });
      // The unframed form, given the writer's schema, resolves the same way.
      expect(codec.decode(c.body, c.schema as never)).toEqual(expected);
    }
  });

  it("without the writer's schema, says what is wrong instead of failing on the bytes", async () => {
    const [first] = cases as [UpstreamCase];
    const codec = events[first.eventType as keyof typeof events];
    // Read as if written with today's schema: the bytes are too short, and the error says so with the event.
    expect(() => codec.decode(first.body)).toThrow(`${first.eventType}: cannot decode ${first.body.length} bytes: truncated buffer`);
    // This registry's ids are its own: read as registry/'s ids, its id 1 is another event's released schema.
    const frame = framed(1, first.body);
    await expect(codec.deserialize(frame, { registry: new SchemaRegistryClient({ url: server.url }) })).rejects.toThrow(
      `${first.eventType}: writer schema id 1 is the value schema of org.openedx.analytics.tracking.event.emitted.v1 version 1, not a value schema of ${first.eventType}`,
    );
    const unknown = framed(12345, first.body);
    await expect(
      codec.deserialize(unknown, { registry: new SchemaRegistryClient({ url: server.url, assignsOwnIds: true }) }),
    ).rejects.toThrow(
      `${first.eventType}: writer schema id 12345 is neither in this package's release history nor in the schema registry at ${server.url}`,
    );
    const [python] = await runPeer(
      [PYTHON_PACKAGE.path],
      [
        {
          op: "deserialize",
          package: PYTHON_PACKAGE.name,
          event: first.eventType,
          hex: unknown.toString("hex"),
          registry: server.url,
          assigns_own_ids: true,
        },
      ],
    );
    expect(python).toEqual({
      ok: false,
      type: "SchemaResolutionError",
      code: "unknown-schema-id",
      error: `${first.eventType}: writer schema id 12345 is neither in this package's release history nor in the schema registry at ${server.url}`,
    });
  });

  it("finds today's schema under its subject, as a producer that must not register does, in both languages", async () => {
    const registry = new SchemaRegistryClient({ url: server.url, assignsOwnIds: true });
    const ops = cases.map((c) => ({
      op: "serialize" as const,
      package: PYTHON_PACKAGE.name,
      event: c.eventType,
      data: { xblock_info: { ...c.value.xblock_info, version: "v1" } },
      registry: server.url,
    }));
    const python = await runPeer([PYTHON_PACKAGE.path], ops);
    for (const [i, c] of cases.entries()) {
      const codec = events[c.eventType as keyof typeof events];
      const framed = await codec.serialize(ops[i]?.data as never, { registry });
      expect(framed.readUInt32BE(1)).toBe(ids.get(c.eventType)?.now);
      expect(python[i]).toEqual({ ok: true, hex: framed.toString("hex") });
    }
  });
});
