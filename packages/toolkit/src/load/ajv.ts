import { createRequire } from "node:module";
import { Ajv2020, type Options } from "ajv/dist/2020.js";

type Format = RegExp | { validate: RegExp | ((value: string) => boolean) };

// ajv-formats is CommonJS; its "fast" formats are plain regular expressions (date-time, uuid, email,
// uri, ...), which ajv can inline into standalone validators. Lint and the published validators use
// the same ones, so both accept exactly the same values.
const { fastFormats } = createRequire(import.meta.url)("ajv-formats/dist/formats") as { fastFormats: Record<string, Format> };

/** The formats of the schema subset (see docs/schema-format.md, printed by `canon docs`). */
export const SUPPORTED_FORMATS = ["date-time", "date", "uuid", "email", "uri"] as const;

/** The same format checks ajv runs, for validating values straight from the model. */
export function formatCheck(name: string): ((value: string) => boolean) | undefined {
  const format = fastFormats[name];
  if (format === undefined) return undefined;
  const test = format instanceof RegExp ? format : format.validate;
  return test instanceof RegExp ? (value) => test.test(value) : test;
}

/** The regular expression ajv checks a format with, as the standalone validators print it. */
export function formatExpression(name: string): RegExp | undefined {
  const format = fastFormats[name];
  const test = format instanceof RegExp ? format : format?.validate;
  return test instanceof RegExp ? test : undefined;
}

/**
 * For the toolkit's own schemas (meta-schema, config, services), which ship fixed: checking them
 * against draft 2020-12 compiled ajv's own meta-schema on every run, some 30 ms of CPU per instance.
 */
export const OWN_SCHEMA: Options = { validateSchema: false };

/** The one ajv set-up: draft 2020-12 and the subset's formats, as regular expressions. */
export function createAjv(options: Options = {}): Ajv2020 {
  // ajv's code optimiser costs more than it saves for validators that each run a handful of times
  // (lint) or are compiled once at generate time: it took two thirds of compile time on large catalogs.
  const ajv = new Ajv2020({ allErrors: true, strict: false, ...options, code: { optimize: false, ...options.code } });
  for (const name of SUPPORTED_FORMATS) {
    const format = fastFormats[name];
    if (format === undefined) throw new Error(`ajv-formats has no format ${name}`);
    ajv.addFormat(name, format instanceof RegExp ? format : (format.validate as RegExp));
  }
  // Only the meta-schema uses it (for `pattern`); schemas of the subset cannot.
  ajv.addFormat("regex", (value: string) => {
    try {
      new RegExp(value, "u");
      return true;
    } catch {
      return false;
    }
  });
  return ajv;
}
