export {
  type BusLogger,
  type ConsumerStats,
  DEAD_LETTER,
  type Delivery,
  type Failure,
  type Handler,
  Handlers,
  type RetryPolicy,
} from "./bus.js";
export {
  type CheckOptions,
  type CompiledValidator,
  type DeserializeOptions,
  EventCodec,
  type EventSpec,
  type SerializeOptions,
  type ValidationIssue,
} from "./codec.js";
export { OFFSET_LESS } from "./datetimes.js";
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
export type { ReleaseHistory } from "./history.js";
export {
  type KafkaClient,
  type KafkaConsumerOptions,
  KafkaEventConsumer,
  KafkaEventProducer,
  type KafkaProducerOptions,
  type SendOptions,
  type Sent,
} from "./kafka.js";
export type { LongMode } from "./longs.js";
export {
  type RedisClient,
  type RedisConsumerOptions,
  RedisEventConsumer,
  RedisEventProducer,
  type RedisProducerOptions,
  SCHEMA_ID_FIELD,
} from "./redis.js";
export {
  type RegisteredSchema,
  SchemaRegistryClient,
  SchemaRegistryError,
  type SchemaRegistryOptions,
  type SubjectVersion,
} from "./registry-client.js";
export { type ResolutionErrorCode, SchemaResolutionError } from "./resolution.js";
export { registrationText, type SubjectNameStrategy } from "./subjects.js";
