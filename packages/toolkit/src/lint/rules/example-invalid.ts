import { createAjv } from "../../load/ajv.js";
import type { TypeNode } from "../../load/model.js";
import { valueError } from "../../load/values.js";
import { type LintInput, type Report, rule } from "../rule.js";

export default rule({
  code: "example-invalid",
  meaning: "an example does not validate against its schema",
  fix: "fix the example or the schema",
  // ajv resolves $refs through $id, and a model missing what failed to load would reject good examples.
  onlyWhenClean: true,
  check: validateExamples,
});

/**
 * Every example must validate against its event schema. The model decides, in one walk over each
 * example; ajv, compiled only for an event whose example the model rejects, words the errors
 * (compiling a validator per event was most of lint's time on large catalogs; a test holds the two
 * verdicts equal). Shared types are compiled once and called (`inlineRefs: false`), and all errors are
 * collected in one pass, which keeps ajv's code flat: stopping at the first error nests one block per
 * property, which V8 could not even parse for a record of 2,000 fields.
 */
function validateExamples({ files, model }: LintInput, report: Report): void {
  let ajv: ReturnType<typeof createAjv> | undefined;
  const byRel = new Map(files.map((f) => [f.rel, f]));
  for (const event of model.events) {
    const file = byRel.get(event.origin.file);
    if (file === undefined) continue;
    const root: TypeNode = { kind: "ref", name: event.record.name };
    if (event.examples.every((example) => valueError(model, root, example) === undefined)) continue;
    if (ajv === undefined) {
      ajv = createAjv({ inlineRefs: false });
      for (const f of files) ajv.addSchema(f.source.value as object);
    }
    const id = String((file.source.value as Record<string, unknown>).$id);
    const validate = ajv.getSchema(id);
    if (validate === undefined) continue;
    event.examples.forEach((example, index) => {
      if (validate(example)) return;
      for (const error of validate.errors ?? []) {
        const pointer = `/examples/${index}${error.instancePath}`;
        const detail =
          error.keyword === "additionalProperties"
            ? `unknown field "${String(error.params.additionalProperty)}"`
            : (error.message ?? "is invalid");
        report(
          file.rel,
          pointer,
          `example ${index}${error.instancePath ? ` at ${error.instancePath}` : ""}: ${detail}`,
          "fix the example or the schema; examples are part of the contract",
        );
      }
    });
  }
}
