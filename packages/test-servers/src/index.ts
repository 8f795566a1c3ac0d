// The real servers the tests and the bench run against, started on free loopback ports and stopped by PID.
export { type Apicurio, apicurioUnavailable, startApicurio } from "./apicurio.js";
export { findJava } from "./java.js";
export { kafkaUnavailable, startKafka } from "./kafka.js";
export { freePort, type Server } from "./process.js";
export { redisUnavailable, startRedis } from "./redis.js";
