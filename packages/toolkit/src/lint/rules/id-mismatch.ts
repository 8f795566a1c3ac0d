import { rule } from "../rule.js";

export default rule({
  code: "id-mismatch",
  meaning: "`$id` does not end with the file's path, or its base differs from the other files'",
  fix: "make `$id` mirror the file's place",
  check({ files }, report) {
    const bases = new Map<string, string>();
    for (const file of files) {
      const id = String((file.source.value as Record<string, unknown>).$id);
      if (id.endsWith(`/${file.rel}`)) bases.set(id.slice(0, -file.rel.length), file.rel);
      else
        report(
          file.rel,
          "/$id",
          `$id must end with /${file.rel}`,
          "relative $refs resolve against $id, so it must mirror the file's place in the schemas folder",
        );
    }
    const [first, ...others] = bases.keys();
    for (const base of others)
      report(bases.get(base) ?? "", "/$id", `$id base ${base} differs from ${first}`, "all files of a catalog share one $id base");
  },
});
