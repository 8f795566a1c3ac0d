import path from "node:path";
import { target } from "../target.js";

export default target({
  name: "python",
  folder: "generated/python",
  summary: "The Python package: dataclasses with to_dict/from_dict, the Avro codec and the release history.",
  emitter: async () => (await import("./index.js")).pythonEmitter,
  includes: { "schemas/avro": "avro", "schemas/json": "jsonschema" },
  // quicktype is the slowest single call of a run.
  worker: true,
  readsExamples: false,
  tab: { label: "Python", language: "py" },
  // The output folder is the package: its name is what programs import.
  importLine: (event, folder) => `from ${path.basename(folder)}.${event.domain} import ${event.record.name}`,
});
