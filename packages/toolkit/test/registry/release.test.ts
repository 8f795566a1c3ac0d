import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/load/config.js";
import { readHistory } from "../../src/load/history.js";
import { serveRegistry } from "../../src/registry/server.js";
import { canon, edit, git, gitRepoOf, REPO, tempDir } from "../helpers.js";

const EVENT = "schemas/events/org.example.shop.order.placed.v1.json";
const RELEASED = "registry/org.example.shop.order.placed.v1";

describe("canon release: the append-only registry/ history", () => {
  let repo: string;
  beforeAll(() => {
    repo = gitRepoOf("lint/base", "release");
  });

  it("refuses an event without the x-topic its subject strategy needs, and writes nothing", () => {
    const result = canon(["release"], repo);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${EVENT} (document) error[subject-conflict]: org.example.shop.order.placed.v1 has no x-topic`);
    expect(result.stderr).toContain("hint: add x-topic, or set subjects.strategy to record");
    expect(existsSync(path.join(repo, "registry"))).toBe(false);
  });

  it("releases version 1 with ids and fingerprints, and a second run changes nothing", () => {
    edit(repo, EVENT, (e) => {
      e["x-topic"] = "shop-order-lifecycle";
    });
    const first = canon(["release"], repo);
    expect(first.stderr).toBe("");
    expect(first.stdout).toContain("released org.example.shop.order.placed.v1 v1 (id 1, key id 2)");
    expect(first.stdout).toContain(
      "1 released, 0 unchanged -> registry\nnext: canon generate, so that the packages ship the new release history and ids\n",
    );
    for (const file of ["v1.avsc", "v1.key.avsc", "v1.schema.json"]) expect(existsSync(path.join(repo, RELEASED, file))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(repo, RELEASED, "v1.key.avsc"), "utf8"))).toBe("long");
    const before = readFileSync(path.join(repo, "registry/index.jsonl"), "utf8");
    const second = canon(["release"], repo);
    expect(second.stdout).toContain("0 released, 1 unchanged");
    expect(second.stdout).not.toContain("next: canon generate");
    expect(readFileSync(path.join(repo, "registry/index.jsonl"), "utf8")).toBe(before);
    expect(canon(["registry", "verify"], repo).stdout).toContain("1 released versions, every file as released");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "release 1");
  });

  it("a compatible change becomes version 2 with a new value id and the same key id", () => {
    edit(repo, EVENT, (e) => {
      e.properties.gift = { type: ["boolean", "null"], default: null, description: "Gift wrap." };
    });
    const dry = canon(["release", "--dry-run", "--format", "json"], repo);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      ok: true,
      dryRun: true,
      released: [{ event: "org.example.shop.order.placed.v1", version: 2, id: 3, keyId: 2 }],
    });
    expect(existsSync(path.join(repo, RELEASED, "v2.avsc"))).toBe(false);
    const result = canon(["release"], repo);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("ok   org.example.shop.order.placed.v1 (BACKWARD)");
    expect(result.stdout).toContain("released org.example.shop.order.placed.v1 v2 (id 3, key id 2)");
    const entries = readHistory(loadConfig(repo)).entries;
    expect(entries.map((e) => [e.version, e.value.id, e.key?.id])).toEqual([
      [1, 1, 2],
      [2, 3, 2],
    ]);
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "release 2");
  });

  it("refuses an incompatible change, says why on the line, and releases nothing", () => {
    edit(repo, EVENT, (e) => {
      e.properties.gift = { type: "boolean", description: "Gift wrap." };
      e.required.push("gift");
      e.examples[0].gift = true;
    });
    const index = readFileSync(path.join(repo, "registry/index.jsonl"), "utf8");
    const result = canon(["release"], repo);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("FAIL org.example.shop.order.placed.v1 (BACKWARD)");
    expect(result.stdout).toContain("INCOMPATIBLE BACKWARD AVRO_UNION_BRANCH_UNMATCHED at /fields/gift");
    expect(result.stderr).toContain("nothing was released");
    expect(readFileSync(path.join(repo, "registry/index.jsonl"), "utf8")).toBe(index);
    expect(existsSync(path.join(repo, RELEASED, "v3.avsc"))).toBe(false);
    git(repo, "checkout", "-q", "--", EVENT);
  });

  it("serves both versions, and registers nothing new when the same schemas come back", async () => {
    const server = await serveRegistry({ config: loadConfig(repo), port: 0, host: "127.0.0.1" });
    try {
      const subject = encodeURIComponent("shop-order-lifecycle-org.example.shop.order.placed.v1.OrderPlacedV1");
      expect(await (await fetch(`${server.url}/subjects/${subject}/versions`)).json()).toEqual([1, 2]);
      // The key (customer.id, an Avro long) under edx-event-bus-kafka's key subject: <topic>-<key schema name>.
      expect(await (await fetch(`${server.url}/subjects/shop-order-lifecycle-long/versions`)).json()).toEqual([1]);
    } finally {
      await server.close();
    }
  });

  it("catches a released file edited by hand, a removed one, an unlisted one and a rewritten index line", () => {
    const avsc = path.join(repo, RELEASED, "v1.avsc");
    writeFileSync(avsc, readFileSync(avsc, "utf8").replace("OrderPlacedV1", "OrderPlaced"));
    rmSync(path.join(repo, RELEASED, "v2.schema.json"));
    writeFileSync(path.join(repo, RELEASED, "v3.avsc"), '"string"\n');
    const index = path.join(repo, "registry/index.jsonl");
    const lines = readFileSync(index, "utf8").split("\n");
    writeFileSync(index, [lines[0]?.replace('"mode":"BACKWARD"', '"mode":"NONE"'), ...lines.slice(1)].join("\n"));

    const verify = canon(["registry", "verify"], repo);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(`${RELEASED}/v1.avsc (document) error[registry-edited]: changed after it was released`);
    expect(verify.stderr).toContain(
      `registry/index.jsonl:2:1 (document) error[registry-edited]: ${RELEASED}/v2.schema.json was released and is now missing`,
    );
    expect(verify.stderr).toContain(`${RELEASED}/v3.avsc (document) error[registry-unlisted-file]`);

    const check = canon(["check", "--base", "HEAD"], repo);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(
      "registry/index.jsonl:1:1 (document) error[registry-rewritten]: line 1 was released and has been changed",
    );
    expect(check.stderr).toContain(`${RELEASED}/v1.avsc (document) error[registry-edited]: released and then modified since the base`);
    expect(check.stderr).toContain(
      `${RELEASED}/v2.schema.json (document) error[registry-edited]: released and then deleted since the base`,
    );
    // A release over a damaged registry is refused before anything is written.
    appendFileSync(path.join(repo, EVENT), "");
    expect(canon(["release"], repo).code).toBe(1);
    git(repo, "checkout", "-q", "--", ".");
    rmSync(path.join(repo, RELEASED, "v3.avsc"));
    expect(canon(["registry", "verify"], repo).code).toBe(0);
  });

  it("record strategy: subjects named by the Avro full name", async () => {
    const config = { ...loadConfig(repo), subjects: { strategy: "record" as const, topicPrefix: "" } };
    const server = await serveRegistry({ config, port: 0, host: "127.0.0.1" });
    try {
      expect(await (await fetch(`${server.url}/subjects`)).json()).toEqual(["long", "org.example.shop.order.placed.v1.OrderPlacedV1"]);
    } finally {
      await server.close();
    }
  });
});

describe("canon release on the Open edX catalog names the consumer services that must move", () => {
  const file = (eventType: string) => `schemas/events/${eventType}.json`;
  const submitted = "org.openedx.learning.exam.attempt.submitted.v1";
  const fresh = () => {
    const dir = tempDir("release-openedx");
    for (const entry of ["schemas", "services", "registry", "eventcanon.config.json"])
      cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
    return dir;
  };
  /** `id (owner X)` for each consumer the event file lists, from the service files. */
  const consumers = (dir: string, eventType: string) =>
    (JSON.parse(readFileSync(path.join(dir, file(eventType)), "utf8"))["x-consumers"] as string[])
      .map((id) => {
        const owner = (JSON.parse(readFileSync(path.join(dir, "services", `${id}.json`), "utf8")) as { owner: string | null }).owner;
        return `${id} (${owner === null ? "no owner on record" : `owner ${owner}`})`;
      })
      .join(", ");

  it("a new major version lists the previous major version's consumers and their owners", () => {
    const dir = fresh();
    const v2 = submitted.replace(/v1$/, "v2");
    cpSync(path.join(dir, file(submitted)), path.join(dir, file(v2)));
    edit(dir, file(v2), (e) => {
      e.$id = e.$id.replace(".v1.json", ".v2.json");
      e["x-event-type"] = v2;
      e.title = "ExamAttemptSubmittedV2";
    });
    const result = canon(["release", "--dry-run"], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`would release ${v2} v1 (id `);
    expect(result.stdout).toContain(`\n  consumers of ${submitted} that must move to ${v2}: ${consumers(dir, submitted)}\n`);
  });

  it("an incompatible change is refused and names the consumers that would break", () => {
    const dir = fresh();
    // A field without a default: a consumer reading an old message has no value for it.
    edit(dir, "schemas/types/ExamAttemptData.json", (t) => {
      t.properties.attempt_number = { type: "integer", description: "Which attempt this is." };
      t.required = [...t.required, "attempt_number"];
    });
    for (const action of ["submitted", "rejected", "verified", "errored", "reset"]) {
      edit(dir, file(`org.openedx.learning.exam.attempt.${action}.v1`), (e) => {
        e.examples = e.examples.map((x: { exam_attempt: object }) => ({ ...x, exam_attempt: { ...x.exam_attempt, attempt_number: 1 } }));
      });
    }
    const result = canon(["release", "--dry-run"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`consumers of ${submitted} that must move before this ships: ${consumers(dir, submitted)}`);
  });
});
