import { joinPointer } from "../../load/json-source.js";
import { rule, typesOf } from "../rule.js";

export default rule({
  code: "enum-default-invalid",
  meaning: "`x-enum-default` is not one of the enum's symbols",
  fix: "name one of the symbols",
  check({ model }, report) {
    for (const type of typesOf(model, "enum")) {
      if (type.fallback === undefined || type.symbols.includes(type.fallback)) continue;
      report(
        type.origin.file,
        joinPointer(type.origin.pointer, "x-enum-default"),
        `x-enum-default "${type.fallback}" is not one of the enum's symbols`,
        `use one of ${type.symbols.map((s) => `"${s}"`).join(", ")}`,
      );
    }
  },
});
