import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/load/config.js";
import { readHistory } from "../../src/load/history.js";
import { type PushOptions, pushRegistry } from "../../src/registry/push.js";
import { type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { releasedSubjects } from "../../src/registry/subjects.js";
import { REPO, tempDir } from "../helpers.js";
import { faultyProxy } from "./faulty-proxy.js";

const config = loadConfig(REPO);
const subjects = releasedSubjects(readHistory(config), config);
const versionCount = subjects.reduce((n, s) => n + s.versions.length, 0);

/** An empty registry to push into: the same config, with no released history of its own. */
function emptyTarget(extra: { readOnly?: boolean } = {}): Promise<RunningRegistry> {
  return serveRegistry({
    config: { ...config, registry: tempDir("empty-registry") },
    port: 0,
    host: "127.0.0.1",
    data: tempDir("push-target"),
    ...extra,
  });
}

async function versionsOf(url: string): Promise<Map<string, number[]>> {
  const names = (await (await fetch(`${url}/subjects`)).json()) as string[];
  const out = new Map<string, number[]>();
  for (const name of names) out.set(name, (await (await fetch(`${url}/subjects/${encodeURIComponent(name)}/versions`)).json()) as number[]);
  return out;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function push(url: string, extra: Partial<PushOptions> = {}) {
  const log: string[] = [];
  return pushRegistry({ config, url, dryRun: false, log: (line) => log.push(line), baseDelayMs: 5, timeoutMs: 400, ...extra }).then(
    (r) => ({ ...r, log }),
  );
}

describe("canon registry push", () => {
  it("mirrors registry/ into an empty registry; a second push changes nothing", async () => {
    const target = await emptyTarget();
    closers.push(target.close);
    const dry = await push(target.url, { dryRun: true });
    expect(dry).toMatchObject({ ok: true, registered: versionCount, unchanged: 0 });
    expect((await versionsOf(target.url)).size).toBe(0);

    const first = await push(target.url);
    expect(first).toMatchObject({ ok: true, registered: versionCount, unchanged: 0, configured: subjects.length });
    const mirrored = await versionsOf(target.url);
    expect([...mirrored.keys()].sort()).toEqual(subjects.map((s) => s.subject).sort());
    for (const s of subjects) expect(mirrored.get(s.subject)).toEqual(s.versions.map((_, i) => i + 1));
    const level = await (await fetch(`${target.url}/config/${encodeURIComponent(subjects[0]?.subject ?? "")}`)).json();
    expect(level).toEqual({ compatibilityLevel: subjects[0]?.mode });
    // Identical key schemas share one id on the target too.
    const keyIds = new Set<number>();
    for (const s of subjects.filter((x) => x.role === "key")) {
      const latest = (await (await fetch(`${target.url}/subjects/${encodeURIComponent(s.subject)}/versions/latest`)).json()) as {
        id: number;
      };
      keyIds.add(latest.id);
    }
    expect(keyIds.size).toBe(new Set(subjects.filter((x) => x.role === "key").map((x) => x.versions[0]?.id)).size);

    const second = await push(target.url);
    expect(second).toMatchObject({ ok: true, registered: 0, unchanged: versionCount, configured: 0 });
  });

  it("retries 503s, dropped connections and answers that come too late, and registers each version once", async () => {
    const target = await emptyTarget();
    closers.push(target.close);
    const proxy = await faultyProxy(target.url, ({ method, n }) =>
      n % 7 === 0 ? "503" : n % 11 === 0 ? "drop" : method === "POST" && n % 41 === 0 ? "slow" : "pass",
    );
    closers.push(proxy.close);
    const result = await push(proxy.url);
    expect(result.ok).toBe(true);
    expect(result.log.filter((l) => l.includes("retry")).length).toBeGreaterThan(10);
    expect(result.log.some((l) => l.includes("no answer within 400 ms"))).toBe(true);
    const mirrored = await versionsOf(target.url);
    for (const s of subjects) expect(mirrored.get(s.subject)).toEqual(s.versions.map((_, i) => i + 1));
  });

  it("gives up after its attempts with the last error, and a rerun finishes the job", async () => {
    const target = await emptyTarget();
    closers.push(target.close);
    let down = false;
    const proxy = await faultyProxy(target.url, ({ method, url }) => {
      if (method === "POST" && url.endsWith("/versions") && url.includes("learning")) down = true;
      return down ? "503" : "pass";
    });
    closers.push(proxy.close);
    const failed = await push(proxy.url);
    expect(failed.ok).toBe(false);
    expect(failed.error).toMatch(/failed after 5 attempts: HTTP 503: Error while forwarding/);
    // Every subject holds a prefix of its versions, never a later one without an earlier one.
    for (const [subject, versions] of await versionsOf(target.url)) expect(versions, subject).toEqual(versions.map((_, i) => i + 1));
    const rerun = await push(target.url);
    expect(rerun.ok).toBe(true);
    expect(rerun.registered + failed.registered).toBe(versionCount);
  });

  it("stops on 409 with the server's message", async () => {
    const target = await emptyTarget();
    closers.push(target.close);
    const proxy = await faultyProxy(target.url, ({ method, url }) =>
      method === "POST" && url.endsWith("/versions") && url.includes("exam.attempt") ? "409" : "pass",
    );
    closers.push(proxy.close);
    const result = await push(proxy.url);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/registering in .*exam\.attempt.*: HTTP 409 409 Schema being registered is incompatible \(injected\)/);
  });

  it("checks before writing: an incompatible version already on the target stops the push with nothing written", async () => {
    const target = await emptyTarget();
    closers.push(target.close);
    const victim = subjects.find((s) => s.role === "value")?.subject ?? "";
    const clash = JSON.stringify({ type: "record", name: "CloudEvent", namespace: "clash", fields: [{ name: "only", type: "int" }] });
    // fetch sends a string as text/plain, which a Confluent registry refuses with 415.
    const headers = { "content-type": "application/vnd.schemaregistry.v1+json" };
    await fetch(`${target.url}/subjects/${encodeURIComponent(victim)}/versions`, {
      method: "POST",
      headers,
      body: JSON.stringify({ schema: clash }),
    });
    await fetch(`${target.url}/config/${encodeURIComponent(victim)}`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ compatibility: "BACKWARD" }),
    });
    const result = await push(target.url);
    expect(result.ok).toBe(false);
    expect(result.error).toContain(`${victim}: the registry finds the new version incompatible`);
    expect(result.error).toContain("nothing was pushed");
    expect([...(await versionsOf(target.url)).keys()]).toEqual([victim]);
  });

  it("sends basic auth from EVENTCANON_REGISTRY_USER and EVENTCANON_REGISTRY_PASSWORD", async () => {
    const saved = { ...process.env };
    process.env.EVENTCANON_REGISTRY_USERS = "pusher:pw";
    const target = await emptyTarget();
    closers.push(target.close);
    try {
      const refused = await push(target.url);
      expect(refused.ok).toBe(false);
      expect(refused.error).toMatch(/HTTP 401 40101 Unauthorized/);
      process.env.EVENTCANON_REGISTRY_USER = "pusher";
      process.env.EVENTCANON_REGISTRY_PASSWORD = "pw";
      expect((await push(target.url)).ok).toBe(true);
    } finally {
      process.env = saved;
    }
  });
});
