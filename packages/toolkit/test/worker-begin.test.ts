import { spawnSync } from "node:child_process";
import { cpSync, existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, edit, FIXTURES, tempDir } from "./helpers.js";

describe("render workers handed their jobs before the lint rules run", () => {
  it("end unused when a rule rejects the catalog: exit 1, the problem reported, nothing written", () => {
    const repo = tempDir("worker-begin");
    cpSync(path.join(FIXTURES, "kitchen-sink"), repo, { recursive: true });
    // A broken example loads into a model without errors; only the example-invalid rule, run after the jobs were handed out, finds it.
    edit(repo, "schemas/events/com.example.shop.order.placed.v1.json", (event) => {
      event.examples[0].total.amount = "twelve";
    });
    const result = spawnSync(process.execPath, [CLI, "generate", "--out", "out"], {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, EVENTCANON_CACHE: "off", EVENTCANON_WORKERS: "on" },
      timeout: 60_000,
    });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("example-invalid");
    expect(result.stderr).toContain("schemas/events/com.example.shop.order.placed.v1.json");
    expect(existsSync(path.join(repo, "out"))).toBe(false);
  });
});
