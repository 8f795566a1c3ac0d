import type { CanonConfig } from "../../load/config.js";
import type { EventDefinition, Model, Service } from "../../load/model.js";
import { eventsOf } from "../../load/model.js";
import { type AvroSchema, avroKeySchemaOf, avroSchemaOf } from "../avro/index.js";
import type { Emitter, OutputFiles } from "../emitter.js";

/** The payload's format, as AsyncAPI names Avro 1.9 (what @asyncapi/avro-schema-parser reads). */
export const AVRO_SCHEMA_FORMAT = "application/vnd.apache.avro;version=1.9.0";
const KAFKA_BINDING_VERSION = "0.5.0";
const CONTENT_TYPE = "application/avro";

/** Confluent's name for each subject strategy: where a consumer looks up the writer's schema. */
const LOOKUP_STRATEGY = { topic: "TopicNameStrategy", record: "RecordNameStrategy", "topic-record": "TopicRecordNameStrategy" } as const;

/**
 * The CloudEvents headers the Open edX bus puts beside every message (edx-event-bus-kafka's, in its
 * order; the TypeScript runtime's toKafkaHeaders writes the same, which a test holds equal).
 */
function headersSchema(event: EventDefinition, config: CanonConfig): object {
  const string = (description: string, extra: object = {}) => ({ type: "string", description, ...extra });
  const properties = {
    ce_specversion: string("CloudEvents specification version.", { const: "1.0" }),
    "content-type": string("Content type of the message value.", { const: CONTENT_TYPE }),
    ce_datacontenttype: string("CloudEvents data content type.", { const: CONTENT_TYPE }),
    ce_type: string("The event type; a consumer picks the schema by it.", { const: event.eventType }),
    ce_id: string("A UUID identifying this one event.", { format: "uuid" }),
    ce_source: string("Who sent it, e.g. openedx/edx-exams/web."),
    ce_time: string("When it happened, in UTC, ISO 8601 as Python's isoformat writes it.", { format: "date-time" }),
    ce_minorversion: string("Minor version of the event type: compatible changes within its major version.", { pattern: "^[0-9]+$" }),
    sourcehost: string("Host that sent it."),
    sourcelib: string(`Version of the event definitions the sender used (this catalog: ${config.envelope.sourcelib}).`, {
      pattern: "^[0-9]+(\\.[0-9]+)*$",
    }),
  };
  return { type: "object", required: Object.keys(properties), properties };
}

/** A component or channel key: AsyncAPI allows letters, digits, `_` and `-`. */
function componentKey(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, "_");
}

/** One AsyncAPI 3.0 document for a service: the channels it uses, its send and receive operations, their messages. */
export function asyncapiDocument(model: Model, service: Service, config: CanonConfig): object {
  const { produces, consumes } = eventsOf(model, service.id);
  const used = model.events.filter((e) => produces.includes(e) || consumes.includes(e));
  const channels: Record<string, { address: string | null; messages: Record<string, object>; bindings?: object; description?: string }> =
    {};
  const messages: Record<string, object> = {};
  const channelOf = (event: EventDefinition) => componentKey(event.topic ?? event.eventType);
  for (const event of used) {
    const channel = channelOf(event);
    const address =
      event.topic === undefined ? null : config.subjects.topicPrefix ? `${config.subjects.topicPrefix}-${event.topic}` : event.topic;
    channels[channel] ??= {
      address,
      ...(event.topic === undefined ? { description: `${event.eventType} names no topic (x-topic).` } : {}),
      messages: {},
      ...(address === null ? {} : { bindings: { kafka: { topic: address, bindingVersion: KAFKA_BINDING_VERSION } } }),
    };
    const message = componentKey(event.record.name);
    channels[channel].messages[message] = { $ref: `#/components/messages/${message}` };
    // In the Avro form, as @asyncapi/avro-schema-parser reads a Kafka key beside an Avro payload; the
    // binding wants an object, so a primitive is written in its {"type": ...} form.
    const avroKey = avroKeySchemaOf(model, event);
    const key = typeof avroKey === "string" ? { type: avroKey } : avroKey;
    messages[message] = {
      name: event.eventType,
      title: event.record.name,
      ...(event.record.description === undefined ? {} : { summary: event.record.description }),
      contentType: CONTENT_TYPE,
      headers: headersSchema(event, config),
      payload: { schemaFormat: AVRO_SCHEMA_FORMAT, schema: avroSchemaOf(model, event, config) as AvroSchema },
      bindings: {
        kafka: {
          ...(key === undefined ? {} : { key }),
          // Confluent's wire format: magic byte 0 and the 4-byte schema id before the Avro body.
          schemaIdLocation: "payload",
          schemaIdPayloadEncoding: "confluent",
          schemaLookupStrategy: LOOKUP_STRATEGY[config.subjects.strategy],
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
  }
  const operations: Record<string, object> = {};
  for (const [action, events] of [
    ["send", produces],
    ["receive", consumes],
  ] as const) {
    for (const event of events) {
      const channel = channelOf(event);
      const message = componentKey(event.record.name);
      operations[`${action}${message}`] = {
        action,
        channel: { $ref: `#/channels/${channel}` },
        summary: `${action === "send" ? "Sends" : "Receives"} ${event.eventType}.`,
        messages: [{ $ref: `#/channels/${channel}/messages/${message}` }],
      };
    }
  }
  return {
    asyncapi: "3.0.0",
    id: `urn:eventcanon:service:${service.id}`,
    info: {
      title: service.name,
      version: config.envelope.sourcelib,
      description: service.description,
      externalDocs: { url: service.path === undefined ? service.repository : `${service.repository}/tree/HEAD/${service.path}` },
      "x-owner": service.owner,
    },
    defaultContentType: CONTENT_TYPE,
    channels,
    operations,
    components: { messages },
  };
}

/** `<service id>.asyncapi.json` per service, or for the one asked for. */
export function asyncapiFiles(model: Model, config: CanonConfig, only?: string): OutputFiles {
  const files: OutputFiles = new Map();
  for (const service of model.services.values()) {
    if (only !== undefined && service.id !== only) continue;
    files.set(`${service.id}.asyncapi.json`, `${JSON.stringify(asyncapiDocument(model, service, config), null, 2)}\n`);
  }
  return files;
}

export const asyncapiEmitter: Emitter = {
  target: "asyncapi",
  emit: async (model, config) => ({ files: asyncapiFiles(model, config) }),
};
