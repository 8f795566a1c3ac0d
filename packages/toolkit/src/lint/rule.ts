import type { CanonConfig } from "../load/config.js";
import { valueAt } from "../load/json-source.js";
import type { Field, Model, NamedType } from "../load/model.js";
import type { SchemaFile } from "../load/schema-files.js";

/** What a rule sees: the files the model was built from, and the model, however much of it loaded. */
export interface LintInput {
  readonly files: readonly SchemaFile[];
  readonly model: Model;
  readonly config: CanonConfig;
}

/** A finding of one rule; the rule's own code is added by the runner, so a rule cannot report another's. */
export type Report = (file: string, pointer: string, message: string, hint?: string) => void;

/**
 * One lint rule: its code, the README row (`meaning`, `fix`, also what `canon explain` prints) and its check.
 * `check` runs on whatever loaded, even next to load errors, so one run reports every problem; a part of the
 * model that failed to load is simply absent, and a rule must not read its absence as a mistake.
 */
export interface LintRule<C extends string = string> {
  readonly code: C;
  readonly meaning: string;
  readonly fix: string;
  /** Runs only when nothing else was found (examples need every `$ref` resolved and every type whole). */
  readonly onlyWhenClean?: true;
  readonly check: (input: LintInput, report: Report) => void;
}

/** Keeps the code's literal type, so ERROR_DOCS (and with it `ErrorCode`) can be derived from the rules. */
export function rule<const C extends string>(definition: LintRule<C>): LintRule<C> {
  return definition;
}

type Doc = { readonly meaning: string; readonly fix: string };

/** The rules' rows for ERROR_DOCS, in the rules' order. */
export function docsOf<const R extends readonly LintRule[]>(rules: R): { readonly [K in R[number] as K["code"]]: Doc } {
  return Object.fromEntries(rules.map((r) => [r.code, { meaning: r.meaning, fix: r.fix }])) as {
    readonly [K in R[number] as K["code"]]: Doc;
  };
}

const byRelCache = new WeakMap<readonly SchemaFile[], Map<string, SchemaFile>>();

/** The JSON object a model element was built from (its `origin`), for rules about how it is written. */
export function nodeAt(input: LintInput, origin: { readonly file: string; readonly pointer: string }): Record<string, unknown> | undefined {
  let byRel = byRelCache.get(input.files);
  if (byRel === undefined) {
    byRel = new Map(input.files.map((f) => [f.rel, f]));
    byRelCache.set(input.files, byRel);
  }
  const file = byRel.get(origin.file);
  const node = file === undefined ? undefined : valueAt(file.source.value, origin.pointer);
  return typeof node === "object" && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>) : undefined;
}

/** The model's named types of one kind, for the many rules about records or enums only. */
export function typesOf<K extends NamedType["kind"]>(model: Model, kind: K): Extract<NamedType, { kind: K }>[] {
  return [...model.types.values()].filter((type): type is Extract<NamedType, { kind: K }> => type.kind === kind);
}

/** Every field of every record, for the rules about one field at a time. */
export function fieldsOf(model: Model): Field[] {
  return typesOf(model, "record").flatMap((type) => type.fields);
}
