/**
 * `@eventcanon/toolkit/testing`: seeded random instances of a model's records and seeded pairs of Avro
 * schemas, for this repository's tests, benches and conformance vectors. No command uses them, so the
 * published package leaves this folder out (package.json `files`) and randexp, which only the sampler
 * needs, is a dev dependency; test/published-entry-points.test.ts holds the shipped modules apart from it.
 */
export { type AvroPair, sampleAvroPairs } from "./avro-pair-sampler.js";
export { sampleRecord, seededRandom } from "./sample.js";
