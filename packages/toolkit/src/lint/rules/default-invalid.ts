import { joinPointer } from "../../load/json-source.js";
import { shapeError } from "../../load/values.js";
import { fieldsOf, rule } from "../rule.js";

export default rule({
  code: "default-invalid",
  meaning: "a `default` does not fit the field's type",
  fix: "fix the default, or make the type nullable for `null`",
  check({ model }, report) {
    for (const field of fieldsOf(model)) {
      const error = field.default === undefined ? undefined : shapeError(model, field.type, field.default.value);
      if (error !== undefined)
        report(
          field.origin.file,
          joinPointer(field.origin.pointer, "default"),
          `default does not fit the field's type: ${error}`,
          'for "default": null the type must be nullable',
        );
    }
  },
});
