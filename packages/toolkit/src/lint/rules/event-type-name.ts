import type { CanonConfig } from "../../load/config.js";
import { rule } from "../rule.js";

export default rule({
  code: "event-type-name",
  meaning: "the event type breaks the naming rule",
  fix: "follow `<prefix>.<domain>.<subject>.<action>.v<N>`, or allow-list a legacy name",
  check({ files, config }, report) {
    for (const file of files) {
      if (file.role !== "event") continue;
      const naming = eventTypeProblem(String((file.source.value as Record<string, unknown>)["x-event-type"]), config);
      if (naming !== undefined)
        report(file.rel, "/x-event-type", naming, "see the naming rule in `canon docs`; legacy names need an entry in legacyEventTypes");
    }
  },
});

/** The naming rule: `<prefix>.<domain>.<subject...>.<action>.v<N>`, lowercase, or an allow-listed legacy name. */
function eventTypeProblem(eventType: string, config: CanonConfig): string | undefined {
  if (config.legacyEventTypes.has(eventType)) return undefined;
  const prefix = config.eventTypePrefix;
  if (prefix !== "" && !eventType.startsWith(`${prefix}.`)) return `event type ${eventType} does not start with ${prefix}.`;
  const rest = prefix === "" ? eventType : eventType.slice(prefix.length + 1);
  const minSegments = prefix === "" ? 5 : 3;
  const segments = rest.split(".");
  if (!/^v[1-9][0-9]*$/.test(segments.at(-1) ?? "")) return `event type ${eventType} does not end with a major version (.v1, .v2, ...)`;
  if (segments.length < minSegments + 1 || !segments.slice(0, -1).every((s) => /^[a-z][a-z0-9_]*$/.test(s))) {
    return `event type ${eventType} must read ${prefix || "<org>.<name>"}.<domain>.<subject>.<action>.v<N> in lowercase snake_case segments`;
  }
  return undefined;
}
