import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { AvroSchemaParser } from "@asyncapi/avro-schema-parser";
import { Parser } from "@asyncapi/parser";
import { beforeAll, describe, expect, it } from "vitest";
import { AVRO_SCHEMA_FORMAT, asyncapiFiles } from "../src/emit/asyncapi/index.js";
import { avroKeySchemaOf, avroSchemaOf } from "../src/emit/avro/index.js";
import { TARGET_LIST } from "../src/emit/targets.js";
import { loadCatalog } from "../src/lint/catalog.js";
import { loadConfig } from "../src/load/config.js";
import type { Model } from "../src/load/model.js";
import { createMetadata, toKafkaHeaders } from "../templates/typescript/envelope.js";
import { canon, REPO, tempDir } from "./helpers.js";

// Spectral's severities: 0 is an error (1 warning, 2 information, 3 hint).
const ERROR = 0;

interface Doc {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }>; bindings: { kafka: { topic: string } } }>;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: {
    messages: Record<
      string,
      {
        name: string;
        headers: { properties: Record<string, { const?: string }> };
        payload: { schemaFormat: string; schema: unknown };
        bindings: { kafka: { key?: unknown } };
      }
    >;
  };
  info: { "x-owner": string | null };
}

function newParser(): Parser {
  const parser = new Parser();
  parser.registerSchemaParser(AvroSchemaParser());
  return parser;
}

describe("AsyncAPI 3.0 documents, one per service", () => {
  const config = loadConfig(REPO, {}, TARGET_LIST);
  let model: Model;
  let shipped: Map<string, string>;
  beforeAll(() => {
    const catalog = loadCatalog(config, REPO);
    expect(catalog.diagnostics).toEqual([]);
    model = catalog.model;
    shipped = new Map(readdirSync(config.outputs.asyncapi).map((f) => [f, readFileSync(path.join(config.outputs.asyncapi, f), "utf8")]));
  });

  it("the npm package ships one document per service, as rendered (and the same bytes on every render)", () => {
    expect([...shipped.keys()].sort()).toEqual([...model.services.keys()].map((id) => `${id}.asyncapi.json`).sort());
    expect(asyncapiFiles(model, config)).toEqual(shipped);
    expect(asyncapiFiles(model, config)).toEqual(asyncapiFiles(model, config));
  });

  it("every document parses with @asyncapi/parser and its Avro schema parser with no error-severity diagnostic", async () => {
    const parser = newParser();
    for (const [file, text] of shipped) {
      const { document, diagnostics } = await parser.parse(text);
      const errors = diagnostics.filter((d) => d.severity === ERROR).map((d) => `${d.code} ${d.message} at ${d.path.join("/")}`);
      expect(errors, file).toEqual([]);
      expect(document, file).toBeDefined();
      // The Avro payloads were read, not skipped: each message's payload came out as a schema.
      for (const message of document?.allMessages().all() ?? [])
        expect(message.payload()?.type(), `${file} ${message.id()}`).toBe("object");
    }
  });

  it("every event's Avro schema and key pass the Avro schema parser's check, but for the one name avsc refuses", async () => {
    // Parsing one document that held all 75 messages takes the parser minutes; its Avro check is the part that varies by event.
    const avro = AvroSchemaParser();
    const refused: string[] = [];
    for (const event of model.events) {
      for (const data of [avroSchemaOf(model, event, config), avroKeySchemaOf(model, event)]) {
        if (data === undefined) continue;
        const input = { data, meta: {}, path: [], schemaFormat: AVRO_SCHEMA_FORMAT, defaultSchemaFormat: AVRO_SCHEMA_FORMAT };
        const problems = (await avro.validate(input as unknown as Parameters<typeof avro.validate>[0])) ?? [];
        if (problems.length > 0) refused.push(`${event.eventType}: ${problems.map((p) => p.message).join("; ")}`);
      }
    }
    // avsc (which the parser validates with) refuses a hyphen in a namespace; the wire keeps the legacy name.
    const hyphenated = model.events.filter((e) => e.eventType.includes("-")).map((e) => e.eventType);
    expect(refused.map((r) => r.split(":")[0])).toEqual(hyphenated);
    expect(hyphenated).toEqual(["org.openedx.enterprise.subsidy.redemption-reversed.v1"]);
  });

  it("the parser does fail a document whose Avro payload is not a valid schema", async () => {
    const [, text] = [...shipped][0] as [string, string];
    const doc = JSON.parse(text) as Doc;
    const first = Object.values(doc.components.messages)[0];
    if (first === undefined) throw new Error("no message");
    first.payload.schema = { type: "record", fields: [{ name: "x", type: "no-such-type" }] };
    const { diagnostics } = await newParser().parse(JSON.stringify(doc));
    expect(diagnostics.some((d) => d.severity === ERROR)).toBe(true);
  });

  it("operations follow x-producers and x-consumers; messages carry the Avro payload, the key and the bus's headers", () => {
    const headerNames = Object.keys(toKafkaHeaders(createMetadata("org.example.a.b.c.v1", { sourcelib: "1.0" })));
    for (const service of model.services.values()) {
      const doc = JSON.parse(shipped.get(`${service.id}.asyncapi.json`) ?? "{}") as Doc;
      expect(doc.info["x-owner"]).toBe(service.owner);
      const expected = model.events.flatMap((e) => [
        ...(e.producers?.includes(service.id) ? [`send ${e.eventType}`] : []),
        ...(e.consumers.includes(service.id) ? [`receive ${e.eventType}`] : []),
      ]);
      const actual = Object.values(doc.operations).map((op) => {
        const ref = op.messages[0]?.$ref ?? "";
        const [, channel, , message] = ref.split("/").slice(1);
        expect(op.channel.$ref).toBe(`#/channels/${channel}`);
        expect(doc.channels[channel ?? ""]?.messages[message ?? ""]).toBeDefined();
        return `${op.action} ${doc.components.messages[message ?? ""]?.name}`;
      });
      expect(actual.sort()).toEqual(expected.sort());
      for (const event of model.events.filter((e) => e.producers?.includes(service.id) || e.consumers.includes(service.id))) {
        const message = doc.components.messages[event.record.name];
        expect(message?.payload.schemaFormat).toBe(AVRO_SCHEMA_FORMAT);
        expect(message?.payload.schema).toEqual(avroSchemaOf(model, event, config));
        expect(Object.keys(message?.headers.properties ?? {})).toEqual(headerNames);
        expect(message?.headers.properties.ce_type?.const).toBe(event.eventType);
        const key = avroKeySchemaOf(model, event);
        expect(message?.bindings.kafka.key).toEqual(typeof key === "string" ? { type: key } : key);
        const channel = Object.values(doc.channels).find((c) => c.address === event.topic);
        expect(channel?.bindings.kafka.topic).toBe(event.topic);
      }
    }
  });

  it("canon asyncapi --service writes that one document, equal to the shipped one; an unknown id is a usage error", () => {
    const out = tempDir("asyncapi");
    const result = canon(["asyncapi", "--service", "edx-exams", "--out", out], REPO);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(readdirSync(out)).toEqual(["edx-exams.asyncapi.json"]);
    expect(readFileSync(path.join(out, "edx-exams.asyncapi.json"), "utf8")).toBe(shipped.get("edx-exams.asyncapi.json"));
    const unknown = canon(["asyncapi", "--service", "nobody", "--out", out], REPO);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('canon asyncapi: no service "nobody" in services (known: credentials, edx-exams,');
  });
});
