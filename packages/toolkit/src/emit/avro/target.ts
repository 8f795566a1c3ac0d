import { target } from "../target.js";

export default target({
  name: "avro",
  folder: "generated/avro",
  summary: "One Avro schema (.avsc) per event, in the Open edX bus's wire form.",
  emitter: async () => (await import("./index.js")).avroEmitter,
  tab: { label: "Avro", language: "avro" },
});
