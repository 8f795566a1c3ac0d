import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { listFiles } from "../src/load/list-files.js";
import { canon, REPO, tempDir } from "./helpers.js";

const ACME = ["--name", "acme-events", "--npm-scope", "@acme", "--prefix", "com.acme"];
/** The options that make `init` the Open edX catalog's scaffolding: its names, as this repository spells them. */
const OPEN_EDX = [
  "--name",
  "openedx-events",
  "--npm-scope",
  "@eventcanon",
  "--python-package",
  "eventcanon_openedx",
  "--python-name",
  "eventcanon-openedx-events",
  "--prefix",
  "org.openedx",
  "--title",
  "Open edX",
];

function json(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

/** Every file and folder under `dir`, relative, sorted: to prove a refused run wrote nothing. */
function tree(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: "utf8" }).sort() : [];
}

describe("canon init", () => {
  let catalog: string;
  beforeAll(() => {
    catalog = path.join(tempDir("init"), "acme");
    const result = canon(["init", catalog, ...ACME], REPO);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("writes a catalog whose schemas lint and whose generated code is current", () => {
    expect(tree(catalog).filter((f) => !f.includes("generated") && !f.includes(path.join("src", "acme_events")))).toEqual(
      [
        ".github",
        ".github/workflows",
        ".github/workflows/ci.yml",
        ".github/workflows/release.yml",
        ".gitignore",
        "README.md",
        "eventcanon.config.json",
        "package.json",
        "packages",
        "packages/acme-events",
        "packages/acme-events-py",
        "packages/acme-events-py/README.md",
        "packages/acme-events-py/package.json",
        "packages/acme-events-py/pyproject.toml",
        "packages/acme-events-py/requirements-dev.txt",
        "packages/acme-events-py/src",
        "packages/acme-events-py/tests",
        "packages/acme-events-py/tests/test_events.py",
        // Empty until a service sends or receives an event: one AsyncAPI document per service.
        "packages/acme-events/asyncapi",
        "packages/acme-events/avro",
        "packages/acme-events/avro/com.acme.example.item.created.v1.avsc",
        "packages/acme-events/bin",
        "packages/acme-events/bin/acme-events.js",
        "packages/acme-events/package.json",
        "packages/acme-events/schemas",
        "packages/acme-events/schemas/com.acme.example.item.created.v1.json",
        "packages/acme-events/src",
        "packages/acme-events/src/index.ts",
        "packages/acme-events/test",
        "packages/acme-events/test/events.test.mjs",
        "packages/acme-events/tsconfig.cjs.json",
        "packages/acme-events/tsconfig.json",
        "registry",
        "schemas",
        "schemas/events",
        "schemas/events/com.acme.example.item.created.v1.json",
        "schemas/types",
        "schemas/types/ItemData.json",
        "tsconfig.base.json",
      ].map((f) => f.split("/").join(path.sep)),
    );
    expect(canon(["lint"], catalog)).toMatchObject({ code: 0, stdout: "canon lint: no problems (1 events, 1 other named types)\n" });
    expect(canon(["generate", "--check"], catalog).code).toBe(0);
    expect(readdirSync(path.join(catalog, "registry"))).toEqual([]);
    expect(json(path.join(catalog, "packages/acme-events/package.json")).name).toBe("@acme/acme-events");
    expect(readFileSync(path.join(catalog, "packages/acme-events-py/pyproject.toml"), "utf8")).toContain('\nname = "acme-events"\n');
    const ci = readFileSync(path.join(catalog, ".github/workflows/ci.yml"), "utf8");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JavaScript template.
    expect(ci).toContain("run: npx canon check --base origin/${{ github.base_ref }} --format github");
    expect(ci).toContain("run: npm test");
    expect(readFileSync(path.join(catalog, "README.md"), "utf8")).toContain("npm install   #");
  });

  it("leaves no template token unreplaced", () => {
    const left = listFiles(catalog).filter((f) => /__[A-Z_]+__/.test(readFileSync(path.join(catalog, f), "utf8")));
    expect(left).toEqual([]);
  });

  it("refuses a non-empty folder and writes nothing; --force writes beside what is there, never over it", () => {
    const dir = tempDir("init-busy");
    writeFileSync(path.join(dir, "NOTES.txt"), "mine\n");
    const refused = canon(["init", dir, ...ACME], REPO);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split("\n")[0]).toMatch(/ is not empty \(NOTES\.txt\); pass --force to write into it$/);
    expect(tree(dir)).toEqual(["NOTES.txt"]);

    writeFileSync(path.join(dir, "README.md"), "mine\n");
    const clash = canon(["init", dir, ...ACME, "--force"], REPO);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/would overwrite README\.md in .*; nothing was written/);
    expect(tree(dir)).toEqual(["NOTES.txt", "README.md"]);

    const other = tempDir("init-force");
    writeFileSync(path.join(other, "NOTES.txt"), "mine\n");
    expect(canon(["init", other, ...ACME, "--force"], REPO).code).toBe(0);
    expect(readFileSync(path.join(other, "NOTES.txt"), "utf8")).toBe("mine\n");
    expect(existsSync(path.join(other, "schemas/types/ItemData.json"))).toBe(true);
    expect(tree(other).filter((f) => f.startsWith(".canon-init"))).toEqual([]);
  });

  it("takes a folder an init killed midway left with only its staging folder as empty, and clears it", () => {
    const dir = tempDir("init-killed");
    mkdirSync(path.join(dir, ".canon-init-XyZ12/schemas"), { recursive: true });
    expect(canon(["init", dir, ...ACME], REPO).code).toBe(0);
    expect(tree(dir).filter((f) => f.startsWith(".canon-init"))).toEqual([]);
  });

  it.each([
    [["--npm-scope", "@acme"], "canon init: --name is required, e.g. --name acme-events"],
    [["--name", "Acme_Events"], 'canon init: --name "Acme_Events" must be lower-case words joined by "-", e.g. acme-events'],
    [
      ["--name", "acme", "--python-package", "class"],
      'canon init: --python-package "class" must be a lower-case Python identifier that is not a keyword',
    ],
    [["--name", "acme", "--prefix", "acme"], 'canon init: --prefix "acme" must be two or more dotted lower-case names, e.g. com.acme'],
  ])("refuses %j with exit 2, creating no folder", (args, message) => {
    const dir = path.join(tempDir("init-bad"), "new");
    const result = canon(["init", dir, ...args], REPO);
    expect([result.code, result.stderr.split("\n")[0]]).toEqual([2, message]);
    expect(existsSync(dir)).toBe(false);
  });
});

