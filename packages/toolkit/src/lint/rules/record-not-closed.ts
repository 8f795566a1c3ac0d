import { nodeAt, rule, typesOf } from "../rule.js";

export default rule({
  code: "record-not-closed",
  meaning: 'a record lacks `"additionalProperties": false`',
  fix: "add it (use a map for free-form keys)",
  check(input, report) {
    for (const type of typesOf(input.model, "record")) {
      if (nodeAt(input, type.origin)?.additionalProperties === false) continue;
      report(
        type.origin.file,
        type.origin.pointer,
        'a record must declare "additionalProperties": false',
        "closed records let optional fields be added compatibly; use a map (additionalProperties: {schema}, no properties) for free-form keys",
      );
    }
  },
});
