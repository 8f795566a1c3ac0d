import type { EventDefinition, Model } from "../../load/model.js";
import { generatedNotice } from "../emitter.js";
import { acceptsCode } from "./accepts.js";
import { checksCode } from "./checks.js";
import { ModuleConstants } from "./validator-parts.js";

/** A domain's validators as JavaScript: the module's body, and each event's validator as an expression over it. */
export interface ValidatorsCode {
  readonly code: string;
  /** By the event's type name. */
  readonly validators: ReadonlyMap<string, string>;
  /** Whether the code calls the runtime's `dateTimeFormat`. */
  readonly usesDateTime: boolean;
}

/** What each event's `CompiledValidator` is: its checks, which set `errors` as ajv does, and its verdict-only twin. */
const VALIDATOR = [
  "  const validator = (data) => {",
  "    const errors = [];",
  '    check(data, "", errors);',
  "    validator.errors = errors.length === 0 ? null : errors;",
  "    return errors.length === 0;",
  "  };",
  "  validator.accepts = accepts;",
  "  return validator;",
];

export function validatorsCode(model: Model, events: readonly EventDefinition[]): ValidatorsCode {
  const constants = new ModuleConstants();
  const checks = checksCode(model, events, constants);
  const accepts = acceptsCode(model, events, constants);
  const validator = constants.function("$validator", VALIDATOR, "check, accepts");
  return {
    code: [...constants.declarations, checks.code, accepts.code].join("\n"),
    validators: new Map(
      events.map((e) => [e.record.name, `${validator}(${checks.names.get(e.record.name)}, ${accepts.names.get(e.record.name)})`]),
    ),
    usesDateTime: constants.usesDateTime,
  };
}

/**
 * Validators for one domain's events, as a TypeScript module: one `CompiledValidator` export per
 * event, named after its data type, built from the model (checks.ts for `check`'s errors, accepts.ts
 * for `validate`'s verdict). Nothing is compiled when a consumer imports it.
 */
export function validatorModule(model: Model, events: readonly EventDefinition[]): string {
  const { code, validators, usesDateTime } = validatorsCode(model, events);
  return [
    generatedNotice("//"),
    "// @ts-nocheck: the validators are plain JavaScript; their exports are typed at the end.",
    'import type { CompiledValidator } from "../runtime/codec.js";',
    ...(usesDateTime ? ['import { dateTimeFormat } from "../runtime/datetimes.js";'] : []),
    "",
    code,
    "",
    ...[...validators].map(([name, validator]) => `export const ${name}: CompiledValidator = ${validator};`),
    "",
  ].join("\n");
}
