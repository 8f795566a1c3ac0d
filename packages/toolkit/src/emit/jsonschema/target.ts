import { target } from "../target.js";

export default target({
  name: "jsonschema",
  folder: "generated/jsonschema",
  summary: "One bundled JSON Schema per event that stands alone (no $ref to another file).",
  emitter: async () => (await import("./index.js")).jsonSchemaEmitter,
});
