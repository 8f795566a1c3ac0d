import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canon, FIXTURES, REPO, tempDir } from "./helpers.js";

const ORDER_PLACED = "events/com.example.shop.order.placed.v1.html";

/** The "Import it" lines of an event page, unescaped. */
function importLines(site: string, page: string): string[] {
  const html = readFileSync(path.join(site, page), "utf8");
  const block = /<pre><code>((?:import|from) [^<]*)<\/code><\/pre>/.exec(html)?.[1] ?? "";
  return block.replaceAll("&quot;", '"').replaceAll("&amp;", "&").split("\n");
}

describe("the catalog's import lines", () => {
  it("name the packages that hold the output: the npm package's own name, the Python package's folder", () => {
    const repo = tempDir("site-imports");
    cpSync(path.join(FIXTURES, "kitchen-sink"), repo, { recursive: true });
    const without = path.join(repo, "site-without");
    expect(canon(["catalog", "--out", without], repo).code).toBe(0);
    // No package holds the TypeScript output: programs import the generated folder by its path.
    expect(importLines(without, ORDER_PLACED)).toEqual([
      'import { orderPlacedV1, type OrderPlacedV1 } from "./out/typescript/index.js";',
      "from python.shop import OrderPlacedV1",
    ]);

    mkdirSync(path.join(repo, "out"));
    writeFileSync(path.join(repo, "out/package.json"), JSON.stringify({ name: "@acme/shop-events" }));
    const withPackage = path.join(repo, "site-with");
    expect(canon(["catalog", "--out", withPackage], repo).code).toBe(0);
    expect(importLines(withPackage, ORDER_PLACED)[0]).toBe('import { orderPlacedV1, type OrderPlacedV1 } from "@acme/shop-events";');
  });

  it("are the Open edX packages' in the repository's catalog, AsyncAPI documents included", () => {
    const site = tempDir("site-openedx");
    expect(canon(["catalog", "--out", site], REPO).code).toBe(0);
    expect(importLines(site, "events/org.openedx.learning.exam.attempt.submitted.v1.html")).toEqual([
      'import { examAttemptSubmittedV1, type ExamAttemptSubmittedV1 } from "@eventcanon/openedx-events";',
      "from eventcanon_openedx.learning import ExamAttemptSubmittedV1",
    ]);
    expect(readFileSync(path.join(site, "services/edx-exams.html"), "utf8")).toContain(
      "<code>@eventcanon/openedx-events/asyncapi/edx-exams.asyncapi.json</code>",
    );
  });
});
