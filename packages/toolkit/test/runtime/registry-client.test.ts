import { writeFileSync } from "node:fs";
import path from "node:path";
import avro from "avsc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events, SchemaRegistryClient, SchemaRegistryError, xblockCreatedV1 } from "../../../openedx-events/src/index.js";
import { loadConfig } from "../../src/load/config.js";
import { type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { REPO, tempDir } from "../helpers.js";
import { type Fault, faultyProxy } from "../registry/faulty-proxy.js";
import { runPeer } from "./peer.js";
import { PYTHON_PACKAGE, type UpstreamCase, upstreamCases } from "./upstream.js";

const basic = (user: { username: string; password: string }) =>
  `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`;

/**
 * The TypeScript package's registry client against `canon registry serve` (basic auth, a data folder
 * for run-time registrations) and a proxy in front of it that injects faults. The proxy counts the
 * requests that reach it: what "one fetch per id" and "bounded cache" are measured by.
 */
describe("SchemaRegistryClient", () => {
  let server: RunningRegistry;
  /** Ids of schemas the package's history does not hold: the upstream xblock schemas, registered at run time. */
  const ids: number[] = [];
  const USER = { username: "consumer", password: "s3cret" };

  beforeAll(async () => {
    const users = path.join(tempDir("users"), "users.txt");
    writeFileSync(users, `${USER.username}:${USER.password}\n`);
    server = await serveRegistry({
      config: loadConfig(REPO),
      port: 0,
      host: "127.0.0.1",
      data: tempDir("client-registry"),
      usersFile: users,
    });
    const auth = basic(USER);
    for (const c of await upstreamCases()) {
      const response = await fetch(`${server.url}/subjects/${encodeURIComponent(`upstream-${c.eventType}`)}/versions`, {
        method: "POST",
        headers: { "content-type": "application/vnd.schemaregistry.v1+json", authorization: auth },
        body: JSON.stringify({ schema: JSON.stringify(c.schema) }),
      });
      ids.push(((await response.json()) as { id: number }).id);
    }
  });
  afterAll(() => server?.close());

  async function proxied(fault: Fault = () => "pass") {
    const seen: string[] = [];
    const proxy = await faultyProxy(server.url, (request) => {
      seen.push(`${request.method} ${request.url}`);
      return fault(request);
    });
    return { url: proxy.url, seen, close: proxy.close };
  }

  it("reads with basic auth, and a wrong password is refused once, not retried", async () => {
    const good = new SchemaRegistryClient({ url: server.url, auth: USER });
    expect((await good.schemaById(ids[0] as number)).schemaType).toBe("AVRO");
    const bad = new SchemaRegistryClient({ url: server.url, auth: { apiKey: USER.username, apiSecret: "wrong" }, backoffMs: 1 });
    const error = await bad.schemaById(ids[0] as number).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaRegistryError);
    expect(error).toMatchObject({ status: 401, errorCode: 40101 });
    expect((error as Error).message).toBe(`schema registry ${server.url}: GET /schemas/ids/${ids[0]}: HTTP 401 40101: Unauthorized`);
    expect(bad.requests).toBe(1);
  });

  it("retries 429, 5xx and dropped connections with backoff, and says what happened when they go on", async () => {
    const flaky = await proxied(({ n }) => (n === 1 ? "429" : n === 2 ? "503" : n === 3 ? "drop" : "pass"));
    try {
      const client = new SchemaRegistryClient({ url: flaky.url, auth: USER, backoffMs: 5 });
      expect((await client.schemaById(ids[0] as number)).id).toBe(ids[0]);
      expect(client.requests).toBe(4);
    } finally {
      await flaky.close();
    }
    const down = await proxied(() => "503");
    try {
      const client = new SchemaRegistryClient({ url: down.url, auth: USER, backoffMs: 5, retries: 2 });
      await expect(client.schemaById(ids[0] as number)).rejects.toThrow(
        `schema registry ${down.url}: GET /schemas/ids/${ids[0]}: failed after 3 attempts: HTTP 503 50003: Error while forwarding the request to the leader`,
      );
      expect(down.seen.length).toBe(3);
    } finally {
      await down.close();
    }
  });

  it("gives up on an answer slower than its timeout", async () => {
    const slow = await proxied(() => "slow");
    try {
      const client = new SchemaRegistryClient({ url: slow.url, auth: USER, timeoutMs: 200, retries: 1, backoffMs: 5 });
      await expect(client.schemaById(ids[0] as number)).rejects.toThrow(
        `schema registry ${slow.url}: GET /schemas/ids/${ids[0]}: failed after 2 attempts: no answer within 200 ms`,
      );
    } finally {
      await slow.close();
    }
  });

  it("asks once per id however many messages wait for it, and forgets beyond its capacity", async () => {
    const counting = await proxied();
    try {
      const client = new SchemaRegistryClient({ url: counting.url, auth: USER, cacheCapacity: 2, assignsOwnIds: false });
      const cases = await upstreamCases();
      const [first] = cases as [(typeof cases)[number]];
      const codec = events[first.eventType as keyof typeof events];
      const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), first.body]);
      frame.writeUInt32BE(ids[0] as number, 1);
      const reads = await Promise.all(Array.from({ length: 50 }, () => codec.deserialize(frame, { registry: client })));
      expect(new Set(reads.map((r) => JSON.stringify(r))).size).toBe(1);
      expect(counting.seen).toEqual([`GET /schemas/ids/${ids[0]}`]);
      // Two more ids push the first out of a cache of two: it is asked for again.
      for (const id of [ids[1], ids[2], ids[0]]) await client.schemaById(id as number);
      expect(counting.seen.slice(1)).toEqual([`GET /schemas/ids/${ids[1]}`, `GET /schemas/ids/${ids[2]}`, `GET /schemas/ids/${ids[0]}`]);
    } finally {
      await counting.close();
    }
  });

  it("does not retry what will not change: an unknown id is a 404 once", async () => {
    const client = new SchemaRegistryClient({ url: server.url, auth: USER, backoffMs: 5 });
    await expect(client.schemaById(999_999)).rejects.toMatchObject({ status: 404, errorCode: 40403 });
    expect(client.requests).toBe(1);
  });

  it("looks a producer's schema up under its subject, registers it only when asked, and names the subject when it is missing", async () => {
    const client = new SchemaRegistryClient({ url: server.url, auth: USER });
    const data = { xblock_info: { usage_key: "block-v1:a+b+c+type@html+block@h", block_type: "html", version: null } };
    const topic = "staging-content-authoring-xblock-lifecycle";
    await expect(xblockCreatedV1.serialize(data, { registry: client, topic })).rejects.toThrow(
      `org.openedx.content_authoring.xblock.created.v1: the package's value schema is not registered under subject ${topic}-org.openedx.content_authoring.xblock.created.v1.CloudEvent at ${server.url}; register it with canon registry push, or let serialize register it (autoRegister)`,
    );
    const registered = await xblockCreatedV1.serialize(data, { registry: client, topic, autoRegister: true });
    const looked = await xblockCreatedV1.serialize(data, { registry: new SchemaRegistryClient({ url: server.url, auth: USER }), topic });
    expect(looked.equals(registered)).toBe(true);
    expect(await xblockCreatedV1.deserialize(looked, { registry: client })).toEqual({ schemaId: registered.readUInt32BE(1), data });
    // The key under the bus's key subject, registered as edx-event-bus-kafka registers it: the key field's JSON,
    // which Avro (Java's, and so Confluent's registry) reads as "string": the released key schema and its id.
    const key = await xblockCreatedV1.serializeKey(data, { registry: client, topic, autoRegister: true });
    const latest = await client.latest(`${topic}-string`);
    expect(JSON.parse(latest.schema)).toBe("string");
    expect(key.readUInt32BE(1)).toBe(latest.id);
    expect(latest.id).toBe(xblockCreatedV1.keySchemaId);
    expect(await xblockCreatedV1.deserializeKey(key, { registry: client })).toEqual({
      schemaId: latest.id,
      key: data.xblock_info.usage_key,
    });
  });

  it("useLatestVersion writes with the subject's latest schema and id, as Confluent's serializers do, in both languages", async () => {
    const client = new SchemaRegistryClient({ url: server.url, auth: USER });
    const [old] = (await upstreamCases()).filter((c) => c.eventType === xblockCreatedV1.eventType) as [UpstreamCase];
    const topic = "pinned-content-authoring-xblock-lifecycle";
    const registered = await fetch(`${server.url}/subjects/${encodeURIComponent(xblockCreatedV1.subject({ topic }))}/versions`, {
      method: "POST",
      headers: { "content-type": "application/vnd.schemaregistry.v1+json", authorization: basic(USER) },
      body: JSON.stringify({ schema: JSON.stringify(old.schema) }),
    });
    const oldId = ((await registered.json()) as { id: number }).id;
    const data = { xblock_info: { usage_key: "block-v1:a+b+c+type@html+block@p", block_type: "html", version: "v9" } };
    const framed = await xblockCreatedV1.serialize(data, { registry: client, topic, useLatestVersion: true });
    // The subject's latest is the old schema, which has no version field: its bytes, read back with version null.
    expect(framed.readUInt32BE(1)).toBe(oldId);
    expect(framed.subarray(5)).toEqual(avro.Type.forSchema(old.schema as avro.Schema).toBuffer(data));
    const [python] = await runPeer(
      [PYTHON_PACKAGE.path],
      [
        {
          op: "serialize",
          package: PYTHON_PACKAGE.name,
          event: xblockCreatedV1.eventType,
          data,
          registry: server.url,
          auth: [USER.username, USER.password],
          options: { topic, use_latest_version: true },
        },
      ],
    );
    expect(python).toEqual({ ok: true, hex: framed.toString("hex") });
    expect(await xblockCreatedV1.deserialize(framed, { registry: client })).toEqual({
      schemaId: oldId,
      data: { xblock_info: { ...data.xblock_info, version: null } },
    });
  });
});
