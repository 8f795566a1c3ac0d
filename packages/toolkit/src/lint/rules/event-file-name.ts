import path from "node:path";
import { rule } from "../rule.js";

export default rule({
  code: "event-file-name",
  meaning: "an event file's name differs from its `x-event-type`",
  fix: "rename the file",
  check({ files }, report) {
    for (const file of files) {
      if (file.role !== "event") continue;
      const base = path.posix.basename(file.rel, ".json");
      const eventType = String((file.source.value as Record<string, unknown>)["x-event-type"]);
      if (base !== eventType)
        report(
          file.rel,
          "/x-event-type",
          `file is named ${base}.json but declares event type ${eventType}`,
          `rename the file to ${eventType}.json`,
        );
    }
  },
});
