import { npmPackageName } from "../published.js";
import { target } from "../target.js";

/** `ExamAttemptSubmittedV1` -> `examAttemptSubmittedV1`: the codec's export name. */
export function codecName(typeName: string): string {
  return typeName.charAt(0).toLowerCase() + typeName.slice(1);
}

export default target({
  name: "typescript",
  folder: "generated/typescript",
  summary: "The npm package's sources: types, precompiled validators and one Avro codec per event.",
  emitter: async () => (await import("./index.js")).typescriptEmitter,
  tab: { label: "TypeScript", language: "ts" },
  importLine: (event, folder) =>
    `import { ${codecName(event.record.name)}, type ${event.record.name} } from "${npmPackageName(folder, "index.js")}";`,
});