describe("canon new", () => {
  let catalog: string;
  beforeAll(() => {
    catalog = path.join(tempDir("new"), "acme");
    expect(canon(["init", catalog, ...ACME], REPO).code).toBe(0);
  });

  it("writes an event, a next major version --from it, and a type, all of which lint and generate", () => {
    expect(canon(["new", "event", "com.acme.billing.invoice.paid.v1"], catalog)).toEqual({
      code: 0,
      stdout:
        "canon new: wrote schemas/events/com.acme.billing.invoice.paid.v1.json; edit its fields and examples, then run canon generate\n",
      stderr: "",
    });
    const v1 = json(path.join(catalog, "schemas/events/com.acme.billing.invoice.paid.v1.json"));
    expect([v1.title, v1["x-topic"], v1.$id]).toEqual([
      "InvoicePaidV1",
      "billing-invoice-lifecycle",
      "https://acme.com/schemas/events/com.acme.billing.invoice.paid.v1.json",
    ]);
    expect(canon(["new", "event", "com.acme.example.item.created.v2", "--from", "com.acme.example.item.created.v1"], catalog).code).toBe(0);
    const from = json(path.join(catalog, "schemas/events/com.acme.example.item.created.v1.json"));
    const v2 = json(path.join(catalog, "schemas/events/com.acme.example.item.created.v2.json"));
    expect(v2).toEqual({
      ...from,
      $id: "https://acme.com/schemas/events/com.acme.example.item.created.v2.json",
      title: "ItemCreatedV2",
      "x-event-type": "com.acme.example.item.created.v2",
    });
    expect(canon(["new", "type", "InvoiceData"], catalog).code).toBe(0);
    expect(canon(["lint"], catalog)).toMatchObject({ code: 0, stdout: "canon lint: no problems (3 events, 2 other named types)\n" });
    expect(canon(["generate", "--target", "avro", "--out", tempDir("new-out")], catalog).code).toBe(0);
  });

  it.each([
    [
      ["new", "event", "com.acme.example.item.created.v1"],
      "canon new: schemas/events/com.acme.example.item.created.v1.json already exists; nothing was written",
    ],
    [
      ["new", "event", "org.other.billing.invoice.paid.v1"],
      'canon new: event type "org.other.billing.invoice.paid.v1" must start with the prefix "com.acme." (eventTypePrefix in eventcanon.config.json)',
    ],
    [
      ["new", "event", "com.acme.Billing.paid.v1"],
      'canon new: event type "com.acme.Billing.paid.v1" must be com.acme.<domain>.<subject>.<action>.v<N> in lower case, e.g. com.acme.billing.invoice.paid.v1',
    ],
    [
      ["new", "event", "com.acme.billing.invoice.paid.v1", "--from", "com.acme.nothing.here.v1"],
      "canon new: no event com.acme.nothing.here.v1: schemas/events/com.acme.nothing.here.v1.json does not exist",
    ],
    [["new", "type", "invoice"], 'canon new: type name "invoice" must be PascalCase, e.g. CourseData'],
    [["new", "thing", "X"], 'canon new: expected "event TYPE" or "type NAME", got: thing X'],
  ])("refuses %j with exit 2 and writes nothing", (args, message) => {
    const before = tree(path.join(catalog, "schemas"));
    const result = canon(args, catalog);
    expect([result.code, result.stderr.split("\n")[0]]).toEqual([2, message]);
    expect(tree(path.join(catalog, "schemas"))).toEqual(before);
  });
});

