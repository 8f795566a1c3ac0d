export { type Catalog, loadCatalog } from "./catalog.js";
export { type CanonConfig, loadConfig, TARGETS, type Target } from "./config.js";
export { CanonError, type Diagnostic, ExitCode, formatDiagnostic, formatReport } from "./diagnostics.js";
export { avroSchemaOf } from "./emit/avro.js";
export type { Emitter, OutputFiles } from "./emit/emitter.js";
export { bundledSchemaOf } from "./emit/json-schema.js";
export { EMITTERS, generate, renderAll } from "./generate.js";
export type * from "./model.js";
export { shapeError, withDefaults } from "./values.js";
