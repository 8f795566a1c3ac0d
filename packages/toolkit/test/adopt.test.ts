import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { edit, git, REPO, TOOLKIT, tempDir, venvPython } from "./helpers.js";

/**
 * A new team's first hour, as they would live it, in an empty folder with nothing but the packed toolkit:
 * init, a new event, generate, the catalog's own test command, the npm package installed into a fresh TypeScript
 * project, the wheel installed into a fresh venv, a release, and `canon check` on a breaking and a compatible edit.
 */

const NPM_FLAGS = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];
const EVENT = "com.acme.billing.invoice.paid.v1";
/** Python tools (python3 for the catalog's tests, the venv's build) come first on PATH, as a set-up would put them. */
const ENV = { ...process.env, PATH: `${path.dirname(venvPython())}${path.delimiter}${process.env.PATH ?? ""}` };

function sh(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: ENV, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function attempt(command: string, args: readonly string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: ENV });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function packInto(dir: string, args: readonly string[], cwd: string): string {
  const before = new Set(readdirSync(dir));
  sh("npm", ["pack", "--silent", "--pack-destination", dir, ...args], cwd);
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz") && !before.has(f));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${dir}`);
  return path.join(dir, tarball);
}

describe("a new catalog, from the packed toolkit to a checked pull request", () => {
  const started = Date.now();
  let root: string;
  let catalog: string;
  let canon: (...args: string[]) => string;
  const timings: Record<string, number> = {};
  const timed = <T>(step: string, work: () => T): T => {
    const t = Date.now();
    const result = work();
    timings[step] = Date.now() - t;
    return result;
  };

  beforeAll(() => {
    root = tempDir("adopt");
    const toolkit = timed("pack toolkit", () => packInto(root, [], TOOLKIT));
    const tool = path.join(root, "tool");
    sh("mkdir", [tool], root);
    writeFileSync(path.join(tool, "package.json"), '{ "name": "tool", "private": true }\n');
    timed("install toolkit", () => sh("npm", ["install", ...NPM_FLAGS, toolkit], tool));
    catalog = path.join(root, "acme");
    timed("init", () =>
      sh(path.join(tool, "node_modules/.bin/canon"), ["init", catalog, "--name", "acme-events", "--npm-scope", "@acme"], root),
    );
    // The catalog's own devDependency on the toolkit, pointed at the tarball: it is not on a registry.
    timed("install catalog", () => sh("npm", ["install", ...NPM_FLAGS, "--save-dev", toolkit], catalog));
    canon = (...args: string[]) => sh(path.join(catalog, "node_modules/.bin/canon"), args, catalog);
    timed("new + generate", () => {
      canon("new", "event", EVENT);
      edit(catalog, `schemas/events/${EVENT}.json`, (schema) => {
        schema.properties.amount_cents = { type: "integer", minimum: 0, description: "What was paid, in cents." };
        schema.required.push("amount_cents");
        schema.examples = [{ id: "inv-1", amount_cents: 1250 }];
      });
      canon("generate");
    });
  }, 600_000);

  it("ships its docs: canon docs and canon explain work from the installed package", () => {
    expect(canon("docs")).toBe(readFileSync(path.join(TOOLKIT, "docs/schema-format.md"), "utf8"));
    expect(canon("explain", "missing-keyword")).toContain("meaning: a keyword every event (or type) file must have is missing");
    // The workflows and .gitignore survive npm pack, which drops dotfiles it knows (.gitignore) and would take .npmignore.
    for (const file of [".github/workflows/ci.yml", ".github/workflows/release.yml", ".gitignore"])
      expect(existsSync(path.join(catalog, file))).toBe(true);
  });

  it("passes its own test command: generate --check, lint, registry, both packages built and tested", () => {
    const out = timed("npm test", () => sh("npm", ["test"], catalog));
    expect(out).toContain("all generated files are up to date");
    expect(out).toMatch(/# pass [1-9]/);
  }, 300_000);

  it("packs an npm package that installs into a fresh TypeScript project, where a producer type-checks and runs", () => {
    const consumer = path.join(root, "consumer");
    sh("mkdir", [consumer], root);
    timed("pack + install npm package", () => {
      const tarball = packInto(root, ["--workspace", "packages/acme-events"], catalog);
      writeFileSync(path.join(consumer, "package.json"), '{ "name": "consumer", "private": true, "type": "module" }\n');
      sh("npm", ["install", ...NPM_FLAGS, tarball, "typescript@~5.9.3", "@types/node@20"], consumer);
    });
    writeFileSync(
      path.join(consumer, "producer.ts"),
      [
        'import { createMetadata, invoicePaidV1, toKafkaHeaders } from "@acme/acme-events";',
        "",
        'const data = { id: "inv-1", amount_cents: 1250 };',
        "if (!invoicePaidV1.validate(data)) throw new Error(JSON.stringify(invoicePaidV1.check(data)));",
        "const value = invoicePaidV1.encode(data);",
        'const headers = toKafkaHeaders(createMetadata(invoicePaidV1.eventType, { source: "acme/billing/web" }));',
        "const back = invoicePaidV1.decode(value);",
        "const cents: number = back.amount_cents;",
        "console.log(invoicePaidV1.eventType, back.id, cents, invoicePaidV1.keyOf(back), Object.keys(headers).length > 0);",
        "",
        "export function misuse(): void {",
        "  // @ts-expect-error amount_cents is required",
        '  invoicePaidV1.encode({ id: "x" });',
        "  // @ts-expect-error a field the event does not have",
        '  invoicePaidV1.encode({ id: "x", amount_cents: 1, currency: "EUR" });',
        "}",
        "",
      ].join("\n"),
    );
    writeFileSync(
      path.join(consumer, "tsconfig.json"),
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
    timed("tsc producer", () => sh(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."], consumer));
    expect(sh(process.execPath, ["out/producer.js"], consumer)).toBe(`${EVENT} inv-1 1250 inv-1 true\n`);
  }, 300_000);

  it("builds a wheel that installs into a fresh venv and round-trips the event", () => {
    const dist = path.join(root, "dist");
    timed("build wheel", () =>
      sh(venvPython(), ["-m", "build", "--wheel", "--no-isolation", "--outdir", dist, "packages/acme-events-py"], catalog),
    );
    const wheel = readdirSync(dist).find((f) => f.endsWith(".whl"));
    expect(wheel).toMatch(/^acme_events-0\.1\.0-py3-none-any\.whl$/);
    const venv = path.join(root, "venv");
    const python = path.join(venv, "bin/python");
    timed("venv + pip install", () => {
      // A venv without its own pip (ensurepip alone takes most of a minute here); the set-up's pip installs into it.
      sh(venvPython(), ["-m", "venv", "--without-pip", venv], root);
      const install = ["-m", "pip", "--python", python, "install", "--quiet", "--disable-pip-version-check"];
      sh(venvPython(), [...install, `${path.join(dist, wheel ?? "")}[avro]`], root);
      expect(sh(python, ["-c", "import sys; print(sys.prefix)"], root).trim()).toBe(venv);
    });
    const script = [
      "from acme_events import EVENT_DATA_CLASSES, decode, encode",
      "from acme_events.billing import InvoicePaidV1",
      `assert EVENT_DATA_CLASSES["${EVENT}"] is InvoicePaidV1`,
      'event = InvoicePaidV1.from_dict({"id": "inv-1", "amount_cents": 1250})',
      "again = decode(InvoicePaidV1, encode(event))",
      "assert again == event",
      "print(again.EVENT_TYPE, again.id, again.amount_cents)",
    ].join("\n");
    expect(sh(python, ["-c", script], root)).toBe(`${EVENT} inv-1 1250\n`);
  }, 300_000);

  it("releases, then canon check fails a breaking edit with an annotation on its line and passes a compatible one", () => {
    const file = `schemas/events/${EVENT}.json`;
    timed("release + check", () => {
      git(catalog, "init", "-q", "-b", "main");
      git(catalog, "add", "-A");
      git(catalog, "commit", "-q", "-m", "the catalog as init made it, with one event");
      expect(canon("release")).toContain(`released ${EVENT} v1`);
      canon("generate");
      git(catalog, "add", "-A");
      git(catalog, "commit", "-q", "-m", "release");

      edit(catalog, file, (schema) => {
        schema.properties.amount_cents.type = "string";
        schema.examples = [{ id: "inv-1", amount_cents: "1250" }];
      });
      const broken = attempt(path.join(catalog, "node_modules/.bin/canon"), ["check", "--base", "HEAD", "--format", "github"], catalog);
      expect(broken.code).toBe(1);
      const lines = readFileSync(path.join(catalog, file), "utf8").split("\n");
      const field = lines.findIndex((l) => l.includes('"amount_cents": {'));
      const line = lines.findIndex((l, i) => i > field && l.includes('"type": "string"')) + 1;
      expect(line).toBeGreaterThan(field + 1);
      expect(broken.stdout).toMatch(new RegExp(`^::error file=${file.replace(/\./g, "\\.")},line=${line},`, "m"));

      git(catalog, "checkout", "-q", "--", file);
      edit(catalog, file, (schema) => {
        schema.properties.note = { type: ["string", "null"], default: null, description: "Free text for the payer." };
      });
      const compatible = attempt(path.join(catalog, "node_modules/.bin/canon"), ["check", "--base", "HEAD", "--format", "github"], catalog);
      expect([compatible.code, compatible.stdout.includes("::error")]).toEqual([0, false]);
    });
    timings.total = Date.now() - started;
    process.stderr.write(`adopt timings (ms): ${JSON.stringify(timings)}\n`);
  }, 300_000);
});

// The repository root is where the toolkit's own workspace lives; the test must not have written there.
it("leaves the repository untouched", () => {
  expect(git(REPO, "status", "--porcelain", "--", "schemas", "registry")).toBe("");
});
