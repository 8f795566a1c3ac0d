import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOG_FILE } from "../../src/registry/store.js";
import { REPO, tempDir } from "../helpers.js";
import { call, failedStart, record, startServer } from "./serve-helpers.js";

const small = (name: string) => record(name, [{ name: "a", type: "string" }]);

describe("canon registry serve keeps every acknowledged registration", () => {
  it("killed with SIGKILL under concurrent registrations: every acknowledged one is there after a restart, with its id", async () => {
    const data = tempDir("registry-kill");
    const server = await startServer(data);
    const acknowledged: { subject: string; schema: string; id: number }[] = [];
    let stopped = false;
    const worker = async (w: number) => {
      for (let i = 0; !stopped; i++) {
        const subject = `kill-${w}-${i}-value`;
        const schema = small(`K${w}_${i}`);
        try {
          const answer = await call(server.url, "POST", `/subjects/${subject}/versions`, { schema });
          if (answer.status === 200) acknowledged.push({ subject, schema, id: answer.body.id });
        } catch {
          return; // The connection died with the process: that request was never acknowledged.
        }
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    while (acknowledged.length < 300) await new Promise((resolve) => setTimeout(resolve, 10));
    process.kill(server.child.pid as number, "SIGKILL");
    expect((await server.exited).signal).toBe("SIGKILL");
    stopped = true;
    await Promise.all(workers);

    const again = await startServer(data);
    try {
      for (const { subject, schema, id } of acknowledged) {
        const found = await call(again.url, "GET", `/subjects/${subject}/versions/1`);
        expect(found.body, subject).toMatchObject({ id, schema });
      }
      expect(new Set(acknowledged.map((a) => a.id)).size).toBe(acknowledged.length);
      const next = await call(again.url, "POST", "/subjects/after-kill-value/versions", { schema: small("AfterKill") });
      expect(next.body.id).toBeGreaterThan(Math.max(...acknowledged.map((a) => a.id)));
    } finally {
      again.child.kill("SIGTERM");
      await again.exited;
    }
  });

  it("a write that fails halfway (file size limit): 500, the log cut back to whole lines, and the id it took never given again", async () => {
    const data = tempDir("registry-fsize");
    const file = path.join(data, LOG_FILE);
    // 4 KiB for every file the server writes (bash counts ulimit -f in KiB); Node ignores SIGXFSZ, so the
    // write is cut short and the next one fails with EFBIG, as on a full disk.
    const limited = await startServer(data, { shell: "ulimit -f 4" });
    const ids: number[] = [];
    let big: string;
    try {
      for (let i = 0; i < 5; i++)
        ids.push((await call(limited.url, "POST", `/subjects/s${i}-value/versions`, { schema: small(`S${i}`) })).body.id);
      const before = readFileSync(file);
      big = record(
        "Big",
        Array.from({ length: 200 }, (_, i) => ({ name: `field_${i}`, type: "string" })),
      );
      const failed = await call(limited.url, "POST", "/subjects/big-value/versions", { schema: big });
      expect(failed).toEqual({
        status: 500,
        type: expect.any(String),
        body: { error_code: 50001, message: "Error in the backend data store: EFBIG: file too large, write" },
      });
      expect(readFileSync(file).equals(before)).toBe(true);
      // The failed registration took the next id; the next schema gets the one after it.
      const after = await call(limited.url, "POST", "/subjects/s5-value/versions", { schema: small("S5") });
      expect(after.body).toEqual({ id: (ids[4] as number) + 2, version: 1 });
      ids.push(after.body.id);
      expect((await call(limited.url, "GET", `/schemas/ids/${(ids[4] as number) + 1}`)).body.error_code).toBe(40403);
      expect(
        readFileSync(file, "utf8")
          .split("\n")
          .slice(0, -1)
          .map((l) => JSON.parse(l).subject),
      ).toEqual(["s0-value", "s1-value", "s2-value", "s3-value", "s4-value", "s5-value"]);
    } finally {
      limited.child.kill("SIGTERM");
      await limited.exited;
    }
    const again = await startServer(data);
    try {
      expect(again.stderr()).toBe("");
      for (const [i, id] of ids.entries()) expect((await call(again.url, "GET", `/subjects/s${i}-value/versions/1`)).body.id).toBe(id);
      const retried = await call(again.url, "POST", "/subjects/big-value/versions", { schema: big });
      expect(retried.body).toEqual({ id: (ids[5] as number) + 1, version: 1 });
    } finally {
      again.child.kill("SIGTERM");
      await again.exited;
    }
  });

  it("a second server on the same data folder is refused while the first runs, naming its process; after a kill -9 the lock is taken over", async () => {
    const data = tempDir("registry-lock");
    const first = await startServer(data);
    try {
      const acknowledged = await call(first.url, "POST", "/subjects/locked-value/versions", { schema: small("Locked") });
      const pid = first.child.pid as number;
      const second = await failedStart(data);
      expect(second.code).toBe(1);
      expect(second.stderr).toBe(
        `${path.relative(REPO, path.join(data, LOG_FILE))} (document) error[registry-data-in-use]: another canon registry serve (process ${pid}) is using this log: two servers would write over each other's records\n` +
          `    hint: stop that one, or give this one another --data folder; if process ${pid} is not a registry server, remove ${LOG_FILE}.lock\n` +
          "1 error in 1 file\n",
      );
      // The refused one wrote nothing: the first still serves what it acknowledged, and can write.
      expect((await call(first.url, "GET", "/subjects/locked-value/versions/1")).body.id).toBe(acknowledged.body.id);
      expect((await call(first.url, "POST", "/subjects/locked-2-value/versions", { schema: small("Locked2") })).status).toBe(200);
      process.kill(pid, "SIGKILL");
      await first.exited;
      expect(readFileSync(path.join(data, `${LOG_FILE}.lock`), "utf8")).toBe(`${pid}\n`);
      const after = await startServer(data);
      try {
        expect((await call(after.url, "GET", "/subjects/locked-2-value/versions/1")).status).toBe(200);
        expect(readFileSync(path.join(data, `${LOG_FILE}.lock`), "utf8")).toBe(`${after.child.pid}\n`);
      } finally {
        after.child.kill("SIGTERM");
        await after.exited;
      }
    } finally {
      first.child.kill("SIGKILL");
    }
  });
});
