import type { EventDefinition, Field, NamedType, RecordType, TypeNode } from "../../load/model.js";
import { type LintInput, nodeAt, rule } from "../rule.js";

export default rule({
  code: "key-field-unknown",
  meaning: "`x-event-key-field` does not reach a non-null scalar field",
  fix: "fix the dotted path",
  check(input, report) {
    for (const event of input.model.events) {
      const problem = keyFieldProblem(input, event);
      if (problem !== undefined) report(event.origin.file, "/x-event-key-field", ...problem);
    }
  },
});

function keyFieldProblem(input: LintInput, event: EventDefinition): [message: string, hint: string] | undefined {
  if (event.keyField === undefined) return undefined;
  const { model } = input;
  let record: RecordType | undefined = event.record;
  let type: TypeNode | undefined;
  for (const segment of event.keyField.split(".")) {
    const field: Field | undefined = record?.fields.find((f) => f.name === segment);
    if (field === undefined) {
      // A field written in the schema whose type failed to load is missing from the model, not unknown.
      const written = record === undefined ? undefined : nodeAt(input, record.origin)?.properties;
      if (typeof written === "object" && written !== null && Object.hasOwn(written, segment)) return undefined;
      return [
        `event key field ${event.keyField}: no field "${segment}"`,
        "give a dotted path through the event's fields, e.g. exam_attempt.course_key",
      ];
    }
    type = field.type;
    const named: NamedType | undefined = type.kind === "ref" ? model.types.get(type.name) : undefined;
    record = named?.kind === "record" ? named : undefined;
  }
  if (type !== undefined && (type.kind === "nullable" || (type.kind === "ref" && model.types.get(type.name)?.kind === "record")))
    return [`event key field ${event.keyField} must be a non-null scalar`, "point at a string or number field that every event carries"];
  return undefined;
}
