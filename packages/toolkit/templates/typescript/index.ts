export { type CompiledValidator, EventCodec, type EventSpec, type ValidationIssue } from "./codec.js";
export {
  createMetadata,
  type EventMetadata,
  fromKafkaHeaders,
  fromRedisFields,
  type KafkaHeaders,
  toKafkaHeaders,
  toRedisFields,
} from "./envelope.js";
export { frame, unframe } from "./framing.js";
