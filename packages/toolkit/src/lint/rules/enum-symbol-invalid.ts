import { joinPointer } from "../../load/json-source.js";
import { isAvroName } from "../../load/naming.js";
import { rule, typesOf } from "../rule.js";

export default rule({
  code: "enum-symbol-invalid",
  meaning: "an enum symbol is not a valid Avro name (`in-progress`, `1st`)",
  fix: "use `in_progress`-style symbols",
  check({ model }, report) {
    for (const type of typesOf(model, "enum")) {
      type.symbols.forEach((symbol, index) => {
        if (!isAvroName(symbol))
          report(
            type.origin.file,
            joinPointer(type.origin.pointer, "enum", index),
            `enum symbol "${symbol}" is not a valid Avro name`,
            "use letters, digits and underscores, not starting with a digit (e.g. in_progress)",
          );
      });
    }
  },
});
