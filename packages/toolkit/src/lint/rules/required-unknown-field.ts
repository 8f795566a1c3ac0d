import { joinPointer } from "../../load/json-source.js";
import { nodeAt, rule, typesOf } from "../rule.js";

export default rule({
  code: "required-unknown-field",
  meaning: "`required` names a field that `properties` does not define",
  fix: "add the property or remove the name",
  check(input, report) {
    for (const type of typesOf(input.model, "record")) {
      const node = nodeAt(input, type.origin);
      const properties = (node?.properties ?? {}) as Record<string, unknown>;
      const required = Array.isArray(node?.required) ? (node.required as unknown[]) : [];
      // Indexed over the unique names, as the meta-schema holds `required` to unique items.
      for (const [index, name] of [...new Set(required.map(String))].entries()) {
        if (!(name in properties))
          report(
            type.origin.file,
            joinPointer(type.origin.pointer, "required", index),
            `"${name}" is required but not defined in properties`,
            "add the property or remove it from required",
          );
      }
    }
  },
});
