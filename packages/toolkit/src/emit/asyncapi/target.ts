import { npmFilePath } from "../published.js";
import { target } from "../target.js";

export default target({
  name: "asyncapi",
  folder: "generated/asyncapi",
  summary: "One AsyncAPI 3.0 document per service (services/).",
  emitter: async () => (await import("./index.js")).asyncapiEmitter,
  serviceDocument: { label: "AsyncAPI", path: (id, folder) => npmFilePath(folder, `${id}.asyncapi.json`) },
});