/**
 * This repository's Open edX catalog is what `init` makes with the Open edX names, plus its schemas and its own
 * extra tests: the same layout, config, package manifests and workflow, so what works for a new catalog works here.
 */
describe("the Open edX catalog is an init'ed catalog", () => {
  let made: string;
  beforeAll(() => {
    made = path.join(tempDir("init-openedx"), "catalog");
    const result = canon(["init", made, ...OPEN_EDX], REPO);
    expect(result.stderr).toBe("");
  });

  it("has every file init writes, byte for byte where nothing but the schemas could differ", () => {
    const written = listFiles(made).filter(
      (f) => !/\/(generated|avro|schemas|eventcanon_openedx)\//.test(`/${f}`) && !f.startsWith("schemas/"),
    );
    const missing = written.filter((f) => !existsSync(path.join(REPO, f)));
    // The example event's tests and the Python package's npm wrapper are init's; this repository has its own, larger ones.
    expect(missing).toEqual(["packages/openedx-events-py/tests/test_events.py", "packages/openedx-events/test/events.test.mjs"]);
    const identical = [
      ".github/workflows/release.yml",
      "tsconfig.base.json",
      "packages/openedx-events/tsconfig.json",
      "packages/openedx-events/tsconfig.cjs.json",
      "packages/openedx-events/src/index.ts",
      "packages/openedx-events/bin/eventcanon-openedx.js",
      "packages/openedx-events-py/pyproject.toml",
    ];
    for (const file of identical)
      expect([file, readFileSync(path.join(made, file), "utf8")]).toEqual([file, readFileSync(path.join(REPO, file), "utf8")]);
  });

  it("has the same config, but for the legacy names, the envelope version and the default subjects", () => {
    const ours = json(path.join(REPO, "eventcanon.config.json"));
    const theirs = json(path.join(made, "eventcanon.config.json"));
    const { legacyEventTypes, envelope, avro, $schema, ...shared } = ours;
    expect([Object.keys(legacyEventTypes as object).length, envelope, avro]).toEqual([
      3,
      { sourcelib: "11.2.0" },
      { eventRecordName: "CloudEvent" },
    ]);
    const { $schema: made$schema, ...madeShared } = theirs;
    expect(madeShared).toEqual(shared);
    expect([$schema, made$schema]).toEqual([
      "./packages/toolkit/meta-schema/config.schema.json",
      "./node_modules/@eventcanon/toolkit/meta-schema/config.schema.json",
    ]);
  });

  it("has the same npm package manifest, but for its monorepo scripts and dependency on the toolkit", () => {
    const ours = json(path.join(REPO, "packages/openedx-events/package.json"));
    const theirs = json(path.join(made, "packages/openedx-events/package.json"));
    const differing = Object.keys({ ...ours, ...theirs }).filter((k) => JSON.stringify(ours[k]) !== JSON.stringify(theirs[k]));
    expect(differing.sort()).toEqual(["devDependencies", "scripts"]);
    const scripts = (p: Record<string, unknown>) => p.scripts as Record<string, string>;
    expect(scripts(theirs).build).toBe(scripts(ours).build);
    expect(Object.keys(scripts(ours))).toEqual(expect.arrayContaining(Object.keys(scripts(theirs))));
    const root = json(path.join(REPO, "package.json"));
    const madeRoot = json(path.join(made, "package.json"));
    expect(madeRoot.workspaces).toEqual(root.workspaces);
    expect(Object.keys(scripts(root))).toEqual(expect.arrayContaining(Object.keys(scripts(madeRoot))));
  });

  it("pins the Python tools it needs at the versions this repository pins", () => {
    const pins = (file: string) =>
      readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => /^[a-z]/.test(l));
    const ours = pins(path.join(REPO, "packages/openedx-events-py/requirements-dev.txt"));
    expect(ours).toEqual(expect.arrayContaining(pins(path.join(made, "packages/openedx-events-py/requirements-dev.txt"))));
  });

  it("generates the same runtime files into the same places", () => {
    for (const [folder, filter] of [
      ["packages/openedx-events/src/generated/runtime", () => true],
      ["packages/openedx-events-py/src/eventcanon_openedx", (f: string) => f.startsWith("_")],
    ] as const) {
      expect([folder, listFiles(path.join(made, folder)).filter(filter)]).toEqual([
        folder,
        listFiles(path.join(REPO, folder)).filter(filter),
      ]);
    }
  });
});
