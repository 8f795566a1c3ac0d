import { fieldsOf, rule } from "../rule.js";

export default rule({
  code: "optional-without-default",
  meaning: "a field not in `required` has no `default`",
  fix: "add a default (`null` for nullable) or require it",
  check({ model }, report) {
    for (const field of fieldsOf(model)) {
      if (field.required || field.default !== undefined) continue;
      report(
        field.origin.file,
        field.origin.pointer,
        `optional field "${field.name}" has no default`,
        'Avro and Python need a value when it is absent: add "default" (null for a nullable field) or list it in required',
      );
    }
  },
});
