import { target } from "../target.js";

export default target({
  name: "typescript",
  folder: "generated/typescript",
  summary: "The npm package's sources: types, precompiled validators and one Avro codec per event.",
  emitter: async () => (await import("./index.js")).typescriptEmitter,
  tab: { label: "TypeScript", language: "ts" },
});
