import { cpSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { canon, edit, git, gitRepoOf, REPO, tempDir } from "../helpers.js";

const EVENT = "schemas/events/org.example.shop.order.placed.v1.json";
const CUSTOMER = "schemas/types/Customer.json";

/** 1-based line and column of the n-th occurrence of `needle` in a file. */
function positionOf(repo: string, file: string, needle: string, occurrence = 1): string {
  const lines = readFileSync(path.join(repo, file), "utf8").split("\n");
  let seen = 0;
  for (const [i, line] of lines.entries()) {
    const col = line.indexOf(needle);
    if (col >= 0 && ++seen === occurrence) return `line=${i + 1},col=${col + 1}`;
  }
  throw new Error(`${needle} not in ${file}`);
}

/** Starts `repo` from its base commit, applies a change, commits it, and checks against HEAD~1. */
function checkAfter(repo: string, base: string, apply: () => void, ...args: string[]) {
  git(repo, "reset", "-q", "--hard", base);
  apply();
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "change");
  return canon(["check", "--base", "HEAD~1", ...args], repo);
}

describe("canon check --base, end to end in a git repository", () => {
  let repo: string;
  let base: string;

  beforeAll(() => {
    repo = gitRepoOf("lint/base", "check");
    base = git(repo, "rev-parse", "HEAD").trim();
  });

  const scenario = (apply: () => void, ...args: string[]) => checkAfter(repo, base, apply, ...args);

  it("a compatible change passes and bumps the minor version", () => {
    const result = scenario(() =>
      edit(repo, EVENT, (e) => {
        e.properties.gift = { type: ["boolean", "null"], default: null, description: "Gift wrap." };
      }),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("ok   org.example.shop.order.placed.v1 (BACKWARD): 0 incompatible");
    expect(result.stdout).toContain("minorversion 0 -> 1");
    expect(result.stdout).toContain("OPTIONAL_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL at /properties/gift");
  });

  it("an Avro-only break is annotated on the event file GitHub has, the title naming the Avro schema", () => {
    const github = scenario(
      () =>
        edit(repo, CUSTOMER, (t) => {
          t["x-avro-name"] = "Client";
        }),
      "--format",
      "github",
    );
    expect(github.code).toBe(1);
    const errors = github.stdout.split("\n").filter((l) => l.startsWith("::error "));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^::error file=${EVENT.replace(/\./g, "\\.")},${positionOf(repo, EVENT, '"customer": {')},title=org\\.example\\.shop\\.order\\.placed\\.v1%3A AVRO_NAME_MISMATCH \\(Avro\\)::BACKWARD /fields/customer: `,
      ),
    );
  });

  it("places a change in the generated Avro on the schema line its part came from, in a shared type's file too", () => {
    const result = scenario(() =>
      edit(repo, CUSTOMER, (t) => {
        t.properties.vip = { type: "boolean", default: false, description: "Served first." };
      }),
    );
    expect(result.code).toBe(0);
    const [line, column] = positionOf(repo, CUSTOMER, '"vip"').match(/\d+/g) as [string, string];
    expect(result.stdout).toContain(
      `AVRO_FIELD_ADDED_WITH_DEFAULT at /fields/customer/fields/vip (${CUSTOMER}:${line}:${column} (Avro)): `,
    );
    const withoutEmail = () => {
      edit(repo, CUSTOMER, (t) => {
        delete t.properties.email;
        t.required = ["id"];
      });
      edit(repo, EVENT, (e) => {
        for (const example of e.examples) delete example.customer.email;
      });
    };
    const json = JSON.parse(scenario(withoutEmail, "--format", "json").stdout);
    const removed = json.changes.find((c: { kind: string }) => c.kind === "AVRO_FIELD_REMOVED");
    // A field the new version no longer has: the properties of the record that held it.
    expect(removed).toMatchObject({ file: `${EVENT} (Avro)`, source: { file: CUSTOMER, pointer: "/properties" } });
    expect(`line=${removed.source.line},col=${removed.source.column}`).toBe(positionOf(repo, CUSTOMER, '"properties"'));
  });

  it("a doc-only change is allowed and reported as such", () => {
    const result = scenario(() =>
      edit(repo, EVENT, (e) => {
        e.description = "Someone bought something.";
      }),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("doc-only change: minorversion stays 0");
    expect(result.stdout).toContain("DESCRIPTION_CHANGED at /description");
  });

  it("an incompatible change in a shared type fails on the event that uses it, pointing at the keyword", () => {
    const apply = () =>
      edit(repo, CUSTOMER, (t) => {
        t.properties.id.minimum = 1;
      });
    const text = scenario(apply);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("FAIL org.example.shop.order.placed.v1 (BACKWARD)");
    expect(text.stdout).toContain("MINIMUM_ADDED at /properties/customer/properties/id/minimum");
    expect(text.stdout).toContain(
      "fix: make it compatible (add a default, make it optional), or create org.example.shop.order.placed.v2.json (a new major version)",
    );

    const github = scenario(apply, "--format", "github");
    expect(github.code).toBe(1);
    const where = positionOf(repo, CUSTOMER, '"minimum": 1');
    expect(github.stdout.split("\n")).toEqual([
      `::error file=${CUSTOMER},${where},title=org.example.shop.order.placed.v1%3A MINIMUM_ADDED::BACKWARD /properties/customer/properties/id/minimum: minimum was added: 1 [JSON Schema: incompatible under both policies]. Fix: make it compatible (add a default, make it optional), or create org.example.shop.order.placed.v2.json (a new major version)`,
      "1 checked, 1 incompatible",
      "",
    ]);

    const json = scenario(apply, "--format", "json");
    const report = JSON.parse(json.stdout) as {
      compatible: boolean;
      mode: string;
      changes: { kind: string; path: string; compatible: boolean; message: string }[];
    };
    expect(report.compatible).toBe(false);
    expect(report.mode).toBe("BACKWARD");
    expect(report.changes.map((c) => [c.kind, c.path, c.compatible])).toEqual([
      ["MINIMUM_ADDED", "/properties/customer/properties/id/minimum", false],
    ]);
  });

  it("FULL mode (x-compatibility) also fails what old consumers cannot read", () => {
    const result = scenario(() =>
      edit(repo, EVENT, (e) => {
        e["x-compatibility"] = "FULL";
        e.properties.gift = { type: ["boolean", "null"], default: null, description: "Gift wrap." };
      }),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("FORWARD PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL at /properties/gift");
    expect(result.stdout).toContain("[JSON Schema: incompatible under STRICT (LENIENT accepts it)]");
    expect(canon(["check", "--base", "HEAD~1", "--policy", "lenient"], repo).code).toBe(0);
  });

  it("a new major version passes and says which consumers must move", () => {
    const result = scenario(() => {
      const v2 = EVENT.replace(".v1.json", ".v2.json");
      cpSync(path.join(repo, EVENT), path.join(repo, v2));
      edit(repo, v2, (e) => {
        e.$id = e.$id.replace(".v1.json", ".v2.json");
        e["x-event-type"] = "org.example.shop.order.placed.v2";
        e.title = "OrderPlacedV2";
        e.required = [...e.required, "note"];
      });
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "new major version: consumers of org.example.shop.order.placed.v1 must subscribe to org.example.shop.order.placed.v2 to get the new fields",
    );
  });

  it("removing a released event file fails, pointing at the old file", () => {
    const result = scenario(() => rmSync(path.join(repo, EVENT)), "--format", "github");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`::error file=${EVENT},line=6,col=3,title=org.example.shop.order.placed.v1%3A EVENT_REMOVED::`);
  });

  it("reports a ref that does not exist as a usage error", () => {
    const result = canon(["check", "--base", "no-such-ref"], repo);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error[check-git-failed]: git rev-parse --verify --quiet no-such-ref^{commit} failed");
  });
});

describe("canon check on the Open edX catalog names the consumer services that must move, and their owners", () => {
  const EXAM_TYPES = ["submitted", "rejected", "verified", "errored", "reset"].map((a) => `org.openedx.learning.exam.attempt.${a}.v1`);
  const eventFile = (eventType: string) => `schemas/events/${eventType}.json`;
  let repo: string;
  let base: string;
  /** The service files as written, so that the expected names and owners come from the source of truth. */
  let services: Map<string, { id: string; owner: string | null }>;

  beforeAll(() => {
    repo = tempDir("check-openedx");
    for (const entry of ["schemas", "services", "registry", "eventcanon.config.json"])
      cpSync(path.join(REPO, entry), path.join(repo, entry), { recursive: true });
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "base");
    base = git(repo, "rev-parse", "HEAD").trim();
    services = new Map(
      readdirSync(path.join(repo, "services")).map((f) => {
        const s = JSON.parse(readFileSync(path.join(repo, "services", f), "utf8")) as { id: string; owner: string | null };
        return [s.id, s];
      }),
    );
  });

  const scenario = (apply: () => void, ...args: string[]) => checkAfter(repo, base, apply, ...args);

  const consumersOf = (eventType: string) =>
    JSON.parse(readFileSync(path.join(repo, eventFile(eventType)), "utf8"))["x-consumers"] as string[];
  const named = (id: string) => {
    const owner = services.get(id)?.owner;
    return `${id} (${owner === null || owner === undefined ? "no owner on record" : `owner ${owner}`})`;
  };

  it("the decision record's four edx-platform apps consume the exam events, and edx-exams alone produces them", () => {
    const union = new Set(EXAM_TYPES.flatMap(consumersOf));
    expect([...union].sort()).toEqual([
      "edx-platform-certificates",
      "edx-platform-credit",
      "edx-platform-grades",
      "edx-platform-instructor",
    ]);
    for (const eventType of EXAM_TYPES)
      expect(JSON.parse(readFileSync(path.join(repo, eventFile(eventType)), "utf8"))["x-producers"]).toEqual(["edx-exams"]);
  });

  it("a breaking edit to the exam attempt type fails all five events, each naming its consumers and their owners; the annotation says it on the line", () => {
    const apply = () =>
      edit(repo, "schemas/types/ExamAttemptData.json", (t) => {
        t.properties.exam_type.maxLength = 16;
      });
    const text = scenario(apply);
    expect(text.code).toBe(1);
    const named4 = new Set<string>();
    for (const eventType of EXAM_TYPES) {
      const consumers = consumersOf(eventType);
      expect(text.stdout).toContain(`FAIL ${eventType} (FULL_TRANSITIVE)`);
      expect(text.stdout).toContain(`consumers of ${eventType} that must move before this ships: ${consumers.map(named).join(", ")}\n`);
      for (const id of consumers) named4.add(id);
    }
    expect(named4.size).toBe(4);

    const github = scenario(apply, "--format", "github");
    expect(github.code).toBe(1);
    const where = positionOf(repo, "schemas/types/ExamAttemptData.json", '"maxLength": 16');
    const annotations = github.stdout.split("\n").filter((l) => l.startsWith("::error "));
    for (const eventType of EXAM_TYPES) {
      const mine = annotations.filter((l) => l.includes(`title=${eventType}%3A MAX_LENGTH_ADDED`));
      expect(mine.length).toBeGreaterThan(0);
      for (const line of mine) {
        expect(line).toContain(`file=schemas/types/ExamAttemptData.json,${where},`);
        expect(line).toContain(
          `. Affected consumers of ${eventType} that must move before this ships: ${consumersOf(eventType).map(named).join(", ")}`,
        );
      }
    }
  });

  it("a breaking edit to one exam event names only that event's consumers; --format json lists them as data", () => {
    const rejected = "org.openedx.learning.exam.attempt.rejected.v1";
    const apply = () =>
      edit(repo, eventFile(rejected), (e) => {
        e.properties.reason = { type: "string", description: "Why the review rejected it." };
        e.required = [...e.required, "reason"];
        e.examples = e.examples.map((x: object) => ({ ...x, reason: "a second person was in the room" }));
      });
    const json = JSON.parse(scenario(apply, "--format", "json").stdout) as {
      consumers?: { eventType: string; reason: string; services: { id: string; owner: string | null }[] };
    };
    expect(json.consumers?.reason).toBe("incompatible");
    expect(json.consumers?.services.map((s) => s.id)).toEqual(consumersOf(rejected));
    expect(json.consumers?.services.map((s) => s.owner)).toEqual(consumersOf(rejected).map((id) => services.get(id)?.owner));
    const text = scenario(apply);
    expect(text.stdout).not.toContain("edx-platform-instructor");
  });

  it("a new major version of an exam event names the consumers that must move to it (a notice in GitHub's format)", () => {
    const submitted = "org.openedx.learning.exam.attempt.submitted.v1";
    const v2 = submitted.replace(/v1$/, "v2");
    const result = scenario(
      () => {
        cpSync(path.join(repo, eventFile(submitted)), path.join(repo, eventFile(v2)));
        edit(repo, eventFile(v2), (e) => {
          e.$id = e.$id.replace(".v1.json", ".v2.json");
          e["x-event-type"] = v2;
          e.title = "ExamAttemptSubmittedV2";
          delete e["x-consumers"];
        });
      },
      "--format",
      "github",
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `::notice title=${v2}%3A new major version::consumers of ${submitted} that must move to ${v2}: ${consumersOf(submitted).map(named).join(", ")}`,
    );
  });
});
