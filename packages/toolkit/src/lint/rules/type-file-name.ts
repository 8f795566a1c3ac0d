import path from "node:path";
import { rule } from "../rule.js";

export default rule({
  code: "type-file-name",
  meaning: "a type file's name differs from its `title`",
  fix: "rename the file",
  check({ files }, report) {
    for (const file of files) {
      if (file.role !== "type") continue;
      const base = path.posix.basename(file.rel, ".json");
      const title = String((file.source.value as Record<string, unknown>).title);
      if (base !== title)
        report(file.rel, "/title", `file is named ${base}.json but defines type ${title}`, `rename the file to ${title}.json`);
    }
  },
});
