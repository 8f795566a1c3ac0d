import { createRequire } from "node:module";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { FormatsPlugin } from "ajv-formats";

// ajv-formats is CommonJS whose types only describe its `default` export; require gives the function.
const addFormats = createRequire(import.meta.url)("ajv-formats") as FormatsPlugin;

/** The one ajv set-up used for meta-schema checks and example validation: draft 2020-12 with formats. */
export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}
