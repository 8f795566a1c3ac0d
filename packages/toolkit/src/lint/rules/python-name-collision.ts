import { pythonFieldName } from "../../load/naming.js";
import { rule, typesOf } from "../rule.js";

export default rule({
  code: "python-name-collision",
  meaning: "two fields map to the same Python attribute (`class` and `class_`)",
  fix: "rename one",
  check({ model }, report) {
    for (const type of typesOf(model, "record")) {
      const pythonNames = new Map<string, string>();
      for (const field of type.fields) {
        const pythonName = pythonFieldName(field.name);
        const clash = pythonNames.get(pythonName);
        if (clash !== undefined)
          report(
            type.origin.file,
            field.origin.pointer,
            `field "${field.name}" and "${clash}" both become "${pythonName}" in Python`,
            "rename one of them",
          );
        pythonNames.set(pythonName, field.name);
      }
    }
  },
});
