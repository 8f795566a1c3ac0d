import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFiles } from "../src/load/list-files.js";
import { FIXTURES, REPO, run, TOOLKIT, tempDir, tempDirInRepo } from "./helpers.js";

/** The whole fifth target: an emitter that writes one text file per event listing its fields, and its description. */
const LINES_TARGET = `import type { Emitter, OutputFiles } from "../emitter.js";
import { target } from "../target.js";

const linesEmitter: Emitter = {
  target: "lines",
  async emit(model) {
    const files: OutputFiles = new Map();
    for (const event of model.events) files.set(\`\${event.eventType}.txt\`, \`\${event.record.fields.map((f) => f.name).join("\\n")}\\n\`);
    return { files, snippets: new Map(model.events.map((e) => [e.eventType, files.get(\`\${e.eventType}.txt\`) as string])) };
  },
};

export default target({
  name: "lines",
  folder: "generated/lines",
  summary: "One text file per event listing its fields.",
  emitter: async () => linesEmitter,
  tab: { label: "Field names", language: "lines" },
});
`;

/**
 * Adding a target touches one new folder and the list: the toolkit's sources are copied (inside the toolkit,
 * so that their imports resolve), the fifth target added to the copy, the copy built with tsc (which also
 * checks it against the types derived from the list) and run as \`canon\`.
 */
describe("a fifth target added as one folder and one entry in src/emit/targets.ts", () => {
  let copy: string;
  let work: string;
  const canon = (args: readonly string[]) => run(process.execPath, [path.join(copy, "dist/cli/main.js"), ...args], work);

  beforeAll(() => {
    copy = tempDirInRepo("add-target");
    for (const folder of ["src", "meta-schema", "templates"])
      cpSync(path.join(TOOLKIT, folder), path.join(copy, folder), { recursive: true });
    work = tempDir("add-target-catalog");
    cpSync(path.join(FIXTURES, "kitchen-sink"), work, { recursive: true });

    mkdirSync(path.join(copy, "src/emit/lines"));
    writeFileSync(path.join(copy, "src/emit/lines/target.ts"), LINES_TARGET);
    const list = path.join(copy, "src/emit/targets.ts");
    const before = readFileSync(list, "utf8");
    const after = before
      .replace('import typescript from "./typescript/target.js";', '$&\nimport lines from "./lines/target.js";')
      .replace("jsonschema, asyncapi] as const;", "jsonschema, asyncapi, lines] as const;");
    expect([after.split("\n").length - before.split("\n").length, after.includes("asyncapi, lines] as const")]).toEqual([1, true]);
    writeFileSync(list, after);

    const base = path.relative(copy, path.join(REPO, "tsconfig.base.json"));
    const tsconfig = { extends: base, compilerOptions: { rootDir: "src", outDir: "dist" }, include: ["src"] };
    writeFileSync(path.join(copy, "tsconfig.json"), JSON.stringify(tsconfig));
    const tsc = run(process.execPath, [path.join(REPO, "node_modules/typescript/bin/tsc"), "-p", copy], copy);
    expect(tsc.stdout + tsc.stderr).toBe("");
  }, 180_000);

  afterAll(() => {
    if (copy !== undefined) rmSync(copy, { recursive: true, force: true });
  });

  it("touches the new folder and the list, nothing else", () => {
    const changed = listFiles(path.join(copy, "src")).filter((rel) => {
      const original = path.join(TOOLKIT, "src", rel);
      return !existsSync(original) || readFileSync(original, "utf8") !== readFileSync(path.join(copy, "src", rel), "utf8");
    });
    expect(changed.sort()).toEqual(["emit/lines/target.ts", "emit/targets.ts"]);
  });

  it("is a generate target: its own folder, one file per event, and listed in the help", () => {
    const help = canon(["generate", "--help"]);
    expect(help.stdout).toContain("only this target: typescript, avro, python, jsonschema, asyncapi or lines (repeatable");
    expect(help.stdout).toContain("DIR/asyncapi, DIR/lines\n");
    const out = path.join(work, "all");
    const generated = canon(["generate", "--out", out, "--target", "lines", "--target", "avro"]);
    expect(generated.stderr).toBe("");
    expect(generated.stdout).toMatch(/^lines +3 files -> .*\/all\/lines \(updated\)$/m);
    expect(listFiles(path.join(out, "lines"))).toEqual(listFiles(path.join(out, "avro")).map((f) => f.replace(/\.avsc$/, ".txt")));
    expect(canon(["generate", "--target", "nonsense"]).stderr).toContain("use typescript, avro, python, jsonschema, asyncapi, lines\n");
  });

  it("is an outputs key of the config, which still refuses an unknown one", () => {
    const config = JSON.parse(readFileSync(path.join(work, "eventcanon.config.json"), "utf8")) as { outputs: Record<string, string> };
    writeFileSync(path.join(work, "with-lines.json"), JSON.stringify({ ...config, outputs: { ...config.outputs, lines: "out/lines" } }));
    const generated = canon(["generate", "--config", "with-lines.json", "--target", "lines"]);
    expect(generated.stderr).toBe("");
    expect(readFileSync(path.join(work, "out/lines/com.example.shop.order.placed.v1.txt"), "utf8")).toMatch(/^order_id\n/);
    const typo = { schemas: "schemas", outputs: { lines: "out/lines", line: "out/line" } };
    writeFileSync(path.join(work, "typo.json"), JSON.stringify(typo, null, 2));
    const refused = canon(["lint", "--config", "typo.json"]);
    expect([refused.code, refused.stderr.split("\n")[0]]).toEqual([
      2,
      'typo.json:5:5 /outputs/line error[config-invalid]: unknown config key "line"',
    ]);
    expect(canon(["docs", "config"]).stdout).toContain(
      "  outputs.lines  string: One text file per event listing its fields. Default: generated/lines.\n",
    );
  });

  it("has a tab on every event page of the catalog, after the other three", () => {
    const site = path.join(work, "site");
    expect(canon(["catalog", "--out", site]).code).toBe(0);
    const page = readFileSync(path.join(site, "events/com.example.shop.order.placed.v1.html"), "utf8");
    const labels = [...page.matchAll(/<label for="tab-([a-z]+)">([^<]*)<\/label>/g)].map((m) => `${m[1]}: ${m[2]}`);
    expect(labels).toEqual(["ts: TypeScript", "avro: Avro", "py: Python", "lines: Field names"]);
    expect(page).toContain('<div class="panel panel-lines" role="region" aria-label="Field names"><pre><code>order_id\n');
    expect(readFileSync(path.join(site, "style.css"), "utf8")).toContain(
      "#tab-py:checked ~ .panel-py,\n#tab-lines:checked ~ .panel-lines {",
    );
  });
});
