import standaloneCode from "ajv/dist/standalone/index.js";
import { createAjv, formatExpression } from "../../load/ajv.js";
import { type EventDefinition, isRecursiveEvent, type Model, reachableTypes } from "../../load/model.js";
import { generatedNotice } from "../emitter.js";
import { NO_CACHE, type RenderCache } from "../render-cache.js";
import { namedSchema, recordSchema, type SchemaView } from "../schema-view.js";
import { type AcceptsCode, acceptsCode, CODE_POINTS } from "./accepts.js";

// ajv/dist/standalone is CommonJS; under NodeNext its default import is `module.exports`, whose `default` is the function.
const toStandalone = standaloneCode.default;

/**
 * ajv's runtime helpers that standalone code still `require`s even in ESM mode; each is replaced by
 * an inline equivalent so the module works as ESM and as CommonJS without reaching into ajv's files.
 */
const INLINE_REQUIRES: Record<string, string> = {
  // Length in Unicode code points, as JSON Schema counts it.
  'require("ajv/dist/runtime/ucs2length").default': CODE_POINTS,
};

/** What ajv evaluates in place of each generated function: standalone code is made from the source ajv keeps. */
const STUB_VALIDATOR = "return function compiledForSourceOnly() { throw new Error('not a runnable validator'); }";

/** What ajv compiles for one domain: each named type once, then each event's record. */
interface ValidatorInput {
  readonly types: readonly Record<string, unknown>[];
  readonly events: readonly { readonly name: string; readonly schema: Record<string, unknown> }[];
}

function validatorInput(model: Model, events: readonly EventDefinition[]): ValidatorInput {
  const typeId = (name: string) => `urn:eventcanon:type:${name}`;
  const view: SchemaView = { ref: (named) => ({ $ref: typeId(named.name) }), constraints: true };
  const needed = new Map(
    events.flatMap((e) => [...reachableTypes(model, e), ...(isRecursiveEvent(model, e) ? [e.record] : [])]).map((t) => [t.name, t]),
  );
  return {
    types: [...needed.values()]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((type) => ({ $id: typeId(type.name), ...namedSchema(model, type, view) })),
    events: events.map((event) => ({ name: event.record.name, schema: { $id: event.id, ...recordSchema(model, event.record, view) } })),
  };
}

/**
 * Precompiled validators for one domain's events, as a TypeScript module: one `CompiledValidator`
 * export per event, named after its data type, whose `accepts` is the verdict-only check built from
 * the model. Nothing is compiled when a consumer imports it. ajv's code generation is the costliest
 * step of generate, so the module is cached by its input (the schemas, which also decide `accepts`).
 */
export function validatorModule(model: Model, events: readonly EventDefinition[], cache: RenderCache = NO_CACHE): Promise<string> {
  const input = validatorInput(model, events);
  return cache.get("ts-validators", JSON.stringify(input), () => validatorCode(input, acceptsCode(model, events)));
}

function validatorCode(input: ValidatorInput, accepts: AcceptsCode): string {
  // Each named type is compiled once and called by reference (inlineRefs: false): compiling a
  // self-contained bundle per event would compile a shared type again in every event that uses it.
  // ajv also evaluates each function it generates (new Function over megabytes of source), but only
  // the source is used here: the evaluated function of each of these schemas is a stub nothing calls.
  // The meta-schema's validators run (ajv checks each added schema with them) and keep their code.
  const ours = new Set<unknown>([...input.types, ...input.events.map((e) => e.schema)]);
  const ajv = createAjv({
    code: { source: true, esm: true, optimize: false, process: (code, env) => (ours.has(env?.root.schema) ? STUB_VALIDATOR : code) },
    allErrors: true,
    inlineRefs: false,
  });
  for (const type of input.types) ajv.addSchema(type);
  const exports: Record<string, string> = {};
  for (const event of input.events) {
    ajv.addSchema(event.schema);
    exports[`__${event.name}`] = String(event.schema.$id);
  }
  let code = toStandalone(ajv, exports).replace(/^"use strict";/, "");
  for (const [call, inline] of Object.entries(INLINE_REQUIRES)) code = code.split(call).join(inline);
  const leftover = /require\("[^"]+"\)/.exec(code);
  if (leftover) throw new Error(`standalone validator needs ${leftover[0]}, which has no inline replacement`);
  // date-time goes through the runtime, which also accepts the offset-less form on the read path.
  const dateTime = `= ${String(formatExpression("date-time"))};`;
  const usesDateTime = code.includes(dateTime) || accepts.usesDateTime;
  if (code.includes(dateTime)) code = code.split(dateTime).join(`= dateTimeFormat(${dateTime.slice(2, -1)});`);
  const typed = input.events.map(
    (e) => `export const ${e.name}: CompiledValidator = Object.assign(__${e.name}, { accepts: ${accepts.names.get(e.name)} });`,
  );
  return [
    generatedNotice("//"),
    "// @ts-nocheck: ajv's standalone output is plain JavaScript; its exports are typed at the end.",
    'import type { CompiledValidator } from "../runtime/codec.js";',
    ...(usesDateTime ? ['import { dateTimeFormat } from "../runtime/datetimes.js";'] : []),
    "",
    code.replace(/export const (__\w+) = /g, "const $1 = "),
    "",
    accepts.code,
    "",
    ...typed,
    "",
  ].join("\n");
}
