import type { Diagnostic, ErrorCode } from "../load/diagnostics.js";
import { diagnosticAt } from "../load/json-source.js";
import type { LintInput, LintRule } from "./rule.js";
import { LINT_RULES } from "./rules/index.js";

export interface LintContext {
  /** `rel#pointer` of each value the meta-schema rejected: a rule does not judge it again (a bad `x-event-type` is one problem, not three). */
  readonly rejected: ReadonlySet<string>;
  /** Whether the model loaded without errors; `onlyWhenClean` rules also need the other rules to find nothing. */
  readonly loaded: boolean;
}

/** Runs every rule over what loaded, whatever else went wrong, so one run reports every problem. */
export function lintCatalog(input: LintInput, { rejected, loaded }: LintContext, rules: readonly LintRule[] = LINT_RULES): Diagnostic[] {
  const byRel = new Map(input.files.map((f) => [f.rel, f]));
  const out: Diagnostic[] = [];
  const run = (rule: LintRule) =>
    rule.check(input, (rel, pointer, message, hint) => {
      const file = byRel.get(rel);
      // Every rule's code is in ERROR_DOCS, which error-codes.ts builds from LINT_RULES.
      if (file !== undefined && !rejected.has(`${rel}#${pointer}`))
        out.push(diagnosticAt(file.source, pointer, rule.code as ErrorCode, message, hint));
    });
  for (const rule of rules) if (rule.onlyWhenClean !== true) run(rule);
  if (loaded && out.length === 0) for (const rule of rules) if (rule.onlyWhenClean === true) run(rule);
  return out;
}
