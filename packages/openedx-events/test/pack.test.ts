import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig, readHistory } from "@eventcanon/toolkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REPO = path.resolve(PACKAGE, "../..");

function sh(command: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The fenced code block that follows `<!-- snippet: NAME -->` in the README. */
function snippet(name: string): string {
  const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
  const code = new RegExp(`<!-- snippet: ${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1];
  if (code === undefined) throw new Error(`README has no snippet ${name}`);
  return code;
}

/** `canon registry serve` over registry/ as its own process on a free port; resolves with its URL. */
function serveRegistry(): Promise<{ url: string; child: ChildProcess }> {
  const data = mkdtempSync(path.join(os.tmpdir(), "eventcanon-pack-registry-"));
  const args = [path.join(REPO, "packages/toolkit/dist/cli/main.js"), "registry", "serve", "--port", "0", "--data", data];
  const child = spawn(process.execPath, args, { cwd: REPO });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const url = / on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url !== undefined) resolve({ url, child });
    });
    let err = "";
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("exit", (code) => reject(new Error(`canon registry serve exited ${code}: ${out}${err}`)));
  });
}

/** The released id of the exam attempt submitted event's current schema: what its messages carry. */
const SUBMITTED_ID = readHistory(loadConfig(REPO)).entries.find((e) => e.event === "org.openedx.learning.exam.attempt.submitted.v1")?.value
  .id;

/** The packed tarball installed into a fresh project, as a consumer would get it. */
describe("npm pack smoke test", () => {
  let project: string;
  let registry: { url: string; child: ChildProcess };
  afterAll(() => registry?.child.kill());

  beforeAll(async () => {
    registry = await serveRegistry();
    project = mkdtempSync(path.join(os.tmpdir(), "eventcanon-consumer-"));
    sh("npm", ["pack", "--pack-destination", project, "--silent"], PACKAGE);
    const tarball = readdirSync(project).find((f) => f.endsWith(".tgz"));
    if (tarball === undefined) throw new Error("npm pack wrote no tarball");
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", `./${tarball}`, "@types/node@20", "typescript@~5.9.3"], project);
  });

  it("ships dist (ESM and CJS), the console tool, the Avro and JSON schemas, the AsyncAPI documents, and no sources or tests", () => {
    const installed = path.join(project, "node_modules/@eventcanon/openedx-events");
    const top = readdirSync(installed).sort();
    expect(top).toEqual(["asyncapi", "avro", "bin", "dist", "package.json", "schemas"]);
    expect(readdirSync(path.join(installed, "avro"))).toHaveLength(75);
    expect(readdirSync(path.join(installed, "schemas"))).toHaveLength(75);
    const services = readdirSync(path.join(REPO, "services")).map((f) => f.replace(/\.json$/, ".asyncapi.json"));
    expect(readdirSync(path.join(installed, "asyncapi")).sort()).toEqual(services.sort());
    const script = 'console.log(require(require.resolve("@eventcanon/openedx-events/asyncapi/edx-exams.asyncapi.json")).asyncapi);';
    writeFileSync(path.join(project, "asyncapi.cjs"), script);
    expect(sh(process.execPath, ["asyncapi.cjs"], project)).toBe("3.0.0\n");
  });

  it("the README's TypeScript producer and consumer type-check and run against the installed package", () => {
    writeFileSync(path.join(project, "producer.ts"), snippet("typescript-producer"));
    writeFileSync(path.join(project, "consumer.ts"), snippet("typescript-consumer"));
    writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: true,
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          outDir: "out",
        },
        include: ["*.ts"],
      }),
    );
    sh(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."], project);
    const expected = `org.openedx.learning.exam.attempt.submitted.v1 ${SUBMITTED_ID} course-v1:edX+DemoX+Demo_Course 42\n`;
    expect(sh(process.execPath, ["out/consumer.js"], project)).toBe(expected);
    expect(sh(process.execPath, ["out/consumer.js"], project, { SCHEMA_REGISTRY_URL: registry.url })).toBe(expected);
  });

  it("installs the console tools as a bin, which need kafkajs or ioredis only when used", () => {
    const bin = path.join(project, "node_modules/.bin/eventcanon-openedx");
    const usage = spawnSync(bin, ["consume"], { cwd: project, encoding: "utf8" });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("eventcanon-openedx: --bus must be kafka or redis\nusage:\n  consume --bus kafka|redis");
    const noClient = spawnSync(bin, ["consume", "--bus", "kafka", "--bootstrap", "127.0.0.1:9", "--topic", "t"], {
      cwd: project,
      encoding: "utf8",
    });
    expect(noClient.status).toBe(2);
    expect(noClient.stderr).toContain("eventcanon-openedx: the kafka bus needs kafkajs: npm install kafkajs");
  });

  it("works from CommonJS and through a deep import per domain", () => {
    const script = [
      'const { events } = require("@eventcanon/openedx-events");',
      'const learning = require("@eventcanon/openedx-events/learning");',
      'const file = require.resolve("@eventcanon/openedx-events/avro/org.openedx.learning.exam.attempt.submitted.v1.avsc");',
      'const schema = JSON.parse(require("node:fs").readFileSync(file, "utf8"));',
      "console.log(Object.keys(events).length, typeof learning.examAttemptSubmittedV1.encode, schema.name);",
    ].join("\n");
    writeFileSync(path.join(project, "cjs.cjs"), script);
    expect(sh(process.execPath, ["cjs.cjs"], project)).toBe("75 function CloudEvent\n");
  });
});
