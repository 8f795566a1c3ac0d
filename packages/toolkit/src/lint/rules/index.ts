import avroNameClash from "./avro-name-clash.js";
import defaultInvalid from "./default-invalid.js";
import enumDefaultInvalid from "./enum-default-invalid.js";
import enumSymbolInvalid from "./enum-symbol-invalid.js";
import eventDomainReserved from "./event-domain-reserved.js";
import eventFileName from "./event-file-name.js";
import eventTypeName from "./event-type-name.js";
import exampleInvalid from "./example-invalid.js";
import idMismatch from "./id-mismatch.js";
import keyFieldUnknown from "./key-field-unknown.js";
import optionalWithoutDefault from "./optional-without-default.js";
import pythonNameCollision from "./python-name-collision.js";
import recordNotClosed from "./record-not-closed.js";
import refCycleRequired from "./ref-cycle-required.js";
import requiredUnknownField from "./required-unknown-field.js";
import typeFileName from "./type-file-name.js";

/** Every lint rule, one file each; this order is the rules' order in the README's Errors table and `canon explain`. */
export const LINT_RULES = [
  recordNotClosed,
  requiredUnknownField,
  optionalWithoutDefault,
  defaultInvalid,
  pythonNameCollision,
  enumSymbolInvalid,
  enumDefaultInvalid,
  refCycleRequired,
  avroNameClash,
  eventFileName,
  eventTypeName,
  eventDomainReserved,
  typeFileName,
  idMismatch,
  keyFieldUnknown,
  exampleInvalid,
] as const;
