import type { CanonConfig } from "../../load/config.js";
import { joinPointer } from "../../load/json-source.js";
import { type Model, type NamedType, reachableTypes } from "../../load/model.js";
import { rule } from "../rule.js";

export default rule({
  code: "avro-name-clash",
  meaning: "two types one event uses have the same Avro name (an `x-avro-name`, or the event record's name)",
  fix: "give one an `x-avro-name` of its own",
  check({ model, config }, report) {
    for (const [type, other, event] of avroNameClashes(model, config)) {
      report(
        type.origin.file,
        type.avroName === undefined ? type.origin.pointer : joinPointer(type.origin.pointer, "x-avro-name"),
        `${type.name} is named ${type.avroName ?? type.name} in Avro, as ${other} is, and event ${event} uses both: one Avro schema cannot define a name twice`,
        `give ${type.name} an x-avro-name of its own`,
      );
    }
  },
});

/** Named types that an event's Avro schema would define under a name it already defined: each pair once. */
function avroNameClashes(model: Model, config: CanonConfig): [NamedType, string, string][] {
  const out = new Map<string, [NamedType, string, string]>();
  for (const event of model.events) {
    const owners = new Map([[config.avroEventRecordName ?? event.record.name, event.record.name]]);
    for (const type of reachableTypes(model, event)) {
      if (type.kind === "alias" || type === event.record) continue;
      const name = type.avroName ?? type.name;
      const owner = owners.get(name);
      if (owner !== undefined && !out.has(type.name)) out.set(type.name, [type, owner, event.eventType]);
      owners.set(name, type.name);
    }
  }
  return [...out.values()];
}
