// The package is its generated code: types, codecs, validators and the runtime they use.
export * from "./generated/index.js";
